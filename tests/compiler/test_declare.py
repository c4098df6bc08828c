"""archc.compiler.declare: the ids later phases refer to exist before anything compiles."""

from __future__ import annotations

from archc.compiler.context import Context
from archc.compiler.declare import declare
from archc.model.loader import load_texts
from tests.compiler.helpers import BASE, model_text

MODEL = model_text(
    """\
  role: {type: iam_role}
  logs: {type: log_group, retention_days: 30}
  sg: {type: security_group, vpc: vpc}
  fn: {type: lambda_function, role: role, subnets: [priv_a], security_groups: [sg], provisioned_concurrency: 1}
  bare: {type: lambda_function, role: role}
  dbnet: {type: db_subnet_group, subnets: [priv_a, priv_b]}
  db: {type: aurora_cluster, engine_version: "15.4", subnet_group: dbnet}
  readers: {type: aurora_readers, cluster: db}
""",
    "  - {from: fn, to: logs, verb: logs}\n",
    network=True,
)


def _declared() -> Context:
    ctx = Context(load_texts([("model.yaml", BASE), ("main.yaml", MODEL)]).architecture)
    declare(ctx)
    return ctx


def test_groups_logs_aliases_and_trust() -> None:
    ctx = _declared()
    d = ctx.declared
    assert ctx.sg["fn"] == ctx.main["sg"]  # its first explicit group
    assert ctx.sg["db"] == "DbSecurityGroup" and d.groups["DbSecurityGroup"].owner == "db"
    assert ctx.sg["readers"] == ctx.sg["db"]  # readers share their cluster's group
    assert "bare" not in ctx.sg  # not in a VPC
    assert d.log_group == {"fn": ctx.main["logs"], "bare": "BareLogGroup"}
    assert d.generated_log_group == {"bare"}
    assert d.alias == {"fn": "FnAlias"}
    assert d.trust_services["role"] == {"lambda.amazonaws.com"}
    assert d.igw_attachment == {"vpc": "IgwAttachment"} == {"vpc": d.attachment["igw"]}


NEWER = model_text(
    """\
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  api: {type: api_gateway, kind: http}
  pool: {type: cognito_user_pool}
  web: {type: cognito_user_pool_client, user_pool: pool, apis: [api]}
  open_api: {type: api_gateway, kind: rest}
  flow: {type: state_machine, definition: {StartAt: A, States: {A: {Type: Succeed}}}}
  dbnet: {type: db_subnet_group, subnets: [priv_a, priv_b]}
  pg: {type: rds_instance, engine_version: "16", subnet_group: dbnet}
  fs: {type: efs_file_system, subnets: [priv_a]}
""",
    "  - {from: api, to: fn, verb: invoke}\n  - {from: open_api, to: fn, verb: invoke}\n",
    network=True,
)


def test_the_newer_types_declare_what_others_name() -> None:
    ctx = Context(load_texts([("model.yaml", BASE), ("main.yaml", NEWER)]).architecture)
    declare(ctx)
    d = ctx.declared
    # a gateway endpoint routes in a subnet's table: every subnet's table id is known before compiling
    assert d.route_table == {s: f"{''.join(p.capitalize() for p in s.split('_'))}RouteTable"
                             for s in ("pub_a", "pub_b", "priv_a", "priv_b")}
    assert d.authorizer == {"api": "ApiAuthorizer"}  # only APIs a client names get one
    assert d.log_group["flow"] == "FlowLogGroup" and "flow" in d.generated_log_group
    assert ctx.sg["pg"] == "PgSecurityGroup" and d.groups["PgSecurityGroup"].description == "pg (database)"
    assert ctx.sg["fs"] == "FsSecurityGroup" and d.groups["FsSecurityGroup"].vpc == "vpc"
