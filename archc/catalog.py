"""The one catalogue: what archc knows about each resource type and each connection verb.

Data, not ``if`` chains. The compiler, every emitter, the rules and the Mermaid importer read it.
Adding a resource type means: a pydantic class in `archc.model.resources`, a row here, a compile
function, tests (a test asserts every model type has a row and every row a model type).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Category = Literal[
    "network", "compute", "edge", "dns", "database", "storage", "messaging", "monitoring", "security", "iam", "external", "generic"
]


@dataclass(frozen=True, slots=True)
class TypeInfo:
    type: str
    title: str  # words for a human: "NAT Gateway"
    category: Category
    cfn_types: tuple[str, ...]  # the main CloudFormation resource types it compiles to
    icon: str  # mingrammer diagrams class, "module.Class"
    shape: str = "rect"  # default Mermaid node shape
    words: tuple[str, ...] = ()  # lower-case phrases that identify it in a hand-drawn label or id
    compute: bool = False  # runs code: needs logs, alarms
    data_store: bool = False  # holds data: encryption, backups, not reachable from outside
    entry_point: bool = False  # may receive traffic from external actors
    account_scoped: bool = True  # False: lives outside AWS accounts (external actors)
    mains: int = 1  # how many of cfn_types (the first ones) are each its main resource (a serverless cache or a replication group)


class _Types(dict[str, TypeInfo]):
    """Type name → row. A CloudFormation type (``AWS::Glue::Job``: the escape hatch) looks up the
    ``cloudformation`` row, so ``TYPES[res.type]`` answers for every resource a model can hold."""

    def __missing__(self, key: str) -> TypeInfo:
        if isinstance(key, str) and key.startswith(CFN_TYPE_PREFIXES) and key != ESCAPE_HATCH:
            return self[ESCAPE_HATCH]
        raise KeyError(key)


CFN_TYPE_PREFIXES = ("AWS::", "Alexa::", "Custom::")  # what a CloudFormation resource type starts with
ESCAPE_HATCH = "cloudformation"  # the row of any CloudFormation type archc has no type of its own for

TYPES: dict[str, TypeInfo] = _Types({
    t.type: t
    for t in (
        TypeInfo("vpc", "VPC", "network", ("AWS::EC2::VPC",), "diagrams.aws.network.VPC", words=("vpc", "virtual private cloud")),
        TypeInfo("subnet", "Subnet", "network", ("AWS::EC2::Subnet", "AWS::EC2::RouteTable"), "diagrams.aws.network.PrivateSubnet",
                 words=("subnet",)),
        TypeInfo("internet_gateway", "Internet Gateway", "network", ("AWS::EC2::InternetGateway",), "diagrams.aws.network.InternetGateway",
                 words=("internet gateway", "igw")),
        TypeInfo("nat_gateway", "NAT Gateway", "network", ("AWS::EC2::NatGateway", "AWS::EC2::EIP"), "diagrams.aws.network.NATGateway",
                 words=("nat gateway", "nat gw", "nat")),
        TypeInfo("security_group", "Security Group", "network", ("AWS::EC2::SecurityGroup",), "diagrams.aws.network.Nacl",
                 words=("security group", "sg")),
        TypeInfo("vpc_endpoint", "VPC Endpoint", "network", ("AWS::EC2::VPCEndpoint", "AWS::EC2::SecurityGroup"), "diagrams.aws.network.Endpoint",
                 words=("vpc endpoint", "gateway endpoint", "interface endpoint", "privatelink")),
        TypeInfo("ecs_cluster", "ECS Cluster", "compute", ("AWS::ECS::Cluster",), "diagrams.aws.compute.ECS", words=("ecs cluster", "fargate cluster")),
        TypeInfo("ecs_task_definition", "Task Definition", "compute", ("AWS::ECS::TaskDefinition",),
                 "diagrams.aws.compute.ElasticContainerServiceContainer", words=("task definition", "ecs task", "task def", "fargate task"),
                 compute=True),
        TypeInfo("ecs_service", "ECS Service", "compute", ("AWS::ECS::Service",), "diagrams.aws.compute.ElasticContainerServiceService",
                 words=("ecs service", "fargate service"), compute=True),
        TypeInfo("lambda_function", "Lambda Function", "compute", ("AWS::Lambda::Function",), "diagrams.aws.compute.Lambda",
                 words=("lambda", "lambda function", "λ"), compute=True),
        TypeInfo("load_balancer", "Application Load Balancer", "edge", ("AWS::ElasticLoadBalancingV2::LoadBalancer",),
                 "diagrams.aws.network.ElbApplicationLoadBalancer", words=("application load balancer", "load balancer", "alb", "nlb", "elb"),
                 entry_point=True),
        TypeInfo("target_group", "Target Group", "edge", ("AWS::ElasticLoadBalancingV2::TargetGroup",), "diagrams.aws.network.ElasticLoadBalancing",
                 words=("target group", "tg")),
        TypeInfo("api_gateway", "API Gateway", "edge", ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"), "diagrams.aws.network.APIGateway",
                 words=("api gateway", "apigw", "rest api", "http api"), entry_point=True, mains=2),
        TypeInfo("web_acl", "AWS WAF", "security", ("AWS::WAFv2::WebACL",), "diagrams.aws.security.WAF", words=("waf", "web acl"),
                 entry_point=True),
        TypeInfo("cloudfront_distribution", "CloudFront", "edge", ("AWS::CloudFront::Distribution",), "diagrams.aws.network.CloudFront",
                 words=("cloudfront", "cdn", "cloudfront distribution"), entry_point=True),
        TypeInfo("cognito_user_pool", "Cognito User Pool", "security", ("AWS::Cognito::UserPool", "AWS::Cognito::UserPoolDomain"),
                 "diagrams.aws.security.Cognito", words=("cognito user pool", "user pool", "cognito")),
        TypeInfo("cognito_user_pool_client", "Cognito App Client", "security", ("AWS::Cognito::UserPoolClient",), "diagrams.aws.security.Cognito",
                 words=("cognito client", "app client", "user pool client")),
        TypeInfo("route53_zone", "Route53 Hosted Zone", "dns", ("AWS::Route53::HostedZone", "AWS::Route53::RecordSet"),
                 "diagrams.aws.network.Route53HostedZone", words=("hosted zone", "route53 zone", "route 53 zone", "dns zone")),
        TypeInfo("dns_delegation", "Route53 Delegation", "dns", ("AWS::Route53::RecordSet",), "diagrams.aws.network.Route53",
                 words=("dns delegation", "delegation", "route53", "route 53")),
        TypeInfo("acm_certificate", "ACM Certificate", "dns", ("AWS::CertificateManager::Certificate",), "diagrams.aws.security.CertificateManager",
                 words=("acm", "certificate", "tls cert", "ssl cert")),
        TypeInfo("aurora_cluster", "Aurora", "database", ("AWS::RDS::DBCluster", "AWS::RDS::DBInstance"), "diagrams.aws.database.Aurora",
                 shape="cylinder", words=("aurora", "rds", "postgres", "postgresql", "mysql"), data_store=True),
        TypeInfo("aurora_readers", "Aurora Readers", "database", ("AWS::RDS::DBInstance", "AWS::ApplicationAutoScaling::ScalableTarget"),
                 "diagrams.aws.database.AuroraInstance", shape="cylinder", words=("read replica", "reader", "replica")),
        TypeInfo("rds_instance", "RDS Instance", "database", ("AWS::RDS::DBInstance",), "diagrams.aws.database.RDSInstance", shape="cylinder",
                 words=("rds instance", "rds postgres", "rds mysql"), data_store=True),
        TypeInfo("db_subnet_group", "DB Subnet Group", "database", ("AWS::RDS::DBSubnetGroup",), "diagrams.aws.database.RDS",
                 words=("db subnet group", "subnet group")),
        TypeInfo("s3_bucket", "S3 Bucket", "storage", ("AWS::S3::Bucket", "AWS::S3::BucketPolicy"), "diagrams.aws.storage.SimpleStorageServiceS3Bucket",
                 words=("s3", "bucket"), data_store=True),
        TypeInfo("kms_key", "KMS Key", "security", ("AWS::KMS::Key", "AWS::KMS::Alias"), "diagrams.aws.security.KMS", words=("kms", "kms key", "cmk")),
        TypeInfo("efs_file_system", "EFS File System", "storage", ("AWS::EFS::FileSystem", "AWS::EFS::MountTarget", "AWS::EFS::AccessPoint"),
                 "diagrams.aws.storage.ElasticFileSystemEFS", shape="cylinder",
                 words=("efs", "elastic file system", "amazon efs"), data_store=True),
        TypeInfo("elasticache", "ElastiCache", "database",
                 ("AWS::ElastiCache::ServerlessCache", "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::SubnetGroup",
                  "AWS::ElastiCache::UserGroup", "AWS::ElastiCache::User"),
                 "diagrams.aws.database.ElasticacheForRedis", shape="cylinder", mains=2,
                 words=("elasticache", "elasti cache", "amazon elasticache", "amazon elasti cache", "redis", "valkey", "redis cache",
                        "valkey cache"), data_store=True),
        TypeInfo("opensearch_domain", "OpenSearch Service", "database", ("AWS::OpenSearchService::Domain",),
                 "diagrams.aws.analytics.AmazonOpensearchService", shape="cylinder",
                 words=("opensearch", "open search", "amazon opensearch", "opensearch service", "opensearch domain", "elasticsearch",
                        "elastic search", "elasticsearch service", "amazon elasticsearch"), data_store=True),
        TypeInfo("sqs_queue", "SQS Queue", "messaging", ("AWS::SQS::Queue",), "diagrams.aws.integration.SimpleQueueServiceSqs",
                 words=("sqs", "queue"), data_store=True),
        TypeInfo("sns_topic", "SNS Topic", "messaging", ("AWS::SNS::Topic",), "diagrams.aws.integration.SimpleNotificationServiceSns",
                 words=("sns", "topic", "notifications"), data_store=True),
        TypeInfo("secret", "Secrets Manager", "security", ("AWS::SecretsManager::Secret",), "diagrams.aws.security.SecretsManager",
                 words=("secrets manager", "secret", "credentials")),
        TypeInfo("dynamodb_table", "DynamoDB Table", "database", ("AWS::DynamoDB::Table",), "diagrams.aws.database.DynamodbTable",
                 shape="cylinder", words=("dynamodb", "dynamo db", "dynamo table", "ddb table"), data_store=True),
        TypeInfo("kinesis_stream", "Kinesis Data Stream", "messaging", ("AWS::Kinesis::Stream",), "diagrams.aws.analytics.KinesisDataStreams",
                 words=("kinesis data stream", "kinesis stream", "kinesis"), data_store=True),
        TypeInfo("ecr_repository", "ECR Repository", "storage", ("AWS::ECR::Repository",), "diagrams.aws.compute.EC2ContainerRegistry",
                 words=("ecr repository", "ecr repo", "ecr", "container registry")),
        TypeInfo("ses_identity", "SES Identity", "messaging", ("AWS::SES::EmailIdentity",), "diagrams.aws.engagement.SimpleEmailServiceSes",
                 words=("ses", "amazon ses", "simple email service", "ses identity", "email identity")),
        TypeInfo("eventbridge_bus", "EventBridge Event Bus", "messaging", ("AWS::Events::EventBus", "AWS::Events::Archive"),
                 "diagrams.aws.integration.EventbridgeCustomEventBusResource", words=("eventbridge bus", "event bridge bus", "event bus")),
        TypeInfo("eventbridge_rule", "EventBridge Rule", "messaging", ("AWS::Events::Rule",), "diagrams.aws.integration.EventbridgeRule",
                 words=("eventbridge rule", "event bridge rule", "event rule")),
        TypeInfo("eventbridge_schedule", "EventBridge Scheduler", "messaging", ("AWS::Scheduler::Schedule", "AWS::IAM::Role"),
                 "diagrams.aws.integration.EventbridgeScheduler", words=("eventbridge scheduler", "event bridge scheduler", "eventbridge schedule", "event bridge schedule")),
        TypeInfo("state_machine", "Step Functions", "compute", ("AWS::StepFunctions::StateMachine", "AWS::IAM::Role"),
                 "diagrams.aws.integration.StepFunctions", words=("step functions", "step function", "state machine", "sfn")),
        TypeInfo("log_group", "CloudWatch Logs", "monitoring", ("AWS::Logs::LogGroup",), "diagrams.aws.management.CloudwatchLogs",
                 words=("cloudwatch logs", "log group", "logs")),
        TypeInfo("metric_namespace", "CloudWatch Metrics", "monitoring", (), "diagrams.aws.management.Cloudwatch",
                 words=("cloudwatch metrics", "metrics")),
        TypeInfo("alarm", "CloudWatch Alarms", "monitoring", ("AWS::CloudWatch::Alarm",), "diagrams.aws.management.CloudwatchAlarm",
                 words=("cloudwatch alarms", "alarm")),
        TypeInfo("xray", "X-Ray", "monitoring", ("AWS::XRay::SamplingRule",), "diagrams.aws.devtools.XRay", words=("x-ray", "xray", "tracing")),
        TypeInfo("iam_role", "IAM Role", "iam", ("AWS::IAM::Role",), "diagrams.aws.security.IAMRole", words=("role", "iam", "assumerole")),
        TypeInfo("external", "External", "external", (), "diagrams.onprem.client.Users", shape="round",
                 words=("users", "clients", "client", "customers", "pagerduty", "internet"), account_scoped=False),
        TypeInfo("generic", "Resource", "generic", (), "diagrams.generic.blank.Blank", account_scoped=False),
        TypeInfo(ESCAPE_HATCH, "CloudFormation Resource", "generic", (), "diagrams.generic.blank.Blank"),
    )
})


VerbKind = Literal["traffic", "data", "operations", "identity", "other"]

# How an edge is drawn: the one vocabulary of line styles and arrow heads, used by the catalogue
# below, the model's `EdgeStyle` and the diagram view (`archc.emitters.views.ViewEdge`).
# `archc.mermaid.syntax` keeps its own `Stroke` and `Head`: the Mermaid language's words, in a
# package that imports nothing from archc. They are the same words (a test pins it), so a view
# edge becomes a Mermaid edge without translation.
LineStyle = Literal["solid", "dotted", "thick", "invisible"]
Head = Literal["none", "arrow", "circle", "cross"]


@dataclass(frozen=True, slots=True)
class VerbInfo:
    verb: str
    label: str  # default diagram label
    kind: VerbKind
    line: LineStyle = "solid"
    targets: tuple[str, ...] = ()  # resource types it may point at (empty: any)
    sources: tuple[str, ...] = ()  # resource types it may start from (empty: any)
    words: tuple[str, ...] = field(default=())  # lower-case labels a diagram uses for it
    writes: bool = False  # changes the target (for the read-only cross-account rule)


_COMPUTE = ("lambda_function", "ecs_task_definition", "ecs_service")
_PRINCIPALS = (*_COMPUTE, "iam_role", ESCAPE_HATCH)  # an escape hatch acts as the role its properties name
_WORKFLOW_PRINCIPALS = (*_PRINCIPALS, "state_machine")  # a state machine acts through the role archc makes for it

VERBS: dict[str, VerbInfo] = {
    v.verb: v
    for v in (
        VerbInfo("https", "HTTPS", "traffic", targets=("load_balancer", "api_gateway", "cloudfront_distribution", "web_acl", "external"),
                 words=("https", "tls", "ssl")),
        VerbInfo("http", "HTTP", "traffic", targets=("load_balancer", "api_gateway", "cloudfront_distribution", "web_acl", "external"),
                 words=("http",)),
        VerbInfo("tcp", "TCP", "traffic", words=("tcp",)),
        VerbInfo("origin", "Origin", "traffic", sources=("cloudfront_distribution",),
                 targets=("load_balancer", "s3_bucket", "api_gateway"), words=("origin",)),
        VerbInfo("forward", "Forward", "traffic",
                 sources=("web_acl", "load_balancer", "api_gateway", "cloudfront_distribution"),
                 targets=("api_gateway", "load_balancer", "target_group", "cloudfront_distribution", "lambda_function"),
                 words=("forward", "forwards")),
        VerbInfo("route", "Route", "traffic", sources=("target_group", "load_balancer"), targets=("ecs_service", "lambda_function"),
                 words=("route", "routes")),
        VerbInfo("run", "Run", "traffic", sources=("ecs_service",), targets=("ecs_task_definition",), words=("run", "runs")),
        VerbInfo("invoke", "Invoke", "traffic", targets=("lambda_function", "state_machine"), words=("invoke", "invokes", "calls", "call")),
        VerbInfo("trigger", "Trigger", "traffic", sources=("sqs_queue", "metric_namespace", "s3_bucket", "sns_topic", "dynamodb_table", "kinesis_stream",
                                                      "eventbridge_rule", "eventbridge_schedule"),
                 targets=("lambda_function", "alarm", "sqs_queue", "state_machine"), words=("trigger", "triggers", "event", "events")),
        VerbInfo("query", "Query", "data", sources=_PRINCIPALS, targets=("aurora_cluster", "aurora_readers", "dynamodb_table", "rds_instance", "elasticache"),
                 words=("query", "queries", "sql", "read replica")),
        VerbInfo("read", "Read", "data", sources=_WORKFLOW_PRINCIPALS, targets=("s3_bucket", "secret", "log_group", "sqs_queue", "aurora_cluster", "dynamodb_table", "kinesis_stream", "ecr_repository",
                                                                           "rds_instance", "efs_file_system", "elasticache", "opensearch_domain", ESCAPE_HATCH),
                 words=("read", "reads", "get", "fetch secrets", "fetch", "fetches")),
        VerbInfo("write", "Write", "data", sources=_WORKFLOW_PRINCIPALS, targets=("s3_bucket", "sqs_queue", "log_group", "secret", "dynamodb_table", "kinesis_stream", "ecr_repository",
                                                                            "efs_file_system", "elasticache", "opensearch_domain", ESCAPE_HATCH),
                 words=("write", "writes", "put", "upload", "store"), writes=True),
        VerbInfo("read_write", "Read/Write", "data", sources=_WORKFLOW_PRINCIPALS, targets=("s3_bucket", "sqs_queue", "secret", "dynamodb_table", "efs_file_system", "elasticache",
                                                                                      "opensearch_domain", ESCAPE_HATCH),
                 words=("read/write", "read write", "rw", "read & write"), writes=True),
        VerbInfo("list", "List", "data", sources=_PRINCIPALS, targets=(ESCAPE_HATCH,), words=("list", "lists")),
        VerbInfo("describe", "Describe", "data", sources=_PRINCIPALS, targets=("aurora_cluster", "aurora_readers", "ecs_service", "lambda_function"),
                 words=("describe", "describes", "inspect")),
        VerbInfo("replicate", "Replicate", "data", sources=("s3_bucket",), targets=("s3_bucket",), line="dotted",
                 words=("replicate", "replication", "replicates", "copy"), writes=True),
        VerbInfo("publish", "Publish", "data", sources=(*_WORKFLOW_PRINCIPALS, "alarm"), targets=("sns_topic", "eventbridge_bus"), words=("publish", "publishes"), writes=True),
        VerbInfo("send", "Send", "data", sources=_WORKFLOW_PRINCIPALS, targets=("sqs_queue", "ses_identity"),
                 words=("send", "sends", "enqueue", "send email", "sends email", "sends emails"), writes=True),
        VerbInfo("notify", "Notify", "data", sources=("alarm", "sns_topic"), targets=("sns_topic", "external", "lambda_function", "sqs_queue"),
                 words=("notify", "notifies", "alert", "alerts", "page", "sns notifications")),
        VerbInfo("logs", "Logs", "operations", targets=("log_group",), words=("logs", "log", "logging"), writes=True),
        VerbInfo("metrics", "Metrics", "operations", targets=("metric_namespace",), words=("metrics", "metric")),
        VerbInfo("traces", "Traces", "operations", targets=("xray",), words=("traces", "trace", "tracing")),
        VerbInfo("assume_role", "AssumeRole", "identity", targets=("iam_role",), line="dotted",
                 words=("assumerole", "assume role", "sts assumerole", "sts assume role", "assumes")),
        VerbInfo("relates", "", "other"),
    )
}

# Verbs whose meaning depends on the pair of types at their ends: verb → source type → the target
# types that source may reach with it (a source not listed is bound by `VERBS` alone). Lint
# (ARC116) and the compiler read it.
PAIRS: dict[str, dict[str, tuple[str, ...]]] = {
    "trigger": {
        "sqs_queue": ("lambda_function",), "s3_bucket": ("lambda_function",), "sns_topic": ("lambda_function",),
        "dynamodb_table": ("lambda_function",), "kinesis_stream": ("lambda_function",), "metric_namespace": ("alarm",),
        "eventbridge_rule": ("lambda_function", "sqs_queue", "state_machine"),
        "eventbridge_schedule": ("lambda_function", "sqs_queue", "state_machine"),
    },
    "invoke": {"eventbridge_rule": ("lambda_function", "state_machine"), "eventbridge_schedule": ("lambda_function", "state_machine"),
               "api_gateway": ("lambda_function",)},
    "publish": {"alarm": ("sns_topic",)},
    "read": {"state_machine": ("s3_bucket", "secret", "log_group", "sqs_queue", "dynamodb_table", "kinesis_stream")},  # no network path to a database
}

# The AWS service (its endpoint name) that code calls when it is connected to each type: what a
# subnet without internet egress needs VPC endpoints for (ARC209).
SERVICE_ENDPOINTS: dict[str, str] = {
    "s3_bucket": "s3", "dynamodb_table": "dynamodb", "sqs_queue": "sqs", "sns_topic": "sns", "secret": "secretsmanager",
    "log_group": "logs", "lambda_function": "lambda", "state_machine": "states", "eventbridge_bus": "events",
    "metric_namespace": "monitoring", "xray": "xray", "iam_role": "sts", "kms_key": "kms", "kinesis_stream": "kinesis-streams",
    "ecr_repository": "ecr.api",
}
# What running each compute type needs of AWS from its own subnets, whatever its connections
# (Fargate pulls its image from ECR, whose layers are in S3, and ships logs with awslogs).
RUNTIME_ENDPOINTS: dict[str, tuple[str, ...]] = {"ecs_service": ("ecr.api", "ecr.dkr", "logs", "s3")}

# Connection verbs that grant the acting role permissions (IAM statements on its policy), and the
# (verb, target type) pairs there are statements for: each permission verb's `targets` above (an
# escape hatch's statements come from its own resource schema: `archc.aws.access`), and the verbs
# that grant as part of a larger meaning — `invoke` (a function or a state machine), `trigger` (the
# function a queue triggers may read it; a rule or schedule starts a state machine).
# `archc.compiler.iam` builds the statements of each pair and of no other; lint (ARC110, ARC132)
# reads the same table.
IAM_VERBS: frozenset[str] = frozenset({
    "read", "write", "read_write", "list", "describe", "query", "publish", "send", "logs", "metrics", "traces", "assume_role",
})
IAM_ACCESS: frozenset[tuple[str, str]] = frozenset(
    {(verb, target) for verb in IAM_VERBS for target in VERBS[verb].targets if target != ESCAPE_HATCH}
    | {("invoke", "lambda_function"), ("invoke", "state_machine"), ("trigger", "sqs_queue"), ("trigger", "state_machine")}
)


# (verb, source type) of the connections whose meaning the source builds itself: a stream's
# triggers (an event source mapping), a rule's or schedule's targets, a state machine's calls (the
# role archc makes for it). The compiler's connection phase leaves them to the source's compile
# function (`archc.compiler.services`); ARC132 leaves them to the rules of those types (ARC117–120).
STATE_MACHINE_VERBS = ("invoke", "send", "publish", "read", "write", "read_write")  # granted to its role (`archc.compiler.stepfunctions`)
BUILT_BY_SOURCE: frozenset[tuple[str, str]] = frozenset({
    ("trigger", "dynamodb_table"), ("trigger", "kinesis_stream"),
    ("trigger", "eventbridge_rule"), ("invoke", "eventbridge_rule"),
    ("trigger", "eventbridge_schedule"), ("invoke", "eventbridge_schedule"),
    *((verb, "state_machine") for verb in (*STATE_MACHINE_VERBS, "logs")),
})


@dataclass(frozen=True, slots=True)
class AlarmMetric:
    """The CloudWatch metric behind one alarm signal, and archc's default threshold for it."""

    namespace: str
    metric: str
    statistic: str  # Sum, Average, Maximum or a percentile (p99)
    threshold: float  # times the monitored resource's field `per`, when given
    what: str  # words for the alarm's description: "{what} ≥ {threshold}"
    per: str | None = None  # a field of the monitored resource the threshold scales with
    below: bool = False  # alarm when the metric falls below the threshold (free memory)
    period: int = 60
    periods: int = 5


_TARGET_5XX = AlarmMetric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 10, "target 5xx responses per minute")
_LB_5XX = AlarmMetric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", 10, "load balancer 5xx responses per minute")
_LB_LATENCY = AlarmMetric("AWS/ApplicationELB", "TargetResponseTime", "p99", 2, "p99 target response time in s")
_API_5XX = AlarmMetric("AWS/ApiGateway", "5XXError", "Sum", 5, "5xx responses per minute")

# The types archc can alarm on: type → signal → its metric. `archc.compiler.monitoring` builds the
# alarms from it and lint (ARC505, ARC530) reads the signals, so an alarm lint passes is one the
# build can make. An ECS service that a load balancer forwards to also offers its targets' signals
# (`TARGET_GROUP_METRICS`).
ALARM_METRICS: dict[str, dict[str, AlarmMetric]] = {
    "lambda_function": {
        "errors": AlarmMetric("AWS/Lambda", "Errors", "Sum", 1, "errors per minute"),
        "throttles": AlarmMetric("AWS/Lambda", "Throttles", "Sum", 1, "throttled invocations per minute"),
        "latency": AlarmMetric("AWS/Lambda", "Duration", "p99", 800, "p99 duration in ms (80% of the timeout)", per="timeout_seconds"),
    },
    "ecs_service": {
        "cpu": AlarmMetric("AWS/ECS", "CPUUtilization", "Average", 85, "average CPU %"),
        "memory": AlarmMetric("AWS/ECS", "MemoryUtilization", "Average", 85, "average memory %"),
    },
    "load_balancer": {"errors": _LB_5XX, "5xx": _LB_5XX, "latency": _LB_LATENCY},
    "api_gateway": {"errors": _API_5XX, "5xx": _API_5XX, "latency": AlarmMetric("AWS/ApiGateway", "Latency", "p99", 2000, "p99 latency in ms")},
    "aurora_cluster": {
        "cpu": AlarmMetric("AWS/RDS", "CPUUtilization", "Average", 80, "average CPU %"),
        "memory": AlarmMetric("AWS/RDS", "FreeableMemory", "Average", 268435456, "freeable memory below 256 MiB", below=True),
    },
    "sqs_queue": {
        "queue_age": AlarmMetric("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", 900, "age of the oldest message in s"),
        "errors": AlarmMetric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, "messages waiting (a dead-letter queue)"),
    },
}
TARGET_GROUP_METRICS: dict[str, AlarmMetric] = {"errors": _TARGET_5XX, "5xx": _TARGET_5XX, "latency": _LB_LATENCY}
# The signals alone (sorted), as lint reads them.
ALARM_SIGNALS: dict[str, tuple[str, ...]] = {t: tuple(sorted(signals)) for t, signals in ALARM_METRICS.items()}
TARGET_GROUP_SIGNALS: tuple[str, ...] = tuple(sorted(TARGET_GROUP_METRICS))

# Relations that come from typed fields, not connections: their edge kind in the graph, and how
# a diagram draws them (label, line style, direction: "forward" = from holder to target).
RelationDirection = Literal["forward", "reverse"]


@dataclass(frozen=True, slots=True)
class RelationInfo:
    kind: str
    label: str
    line: LineStyle
    # graph edges always run from the field's holder to its target; `direction` is how a
    # diagram draws them: forward = holder → target, reverse = target → holder
    direction: RelationDirection
    words: tuple[str, ...] = ()
    drawn: bool = True  # shown in the overview diagram
    target_labels: tuple[tuple[str, str], ...] = ()  # (target type, label) overriding `label`


RELATIONS: dict[str, RelationInfo] = {
    r.kind: r
    for r in (
        RelationInfo("contains", "Contains", "dotted", "reverse", ("contains",), drawn=False),
        RelationInfo("placement", "Hosts", "dotted", "reverse", ("hosts", "runs in", "placed in")),
        RelationInfo("default_route", "Route", "solid", "reverse", ("route", "routes", "nat", "egress"),
                     target_labels=(("nat_gateway", "NAT"),)),
        RelationInfo("role_use", "Used by", "dotted", "reverse", ("used by", "uses role", "execution role")),
        RelationInfo("delegation", "Delegate zone", "dotted", "forward", ("delegate zone", "delegates", "delegation", "delegate")),
        RelationInfo("dns_record", "A record", "solid", "forward", ("a record", "cname", "alias", "dns", "record")),
        RelationInfo("tls", "TLS termination", "dotted", "reverse", ("tls termination", "tls", "certificate")),
        RelationInfo("spans", "Spans", "dotted", "forward", ("spans", "span")),
        RelationInfo("protects", "Protects", "dotted", "reverse", ("protects", "filters")),
        RelationInfo("runs", "Run", "solid", "forward", ("run", "runs")),
        RelationInfo("forwards", "Forward", "solid", "forward", ("forward", "forwards")),
        RelationInfo("targets", "Route", "solid", "reverse", ("route", "routes", "targets")),
        RelationInfo("monitors", "Monitors", "dotted", "forward", ("monitors",), drawn=False),
        RelationInfo("trust", "Trusts", "dotted", "forward", ("trusts",), drawn=False),
        RelationInfo("reference", "", "dotted", "forward", (), drawn=False),
    )
}

# Which relation a typed reference field makes: (resource type or "*", field) → relation kind.
# Fields not listed make a "reference" relation.
FIELD_RELATIONS: dict[tuple[str, str], str] = {
    ("subnet", "vpc"): "contains",
    ("internet_gateway", "vpc"): "contains",
    ("security_group", "vpc"): "contains",
    ("vpc_endpoint", "vpc"): "contains",
    ("vpc_endpoint", "subnets"): "placement",
    ("target_group", "vpc"): "contains",
    ("nat_gateway", "subnet"): "placement",
    ("subnet", "default_route"): "default_route",
    ("ecs_service", "subnets"): "placement",
    ("lambda_function", "subnets"): "placement",
    ("load_balancer", "subnets"): "placement",
    ("db_subnet_group", "subnets"): "spans",
    ("ecs_task_definition", "execution_role"): "role_use",
    ("ecs_task_definition", "task_role"): "role_use",
    ("lambda_function", "role"): "role_use",
    ("dns_delegation", "zone"): "delegation",
    ("route53_zone", "target"): "dns_record",
    ("load_balancer", "certificate"): "tls",
    ("cloudfront_distribution", "certificate"): "tls",
    ("api_gateway", "web_acl"): "protects",
    ("load_balancer", "web_acl"): "protects",
    ("cloudfront_distribution", "web_acl"): "protects",
    ("ecs_service", "task_definition"): "runs",
    ("load_balancer", "target_group"): "forwards",
    ("ecs_service", "target_group"): "targets",
    ("alarm", "monitors"): "monitors",
    ("iam_role", "assumable_by"): "trust",
}


# Mermaid architecture-beta icons, derived from each row's `icon` (its mingrammer module): one of
# mermaid's built-in icons (cloud, database, disk, internet, server), so a diagram renders without
# icon packs. A module not listed draws `cloud`.
ARCH_ICONS: dict[str, str] = {
    "diagrams.aws.compute": "server",
    "diagrams.aws.database": "database",
    "diagrams.aws.storage": "disk",
    "diagrams.aws.analytics": "database",
    "diagrams.aws.network": "internet",
    "diagrams.onprem.client": "internet",
    "diagrams.aws.devtools": "server",
}
ARCH_DEFAULT_ICON = "cloud"
# the icon of a group, by what it stands for (archc.emitters.views.GroupKind)
ARCH_GROUP_ICONS: dict[str, str] = {"account": "cloud", "region": "cloud", "vpc": "cloud", "subnet": "cloud", "internet": "internet"}


def arch_icon(rtype: str) -> str:
    """The architecture-beta icon of resource type *rtype*."""
    return ARCH_ICONS.get(TYPES[rtype].icon.rpartition(".")[0], ARCH_DEFAULT_ICON)
