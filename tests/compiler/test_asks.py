"""archc.compiler.asks: a resource's own asks come before its connections', in the order templates show them."""

from __future__ import annotations

from archc.compiler.asks import gather
from archc.compiler.context import Context
from archc.compiler.declare import declare
from archc.model.loader import load_texts
from tests.compiler.helpers import BASE, model_text

MODEL = model_text(
    """\
  role: {type: iam_role}
  key: {type: kms_key}
  logs: {type: log_group, kms_key: key}
  topic: {type: sns_topic, kms_key: key}
  alarm: {type: alarm, monitors: [fn], signals: [errors]}
  data: {type: s3_bucket}
  fn: {type: lambda_function, role: role, subnets: [priv_a]}
""",
    "  - {from: fn, to: data, verb: read}\n  - {from: alarm, to: topic, verb: notify}\n",
    network=True,
)


def test_contributions_then_connections() -> None:
    ctx = Context(load_texts([("model.yaml", BASE), ("main.yaml", MODEL)]).architecture)
    declare(ctx)
    asks = gather(ctx)
    assert [s.sid for s in asks.grants["role"]] == ["FnLogs", "VpcNetworkInterfaces", "DataReadObjects", "DataReadList"]
    assert [s["Sid"] for s in asks.key_statements["key"]] == ["CloudWatchLogsEncrypt", "CloudWatchAlarmsPublish"]
    assert [r.description for r in asks.egress[ctx.sg["fn"]]] == ["HTTPS to AWS service endpoints"]
    assert len(asks.alarm_actions["alarm"]) == 1
    assert not ctx.errors


STREAMS = model_text(
    """\
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  jobs: {type: sqs_queue}
  orders: {type: dynamodb_table, partition_key: {name: pk}}
  clicks: {type: kinesis_stream}
  nightly: {type: eventbridge_rule, event_pattern: {source: [shop]}}
""",
    "  - {from: fn, to: jobs, verb: send}\n  - {from: orders, to: fn, verb: trigger}\n  - {from: clicks, to: fn, verb: trigger}\n"
    "  - {from: nightly, to: jobs, verb: trigger}\n",
)


def test_sources_of_the_newer_types_ask_through_contribute_before_connections() -> None:
    ctx = Context(load_texts([("model.yaml", BASE), ("main.yaml", STREAMS)]).architecture)
    declare(ctx)
    asks = gather(ctx)
    sids = [s.sid for s in asks.grants["role"]]
    # the function's own, then what the table's and the stream's triggers ask (contribute), then its connections
    assert sids.index("FnFromOrdersStream") < sids.index("FnFromClicks") < sids.index("JobsSend")
    assert [s["Sid"] for s in asks.queue_statements["jobs"]] == ["FromNightly"]
    assert not ctx.errors


OWNING = model_text(
    """\
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, timeout_seconds: 30}
  jobs: {type: sqs_queue, visibility_timeout_seconds: 180}
  topic: {type: sns_topic}
  uploads: {type: s3_bucket}
  pager: {type: external, kind: service, endpoint: "https://pager.example.com/hook"}
  svc_fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
  dbsub: {type: db_subnet_group, subnets: [priv_a, priv_b]}
  db: {type: aurora_cluster, engine_version: '15.4', subnet_group: dbsub}
""",
    "  - {from: jobs, to: fn, verb: trigger}\n  - {from: uploads, to: fn, verb: trigger}\n  - {from: topic, to: fn, verb: notify}\n"
    "  - {from: topic, to: pager, verb: notify}\n  - {from: topic, to: jobs, verb: notify}\n  - {from: svc_fn, to: db, verb: query}\n",
    network=True,
)


def test_the_ask_phase_adds_no_unit_and_phase_3_adds_what_connections_own() -> None:
    from archc.compiler.asks import add_owned

    ctx = Context(load_texts([("model.yaml", BASE), ("main.yaml", OWNING)]).architecture)
    declare(ctx)
    ctx.asks = gather(ctx)
    assert ctx.units == {} and not ctx.errors
    owned = [type(o.resource).__name__ for o in ctx.asks.owned]
    assert owned == ["EventSourceMapping", "Permission", "SubscriptionResource", "Permission", "SubscriptionResource",
                     "SubscriptionResource", "SecurityGroupIngress"]
    add_owned(ctx)
    assert list(ctx.units) == [o.resource.title for o in ctx.asks.owned]
