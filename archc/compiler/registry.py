"""One row per buildable resource type: its model class, its compile function, and what it asks of others.

The rows are in compile order. A compile function reads only the model, `Context.declared` and
`Context.asks`, and adds units; the order decides nothing but which of two colliding generated
logical ids is claimed first, and which resource owns a one-per-account-and-region resource
(the RDS monitoring role, the access-log bucket, API Gateway's CloudWatch role).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from archc.compiler import (
    cognito,
    compute,
    data,
    dns,
    dynamodb,
    edge,
    efs,
    elasticache,
    endpoints,
    escape_hatch,
    events,
    messaging,
    monitoring,
    network,
    opensearch,
    rds,
    ses,
    stepfunctions,
    streams,
)
from archc.compiler.context import AsksBuilder, Context
from archc.compiler.iam import compile_role
from archc.model.resources import (
    AcmCertificate,
    Alarm,
    ApiGateway,
    AuroraCluster,
    AuroraReaders,
    CfnResource,
    CloudFrontDistribution,
    CognitoUserPool,
    CognitoUserPoolClient,
    DbSubnetGroup,
    DnsDelegation,
    DynamoDbTable,
    EcrRepository,
    EcsCluster,
    EcsService,
    EcsTaskDefinition,
    EfsFileSystem,
    ElastiCache,
    EventBridgeBus,
    EventBridgeRule,
    EventBridgeSchedule,
    External,
    IamRole,
    InternetGateway,
    KinesisStream,
    KmsKey,
    LambdaFunction,
    LoadBalancer,
    LogGroup,
    MetricNamespace,
    NatGateway,
    OpenSearchDomain,
    RdsInstance,
    ResourceBase,
    Route53Zone,
    S3Bucket,
    Secret,
    SecurityGroup,
    SesIdentity,
    SnsTopic,
    SqsQueue,
    StateMachine,
    Subnet,
    TargetGroup,
    Tracing,
    Vpc,
    VpcEndpoint,
    WebAcl,
    resource_tag,
)

R = TypeVar("R", bound=ResourceBase)
Compile = Callable[[Context, str, R], None]
Contribute = Callable[[Context, AsksBuilder, str, R], None]


@dataclass(frozen=True, slots=True)
class TypeCompiler(Generic[R]):
    """How the build handles one resource type.

    `compile` turns one resource into units (None: it has none of its own). `contribute`, optional,
    runs in phase 2 before the connections: what the resource's own fields ask of other resources
    (its role's statements, its security group's egress, its key's policy).
    """

    model: type[R]
    compile: Compile[R] | None
    contribute: Contribute[R] | None = None


COMPILERS: dict[str, TypeCompiler[Any]] = {
    "vpc": TypeCompiler(Vpc, network.compile_vpc),
    "internet_gateway": TypeCompiler(InternetGateway, network.compile_internet_gateway),
    "subnet": TypeCompiler(Subnet, network.compile_subnet),
    "nat_gateway": TypeCompiler(NatGateway, network.compile_nat_gateway),
    "security_group": TypeCompiler(SecurityGroup, None),  # built with the generated groups (`network.compile_security_groups`)
    "vpc_endpoint": TypeCompiler(VpcEndpoint, endpoints.compile_vpc_endpoint),
    "db_subnet_group": TypeCompiler(DbSubnetGroup, data.compile_db_subnet_group),
    "log_group": TypeCompiler(LogGroup, monitoring.compile_log_group, monitoring.contribute_log_group),
    "xray": TypeCompiler(Tracing, monitoring.compile_xray),
    "secret": TypeCompiler(Secret, data.compile_secret),
    "sns_topic": TypeCompiler(SnsTopic, messaging.compile_sns_topic),
    "acm_certificate": TypeCompiler(AcmCertificate, dns.compile_acm_certificate),
    "target_group": TypeCompiler(TargetGroup, edge.compile_target_group),
    "load_balancer": TypeCompiler(LoadBalancer, edge.compile_load_balancer),
    "web_acl": TypeCompiler(WebAcl, edge.compile_web_acl),
    "ecs_cluster": TypeCompiler(EcsCluster, compute.compile_ecs_cluster),
    "ecs_task_definition": TypeCompiler(EcsTaskDefinition, compute.compile_ecs_task_definition, compute.contribute_ecs_task_definition),
    "lambda_function": TypeCompiler(LambdaFunction, compute.compile_lambda_function, compute.contribute_lambda_function),
    # after functions: what a stream triggers and a rule targets follows the function's own statements
    "dynamodb_table": TypeCompiler(DynamoDbTable, dynamodb.compile_dynamodb_table, dynamodb.contribute_dynamodb_table),
    "kinesis_stream": TypeCompiler(KinesisStream, streams.compile_kinesis_stream, streams.contribute_kinesis_stream),
    "ecr_repository": TypeCompiler(EcrRepository, streams.compile_ecr_repository),
    "state_machine": TypeCompiler(StateMachine, stepfunctions.compile_state_machine),
    "eventbridge_bus": TypeCompiler(EventBridgeBus, events.compile_eventbridge_bus, events.contribute_eventbridge_bus),
    "eventbridge_rule": TypeCompiler(EventBridgeRule, events.compile_eventbridge_rule, events.contribute_eventbridge_rule),
    "eventbridge_schedule": TypeCompiler(EventBridgeSchedule, events.compile_eventbridge_schedule),
    "ecs_service": TypeCompiler(EcsService, compute.compile_ecs_service, compute.contribute_ecs_service),
    "aurora_cluster": TypeCompiler(AuroraCluster, data.compile_aurora_cluster),
    "aurora_readers": TypeCompiler(AuroraReaders, data.compile_aurora_readers),
    "rds_instance": TypeCompiler(RdsInstance, rds.compile_rds_instance),
    "efs_file_system": TypeCompiler(EfsFileSystem, efs.compile_efs_file_system),
    "elasticache": TypeCompiler(ElastiCache, elasticache.compile_elasticache),
    "opensearch_domain": TypeCompiler(OpenSearchDomain, opensearch.compile_opensearch_domain),
    "cognito_user_pool": TypeCompiler(CognitoUserPool, cognito.compile_cognito_user_pool),
    "cognito_user_pool_client": TypeCompiler(CognitoUserPoolClient, cognito.compile_cognito_user_pool_client),
    "api_gateway": TypeCompiler(ApiGateway, edge.compile_api_gateway),
    "cloudfront_distribution": TypeCompiler(CloudFrontDistribution, edge.compile_cloudfront_distribution, edge.contribute_cloudfront_distribution),
    "route53_zone": TypeCompiler(Route53Zone, dns.compile_route53_zone),
    "dns_delegation": TypeCompiler(DnsDelegation, dns.compile_dns_delegation),
    "s3_bucket": TypeCompiler(S3Bucket, data.compile_s3_bucket),
    "sqs_queue": TypeCompiler(SqsQueue, messaging.compile_sqs_queue),
    "ses_identity": TypeCompiler(SesIdentity, ses.compile_ses_identity),
    "alarm": TypeCompiler(Alarm, monitoring.compile_alarm),
    "kms_key": TypeCompiler(KmsKey, data.compile_kms_key),
    "iam_role": TypeCompiler(IamRole, compile_role),
    "metric_namespace": TypeCompiler(MetricNamespace, None),  # used through connections (metrics)
    "external": TypeCompiler(External, None),  # outside the model's accounts: used through connections
    "cloudformation": TypeCompiler(CfnResource, escape_hatch.compile_cloudformation),  # any AWS::… type, as written
}


def by_type(ctx: Context) -> dict[str, list[str]]:
    """Resource ids per type, each list in id order."""
    out: dict[str, list[str]] = {}
    for rid in sorted(ctx.arch.resources):
        out.setdefault(str(resource_tag(ctx.arch.resources[rid])), []).append(rid)
    return out
