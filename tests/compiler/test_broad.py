"""A model that uses most resource types and every verb archc compiles (outside the example) is cfn-lint clean."""

from __future__ import annotations

from tests.compiler.helpers import all_resources, cfn_lint_findings, compile_yaml, of_type

RESOURCES = """\
  role: {type: iam_role}
  exec: {type: iam_role}
  fn1: {type: lambda_function, role: role, reserved_concurrency: 5, environment: {MODE: prod}}
  fn2: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
  fn3: {type: lambda_function, role: role, provisioned_concurrency: 2}
  http: {type: api_gateway, kind: http, throttle_rate: 100, throttle_burst: 50}
  rest: {type: api_gateway, web_acl: acl}
  acl: {type: web_acl, ip_filtering: {mode: allow, addresses: [192.0.2.0/24]}, managed_rules: [ip_reputation, anonymous_ip]}
  up: {type: s3_bucket, encryption: s3, versioning: false}
  topic: {type: sns_topic, encrypted: false}
  q: {type: sqs_queue, fifo: true, encrypted: true, visibility_timeout_seconds: 60}
  dlq: {type: sqs_queue, fifo: true, retention_days: 14}
  q2: {type: sqs_queue, dead_letter_queue: dlq2}
  dlq2: {type: sqs_queue, retention_days: 14}
  sec: {type: secret, generate: false}
  lg: {type: log_group}
  cl: {type: ecs_cluster}
  task: {type: ecs_task_definition, vcpu: 0.5, memory_gib: 1, execution_role: exec, cpu_architecture: arm64}
  svc: {type: ecs_service, cluster: cl, task_definition: task, subnets: [priv_a, priv_b]}
  sg: {type: security_group, vpc: vpc, ingress: [{cidr: 10.1.0.0/16, port: 22, description: bastion}]}
  dbsub: {type: db_subnet_group, subnets: [priv_a, priv_b]}
  db: {type: aurora_cluster, engine: mysql, engine_version: '8.0.mysql_aurora.3.08.0', subnet_group: dbsub, serverless_v2: false}
  alarm: {type: alarm, monitors: [q2, db, http], signals: [queue_age, cpu, latency]}
"""
CONNECTIONS = """\
  - {from: http, to: fn1, verb: invoke}
  - {from: rest, to: fn1, verb: invoke}
  - {from: rest, to: fn3, verb: invoke}
  - {from: up, to: fn1, verb: trigger}
  - {from: topic, to: fn1, verb: notify}
  - {from: topic, to: q2, verb: notify}
  - {from: q, to: fn3, verb: trigger}
  - {from: fn1, to: fn3, verb: invoke}
  - {from: fn1, to: sec, verb: read_write}
  - {from: fn1, to: lg, verb: read}
  - {from: fn1, to: topic, verb: publish}
  - {from: fn1, to: q2, verb: send}
  - {from: fn2, to: svc, verb: tcp}
  - {from: fn2, to: db, verb: tcp}
  - {from: fn2, to: svc, verb: describe}
  - {from: fn2, to: fn1, verb: describe}
  - {from: alarm, to: topic, verb: publish}
  - {from: acl, to: rest, verb: forward}
"""


def test_broad_model_is_cfn_lint_clean() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    found = cfn_lint_findings(build)
    assert found == []


def test_a_function_invoking_a_function_of_the_same_role_gets_a_separate_policy() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    policy = all_resources(build)["RoleUsersPolicy"]["Properties"]
    assert policy["Roles"] == [{"Ref": "Role"}]
    sids = {s["Sid"] for s in policy["PolicyDocument"]["Statement"]}
    assert sids == {"Fn3Invoke", "Fn1Describe"}  # they name the role's own functions: inline they would make a cycle
    assert set(of_type(build, "AWS::IAM::Policy")) == {"RoleUsersPolicy"}
