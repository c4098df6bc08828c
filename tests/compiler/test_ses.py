"""SES identities: a domain signing with Easy DKIM, its records published in its zone, an email address;
`send` grants exactly ses:SendEmail and ses:SendRawEmail on the identity, from its own addresses only."""

from __future__ import annotations

from tests.compiler.helpers import BASE, all_resources, cfn_lint_findings, compile_yaml, model_text, of_type, statements

RESOURCES = """\
  zone: {type: route53_zone, domain: example.com}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn]}
  mailer: {type: ses_identity, identity: mail.example.com, zone: zone}
  noreply: {type: ses_identity, identity: noreply@example.org}
  legacy: {type: ses_identity, identity: example.net, dkim_key_length: 1024, lint: {ignore: {ARC126: "example.net's DNS is not in Route 53"}}}
"""
CONNECTIONS = """\
  - {from: fn, to: mailer, verb: send}
  - {from: fn, to: noreply, verb: send}
  - {from: fn, to: logs, verb: logs}
"""


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = cfn_lint_findings(build)
    assert found == []


def test_a_domain_signs_with_dkim_and_publishes_its_records_in_its_zone() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    res = all_resources(build)
    mailer = res["Mailer"]["Properties"]
    assert mailer == {"EmailIdentity": "mail.example.com", "FeedbackAttributes": {"EmailForwardingEnabled": True},
                      "DkimAttributes": {"SigningEnabled": True}, "DkimSigningAttributes": {"NextSigningKeyLength": "RSA_2048_BIT"}}
    records = {k: v["Properties"] for k, v in of_type(build, "AWS::Route53::RecordSet").items() if k.startswith("MailerDkim")}
    assert sorted(records) == ["MailerDkim1", "MailerDkim2", "MailerDkim3"]
    assert records["MailerDkim2"] == {"HostedZoneId": {"Ref": "Zone"}, "Type": "CNAME", "TTL": "1800",
                                      "Name": {"Fn::GetAtt": ["Mailer", "DkimDNSTokenName2"]},
                                      "ResourceRecords": [{"Fn::GetAtt": ["Mailer", "DkimDNSTokenValue2"]}]}
    assert res["Legacy"]["Properties"]["DkimSigningAttributes"] == {"NextSigningKeyLength": "RSA_1024_BIT"}
    assert not any(k.startswith("LegacyDkim") for k in res)  # no zone: published by hand (ARC126)
    address = res["Noreply"]["Properties"]
    assert address == {"EmailIdentity": "noreply@example.org", "FeedbackAttributes": {"EmailForwardingEnabled": True}}


def test_send_grants_the_two_send_actions_on_the_identity_from_its_own_addresses() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = statements(build, "Role")
    domain, address = found["MailerSend"], found["NoreplySend"]
    assert domain["Action"] == ["ses:SendEmail", "ses:SendRawEmail"]
    assert domain["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:ses:us-west-2:111111111111:identity/mail.example.com"}
    assert domain["Condition"] == {"StringLike": {"ses:FromAddress": "*@mail.example.com"}}
    assert address["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:ses:us-west-2:111111111111:identity/noreply@example.org"}
    assert address["Condition"] == {"StringEquals": {"ses:FromAddress": "noreply@example.org"}}
    env = all_resources(build)["Fn"]["Properties"]["Environment"]["Variables"]
    assert (env["MAILER_IDENTITY"], env["NOREPLY_IDENTITY"]) == ("mail.example.com", "noreply@example.org")


def test_a_state_machine_sends_from_the_identity() -> None:
    machine = """\
  mailer: {type: ses_identity, identity: noreply@example.org}
  flow:
    type: state_machine
    definition:
      StartAt: Mail
      States:
        Mail: {Type: Task, Resource: "arn:aws:states:::aws-sdk:sesv2:sendEmail", Parameters: {FromEmailAddress: "${mailer}"}, End: true}
"""
    build = compile_yaml(machine, "  - {from: flow, to: mailer, verb: send}\n")
    res = all_resources(build)
    assert res["Flow"]["Properties"]["DefinitionSubstitutions"]["mailer"] == "noreply@example.org"
    assert statements(build, "FlowRole")["MailerSend"]["Action"] == ["ses:SendEmail", "ses:SendRawEmail"]
