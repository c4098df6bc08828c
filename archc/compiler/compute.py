"""Compute: ECS clusters, Fargate task definitions and services (with auto scaling), Lambda functions
(with provisioned concurrency, schedules, VPC attachment)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from troposphere import Join, Sub, awslambda, ecs, events, logs

from archc.compiler.context import AsksBuilder, Context, Statement, need
from archc.compiler.efs import lambda_file_systems, mount_env, task_volumes
from archc.compiler.iam import ALL_RESOURCES_REASON
from archc.compiler.network import https_egress
from archc.compiler.scaling import cpu_target_tracking
from archc.model.resources import EcsCluster, EcsService, EcsTaskDefinition, LambdaFunction, SqsQueue


def _log_group(ctx: Context, rid: str) -> str:
    """The log group *rid* writes to (declared in phase 1); made here when the build generates it."""
    lid = ctx.declared.log_group[rid]
    if rid in ctx.declared.generated_log_group:
        unit = ctx.add(logs.LogGroup(lid, RetentionInDays=ctx.log_retention_days(rid), DeletionPolicy="Retain", UpdateReplacePolicy="Retain"), rid)
        unit.skip("CKV_AWS_158", "encrypted with the CloudWatch Logs service key; the model names no KMS key for these logs")
    return lid


def _logs_statement(ctx: Context, rid: str) -> Statement | None:
    """What compute *rid* needs to write its own log group, unless a `logs` connection grants it."""
    if any(c.verb == "logs" for _, c in ctx.out.get(rid, [])):
        return None
    return Statement(f"{ctx.main[rid]}Logs", ("logs:CreateLogStream", "logs:PutLogEvents"), [ctx.ref(ctx.declared.log_group[rid], "Arn")])


def _traced(ctx: Context, rid: str) -> bool:
    return any(c.verb == "traces" for _, c in ctx.out.get(rid, []))


# --- ECS ---------------------------------------------------------------------------------------


def compile_ecs_cluster(ctx: Context, rid: str, res: EcsCluster) -> None:
    props: dict[str, Any] = {"ClusterSettings": [ecs.ClusterSetting(Name="containerInsights", Value="enabled" if res.container_insights else "disabled")]}
    if res.cluster_name:
        props["ClusterName"] = res.cluster_name
    ctx.add(ecs.Cluster(ctx.main[rid], **props), rid)


def compile_ecs_task_definition(ctx: Context, rid: str, res: EcsTaskDefinition) -> None:
    from archc.compiler.connections import wiring_env

    lid = ctx.main[rid]
    p = ctx.placement(rid)
    group = _log_group(ctx, rid)
    image = ctx.param(f"{lid}Image", "String",
                      f"Container image of container '{res.container.name}' in task definition {rid}: an image URI with a tag or digest")
    log_config = ecs.LogConfiguration(LogDriver="awslogs", Options={
        "awslogs-group": ctx.ref(group), "awslogs-region": p.region, "awslogs-stream-prefix": res.container.name})
    env = {**res.container.environment, **wiring_env(ctx, rid), **mount_env(ctx, rid)}
    traced = _traced(ctx, rid)
    if traced:
        env["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:2000"
    main: dict[str, Any] = {
        "Name": res.container.name, "Image": image, "Essential": True, "ReadonlyRootFilesystem": True, "Privileged": False,
        "PortMappings": [ecs.PortMapping(ContainerPort=res.container.port, Protocol="tcp")],
        "LogConfiguration": log_config,
        "Environment": [ecs.Environment(Name=k, Value=v) for k, v in sorted(env.items())],
    }
    if res.container.health_check_command:
        main["HealthCheck"] = ecs.HealthCheck(Command=res.container.health_check_command, Interval=30, Timeout=5, Retries=3, StartPeriod=60)
    volumes, mount_points, mount_targets = task_volumes(ctx, rid)
    if mount_points:
        main["MountPoints"] = mount_points
    containers = [ecs.ContainerDefinition(**main)]
    if traced:
        daemon = ctx.param("XRayDaemonImage", "String", "Image of the AWS X-Ray daemon sidecar that forwards traces from ECS tasks",
                           default="public.ecr.aws/xray/aws-xray-daemon:latest")
        containers.append(ecs.ContainerDefinition(
            Name="xray-daemon", Image=daemon, Essential=False, ReadonlyRootFilesystem=True, Privileged=False,
            PortMappings=[ecs.PortMapping(ContainerPort=2000, Protocol="udp")],
            LogConfiguration=ecs.LogConfiguration(LogDriver="awslogs", Options={
                "awslogs-group": ctx.ref(group), "awslogs-region": p.region, "awslogs-stream-prefix": "xray"})))
    props: dict[str, Any] = {
        "Cpu": str(int(need(res.vcpu) * 1024)), "Memory": str(int(need(res.memory_gib) * 1024)), "NetworkMode": "awsvpc",
        "RequiresCompatibilities": ["FARGATE"], "ExecutionRoleArn": ctx.ref(need(res.execution_role), "Arn"),
        "RuntimePlatform": ecs.RuntimePlatform(CpuArchitecture="ARM64" if res.cpu_architecture == "arm64" else "X86_64",
                                               OperatingSystemFamily="LINUX"),
        "ContainerDefinitions": containers,
    }
    if res.task_role:
        props["TaskRoleArn"] = ctx.ref(res.task_role, "Arn")
    if volumes:
        props["Volumes"] = volumes
    ctx.add(ecs.TaskDefinition(lid, **props), rid).after.update(mount_targets)


def contribute_ecs_task_definition(ctx: Context, ask: AsksBuilder, rid: str, res: EcsTaskDefinition) -> None:
    """The execution role writes the task's logs and pulls its image (the repository is a deploy parameter)."""
    role = need(res.execution_role)
    p = ctx.placement(rid)
    logs_statement = _logs_statement(ctx, rid)
    if logs_statement is not None:
        ask.grant(role, logs_statement)
    ask.grant(role, Statement("EcrAuth", ("ecr:GetAuthorizationToken",), ["*"], reason=f"ecr:GetAuthorizationToken: {ALL_RESOURCES_REASON}"))
    ask.grant(role, Statement("EcrPull", ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
                              [Sub(f"arn:${{AWS::Partition}}:ecr:{p.region}:{p.account_id}:repository/*")],
                              reason="the container image is a deploy parameter; its ECR repository (this account and region) is not in the model"))


def compile_ecs_service(ctx: Context, rid: str, res: EcsService) -> None:
    lid = ctx.main[rid]
    task_id, cluster = need(res.task_definition), need(res.cluster)
    task = ctx.get(task_id, EcsTaskDefinition)
    sgs = [ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]]
    props: dict[str, Any] = {
        "Cluster": ctx.ref(cluster), "TaskDefinition": ctx.ref(task_id), "LaunchType": "FARGATE",
        "DesiredCount": res.min_tasks, "PropagateTags": "SERVICE", "EnableECSManagedTags": True,
        "NetworkConfiguration": ecs.NetworkConfiguration(AwsvpcConfiguration=ecs.AwsvpcConfiguration(
            AssignPublicIp="DISABLED", Subnets=[ctx.ref(s) for s in res.subnets], SecurityGroups=sgs)),
        "DeploymentConfiguration": ecs.DeploymentConfiguration(
            DeploymentCircuitBreaker=ecs.DeploymentCircuitBreaker(Enable=True, Rollback=True), MaximumPercent=200, MinimumHealthyPercent=100),
    }
    tgs = target_groups_of(ctx, rid, res)
    if tgs:
        props["LoadBalancers"] = [ecs.LoadBalancer(ContainerName=task.container.name, ContainerPort=task.container.port,
                                                   TargetGroupArn=ctx.ref(tg)) for tg in tgs]
        props["HealthCheckGracePeriodSeconds"] = res.health_check_grace_seconds
    unit = ctx.add(ecs.Service(lid, **props), rid)
    for tg in tgs:
        unit.after.update(ctx.declared.tg_listeners.get(tg, []))  # a target group must belong to a load balancer first
        # a target group no listener forwards to: ARC134 refuses it before compiling
    if res.max_tasks > res.min_tasks:
        cpu_target_tracking(ctx, rid, namespace="ecs", dimension="ecs:service:DesiredCount",
                            resource_id=Join("/", ["service", ctx.ref(cluster), ctx.ref(rid, "Name")]),
                            capacity=(res.min_tasks, res.max_tasks), target_percent=res.cpu_target_percent,
                            metric="ECSServiceAverageCPUUtilization", scale_in_cooldown=300, scale_out_cooldown=60)


def contribute_ecs_service(ctx: Context, ask: AsksBuilder, rid: str, res: EcsService) -> None:
    """The tasks call AWS APIs: HTTPS out of the service's group."""
    https_egress(ask, rid)


def target_groups_of(ctx: Context, rid: str, res: EcsService) -> list[str]:
    """The target groups an ECS service registers with: its field plus `route` connections."""
    out = [res.target_group] if res.target_group else []
    for _, conn in ctx.inc.get(rid, []):
        if conn.verb == "route" and ctx.type_of(conn.source) == "target_group" and conn.source not in out:
            out.append(conn.source)
    return out


# --- Lambda ------------------------------------------------------------------------------------


def invoke_arn(ctx: Context, rid: str) -> Any:
    """What callers invoke: the alias when the function has provisioned concurrency, else the function."""
    if rid in ctx.declared.alias:
        return ctx.ref(ctx.declared.alias[rid])
    return ctx.ref(rid, "Arn")


def _dlq_reason(ctx: Context, rid: str, res: LambdaFunction) -> str:
    """Why the function has no dead-letter queue of its own, in terms of how it is invoked."""
    callers = {ctx.type_of(c.source): c.source for _, c in ctx.inc.get(rid, []) if c.verb in ("invoke", "trigger")}
    if "sqs_queue" in callers:
        q = ctx.get(callers["sqs_queue"], SqsQueue)
        dlq = f" and then to its dead-letter queue '{q.dead_letter_queue}'" if q.dead_letter_queue else ""
        return f"triggered by queue '{callers['sqs_queue']}': failed messages return to the queue{dlq}"
    if "api_gateway" in callers:
        return f"invoked synchronously by '{callers['api_gateway']}': errors return to the caller"
    if "state_machine" in callers:
        return f"invoked synchronously by state machine '{callers['state_machine']}': errors return to the execution (its Retry and Catch)"
    events = [t for t in ("eventbridge_schedule", "eventbridge_rule") if t in callers]
    if events:
        source = callers[events[0]]
        ev: Any = ctx.arch.resources[source]
        target_dlq = ev.dead_letter_queue
        return (f"invoked by '{source}', which retries delivery {ev.retry_attempts} times for up to {ev.max_event_age_seconds} s" +
                (f" and then sends the event to its dead-letter queue '{target_dlq}'" if target_dlq else "; the model gives it no dead_letter_queue"))
    streams = [t for t in ("dynamodb_table", "kinesis_stream") if t in callers]
    if streams:
        return (f"triggered by the stream of '{callers[streams[0]]}': a failing batch is split and retried 10 times (records up to a day "
                "old), then skipped; the model defines no on-failure destination")
    if res.schedule:
        return "invoked by its EventBridge schedule: Lambda retries a failed run twice; the model defines no dead-letter queue for it"
    return "the model defines no dead-letter queue for this function"


def compile_lambda_function(ctx: Context, rid: str, res: LambdaFunction) -> None:
    from archc.compiler.connections import wiring_env

    lid = ctx.main[rid]
    group = _log_group(ctx, rid)
    bucket = ctx.param("LambdaCodeBucket", "String", "S3 bucket, in this stack's region, that holds the Lambda deployment packages")
    key = ctx.param(f"{lid}CodeKey", "String", f"S3 key of the deployment package (.zip) of Lambda function {rid} in LambdaCodeBucket")
    props: dict[str, Any] = {
        "Code": awslambda.Code(S3Bucket=bucket, S3Key=key), "Runtime": res.runtime, "Handler": res.handler,
        "Architectures": [res.architecture], "MemorySize": res.memory_mb, "Timeout": res.timeout_seconds,
        "Role": ctx.ref(need(res.role), "Arn"),
        "LoggingConfig": awslambda.LoggingConfig(LogGroup=ctx.ref(group)),
    }
    if res.description:
        props["Description"] = res.description[:256]
    if _traced(ctx, rid):
        props["TracingConfig"] = awslambda.TracingConfig(Mode="Active")
    if res.reserved_concurrency is not None:
        props["ReservedConcurrentExecutions"] = res.reserved_concurrency
    env = {**res.environment, **wiring_env(ctx, rid), **mount_env(ctx, rid)}
    if env:
        props["Environment"] = awslambda.Environment(Variables=dict(sorted(env.items())))
    if res.subnets:
        sgs = [ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]]
        props["VpcConfig"] = awslambda.VPCConfig(SubnetIds=[ctx.ref(s) for s in res.subnets], SecurityGroupIds=sgs)
    file_systems, mount_targets = lambda_file_systems(ctx, rid)
    if file_systems:
        props["FileSystemConfigs"] = file_systems
    function = awslambda.Function(lid, **props)
    unit = ctx.add(function, rid)
    unit.after.update(mount_targets)  # the function can be created only once a mount target answers in its AZs
    if res.reserved_concurrency is None:
        unit.skip("CKV_AWS_115", "the model sets no reserved concurrency for this function; the account's unreserved pool applies")
    unit.skip("CKV_AWS_116", _dlq_reason(ctx, rid, res))
    if not res.subnets:
        unit.skip("CKV_AWS_117", "the function reaches nothing inside a VPC (the model attaches it to no subnets)")
    if env:
        unit.skip("CKV_AWS_173", "archc puts only resource names, URLs and ARNs in the environment (secrets are read from Secrets Manager)"
                  + ("; the model's own environment entries must hold no secrets either" if res.environment else ""))
    if res.provisioned_concurrency:
        _version_and_alias(ctx, rid, res, function, key)
    _schedule(ctx, rid, res)


def _version_and_alias(ctx: Context, rid: str, res: LambdaFunction, function: awslambda.Function, key: Any) -> None:
    """The `live` alias and the version it serves, published anew whenever code or configuration change.

    CloudFormation publishes a version only when the `AWS::Lambda::Version` resource is created or
    replaced. Its logical id carries a hash of the function's configuration (a new id is a new
    resource), and its Description names the code's S3 key (a deploy parameter, which cannot reach
    a logical id; every Version property forces a replacement), so either change publishes.
    """
    config = json.dumps(function.to_dict(), sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(config.encode()).hexdigest()[:10].upper()
    version = ctx.new_id(rid, f"Version{digest}")
    ctx.add(awslambda.Version(version, FunctionName=ctx.ref(rid),
                              Description=Join("", [f"{rid} configuration {digest}, code ", key])), rid)
    ctx.add(awslambda.Alias(ctx.declared.alias[rid], FunctionName=ctx.ref(rid), FunctionVersion=ctx.ref(version, "Version"), Name="live",
                            ProvisionedConcurrencyConfig=awslambda.ProvisionedConcurrencyConfiguration(
                                ProvisionedConcurrentExecutions=res.provisioned_concurrency)), rid)


def _schedule(ctx: Context, rid: str, res: LambdaFunction) -> None:
    lid = ctx.main[rid]
    if res.schedule:
        rule = ctx.new_id(rid, "Schedule")
        ctx.add(events.Rule(rule, ScheduleExpression=res.schedule, State="ENABLED", Description=f"schedule of {rid}",
                            Targets=[events.Target(Arn=invoke_arn(ctx, rid), Id=lid[:64])]), rid)
        ctx.add(awslambda.Permission(ctx.new_id(rid, "SchedulePermission"), Action="lambda:InvokeFunction", FunctionName=invoke_arn(ctx, rid),
                                     Principal="events.amazonaws.com", SourceArn=ctx.ref(rule, "Arn")), rid)


def contribute_lambda_function(ctx: Context, ask: AsksBuilder, rid: str, res: LambdaFunction) -> None:
    """The function's role writes its logs and, in a VPC, manages its network interfaces; its group allows HTTPS out."""
    role = need(res.role)
    logs_statement = _logs_statement(ctx, rid)
    if logs_statement is not None:
        ask.grant(role, logs_statement)
    if res.subnets:
        https_egress(ask, rid)
        ask.grant(role, Statement("VpcNetworkInterfaces", (
            "ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses"), ["*"],
            reason="Lambda's VPC network interfaces: ec2:Describe* have no resource-level permissions and Lambda checks the create/delete "
                   "permissions on any resource when it attaches a function to a VPC (as AWSLambdaVPCAccessExecutionRole)"))
