"""RDS instances: secure defaults, their security group opened by connections, the master secret's IAM."""

from __future__ import annotations

from typing import Any

import pytest

from tests.compiler.helpers import BASE, all_resources, cfn_lint_findings, compile_texts, compile_yaml, model_text, statements

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn]}
  dbs: {type: db_subnet_group, subnets: [priv_a, priv_b]}
  pg:
    type: rds_instance
    engine_version: "16"
    instance_class: db.m7g.large
    storage_gb: 100
    max_storage_gb: 500
    subnet_group: dbs
    database_name: shop
    port: 5433
    kms_key: key
    backup_retention_days: 14
  my: {type: rds_instance, engine: mysql, engine_version: "8.0", subnet_group: dbs, iam_auth: false}
  reader: {type: iam_role}
  fn2: {type: lambda_function, role: reader}
"""
CONNECTIONS = """\
  - {from: fn, to: pg, verb: query}
  - {from: fn, to: my, verb: tcp}
  - {from: reader, to: pg, verb: read}
  - {from: fn, to: logs, verb: logs}
  - {from: fn2, to: logs, verb: logs}
"""


def _res() -> dict[str, Any]:
    return all_resources(compile_yaml(RESOURCES, CONNECTIONS, network=True))


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES.replace("  alarm: {type: alarm, monitors: [fn]}\n",
                                                                                          "  alarm: {type: alarm, monitors: [fn, fn2]}\n"),
                                                                        CONNECTIONS, network=True))])
    assert [(d.code, d.message) for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    found = cfn_lint_findings(build)
    assert found == []


def test_the_instance_is_encrypted_private_protected_and_multi_az() -> None:
    res = _res()
    p = res["Pg"]["Properties"]
    assert (p["Engine"], p["EngineVersion"], p["DBInstanceClass"], p["AllocatedStorage"], p["MaxAllocatedStorage"]) == (
        "postgres", {"Ref": "PgEngineVersion"}, "db.m7g.large", "100", 500)
    assert (p["StorageEncrypted"], p["KmsKeyId"]) == (True, {"Fn::GetAtt": ["Key", "Arn"]})
    assert (p["PubliclyAccessible"], p["MultiAZ"], p["DeletionProtection"], p["BackupRetentionPeriod"]) == (False, True, True, 14)
    assert (p["ManageMasterUserPassword"], p["EnableIAMDatabaseAuthentication"]) == (True, True)
    assert p["MasterUserSecret"] == {"KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}
    assert (res["Pg"]["DeletionPolicy"], res["Pg"]["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert res["My"]["Properties"]["EnableCloudwatchLogsExports"] == ["error", "general", "slowquery"]


def test_connections_open_the_instance_group_to_the_caller_on_its_port() -> None:
    res = _res()
    ingress = [(r["Properties"]["FromPort"], r["Properties"]["GroupId"], r["Properties"]["SourceSecurityGroupId"])
               for r in res.values() if r["Type"] == "AWS::EC2::SecurityGroupIngress"]
    fn_sg = {"Fn::GetAtt": ["FnSecurityGroup", "GroupId"]}
    assert (5433, {"Fn::GetAtt": ["PgSecurityGroup", "GroupId"]}, fn_sg) in ingress
    assert (3306, {"Fn::GetAtt": ["MySecurityGroup", "GroupId"]}, fn_sg) in ingress
    env = res["Fn"]["Properties"]["Environment"]["Variables"]
    assert (env["PG_ENDPOINT"], env["PG_PORT"]) == ({"Fn::GetAtt": ["Pg", "Endpoint.Address"]}, "5433")


def test_query_and_read_grant_the_master_secret_only() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    st = statements(build, "Role")
    assert st["PgQuerySecret"]["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    assert st["PgQuerySecret"]["Resource"] == {"Fn::GetAtt": ["Pg", "MasterUserSecret.SecretArn"]}
    assert st["PgQuerySecretKey"]["Action"] == ["kms:Decrypt"]
    assert "MyTcpSecret" not in st  # tcp opens the network only
    assert statements(build, "Reader")["PgReadSecret"]["Resource"] == {"Fn::GetAtt": ["Pg", "MasterUserSecret.SecretArn"]}


def test_a_mysql_major_version_alone_is_refused_by_the_model() -> None:
    from archc.diagnostics import ModelError

    with pytest.raises(ModelError) as err:
        compile_texts(("main.yaml", model_text("  dbs: {type: db_subnet_group, subnets: [priv_a, priv_b]}\n"
                                               "  my: {type: rds_instance, engine: mysql, engine_version: '8', subnet_group: dbs}\n", network=True)))
    assert "MySQL engine versions are major.minor or longer, e.g. 8.0 or 8.4, not 8" in str(err.value)


def test_a_major_version_becomes_a_deploy_parameter_constrained_to_it() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    params = {k: v for st in build.stacks for k, v in st.template.get("Parameters", {}).items()}
    assert params["PgEngineVersion"]["AllowedPattern"] == r"^16\.[0-9]+(-rds\.[0-9]+)?$"
    assert params["MyEngineVersion"]["AllowedPattern"] == r"^8\.0\.[0-9]+(-rds\.[0-9]+)?$"
