"""DynamoDB tables: keys, billing, point-in-time recovery, TTL, streams, global secondary indexes and
KMS encryption; the least-privilege statements of the verbs that reach a table; stream triggers.

Secure defaults: encrypted with KMS (the model's key, else the AWS-managed ``aws/dynamodb`` key),
point-in-time recovery on, deletion protection on, kept when the stack is deleted or the table
replaced. A `trigger` connection from a table to a function becomes a Lambda event source mapping
on the table's stream (the stream is turned on with new and old images when the model names no
view), and the function's role gets the stream-reading statements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from troposphere import Sub, awslambda, dynamodb

from archc.compiler.context import AsksBuilder, Context, Statement
from archc.compiler.naming import camel
from archc.model.resources import DynamoDbTable

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
STREAM_VIEWS = {"new_image": "NEW_IMAGE", "old_image": "OLD_IMAGE", "new_and_old_images": "NEW_AND_OLD_IMAGES", "keys_only": "KEYS_ONLY"}
TABLE_CLASSES = {"standard": "STANDARD", "standard_infrequent_access": "STANDARD_INFREQUENT_ACCESS"}
DEFAULT_STREAM_VIEW = "new_and_old_images"  # what a trigger turns on when the model names no view

# The actions of each verb on a table. ``query`` is key-condition reads only (Query, GetItem,
# BatchGetItem): no Scan. ``read`` adds Scan and ConditionCheckItem. DescribeTable lets SDKs and
# health checks see the table's shape; it reveals no items.
READ_ACTIONS = ("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem",
                "dynamodb:Query", "dynamodb:Scan")
QUERY_ACTIONS = ("dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query")
WRITE_ACTIONS = ("dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable",
                 "dynamodb:PutItem", "dynamodb:UpdateItem")
INDEX_ACTIONS = ("dynamodb:Query", "dynamodb:Scan")  # the only actions that take an index ARN
STREAM_ACTIONS = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
LIST_STREAMS_REASON = "dynamodb:ListStreams has no resource-level permissions (Lambda lists a table's streams when it polls them)"


def stream_view(ctx: Context, rid: str) -> str | None:
    """The table's stream view (model value), turned on by a trigger when the model names none."""
    res = ctx.get(rid, DynamoDbTable)
    if res.stream:
        return str(res.stream)
    return DEFAULT_STREAM_VIEW if triggers(ctx, rid) else None


def triggers(ctx: Context, rid: str) -> list[tuple[int, str]]:
    """(connection index, function) of each `trigger` connection out of table *rid*."""
    return [(i, c.target) for i, c in ctx.out.get(rid, []) if c.verb == "trigger" and ctx.type_of(c.target) == "lambda_function"]


def _key_schema(partition: Any, sort: Any) -> list[dynamodb.KeySchema]:
    out = [dynamodb.KeySchema(AttributeName=partition.name, KeyType="HASH")]
    if sort is not None:
        out.append(dynamodb.KeySchema(AttributeName=sort.name, KeyType="RANGE"))
    return out


def _attributes(res: DynamoDbTable) -> list[dynamodb.AttributeDefinition]:
    """Every key attribute of the table and its indexes, once each, sorted (the validator made their types agree)."""
    found: dict[str, str] = {}
    for key in [res.partition_key, res.sort_key] + [k for ix in res.indexes for k in (ix.partition_key, ix.sort_key)]:
        if key is not None:
            found.setdefault(key.name, key.type)
    return [dynamodb.AttributeDefinition(AttributeName=n, AttributeType=t) for n, t in sorted(found.items())]


def _same_place(ctx: Context, rid: str) -> list[tuple[int, str]]:
    """The triggers of table *rid* that can be built: those in another account or region are an error."""
    out = []
    for i, fn in triggers(ctx, rid):
        if ctx.placement(fn).group != ctx.placement(rid).group:
            ctx.error(("connections", i), f"{ctx.who(rid)} triggers '{fn}' in another account or region",
                      help="a stream triggers functions of its own account and region; put the function beside the table")
            continue
        out.append((i, fn))
    return out


def contribute_dynamodb_table(ctx: Context, ask: AsksBuilder, rid: str, res: DynamoDbTable) -> None:
    """Each function the table's stream triggers: the stream-reading statements on its role."""
    from archc.compiler.iam import principal_roles

    for _, fn in _same_place(ctx, rid):
        stmts = stream_statements(ctx, rid, camel(fn) + "From" + camel(rid))
        for role in principal_roles(ctx, fn, "trigger") or []:
            for stmt in stmts:
                ask.grant(role, stmt)


def compile_dynamodb_table(ctx: Context, rid: str, res: DynamoDbTable) -> None:
    lid = ctx.main[rid]
    provisioned = res.billing_mode == "provisioned"
    sse: dict[str, Any] = {"SSEEnabled": True, "SSEType": "KMS"}
    if res.kms_key:
        sse["KMSMasterKeyId"] = ctx.ref(res.kms_key, "Arn")
    props: dict[str, Any] = {
        "AttributeDefinitions": _attributes(res),
        "KeySchema": _key_schema(res.partition_key, res.sort_key),
        "BillingMode": "PROVISIONED" if provisioned else "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification": dynamodb.PointInTimeRecoverySpecification(PointInTimeRecoveryEnabled=res.point_in_time_recovery),
        "SSESpecification": dynamodb.SSESpecification(**sse),
        "DeletionProtectionEnabled": res.deletion_protection,
        "TableClass": TABLE_CLASSES[res.table_class],
        **RETAIN,
    }
    if res.table_name:
        props["TableName"] = res.table_name
    if provisioned:
        props["ProvisionedThroughput"] = dynamodb.ProvisionedThroughput(ReadCapacityUnits=res.read_capacity, WriteCapacityUnits=res.write_capacity)
    if res.ttl_attribute:
        props["TimeToLiveSpecification"] = dynamodb.TimeToLiveSpecification(AttributeName=res.ttl_attribute, Enabled=True)
    view = stream_view(ctx, rid)
    if view:
        props["StreamSpecification"] = dynamodb.StreamSpecification(StreamViewType=STREAM_VIEWS[view])
    if res.indexes:
        indexes = []
        for ix in res.indexes:
            gsi: dict[str, Any] = {"IndexName": ix.name, "KeySchema": _key_schema(ix.partition_key, ix.sort_key),
                                   "Projection": dynamodb.Projection(ProjectionType="ALL" if ix.projection == "all" else "KEYS_ONLY")}
            if provisioned:
                gsi["ProvisionedThroughput"] = dynamodb.ProvisionedThroughput(ReadCapacityUnits=ix.read_capacity, WriteCapacityUnits=ix.write_capacity)
            indexes.append(dynamodb.GlobalSecondaryIndex(**gsi))
        props["GlobalSecondaryIndexes"] = indexes
    unit = ctx.add(dynamodb.Table(lid, **props), rid)
    if not res.kms_key:
        unit.skip("CKV_AWS_119", "encrypted with the AWS-managed aws/dynamodb KMS key; the model names no customer-managed key")
    if not res.point_in_time_recovery:
        unit.skip("CKV_AWS_28", "the model turns point-in-time recovery off for this table")
    for _, fn in triggers(ctx, rid):
        if ctx.placement(fn).group == ctx.placement(rid).group:  # else: contribute_dynamodb_table said so
            _stream_trigger(ctx, rid, fn)


def _stream_trigger(ctx: Context, table: str, fn: str) -> None:
    """An event source mapping from the table's stream to *fn* (its role's permissions: `contribute_dynamodb_table`)."""
    from archc.compiler.compute import invoke_arn

    ctx.add(awslambda.EventSourceMapping(
        ctx.new_id(fn, f"From{camel(table)}"), EventSourceArn=ctx.ref(table, "StreamArn"), FunctionName=invoke_arn(ctx, fn),
        StartingPosition="LATEST", BatchSize=100, MaximumBatchingWindowInSeconds=1, Enabled=True, BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=10, MaximumRecordAgeInSeconds=86400, FunctionResponseTypes=["ReportBatchItemFailures"]), fn)


# --- IAM ---------------------------------------------------------------------------------------


def _key(ctx: Context, table: str, sid: str, actions: tuple[str, ...]) -> list[Statement]:
    key = ctx.get(table, DynamoDbTable).kms_key
    if not key:
        return []  # the AWS-managed key: DynamoDB uses it for any principal the table's permissions allow
    cond = {"StringEquals": {"kms:ViaService": f"dynamodb.{ctx.placement(table).region}.amazonaws.com"}}
    return [Statement(f"{sid}Key", actions, [ctx.ref(key, "Arn")], cond)]


def index_arns(ctx: Context, table: str) -> list[Any]:
    """The ARN of each of the table's global secondary indexes, by name (never ``index/*``)."""
    return [Sub(f"${{Table}}/index/{ix.name}", Table=ctx.ref(table, "Arn")) for ix in ctx.get(table, DynamoDbTable).indexes]


def _items(actions: tuple[str, ...], key_actions: tuple[str, ...]) -> Callable[[Context, str, str], list[Statement]]:
    def build(ctx: Context, table: str, sid: str) -> list[Statement]:
        out = [Statement(sid, actions, [ctx.ref(table, "Arn")])]
        on_index = tuple(a for a in actions if a in INDEX_ACTIONS)
        indexes = index_arns(ctx, table)
        if on_index and indexes:
            out.append(Statement(f"{sid}Indexes", on_index, indexes))
        return out + _key(ctx, table, sid, key_actions)
    return build


def stream_statements(ctx: Context, table: str, sid: str) -> list[Statement]:
    return [Statement(f"{sid}Stream", STREAM_ACTIONS, [ctx.ref(table, "StreamArn")]),
            Statement(f"{sid}ListStreams", ("dynamodb:ListStreams",), ["*"], reason=LIST_STREAMS_REASON)] + _key(
        ctx, table, f"{sid}Stream", ("kms:Decrypt",))


# (verb, "dynamodb_table") → the statements a principal needs; merged into archc.compiler.iam.ACCESS.
ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    ("read", "dynamodb_table"): _items(READ_ACTIONS, ("kms:Decrypt",)),
    ("query", "dynamodb_table"): _items(QUERY_ACTIONS, ("kms:Decrypt",)),
    ("write", "dynamodb_table"): _items(WRITE_ACTIONS, ("kms:Decrypt", "kms:GenerateDataKey")),
    ("read_write", "dynamodb_table"): _items(tuple(sorted(set(READ_ACTIONS) | set(WRITE_ACTIONS))), ("kms:Decrypt", "kms:GenerateDataKey")),
}


def wiring_env(ctx: Context, table: str, name: str) -> dict[str, Any]:
    """What code connected to the table is told: its name."""
    return {f"{name}_TABLE": ctx.ref(table)}
