"""Phase 2, connections: what each connection asks of its ends, verb by verb.

Data verbs become least-privilege IAM statements on the acting role (`archc.compiler.iam.ACCESS`);
``query`` also opens the database's security group to the caller's; ``trigger`` becomes an event
source mapping, an S3 notification or an SNS subscription, with the invoke permission; ``notify``
becomes alarm actions and subscriptions; ``origin`` and ``https`` open the load balancer's security
group to CloudFront or the internet. A verb that means nothing between two types is an error.

What a connection asks of a resource goes into the `AsksBuilder` (read by that resource's compile
function in phase 3), and so do the resources a connection owns (a subscription, an event source
mapping, an invoke permission, an ingress rule): `asks.add_owned` adds them first in phase 3.
"""

from __future__ import annotations

import re
from typing import Any

from troposphere import awslambda, s3, sns

from archc.catalog import BUILT_BY_SOURCE, IAM_VERBS, VERBS
from archc.compiler.context import AsksBuilder, Context, SgRule, need
from archc.compiler.data import db_port, key_service_statement, s3_name
from archc.compiler.efs import mount_of, mount_statements
from archc.compiler.iam import access, db_cluster, principal_roles
from archc.compiler.naming import camel
from archc.compiler.network import cloudfront_prefix_list, ingress
from archc.compiler.services import SERVICE_PORTS, WIRING_ENV, refused
from archc.model.queries import verb_fits
from archc.model.resources import (
    AuroraReaders,
    CfnResource,
    EcsService,
    EcsTaskDefinition,
    External,
    LambdaFunction,
    LoadBalancer,
    MetricNamespace,
    SnsTopic,
    SqsQueue,
)

DATABASES = ("aurora_cluster", "aurora_readers", "rds_instance")  # reached through a security group (query, read, tcp)


def env_name(rid: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", rid.upper()).strip("_") or "X"


def _acting(ctx: Context, rid: str) -> list[str]:
    """The model ids whose connections a compute resource carries: a task definition acts for the services running it too."""
    if ctx.type_of(rid) == "ecs_task_definition":
        return [rid] + ctx.index.services_of.get(rid, [])
    return [rid]


def wiring_env(ctx: Context, rid: str) -> dict[str, Any]:
    """Environment variables that tell code where its connections' targets are (names, URLs, ARNs; never secrets)."""
    from archc.compiler.compute import invoke_arn

    env: dict[str, Any] = {}
    for actor in _acting(ctx, rid):
        for _, conn in ctx.out.get(actor, []):
            t, tt, verb = conn.target, ctx.type_of(conn.target), conn.verb
            if t == rid:
                continue  # its own name is in AWS_LAMBDA_FUNCTION_NAME; its own ARN here would be a circular reference
            name = env_name(t)
            if tt == "s3_bucket":
                env[f"{name}_BUCKET"] = s3_name(ctx, t)
            elif tt == "secret":
                env[f"{name}_SECRET_ARN"] = ctx.ref(t)
            elif tt == "aurora_cluster":
                env[f"{name}_ENDPOINT"] = ctx.ref(t, "Endpoint.Address")
                env[f"{name}_PORT"] = str(db_port(ctx, t))
                env[f"{name}_SECRET_ARN"] = ctx.ref(t, "MasterUserSecret.SecretArn")
            elif tt == "aurora_readers":
                env[f"{name}_ENDPOINT"] = ctx.ref(need(ctx.get(t, AuroraReaders).cluster), "ReadEndpoint.Address")
                env[f"{name}_PORT"] = str(db_port(ctx, t))
            elif tt == "sqs_queue" and verb != "trigger":
                env[f"{name}_QUEUE_URL"] = ctx.ref(t)
            elif tt == "sns_topic":
                env[f"{name}_TOPIC_ARN"] = ctx.ref(t)
            elif tt == "lambda_function" and verb == "invoke":
                env[f"{name}_FUNCTION"] = invoke_arn(ctx, t)
            elif tt == "metric_namespace":
                env[f"{name}_NAMESPACE"] = ctx.get(t, MetricNamespace).namespace
            elif tt == "iam_role" and verb == "assume_role":
                env[f"{name}_ROLE_ARN"] = ctx.role_arn(t)
            elif tt in WIRING_ENV and verb != "trigger":
                env.update(WIRING_ENV[tt](ctx, t, name))
    return env


def sg_holders(ctx: Context, rid: str) -> list[str]:
    """The model ids whose security groups carry *rid*'s traffic (a task definition's traffic leaves through its services)."""
    t = ctx.type_of(rid)
    if t == "ecs_task_definition":
        return [s for s in _acting(ctx, rid)[1:] if s in ctx.sg]
    return [rid] if rid in ctx.sg else []


def _no_meaning(ctx: Context, i: int, help: str | None = None) -> None:
    """Connection *i* compiles to nothing. `_check` has refused the model already: the rules
    ARC110, ARC111 and ARC132 (`archc.rules.buildable.connection_problem`) say why, in one place."""


def compile_connection(ctx: Context, ask: AsksBuilder, i: int) -> None:
    """Connection *i*: what it asks of its ends, or an error when its verb means nothing between them."""
    conn = ctx.arch.connections[i]
    s, t, verb = conn.source, conn.target, conn.verb
    st, tt = ctx.type_of(s), ctx.type_of(t)
    info = VERBS[verb]
    if verb == "relates":
        _no_meaning(ctx, i, "give the connection a verb (read, write, query, invoke…) so archc knows what to build")
        return
    if not verb_fits(info, st, tt):
        _no_meaning(ctx, i, f"'{verb}' goes from {', '.join(info.sources) or 'anything'} to {', '.join(info.targets) or 'anything'}")
        return
    if refused(ctx, i) or (verb, st) in BUILT_BY_SOURCE:
        return  # types that do not pair (ARC116), or built by the source (archc.compiler.services)
    if verb in IAM_VERBS and not (verb == "publish" and st == "alarm"):
        _grant(ctx, ask, i, s, t, verb)
        if (verb == "query" and tt in DATABASES) or (verb == "read" and tt in ("aurora_cluster", "rds_instance")) or tt in SERVICE_PORTS:
            _database_access(ctx, ask, i, s, t)
        return
    if verb == "invoke":
        if st == "api_gateway":
            return  # the API's integration (archc.compiler.edge)
        if principal_roles(ctx, s, verb) is None and not isinstance(ctx.arch.resources[s], CfnResource):
            _no_meaning(ctx, i, "only code (a function, a task) or an API gateway invokes a function; "
                                "put an api_gateway between external callers and the function")
            return
        _grant(ctx, ask, i, s, t, verb)
    elif verb == "trigger":
        _trigger(ctx, ask, i, s, t)
    elif verb in ("notify", "publish"):
        _notify(ctx, ask, i, s, t)
    elif verb == "tcp":
        _tcp(ctx, ask, i, s, t)
    elif verb in ("origin", "https", "http", "forward", "route", "run", "replicate"):
        _traffic(ctx, ask, i, s, t, verb)
    else:
        _no_meaning(ctx, i)


def _traffic(ctx: Context, ask: AsksBuilder, i: int, s: str, t: str, verb: str) -> None:
    """Verbs that carry traffic to a load balancer, a target group or a task (and replication)."""
    path = ("connections", i)
    st, tt = ctx.type_of(s), ctx.type_of(t)
    if verb == "origin":
        if tt == "load_balancer":
            lb = ctx.get(t, LoadBalancer)
            https = next((x for x in lb.listeners if x.protocol == "HTTPS"), None)
            port = https.port if https else lb.listeners[0].port
            ingress(ctx, ask, t, port, f"CloudFront ({s}) to its origin", prefix_list=cloudfront_prefix_list(ctx), node=t)
    elif verb in ("https", "http"):
        if tt == "load_balancer":
            _to_load_balancer(ctx, ask, path, s, t, verb)
        # to CloudFront, API Gateway, WAF or an external service: nothing to open
    elif verb == "forward":
        if st == "web_acl" and tt in ("api_gateway", "load_balancer"):
            ask.web_acls[t].append(s)  # the API's stage or the load balancer gets the association (archc.compiler.edge)
        # load balancer → target group: the listener (archc.compiler.edge)
    elif verb == "route":
        if tt == "lambda_function":
            return  # ARC132 refuses this before compiling
        # target group → ECS service: the service registers (archc.compiler.compute)
    elif verb == "run":
        runs = ctx.get(s, EcsService).task_definition
        if runs != t:
            return  # ARC132 refuses this before compiling
    # replicate: the source bucket's replication configuration (archc.compiler.data)


def _escape_hatch_grant(ctx: Context, ask: AsksBuilder, i: int, s: str, t: str, verb: str) -> None:
    """A connection from or to an escape hatch (`archc.compiler.escape_hatch`; ARC122 reports the same refusals)."""
    from archc.compiler import escape_hatch

    roles: list[str] | str | None = (escape_hatch.acting_roles(ctx, s) if isinstance(ctx.arch.resources[s], CfnResource)
                                     else principal_roles(ctx, s, verb))
    if roles is None:
        _no_meaning(ctx, i, "only functions, tasks, services, roles and escape hatches with a role act on other resources")
        return
    if isinstance(roles, str):
        ctx.error(("connections", i), f"{ctx.who(s)}: {roles}", help="a Role property set to {Fn::GetAtt: [role_id, Arn]} names the role")
        return
    if not roles:
        ctx.error(("connections", i), f"{ctx.who(s)} needs a task_role to {verb} '{t}'",
                  help=f"give '{s}' a task_role: the permissions for its connections go on it")
        return
    stmts = escape_hatch.statements(ctx, verb, t) if isinstance(ctx.arch.resources[t], CfnResource) else access(ctx, verb, t)
    if isinstance(stmts, str):
        ctx.error(("connections", i), f"connection {s} → {t}: {stmts}")
        return
    if stmts is None:
        _no_meaning(ctx, i)
        return
    for role in roles:
        for stmt in stmts:
            ask.grant(role, stmt)
        if verb == "assume_role":
            ask.trust_roles[t].setdefault(role, ("connections", i))


def _to_load_balancer(ctx: Context, ask: AsksBuilder, path: tuple[str, int], s: str, t: str, verb: str) -> None:
    """HTTP(S) into a load balancer: from the internet on its listener ports, or from a caller's security group."""
    lb = ctx.get(t, LoadBalancer)
    ports = [x.port for x in lb.listeners if x.protocol == verb.upper()]
    for port in ports:
        if ctx.type_of(s) == "external":
            redirect = all(x.action == "redirect_https" for x in lb.listeners if x.port == port)
            skips = {"CKV_AWS_260": f"port {port} only redirects to HTTPS (the listener's action is redirect_https)"} if redirect else None
            ingress(ctx, ask, t, port, f"{s} ({verb.upper()})", cidr="0.0.0.0/0", node=t, skips=skips)
        else:
            for holder in sg_holders(ctx, s):
                ask.egress(holder, SgRule(f"to {t} ({verb.upper()})", port, dest_sg=ctx.ref(ctx.sg[t], "GroupId")))
                ingress(ctx, ask, t, port, f"{s} ({verb.upper()})", source=holder, node=t)


def _grant(ctx: Context, ask: AsksBuilder, i: int, s: str, t: str, verb: str) -> None:
    if isinstance(ctx.arch.resources[s], CfnResource) or isinstance(ctx.arch.resources[t], CfnResource):
        _escape_hatch_grant(ctx, ask, i, s, t, verb)
        return
    roles = principal_roles(ctx, s, verb)
    if roles is None:
        _no_meaning(ctx, i, "only functions, tasks, services and roles act on other resources")
        return
    if not roles:
        return  # ARC132 refuses this before compiling
    mount = mount_of(ctx, s, t) if ctx.type_of(t) == "efs_file_system" else None
    stmts = mount_statements(ctx, verb, t, mount) if mount is not None else access(ctx, verb, t)
    if stmts is None:
        _no_meaning(ctx, i)
        return
    for role in roles:
        for stmt in stmts:
            ask.grant(role, stmt)
        if verb == "assume_role":
            ask.trust_roles[t].setdefault(role, ("connections", i))


def _database_access(ctx: Context, ask: AsksBuilder, i: int, s: str, t: str) -> None:
    db = db_cluster(ctx, t)
    if ctx.type_of(s) == "iam_role":
        return  # a role holds no network position: the secret grant is all
    nfs = ctx.type_of(db) == "efs_file_system"  # an EFS file system's mount targets: NFS (archc.compiler.efs)
    holders = sg_holders(ctx, s)
    if not holders:
        return  # ARC230 (archc.rules.buildable.database_reach) refuses this before compiling
    port, what = SERVICE_PORTS.get(ctx.type_of(db)) or (db_port(ctx, db), "database")
    for holder in holders:
        ask.egress(holder, SgRule(f"to {db} ({what})", port, dest_sg=ctx.ref(ctx.sg[db], "GroupId")))
        ingress(ctx, ask, db, port, f"{holder} {'mounts' if nfs else 'queries' if what == 'database' else 'connects to'} {db}", source=holder, node=db)


def _trigger(ctx: Context, ask: AsksBuilder, i: int, s: str, t: str) -> None:
    from archc.compiler.compute import invoke_arn

    st, tt = ctx.type_of(s), ctx.type_of(t)
    if tt == "alarm":
        if st != "metric_namespace":
            _no_meaning(ctx, i, "an alarm is triggered by metrics: monitor the resource with the alarm's monitors field")
        return  # the alarm evaluates the metrics of the resources it monitors (archc.compiler.monitoring)
    fn = ctx.get(t, LambdaFunction)
    if st == "sqs_queue":
        q = ctx.get(s, SqsQueue)
        if q.visibility_timeout_seconds < fn.timeout_seconds:
            return  # ARC132 refuses this before compiling
        _grant(ctx, ask, i, t, s, "trigger")
        ask.add(awslambda.EventSourceMapping(ctx.new_id(t, f"From{camel(s)}"), EventSourceArn=ctx.ref(s, "Arn"),
                                             FunctionName=invoke_arn(ctx, t), BatchSize=10, Enabled=True,
                                             FunctionResponseTypes=["ReportBatchItemFailures"]), t)
    elif st == "s3_bucket":
        name = s3_name(ctx, s)
        perm = ctx.new_id(t, f"{camel(s)}Permission")
        ask.add(awslambda.Permission(perm, Action="lambda:InvokeFunction", FunctionName=invoke_arn(ctx, t), Principal="s3.amazonaws.com",
                                     SourceArn=f"arn:aws:s3:::{name}", SourceAccount=ctx.placement(s).account_id), t)
        ask.bucket_notifications[s].append(s3.LambdaConfigurations(Event="s3:ObjectCreated:*", Function=invoke_arn(ctx, t)))
        ask.bucket_after[s].append(perm)
    elif st == "sns_topic":
        _subscribe_lambda(ctx, ask, s, t)


def _subscribe_lambda(ctx: Context, ask: AsksBuilder, topic: str, fn: str) -> None:
    from archc.compiler.compute import invoke_arn

    ask.add(sns.SubscriptionResource(ctx.new_id(topic, f"To{camel(fn)}"), TopicArn=ctx.ref(topic), Protocol="lambda",
                                     Endpoint=invoke_arn(ctx, fn)), topic)
    ask.add(awslambda.Permission(ctx.new_id(fn, f"{camel(topic)}Permission"), Action="lambda:InvokeFunction", FunctionName=invoke_arn(ctx, fn),
                                 Principal="sns.amazonaws.com", SourceArn=ctx.ref(topic)), fn)


def _notify(ctx: Context, ask: AsksBuilder, i: int, s: str, t: str) -> None:
    st, tt = ctx.type_of(s), ctx.type_of(t)
    if st == "alarm":
        if tt != "sns_topic":
            _no_meaning(ctx, i, "an alarm notifies an sns_topic; subscribe the receiver to the topic")
            return
        ask.alarm_actions[s].append(ctx.ref(t))
        topic = ctx.get(t, SnsTopic)
        if topic.encrypted and topic.kms_key:  # CloudWatch publishes to the encrypted topic with the key
            key_service_statement(ask, topic.kms_key, "CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"])
        return
    # from an SNS topic
    if tt == "external":
        ext = ctx.get(t, External)
        endpoint: Any = ext.endpoint or ctx.param(f"{camel(t)}Endpoint", "String",
                                                  f"HTTPS endpoint where topic {s} delivers to {t} (e.g. its integration URL; a secret)",
                                                  no_echo=True)
        ask.add(sns.SubscriptionResource(ctx.new_id(s, f"To{camel(t)}"), TopicArn=ctx.ref(s), Protocol="https", Endpoint=endpoint), s)
    elif tt == "lambda_function":
        _subscribe_lambda(ctx, ask, s, t)
    elif tt == "sqs_queue":
        ask.add(sns.SubscriptionResource(ctx.new_id(s, f"To{camel(t)}"), TopicArn=ctx.ref(s), Protocol="sqs", Endpoint=ctx.ref(t, "Arn"),
                                         RawMessageDelivery=True), s)
        ask.queue_statements[t].append({"Sid": f"From{camel(s)}", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                                        "Action": "sqs:SendMessage", "Resource": ctx.ref(t, "Arn"),
                                        "Condition": {"ArnEquals": {"aws:SourceArn": ctx.ref(s)}}})
        q = ctx.get(t, SqsQueue)
        if q.encrypted and q.kms_key:
            key_service_statement(ask, q.kms_key, "SnsDelivers", "sns.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"])
    else:
        _no_meaning(ctx, i)


def _tcp(ctx: Context, ask: AsksBuilder, i: int, s: str, t: str) -> None:
    tt = ctx.type_of(t)
    if tt in DATABASES or tt in SERVICE_PORTS:  # the network side of a data verb, without its IAM
        _database_access(ctx, ask, i, s, t)
        return
    ports: list[int] = []
    if tt == "ecs_service":
        ports = [_container_port(ctx, t)]
    elif tt == "load_balancer":
        ports = [x.port for x in ctx.get(t, LoadBalancer).listeners]
    holders = sg_holders(ctx, s)
    if not ports or not holders or t not in ctx.sg:
        _no_meaning(ctx, i, "tcp opens a security group between two resources that have one (a service, a VPC function, a load balancer, a database)")
        return
    for holder in holders:
        for port in ports:
            ask.egress(holder, SgRule(f"to {t} (TCP)", port, dest_sg=ctx.ref(ctx.sg[t], "GroupId")))
            ingress(ctx, ask, t, port, f"{holder} (TCP)", source=holder, node=t)


def _container_port(ctx: Context, service: str) -> int:
    return ctx.get(need(ctx.get(service, EcsService).task_definition), EcsTaskDefinition).container.port


def wire_load_balancers(ctx: Context, ask: AsksBuilder) -> None:
    """Open each load balancer's group to the services behind its target groups, on the container port."""
    from archc.compiler.compute import target_groups_of

    services_of_tg: dict[str, list[str]] = {}
    for svc, res in ctx.of_type(EcsService):
        if res.task_definition:
            for tg in target_groups_of(ctx, svc, res):
                services_of_tg.setdefault(tg, []).append(svc)
    for lb, lres in ctx.of_type(LoadBalancer):
        if lb not in ctx.sg:
            continue
        for listener in lres.listeners:
            if listener.target_group is None:
                continue
            for svc in services_of_tg.get(listener.target_group, []):
                if svc in ctx.sg:
                    port = _container_port(ctx, svc)
                    ask.egress(lb, SgRule(f"to {svc} (targets)", port, dest_sg=ctx.ref(ctx.sg[svc], "GroupId")))
                    ingress(ctx, ask, svc, port, f"{lb} forwards to {svc}", source=lb, node=svc)
