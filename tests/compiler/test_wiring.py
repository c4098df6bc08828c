"""Connections that become wiring: event source mappings, schedules, alarm actions, replication, origins."""

from __future__ import annotations

from tests.compiler.helpers import ACCOUNT_ID, all_resources, compile_texts, compile_yaml, model_text, of_type, statements

FN = "  fn: {type: lambda_function, role: role, timeout_seconds: 60}\n  role: {type: iam_role}\n"


def test_sqs_trigger_makes_an_event_source_mapping_and_read_access() -> None:
    b = compile_yaml(FN + "  q: {type: sqs_queue, visibility_timeout_seconds: 360}\n", "  - {from: q, to: fn, verb: trigger}\n")
    esm = of_type(b, "AWS::Lambda::EventSourceMapping")
    assert list(esm) == ["FnFromQ"]
    assert esm["FnFromQ"]["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["Q", "Arn"]}
    assert esm["FnFromQ"]["Properties"]["FunctionName"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert statements(b, "Role")["QTrigger"]["Action"] == [
        "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"]


def test_schedule_makes_a_rule_and_the_permission_to_invoke() -> None:
    b = compile_yaml("  fn: {type: lambda_function, role: role, schedule: 'rate(1 hour)'}\n  role: {type: iam_role}\n")
    res = all_resources(b)
    rule = res["FnSchedule"]["Properties"]
    assert rule["ScheduleExpression"] == "rate(1 hour)"
    assert rule["Targets"] == [{"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}, "Id": "Fn"}]
    perm = res["FnSchedulePermission"]["Properties"]
    assert perm == {"Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}, "Principal": "events.amazonaws.com",
                    "SourceArn": {"Fn::GetAtt": ["FnSchedule", "Arn"]}}


def test_alarm_notifies_its_topic_and_the_topic_key_lets_cloudwatch_publish() -> None:
    b = compile_yaml(FN + "  key: {type: kms_key}\n  topic: {type: sns_topic, kms_key: key}\n"
                     "  alarm: {type: alarm, monitors: [fn], signals: [errors, throttles]}\n",
                     "  - {from: alarm, to: topic, verb: notify}\n")
    alarms = of_type(b, "AWS::CloudWatch::Alarm")
    assert sorted(alarms) == ["AlarmFnErrors", "AlarmFnThrottles"]
    for a in alarms.values():
        assert a["Properties"]["AlarmActions"] == [{"Ref": "Topic"}]
        assert a["Properties"]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}]
    key_policy = all_resources(b)["Key"]["Properties"]["KeyPolicy"]["Statement"]
    assert {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"} in key_policy


def test_topic_notifies_an_external_endpoint_given_at_deploy_time() -> None:
    b = compile_yaml("  topic: {type: sns_topic}\n  pager: {type: external, kind: service}\n", "  - {from: topic, to: pager, verb: notify}\n")
    sub = all_resources(b)["TopicToPager"]["Properties"]
    assert sub == {"TopicArn": {"Ref": "Topic"}, "Protocol": "https", "Endpoint": {"Ref": "PagerEndpoint"}}
    assert b.stacks[0].parameters["PagerEndpoint"]["NoEcho"] is True


def test_replication_configuration_role_and_order() -> None:
    text = model_text(
        "  src: {type: s3_bucket, name: src, kms_key: k1}\n  k1: {type: kms_key}\n"
        "  dst: {type: s3_bucket, name: dst, region: us-east-1, kms_key: k2}\n  k2: {type: kms_key, region: us-east-1}\n",
        "  - {from: src, to: dst, verb: replicate}\n")
    b = compile_texts(("main.yaml", text))
    res = all_resources(b)
    rep = res["Src"]["Properties"]["ReplicationConfiguration"]
    assert rep["Role"] == {"Fn::GetAtt": ["SrcReplicationRole", "Arn"]}
    rule = rep["Rules"][0]
    assert rule["Destination"]["Bucket"] == {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::dst-{ACCOUNT_ID}-us-east-1"}
    assert rule["Destination"]["EncryptionConfiguration"] == {"ReplicaKmsKeyID": {"Ref": "K2Arn"}}  # a parameter: another region
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    role = statements(b, "SrcReplicationRole")
    assert role["ReplicateDst"]["Action"] == ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"]
    assert role["EncryptDst"]["Resource"] == {"Ref": "K2Arn"}
    assert b.order == ["t-main-us-east-1", "t-main-us-west-2"]


def test_replication_needs_versioning_on_both_buckets() -> None:
    import pytest

    from archc.compiler.context import CompileError

    with pytest.raises(CompileError) as exc:
        compile_yaml("  a: {type: s3_bucket}\n  b: {type: s3_bucket, versioning: false}\n", "  - {from: a, to: b, verb: replicate}\n")
    assert [d.path for d in exc.value.diagnostics] == [("connections", 0)]
    assert "versioning" in exc.value.diagnostics[0].message


def test_cloudfront_origin_bucket_gets_an_origin_access_control_policy() -> None:
    b = compile_yaml("  site: {type: s3_bucket, name: site}\n  cdn: {type: cloudfront_distribution}\n", "  - {from: cdn, to: site, verb: origin}\n")
    policy = all_resources(b)["SitePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    cf = next(s for s in policy if s["Sid"] == "CloudFrontRead")
    assert cf["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert cf["Condition"] == {"StringEquals": {"AWS:SourceArn": {
        "Fn::Sub": [f"arn:${{AWS::Partition}}:cloudfront::{ACCOUNT_ID}:distribution/${{Dist}}", {"Dist": {"Ref": "Cdn"}}]}}}
    assert not any(s["Sid"] == "PublicRead" for s in policy)
