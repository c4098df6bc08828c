"""The resource types: one pydantic class per ``type``, joined in the `Resource` union.

Fields that point at other resources are `Ref`s (ids, checked after loading). Presentation
hints (``label``, ``group``, ``shape``, ``classes``) live beside each resource and never change
what is built. Adding a type means: a class here, a row in `archc.catalog`, a compile function,
tests.
"""

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, model_validator

from archc.catalog import CFN_TYPE_PREFIXES, ESCAPE_HATCH
from archc.model.fields import (
    CFN_TYPE_PATTERN,
    AccountRef,
    AvailabilityZone,
    Cidr,
    ClassName,
    LambdaRuntime,
    NetworkCidr,
    RefTo,
    Region,
    empty_dict,
    empty_list,
    needed,
)

# Mermaid node shapes: the bracket shapes (rect, round, stadium, subroutine, cylinder, circle,
# doublecircle, asymmetric, diamond, hexagon, lean_right, lean_left, trapezoid, inv_trapezoid) and
# the names of the `@{ shape: ... }` syntax (doc, cloud, lin-cyl, hourglass, ...). Mermaid keeps
# adding shapes, so any lower-case name is accepted; mermaid-js is the judge of what renders.
# `default` means "no shape given" (a node written `id@{ label: ... }`), kept so it round-trips.
Shape = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
# How a diagram writes a node's label (Mermaid distinguishes them; archc keeps what the author wrote):
# `plain` text in the shape's brackets, a `quoted` string there (a string in backticks is Mermaid's
# markdown string), or the `label` of the `@{ ... }` shape data (markdown by Mermaid's own rule).
LabelKind = Literal["plain", "quoted", "data"]


class Strict(BaseModel):
    """Base for every model object: unknown keys are errors, never ignored."""

    # allow_inf_nan=False: `.inf` and `.nan` are not numbers CloudFormation (or JSON) can carry
    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=False, str_strip_whitespace=False, allow_inf_nan=False)


# The types added after the seed's build their validators on first use, not at import: a model that
# does not use them (most models use a handful of types) does not pay for them at start-up.
DEFERRED = ConfigDict(defer_build=True)


class LintSettings(Strict):
    ignore: dict[str, str] = Field(
        default_factory=empty_dict,
        description="rule code → the reason this resource may break it, e.g. {ARC402: 'public website assets'}",
    )


class ResourceBase(Strict):
    """Fields every resource has."""

    account: AccountRef | None = Field(None, description="owning account key; defaults to the file's `defaults.account` or the only account")
    region: Region | None = Field(None, description="defaults to the account's region")
    description: str | None = None
    tags: dict[str, str] = Field(default_factory=empty_dict)
    # presentation hints: never change what is built
    label: str | None = Field(None, description="diagram label; `<br/>` separates lines")
    label_kind: LabelKind | None = Field(
        None,
        description="how the Mermaid diagram writes the label: `plain` `id[text]`, `quoted` `id[\"text\"]` (also before "
                    "`@{ shape }`), `data` `id@{ label: \"text\" }`; a label in backticks is a markdown string. Default: quoted "
                    "in the shape's brackets, in `@{ label }` for a shape without brackets",
    )
    group: str | None = Field(None, description="presentation group id (a subgraph in the overview diagram)")
    shape: Shape | None = Field(None, description="diagram node shape; defaults to the catalogue's")
    classes: list[ClassName] = Field(default_factory=empty_list, description="diagram classes (Mermaid classDef names)")
    lint: LintSettings = Field(default_factory=LintSettings)


# --- network ---------------------------------------------------------------------------------


class Vpc(ResourceBase):
    type: Literal["vpc"]
    cidr: NetworkCidr | None = needed("the VPC's IPv4 address range (/16 to /28)")
    flow_logs: bool = Field(True, description="capture VPC flow logs to CloudWatch Logs")


class Subnet(ResourceBase):
    type: Literal["subnet"]
    vpc: Annotated[str, RefTo("vpc")]
    cidr: NetworkCidr
    az: AvailabilityZone
    tier: Literal["public", "private", "isolated"] = Field(
        description="public: default route to an internet gateway; private: egress through a NAT gateway; isolated: no internet route"
    )
    default_route: Annotated[str, RefTo("internet_gateway", "nat_gateway")] | None = Field(
        None, description="where 0.0.0.0/0 goes: the internet gateway (public) or a NAT gateway (private)"
    )


class InternetGateway(ResourceBase):
    type: Literal["internet_gateway"]
    vpc: Annotated[str, RefTo("vpc")] | None = needed("the VPC it is attached to")


class NatGateway(ResourceBase):
    type: Literal["nat_gateway"]
    subnet: Annotated[str, RefTo("subnet")] | None = needed("the public subnet the NAT gateway sits in")


class IngressRule(Strict):
    cidr: Cidr | None = None
    prefix_list: Literal["cloudfront"] | None = None
    port: int = Field(ge=0, le=65535)
    protocol: Literal["tcp", "udp"] = "tcp"
    description: str | None = None


class SecurityGroup(ResourceBase):
    type: Literal["security_group"]
    vpc: Annotated[str, RefTo("vpc")] | None = needed("the VPC it belongs to")
    ingress: list[IngressRule] = Field(default_factory=empty_list, description="extra ingress beyond what connections imply")


class VpcEndpoint(ResourceBase):
    model_config = DEFERRED
    type: Literal["vpc_endpoint"]
    vpc: Annotated[str, RefTo("vpc")] | None = needed("the VPC it serves")
    service: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$")] | None = needed(
        "the AWS service: s3, dynamodb, sqs, secretsmanager, logs, ecr.api, ecr.dkr, sts, kms, states, events, lambda, sns, monitoring, xray…")
    kind: Literal["gateway", "interface"] | None = Field(None, description="gateway (s3, dynamodb: routes, free) or interface (a network "
                                                         "interface per subnet); gateway for s3 and dynamodb when omitted, else interface")
    subnets: list[Annotated[str, RefTo("subnet")]] = needed("gateway: the subnets whose route tables get the route; interface: one subnet per "
                                                            "availability zone for its network interfaces", many=True)
    policy: Literal["account", "open"] = Field("account", description="account: only principals of this account may use it; open: the AWS default "
                                               "(any principal, any resource)")
    private_dns: bool = Field(True, description="interface: the service's public name resolves to the endpoint inside the VPC")

    @model_validator(mode="after")
    def _kind(self) -> "VpcEndpoint":
        if self.kind == "gateway" and self.service is not None and self.service not in ("s3", "dynamodb"):
            raise ValueError(f"only s3 and dynamodb have gateway endpoints, not {self.service}")
        return self

    @property
    def endpoint_kind(self) -> str:
        return self.kind or ("gateway" if self.service in ("s3", "dynamodb") else "interface")


# --- compute ---------------------------------------------------------------------------------


class EcsCluster(ResourceBase):
    type: Literal["ecs_cluster"]
    cluster_name: str | None = None
    container_insights: bool = True


class HealthCheck(Strict):
    path: str = "/health"
    interval_seconds: int = Field(30, ge=5, le=300)
    healthy_threshold: int = Field(3, ge=2, le=10)
    unhealthy_threshold: int = Field(3, ge=2, le=10)


class EfsMount(Strict):
    """Where a function or a task mounts an EFS file system it reads or writes (the connection says which)."""

    file_system: Annotated[str, RefTo("efs_file_system")] = Field(description="the file system (a read, write or read_write connection goes to it)")
    access_point: str | None = Field(None, pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$",
                                     description="the access point to mount through; the file system's only one when omitted")
    path: str | None = Field(None, pattern=r"^/mnt/[A-Za-z0-9_.-]+$", max_length=160,
                             description="where the code sees the files: /mnt/<name> (default: /mnt/<access point>)")


class Container(Strict):
    name: str = "app"
    port: int = Field(8080, ge=1, le=65535)
    health_check_command: list[str] | None = Field(None, description="container health check, e.g. [CMD-SHELL, 'curl -f http://localhost:8080/health || exit 1']")
    environment: dict[str, str] = Field(default_factory=empty_dict)


class EcsTaskDefinition(ResourceBase):
    type: Literal["ecs_task_definition"]
    launch_type: Literal["fargate"] = "fargate"
    vcpu: float | None = needed("vCPUs: 0.25, 0.5, 1, 2, 4, 8 or 16")
    memory_gib: float | None = needed("memory in GiB, within Fargate's range for the vCPU count")
    cpu_architecture: Literal["x86_64", "arm64"] = "x86_64"
    execution_role: Annotated[str, RefTo("iam_role")] | None = needed("the role ECS uses to pull the image and write logs")
    task_role: Annotated[str, RefTo("iam_role")] | None = None
    container: Container = Field(default_factory=Container)
    mounts: list[EfsMount] = Field(default_factory=empty_list, description="EFS file systems its container mounts (one per file system)")

    @model_validator(mode="after")
    def _fargate_size(self) -> "EcsTaskDefinition":
        allowed = {0.25: (0.5, 2), 0.5: (1, 4), 1: (2, 8), 2: (4, 16), 4: (8, 30), 8: (16, 60), 16: (32, 120)}
        if self.vcpu is None:
            return self
        if self.vcpu not in allowed:
            raise ValueError(f"vcpu must be one of 0.25, 0.5, 1, 2, 4, 8, 16 for Fargate, not {self.vcpu:g}")
        low, high = allowed[self.vcpu]
        if self.memory_gib is not None and not low <= self.memory_gib <= high:
            raise ValueError(f"memory_gib for {self.vcpu:g} vCPU must be between {low:g} and {high:g} GiB, not {self.memory_gib:g}")
        return self


class EcsService(ResourceBase):
    type: Literal["ecs_service"]
    cluster: Annotated[str, RefTo("ecs_cluster")] | None = needed("the ECS cluster it runs in")
    task_definition: Annotated[str, RefTo("ecs_task_definition")] | None = needed("the task definition it runs")
    subnets: list[Annotated[str, RefTo("subnet")]] = needed("the subnets its tasks run in", many=True)
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    min_tasks: int = Field(1, ge=0)
    max_tasks: int = Field(1, ge=1)
    cpu_target_percent: int = Field(70, ge=10, le=95, description="target-tracking scaling on average CPU")
    target_group: Annotated[str, RefTo("target_group")] | None = None
    health_check_grace_seconds: int = Field(60, ge=0)

    @model_validator(mode="after")
    def _range(self) -> "EcsService":
        if self.max_tasks < self.min_tasks:
            raise ValueError(f"max_tasks ({self.max_tasks}) must be ≥ min_tasks ({self.min_tasks})")
        return self


class LambdaFunction(ResourceBase):
    type: Literal["lambda_function"]
    runtime: LambdaRuntime = "python3.12"
    handler: str = "app.handler"
    architecture: Literal["x86_64", "arm64"] = "x86_64"
    memory_mb: int = Field(512, ge=128, le=10240)
    timeout_seconds: int = Field(30, ge=1, le=900)
    role: Annotated[str, RefTo("iam_role")] | None = needed("the execution role")
    provisioned_concurrency: int | None = Field(None, ge=1)
    reserved_concurrency: int | None = Field(None, ge=0)
    subnets: list[Annotated[str, RefTo("subnet")]] = Field(default_factory=empty_list, description="private subnets to attach to (needed to reach a database in the VPC)")
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    schedule: str | None = Field(None, description="EventBridge schedule expression: cron(...) or rate(...)")
    environment: dict[str, str] = Field(default_factory=empty_dict)
    mounts: list[EfsMount] = Field(default_factory=empty_list, description="the EFS file system it mounts (Lambda mounts one)")

    @model_validator(mode="after")
    def _schedule(self) -> "LambdaFunction":
        s = self.schedule
        if s is not None and not ((s.startswith(("cron(", "rate("))) and s.endswith(")")):
            raise ValueError(f"schedule must be 'cron(...)' or 'rate(...)', not {s!r}")
        return self


# --- load balancing, API, edge ---------------------------------------------------------------


class Listener(Strict):
    port: int = Field(ge=1, le=65535)
    protocol: Literal["HTTP", "HTTPS"]
    certificate: Annotated[str, RefTo("acm_certificate")] | None = None
    action: Literal["forward", "redirect_https"] = "forward"
    target_group: Annotated[str, RefTo("target_group")] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Listener":
        if self.protocol == "HTTPS" and self.certificate is None:
            raise ValueError("an HTTPS listener needs a certificate")
        if self.action == "forward" and self.target_group is None:
            raise ValueError("a forward listener needs a target_group")
        return self


class LoadBalancer(ResourceBase):
    type: Literal["load_balancer"]
    kind: Literal["application", "network"] = "application"
    scheme: Literal["internet-facing", "internal"] = "internet-facing"
    subnets: list[Annotated[str, RefTo("subnet")]] = needed("the subnets it spans (two AZs at least)", many=True)
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    listeners: list[Listener] = needed("its listeners", many=True)
    domain: str | None = None
    deletion_protection: bool = True
    web_acl: Annotated[str, RefTo("web_acl")] | None = None


class TargetGroup(ResourceBase):
    type: Literal["target_group"]
    vpc: Annotated[str, RefTo("vpc")] | None = needed("the VPC of its targets")
    target_type: Literal["ip", "instance", "lambda"] = "ip"
    port: int = Field(8080, ge=1, le=65535)
    protocol: Literal["HTTP", "HTTPS"] = "HTTP"
    health_check: HealthCheck = Field(default_factory=HealthCheck)


class ApiGateway(ResourceBase):
    type: Literal["api_gateway"]
    kind: Literal["rest", "http"] = "rest"
    stage: str = "prod"
    endpoint: Literal["regional", "edge", "private"] = "regional"
    throttle_rate: float | None = Field(None, gt=0, description="steady-state requests per second")
    throttle_burst: int | None = Field(None, gt=0)
    web_acl: Annotated[str, RefTo("web_acl")] | None = None
    tracing: bool = True


class RateLimit(Strict):
    limit: int = Field(ge=10, description="requests per window per client IP")
    window_seconds: Literal[60, 120, 300, 600] = 300


class IpFiltering(Strict):
    mode: Literal["block", "allow"] = "block"
    addresses: list[Cidr] = Field(default_factory=empty_list, description="empty: supplied at deploy time as a parameter")


class WebAcl(ResourceBase):
    type: Literal["web_acl"]
    scope: Literal["REGIONAL", "CLOUDFRONT"] = "REGIONAL"
    rate_limit: RateLimit | None = None
    ip_filtering: IpFiltering | None = None
    managed_rules: list[Literal["common", "known_bad_inputs", "sql_injection", "ip_reputation", "anonymous_ip"]] = Field(default_factory=empty_list)

    @model_validator(mode="after")
    def _scope_region(self) -> "WebAcl":
        if self.scope == "CLOUDFRONT" and self.region not in (None, "us-east-1"):
            raise ValueError("a CLOUDFRONT-scope web ACL must be in us-east-1")
        return self


class CloudFrontDistribution(ResourceBase):
    type: Literal["cloudfront_distribution"]
    aliases: list[str] = Field(default_factory=empty_list)
    certificate: Annotated[str, RefTo("acm_certificate")] | None = None
    web_acl: Annotated[str, RefTo("web_acl")] | None = None
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_100"
    default_root_object: str | None = None


class CognitoUserPool(ResourceBase):
    model_config = DEFERRED
    type: Literal["cognito_user_pool"]
    sign_in: Literal["email", "phone", "username"] = Field("email", description="what users sign in with")
    self_sign_up: bool = Field(False, description="anyone may create an account; otherwise only administrators create users")
    mfa: Literal["required", "optional", "off"] = Field("required", description="TOTP (authenticator app) multi-factor authentication")
    password_min_length: int = Field(12, ge=8, le=99)
    deletion_protection: bool = True
    domain_prefix: str | None = Field(None, pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
                                      description="hosted sign-in at https://<prefix>.auth.<region>.amazoncognito.com")


OAuthScope = Literal["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"]


class CognitoUserPoolClient(ResourceBase):
    model_config = DEFERRED
    type: Literal["cognito_user_pool_client"]
    user_pool: Annotated[str, RefTo("cognito_user_pool")] | None = needed("the user pool it signs users in to")
    callback_urls: list[str] = Field(default_factory=empty_list, description="where the hosted sign-in returns (OAuth code flow); none: SRP sign-in only")
    logout_urls: list[str] = Field(default_factory=empty_list)
    scopes: list[OAuthScope] = Field(default_factory=lambda: list[OAuthScope](["openid", "email"]), description="OAuth scopes it may ask for")
    generate_secret: bool = Field(False, description="a confidential client (a server); browser and mobile apps keep no secret")
    access_token_minutes: int = Field(60, ge=5, le=1440)
    id_token_minutes: int = Field(60, ge=5, le=1440)
    refresh_token_days: int = Field(30, ge=1, le=3650)
    apis: list[Annotated[str, RefTo("api_gateway")]] = Field(default_factory=empty_list,
                                                              description="APIs whose routes accept only this client's tokens (a Cognito/JWT authorizer)")

    @model_validator(mode="after")
    def _urls(self) -> "CognitoUserPoolClient":
        for url in [*self.callback_urls, *self.logout_urls]:
            if not url.startswith(("https://", "http://localhost")):
                raise ValueError(f"callback and logout URLs must be https:// (or http://localhost for development), not {url!r}")
        if self.logout_urls and not self.callback_urls:
            raise ValueError("logout_urls need callback_urls (the hosted sign-in)")
        return self


# --- DNS and certificates --------------------------------------------------------------------


class DnsRecord(Strict):
    name: str = Field(description="fully qualified name, e.g. www.sagebrush.services")
    type: Literal["A", "AAAA", "CNAME"] = "A"
    target: Annotated[str, RefTo("load_balancer", "cloudfront_distribution", "api_gateway")]
    label: str | None = Field(None, description="diagram edge label; default: '<type> record'")


class Route53Zone(ResourceBase):
    type: Literal["route53_zone"]
    domain: str
    records: list[DnsRecord] = Field(default_factory=empty_list)


class DnsDelegation(ResourceBase):
    type: Literal["dns_delegation"]
    zone: Annotated[str, RefTo("route53_zone")] | None = needed("the delegated hosted zone (usually in another account)")
    via: Literal["parent_zone", "registrar"] = Field(
        "parent_zone", description="how the zone is delegated: an NS record in the parent domain's hosted zone (a subdomain), or "
                                   "the name servers of the domain's registration with Route 53 Domains in this account (a "
                                   "registered domain, whose only parent is its TLD)")
    parent_zone: Annotated[str, RefTo("route53_zone")] | None = Field(None, description="the parent domain's hosted zone, when the "
                                                                                         "model has it (via: parent_zone)")
    parent_zone_id: str | None = Field(None, description="hosted zone id of the parent domain (via: parent_zone, no parent_zone); "
                                                         "a deploy parameter when omitted")


class AcmCertificate(ResourceBase):
    type: Literal["acm_certificate"]
    domain: str
    alternative_names: list[str] = Field(default_factory=empty_list)
    validation: Literal["dns", "email"] = "dns"
    zone: Annotated[str, RefTo("route53_zone")] | None = Field(None, description="hosted zone that validates it (DNS validation)")


# --- data ------------------------------------------------------------------------------------


class AuroraCluster(ResourceBase):
    type: Literal["aurora_cluster"]
    engine: Literal["postgres", "mysql"] = "postgres"
    engine_version: str | None = needed("major or major.minor, e.g. '15' or '15.10'")
    serverless_v2: bool = True
    min_acu: float = Field(0.5, ge=0, le=256)
    max_acu: float = Field(4, ge=1, le=256)
    subnet_group: Annotated[str, RefTo("db_subnet_group")] | None = needed("the DB subnet group it is placed in")
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    database_name: str = "app"
    port: int | None = Field(None, ge=1150, le=65535)
    storage_encrypted: bool = True
    kms_key: Annotated[str, RefTo("kms_key")] | None = None
    backup_retention_days: int = Field(7, ge=1, le=35)
    deletion_protection: bool = True
    iam_auth: bool = True
    multi_az: bool = True
    require_tls: bool = Field(True, description="refuse connections without TLS (a cluster parameter group with rds.force_ssl "
                                                "or require_secure_transport)")

    @model_validator(mode="after")
    def _acu(self) -> "AuroraCluster":
        if self.max_acu < self.min_acu:
            raise ValueError(f"max_acu ({self.max_acu:g}) must be ≥ min_acu ({self.min_acu:g})")
        return self


class AuroraReaders(ResourceBase):
    type: Literal["aurora_readers"]
    cluster: Annotated[str, RefTo("aurora_cluster")] | None = needed("the Aurora cluster they read from")
    min_readers: int = Field(1, ge=0, le=15)
    max_readers: int = Field(1, ge=1, le=15)
    target_cpu_percent: int = Field(70, ge=10, le=95)

    @model_validator(mode="after")
    def _range(self) -> "AuroraReaders":
        if self.max_readers < self.min_readers:
            raise ValueError(f"max_readers ({self.max_readers}) must be ≥ min_readers ({self.min_readers})")
        return self


class RdsInstance(ResourceBase):
    model_config = DEFERRED
    type: Literal["rds_instance"]
    engine: Literal["postgres", "mysql"] = "postgres"
    engine_version: str | None = needed("major or major.minor, e.g. '16' or '16.4'")
    instance_class: str = Field("db.t4g.medium", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$")
    storage_gb: int = Field(20, ge=20, le=65536)
    max_storage_gb: int | None = Field(None, ge=21, le=65536, description="storage autoscaling ceiling")
    subnet_group: Annotated[str, RefTo("db_subnet_group")] | None = needed("the DB subnet group it is placed in")
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    database_name: str = Field("app", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
    port: int | None = Field(None, ge=1150, le=65535)
    storage_encrypted: bool = True
    kms_key: Annotated[str, RefTo("kms_key")] | None = None
    backup_retention_days: int = Field(7, ge=1, le=35)
    deletion_protection: bool = True
    iam_auth: bool = True
    multi_az: bool = True

    @model_validator(mode="after")
    def _storage(self) -> "RdsInstance":
        v = self.engine_version
        if self.engine == "mysql" and v is not None and v.isdigit():  # MySQL names its major versions major.minor (8.0, 8.4)
            raise ValueError(f"MySQL engine versions are major.minor or longer, e.g. 8.0 or 8.4, not {v}")
        if self.max_storage_gb is not None and self.max_storage_gb <= self.storage_gb:
            raise ValueError(f"max_storage_gb ({self.max_storage_gb}) must be more than storage_gb ({self.storage_gb})")
        return self


class EfsAccessPoint(Strict):
    model_config = DEFERRED
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$", description="the access point's name (unique within the file system)")
    path: str = Field(pattern=r"^/[A-Za-z0-9_./-]*$", description="the directory clients see as the root, created on first use")
    uid: int = Field(1000, ge=0, le=4294967295, description="the POSIX user every client acts as")
    gid: int = Field(1000, ge=0, le=4294967295, description="the POSIX group every client acts as")
    permissions: str = Field("750", pattern=r"^[0-7]{3,4}$", description="octal mode of the root directory when EFS creates it")


class EfsFileSystem(ResourceBase):
    model_config = DEFERRED
    type: Literal["efs_file_system"]
    subnets: list[Annotated[str, RefTo("subnet")]] = needed("one subnet per availability zone for its mount targets", many=True)
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    encrypted: bool = Field(True, description="encrypt data at rest (ARC413 requires it; it cannot be turned on later)")
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key; the AWS-managed aws/elasticfilesystem key when omitted")
    performance_mode: Literal["general_purpose", "max_io"] = Field("general_purpose", description="general purpose (lowest latency) or max I/O")
    throughput_mode: Literal["elastic", "bursting"] = Field("elastic", description="elastic (scales with the load, pay per use) or bursting (scales with the size)")
    backup: bool = Field(True, description="daily AWS Backup of the file system (ARC414)")
    infrequent_access_after_days: Literal[1, 7, 14, 30, 60, 90, 180, 270, 365] | None = Field(
        None, description="move files not read for this many days to the infrequent-access class (back on first access)")
    access_points: list[EfsAccessPoint] = Field(default_factory=list, description="entry points with a fixed POSIX user and root directory")

    @model_validator(mode="after")
    def _access_points(self) -> "EfsFileSystem":
        names = [ap.name for ap in self.access_points]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"access point names must be unique: {', '.join(dup)}")
        return self


class ElastiCache(ResourceBase):
    model_config = DEFERRED
    type: Literal["elasticache"]
    engine: Literal["valkey", "redis"] = Field("valkey", description="Valkey, or Redis OSS")
    mode: Literal["serverless", "replication_group"] = Field(
        "serverless", description="a serverless cache (scales itself) or a replication group of nodes (a primary and replicas)")
    engine_version: str | None = Field(None, pattern=r"^[0-9]+(\.[0-9]+)?$", description=(
        "major or major.minor version; the engine's current one (Valkey 8.0, Redis OSS 7.1) when omitted; a serverless cache takes the major"))
    subnets: list[Annotated[str, RefTo("subnet")]] = needed("private or isolated subnets in two or more availability zones", many=True)
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    encryption_at_rest: bool = Field(True, description="encrypt data, snapshots and swap at rest (ARC417 requires it)")
    encryption_in_transit: bool = Field(True, description="TLS required on every connection (ARC417 requires it)")
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key; an AWS-owned key when omitted")
    iam_auth: bool = Field(True, description="clients sign in with IAM (elasticache:Connect) as a user made for the cache; "
                                             "the default user is turned off")
    snapshot_retention_days: int = Field(7, ge=0, le=35, description="days of daily snapshots kept (ARC418 wants at least 1)")
    node_type: str = Field("cache.t4g.small", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$", description="node size (replication group only)")
    replicas: int = Field(1, ge=0, le=5, description="read replicas beside the primary (replication group only)")
    multi_az: bool = Field(True, description="replicas in other availability zones, with automatic failover (replication group only)")
    max_data_gb: int | None = Field(None, ge=1, le=5000, description="most data a serverless cache may hold (serverless only)")
    max_ecpu_per_second: int | None = Field(None, ge=1000, le=15000000, description="most ElastiCache processing units per second (serverless only)")

    @model_validator(mode="after")
    def _mode(self) -> "ElastiCache":
        if self.mode == "serverless":
            if not (self.encryption_at_rest and self.encryption_in_transit):
                raise ValueError("a serverless cache is always encrypted at rest and in transit: remove encryption_at_rest/encryption_in_transit")
            wrong: list[str] = [f for f in ("node_type", "replicas", "multi_az") if f in self.model_fields_set]
            if wrong:
                raise ValueError(f"{', '.join(wrong)} apply to mode: replication_group only")
        else:
            wrong = [f for f in ("max_data_gb", "max_ecpu_per_second") if f in self.model_fields_set]
            if wrong:
                raise ValueError(f"{', '.join(wrong)} apply to mode: serverless only")
            if self.multi_az and self.replicas < 1:
                raise ValueError("multi_az needs at least one replica (replicas: 1) to fail over to")
        if self.iam_auth and not self.encryption_in_transit:
            raise ValueError("IAM authentication needs encryption_in_transit")
        return self


class OpenSearchDomain(ResourceBase):
    model_config = DEFERRED
    type: Literal["opensearch_domain"]
    engine_version: str = Field("2.19", pattern=r"^[0-9]+\.[0-9]+$", description="OpenSearch version (major.minor)")
    subnets: list[Annotated[str, RefTo("subnet")]] = needed(
        "private or isolated subnets, one per availability zone the domain spans (one to three)", many=True)
    security_groups: list[Annotated[str, RefTo("security_group")]] = Field(default_factory=empty_list)
    instance_type: str = Field("r7g.large.search", pattern=r"^[a-z0-9]+\.[a-z0-9]+\.search$", description="data node size")
    instance_count: int = Field(2, ge=1, le=80, description="data nodes, a multiple of the number of subnets (zones)")
    dedicated_masters: Literal[0, 3, 5] = Field(0, description="dedicated cluster manager nodes (3 for production domains)")
    master_instance_type: str = Field("m7g.large.search", pattern=r"^[a-z0-9]+\.[a-z0-9]+\.search$",
                                      description="cluster manager node size (with dedicated_masters)")
    volume_gb: int = Field(20, ge=10, le=24576, description="gp3 storage per data node")
    encryption_at_rest: bool = Field(True, description="encrypt indexes, logs, swap and snapshots (ARC417 requires it)")
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key; the AWS-managed aws/es key when omitted")
    node_to_node_encryption: bool = Field(True, description="TLS between the domain's nodes (ARC417 requires it)")
    enforce_https: bool = Field(True, description="refuse plain HTTP; TLS 1.2 or newer only (ARC417 requires it)")

    @model_validator(mode="after")
    def _layout(self) -> "OpenSearchDomain":
        if len(self.subnets) > 3:
            raise ValueError(f"a domain spans at most three availability zones: {len(self.subnets)} subnets given")
        if self.subnets and self.instance_count % len(self.subnets):
            raise ValueError(f"instance_count ({self.instance_count}) must be a multiple of the number of subnets ({len(self.subnets)}): "
                             "OpenSearch spreads data nodes evenly over the zones")
        if "master_instance_type" in self.model_fields_set and not self.dedicated_masters:
            raise ValueError("master_instance_type applies with dedicated_masters only")
        if self.kms_key and not self.encryption_at_rest:
            raise ValueError("kms_key applies with encryption_at_rest only")
        return self


_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"


class SesIdentity(ResourceBase):
    model_config = DEFERRED
    type: Literal["ses_identity"]
    identity: Annotated[str, StringConstraints(pattern=rf"^(?:[A-Za-z0-9._%+-]+@)?{_DOMAIN}$", max_length=320)] | None = needed(
        "the domain (example.com) or the email address (noreply@example.com) mail is sent from")
    zone: Annotated[str, RefTo("route53_zone")] | None = Field(
        None, description="the hosted zone archc publishes the domain's DKIM records in (a domain identity only; ARC125, ARC126)")
    dkim_key_length: Literal[1024, 2048] = Field(2048, description="bits of the Easy DKIM signing key (a domain identity only)")

    @model_validator(mode="after")
    def _kind(self) -> "SesIdentity":
        if self.identity and "@" in self.identity:
            wrong = [f for f in ("zone", "dkim_key_length") if f in self.model_fields_set]
            if wrong:
                raise ValueError(f"{', '.join(wrong)} apply to a domain identity only, not an email address")
        return self


class DbSubnetGroup(ResourceBase):
    type: Literal["db_subnet_group"]
    subnets: list[Annotated[str, RefTo("subnet")]] = needed("its subnets (two AZs at least)", many=True)


class LifecycleRule(Strict):
    applies_to: Literal["current", "noncurrent"] = "noncurrent"
    after_days: int = Field(ge=0)
    action: Literal["GLACIER", "DEEP_ARCHIVE", "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "expire"]


class S3Bucket(ResourceBase):
    type: Literal["s3_bucket"]
    name: str | None = Field(None, description="bucket name stem; the account id and region are appended to make it globally unique")
    public: bool = Field(False, description="serves objects to anyone (website assets); everything else stays private")
    versioning: bool = True
    encryption: Literal["kms", "s3"] = "kms"
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key; the AWS-managed aws/s3 key when omitted")
    lifecycle: list[LifecycleRule] = Field(default_factory=empty_list)
    replication_rpo_minutes: int | None = Field(None, ge=1, description="recovery point objective of the replicas this bucket "
                                                "replicates into: 15 or more compiles into S3 Replication Time Control (15 minutes)")


class KmsKey(ResourceBase):
    type: Literal["kms_key"]
    alias: str | None = None
    rotation: bool = True


class SqsQueue(ResourceBase):
    type: Literal["sqs_queue"]
    fifo: bool = False
    visibility_timeout_seconds: int = Field(30, ge=0, le=43200)
    retention_days: int = Field(4, ge=1, le=14)
    dead_letter_queue: Annotated[str, RefTo("sqs_queue")] | None = None
    max_receive_count: int = Field(5, ge=1, le=1000)
    encrypted: bool = True
    kms_key: Annotated[str, RefTo("kms_key")] | None = None


class SnsTopic(ResourceBase):
    type: Literal["sns_topic"]
    encrypted: bool = True
    kms_key: Annotated[str, RefTo("kms_key")] | None = None


class Secret(ResourceBase):
    type: Literal["secret"]
    kms_key: Annotated[str, RefTo("kms_key")] | None = None
    generate: bool = Field(True, description="let Secrets Manager generate the value (no secret in the template)")
    rotation_days: int | None = Field(None, ge=1, le=1000)


class TableKey(Strict):
    model_config = DEFERRED
    name: str = Field(min_length=1, max_length=255, description="attribute name")
    type: Literal["S", "N", "B"] = Field("S", description="S (string), N (number) or B (binary)")


class TableIndex(Strict):
    model_config = DEFERRED
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,255}$", description="index name")
    partition_key: TableKey
    sort_key: TableKey | None = None
    projection: Literal["all", "keys_only"] = "all"
    read_capacity: int | None = Field(None, ge=1, description="provisioned billing only")
    write_capacity: int | None = Field(None, ge=1, description="provisioned billing only")


class DynamoDbTable(ResourceBase):
    model_config = DEFERRED
    type: Literal["dynamodb_table"]
    table_name: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]{3,255}$", description="fixed table name; CloudFormation names it when omitted")
    partition_key: TableKey | None = needed("the partition (hash) key, e.g. {name: pk, type: S}")
    sort_key: TableKey | None = None
    billing_mode: Literal["on_demand", "provisioned"] = "on_demand"
    read_capacity: int | None = Field(None, ge=1, description="read capacity units (provisioned billing only)")
    write_capacity: int | None = Field(None, ge=1, description="write capacity units (provisioned billing only)")
    point_in_time_recovery: bool = Field(True, description="continuous backups: restore to any second of the last 35 days")
    ttl_attribute: str | None = Field(None, min_length=1, max_length=255, description="attribute holding each item's expiry (epoch seconds)")
    stream: Literal["new_image", "old_image", "new_and_old_images", "keys_only"] | None = Field(
        None, description="DynamoDB Streams view; a `trigger` connection out of the table turns on new_and_old_images when unset")
    indexes: list[TableIndex] = Field(default_factory=empty_list, description="global secondary indexes")
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key; the AWS-managed aws/dynamodb key when omitted")
    deletion_protection: bool = True
    table_class: Literal["standard", "standard_infrequent_access"] = "standard"

    @model_validator(mode="after")
    def _consistent(self) -> "DynamoDbTable":
        provisioned = self.billing_mode == "provisioned"
        capacities = [("", self.read_capacity, self.write_capacity)] + [
            (f"index '{ix.name}': ", ix.read_capacity, ix.write_capacity) for ix in self.indexes]
        for where, read, write in capacities:
            if provisioned and (read is None or write is None):
                raise ValueError(f"{where}provisioned billing needs read_capacity and write_capacity")
            if not provisioned and (read is not None or write is not None):
                raise ValueError(f"{where}read_capacity and write_capacity apply to billing_mode: provisioned only")
        names = [ix.name for ix in self.indexes]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"index names must be unique: {', '.join(twice)}")
        if len(names) > 20:
            raise ValueError(f"a table has at most 20 global secondary indexes, not {len(names)}")
        types: dict[str, str] = {}
        keys = [self.partition_key, self.sort_key] + [k for ix in self.indexes for k in (ix.partition_key, ix.sort_key)]
        for key in keys:
            if key is None:
                continue
            if types.setdefault(key.name, key.type) != key.type:
                raise ValueError(f"key attribute '{key.name}' is declared both {types[key.name]} and {key.type}")
        if self.sort_key is not None and self.partition_key is not None and self.sort_key.name == self.partition_key.name:
            raise ValueError("sort_key must be a different attribute from partition_key")
        return self


class KinesisStream(ResourceBase):
    model_config = DEFERRED
    type: Literal["kinesis_stream"]
    mode: Literal["on_demand", "provisioned"] = "on_demand"
    shards: int | None = Field(None, ge=1, description="provisioned mode only")
    retention_hours: int = Field(24, ge=24, le=8760)
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key; the AWS-managed aws/kinesis key when omitted")

    @model_validator(mode="after")
    def _shards(self) -> "KinesisStream":
        if self.mode == "provisioned" and self.shards is None:
            raise ValueError("provisioned mode needs shards")
        if self.mode == "on_demand" and self.shards is not None:
            raise ValueError("shards apply to mode: provisioned only")
        return self


class EcrRepository(ResourceBase):
    model_config = DEFERRED
    type: Literal["ecr_repository"]
    repository_name: str | None = Field(None, pattern=r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", max_length=256)
    immutable_tags: bool = Field(True, description="a pushed tag can never point at another image")
    scan_on_push: bool = True
    keep_images: int | None = Field(50, ge=1, le=10000, description="expire all but the newest N images; None keeps every image")
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key; the AWS-managed aws/ecr key when omitted")


# --- events ------------------------------------------------------------------------------------


class EventBridgeBus(ResourceBase):
    model_config = DEFERRED
    type: Literal["eventbridge_bus"]
    bus_name: str | None = Field(None, pattern=r"^[A-Za-z0-9._-]{1,256}$", description="the bus name; '<model name>-<id>' when omitted")
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key for events at rest; an AWS-owned key when omitted")
    archive_days: int | None = Field(None, ge=0, description="archive every event for replay, for this many days (0 keeps forever)")


class EventBridgeRule(ResourceBase):
    model_config = DEFERRED
    type: Literal["eventbridge_rule"]
    bus: Annotated[str, RefTo("eventbridge_bus")] | None = Field(None, description="the bus it listens on; the account's default bus when omitted")
    event_pattern: dict[str, Any] | None = needed("the EventBridge event pattern it matches, e.g. {source: [orders], detail-type: [OrderPlaced]}")
    enabled: bool = True
    dead_letter_queue: Annotated[str, RefTo("sqs_queue")] | None = Field(None, description="where events that cannot be delivered to a target go")
    retry_attempts: int = Field(185, ge=0, le=185)
    max_event_age_seconds: int = Field(86400, ge=60, le=86400)


class EventBridgeSchedule(ResourceBase):
    model_config = DEFERRED
    type: Literal["eventbridge_schedule"]
    expression: str | None = needed("when it runs: cron(...), rate(...) or at(yyyy-mm-ddThh:mm:ss)")
    timezone: str = Field("UTC", description="IANA time zone of a cron or at expression, e.g. Europe/Paris")
    flexible_window_minutes: int | None = Field(None, ge=1, le=1440, description="let Scheduler run it any time within this window (spreads load)")
    enabled: bool = True
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key for the schedule's target input")
    dead_letter_queue: Annotated[str, RefTo("sqs_queue")] | None = Field(None, description="where runs that cannot reach the target go")
    retry_attempts: int = Field(185, ge=0, le=185)
    max_event_age_seconds: int = Field(86400, ge=60, le=86400)

    @model_validator(mode="after")
    def _expression(self) -> "EventBridgeSchedule":
        e = self.expression
        if e is not None and not (e.startswith(("cron(", "rate(", "at(")) and e.endswith(")")):
            raise ValueError(f"expression must be 'cron(...)', 'rate(...)' or 'at(...)', not {e!r}")
        return self


# --- workflows ---------------------------------------------------------------------------------


class StateMachine(ResourceBase):
    model_config = DEFERRED
    type: Literal["state_machine"]
    kind: Literal["standard", "express"] = "standard"
    definition: dict[str, Any] | None = Field(None, description="the Amazon States Language definition, inline; "
                                              "${ID} names a connected resource (its ARN, URL or name)")
    definition_file: str | None = Field(None, description="the definition's file (JSON), uploaded to the definitions bucket at deploy time; "
                                        "its key is a deploy parameter defaulting to this path")
    log_level: Literal["ALL", "ERROR", "FATAL"] = Field("ERROR", description="what execution history goes to CloudWatch Logs")
    log_execution_data: bool = Field(False, description="include inputs and outputs in the logs (they may hold personal data)")
    tracing: bool = Field(True, description="X-Ray tracing of executions")
    kms_key: Annotated[str, RefTo("kms_key")] | None = Field(None, description="customer-managed key for execution data; an AWS-owned key when omitted")

    @model_validator(mode="after")
    def _one_definition(self) -> "StateMachine":
        if self.definition is not None and self.definition_file is not None:
            raise ValueError("give definition or definition_file, not both")
        if self.definition is not None and "States" not in self.definition:
            raise ValueError("definition must be Amazon States Language: a mapping with StartAt and States")
        return self


# --- operations ------------------------------------------------------------------------------


class LogGroup(ResourceBase):
    type: Literal["log_group"]
    retention_days: int | None = Field(None, description="days to keep; None keeps forever")
    kms_key: Annotated[str, RefTo("kms_key")] | None = None

    @model_validator(mode="after")
    def _retention(self) -> "LogGroup":
        allowed = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
        if self.retention_days is not None and self.retention_days not in allowed:
            raise ValueError(f"retention_days must be one of CloudWatch's values {sorted(allowed)}, not {self.retention_days}")
        return self


class MetricNamespace(ResourceBase):
    type: Literal["metric_namespace"]
    namespace: str | None = needed("the CloudWatch namespace of the custom metrics")


Signal = Literal["errors", "latency", "cpu", "memory", "throttles", "5xx", "queue_age"]


class Alarm(ResourceBase):
    type: Literal["alarm"]
    monitors: list[Annotated[str, RefTo()]] = needed("resources whose metrics are alarmed on", many=True)
    signals: list[Signal] = Field(default_factory=lambda: list[Signal](["errors"]), description="which health signals to alarm on")


class Tracing(ResourceBase):
    type: Literal["xray"]
    sampling_percent: float = Field(5, ge=0, le=100)


# --- identity --------------------------------------------------------------------------------


class IamRole(ResourceBase):
    type: Literal["iam_role"]
    role_name: str | None = Field(None, description="fixed role name (needed when other accounts name it in policies)")
    assumable_by: list[Annotated[str, RefTo("iam_role")]] = Field(default_factory=empty_list, description="roles (often in other accounts) trusted to assume this role")
    require_mfa: bool = False
    require_external_id: bool = Field(False, description="require an sts:ExternalId, supplied as a NoEcho parameter")
    max_session_hours: int = Field(1, ge=1, le=12)


# --- outside AWS -----------------------------------------------------------------------------


class External(ResourceBase):
    type: Literal["external"]
    kind: Literal["users", "client", "service", "internet"] = "users"
    endpoint: str | None = Field(None, description="where a service receives notifications; a NoEcho deploy parameter when omitted")


class Generic(ResourceBase):
    """What the diagram importer could not type: keeps the words it found."""

    type: Literal["generic"]
    kind: str | None = Field(None, description="the words that described it")
    properties: dict[str, str] = Field(default_factory=empty_dict)


class CfnResource(ResourceBase):
    """The escape hatch: any CloudFormation resource type, written with its ``Properties``.

    ``type`` is the CloudFormation type itself (``AWS::Glue::Job``); ``properties`` is what the
    template's ``Properties`` would hold. It has an id, account, region, group and label like every
    resource, and connects with the same verbs. Its catalogue row is ``cloudformation``.
    """

    if TYPE_CHECKING:
        # For the type checker the escape hatch's `type` is its tag, so that `res.type == "vpc"`
        # still narrows the `Resource` union; at run time it holds the CloudFormation type. Test
        # for the escape hatch with `isinstance(res, CfnResource)`, never with `res.type`.
        type: Literal["cloudformation"]
    else:
        type: Annotated[str, StringConstraints(pattern=CFN_TYPE_PATTERN)] = Field(
            description="a CloudFormation resource type, e.g. AWS::Glue::Job"
        )
    properties: dict[str, Any] = Field(default_factory=empty_dict, description="the resource's CloudFormation Properties")
    deletion_policy: Literal["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"] | None = Field(
        None, description="the resource's DeletionPolicy (default: CloudFormation's, Delete for most types)")
    update_replace_policy: Literal["Delete", "Retain", "Snapshot"] | None = Field(
        None, description="the resource's UpdateReplacePolicy (default: CloudFormation's, Delete)")
    condition: str | None = Field(None, description="the resource's CloudFormation Condition: the name of one of the model's `conditions`")


def resource_tag(value: Any) -> str | None:
    """The union member a raw or validated resource belongs to: its ``type``, or ``cloudformation``
    for a CloudFormation type (``AWS::Service::Thing``)."""
    rtype = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if not isinstance(rtype, str) or rtype == ESCAPE_HATCH:  # the tag is not a type a user writes
        return None
    return ESCAPE_HATCH if rtype.startswith(CFN_TYPE_PREFIXES) else rtype



_MEMBERS: tuple[type[ResourceBase], ...] = (  # every type but the escape hatch
    Vpc, Subnet, InternetGateway, NatGateway, SecurityGroup, VpcEndpoint,
    EcsCluster, EcsTaskDefinition, EcsService, LambdaFunction,
    LoadBalancer, TargetGroup, ApiGateway, WebAcl, CloudFrontDistribution, CognitoUserPool, CognitoUserPoolClient,
    Route53Zone, DnsDelegation, AcmCertificate,
    AuroraCluster, AuroraReaders, RdsInstance, DbSubnetGroup, EfsFileSystem, ElastiCache, OpenSearchDomain, SesIdentity, S3Bucket, KmsKey, SqsQueue, SnsTopic, Secret,
    DynamoDbTable, KinesisStream, EcrRepository, EventBridgeBus, EventBridgeRule, EventBridgeSchedule, StateMachine,
    LogGroup, MetricNamespace, Alarm, Tracing,
    IamRole, External, Generic,
)


def _tag_of(cls: type[ResourceBase]) -> str:
    if cls is CfnResource:
        return ESCAPE_HATCH
    return str(cls.model_fields["type"].annotation.__args__[0])  # type: ignore[union-attr]


_ALL: tuple[type[ResourceBase], ...] = (*_MEMBERS, CfnResource)
RESOURCE_CLASSES: dict[str, type[ResourceBase]] = {_tag_of(c): c for c in _ALL}
"""Union tag → class: every ``type`` name, and ``cloudformation`` for the escape hatch."""

Resource = Annotated[
    Annotated[Vpc, Tag("vpc")] | Annotated[Subnet, Tag("subnet")] | Annotated[InternetGateway, Tag("internet_gateway")]
    | Annotated[NatGateway, Tag("nat_gateway")] | Annotated[SecurityGroup, Tag("security_group")]
    | Annotated[VpcEndpoint, Tag("vpc_endpoint")]
    | Annotated[EcsCluster, Tag("ecs_cluster")] | Annotated[EcsTaskDefinition, Tag("ecs_task_definition")]
    | Annotated[EcsService, Tag("ecs_service")] | Annotated[LambdaFunction, Tag("lambda_function")]
    | Annotated[LoadBalancer, Tag("load_balancer")] | Annotated[TargetGroup, Tag("target_group")]
    | Annotated[ApiGateway, Tag("api_gateway")] | Annotated[WebAcl, Tag("web_acl")]
    | Annotated[CloudFrontDistribution, Tag("cloudfront_distribution")]
    | Annotated[CognitoUserPool, Tag("cognito_user_pool")] | Annotated[CognitoUserPoolClient, Tag("cognito_user_pool_client")]
    | Annotated[Route53Zone, Tag("route53_zone")] | Annotated[DnsDelegation, Tag("dns_delegation")]
    | Annotated[AcmCertificate, Tag("acm_certificate")]
    | Annotated[AuroraCluster, Tag("aurora_cluster")] | Annotated[AuroraReaders, Tag("aurora_readers")]
    | Annotated[RdsInstance, Tag("rds_instance")] | Annotated[DbSubnetGroup, Tag("db_subnet_group")] | Annotated[S3Bucket, Tag("s3_bucket")]
    | Annotated[EfsFileSystem, Tag("efs_file_system")] | Annotated[ElastiCache, Tag("elasticache")]
    | Annotated[OpenSearchDomain, Tag("opensearch_domain")] | Annotated[SesIdentity, Tag("ses_identity")]
    | Annotated[KmsKey, Tag("kms_key")] | Annotated[SqsQueue, Tag("sqs_queue")] | Annotated[SnsTopic, Tag("sns_topic")]
    | Annotated[Secret, Tag("secret")] | Annotated[DynamoDbTable, Tag("dynamodb_table")]
    | Annotated[KinesisStream, Tag("kinesis_stream")] | Annotated[EcrRepository, Tag("ecr_repository")]
    | Annotated[EventBridgeBus, Tag("eventbridge_bus")] | Annotated[EventBridgeRule, Tag("eventbridge_rule")]
    | Annotated[EventBridgeSchedule, Tag("eventbridge_schedule")] | Annotated[StateMachine, Tag("state_machine")]
    | Annotated[LogGroup, Tag("log_group")] | Annotated[MetricNamespace, Tag("metric_namespace")]
    | Annotated[Alarm, Tag("alarm")] | Annotated[Tracing, Tag("xray")]
    | Annotated[IamRole, Tag("iam_role")] | Annotated[External, Tag("external")] | Annotated[Generic, Tag("generic")]
    | Annotated[CfnResource, Tag(ESCAPE_HATCH)],
    Discriminator(resource_tag),
]


def resource_class(rtype: str) -> type[ResourceBase] | None:
    """The class for a ``type`` value (any ``AWS::…`` type is the escape hatch); None if unknown."""
    tag = resource_tag({"type": rtype})
    return RESOURCE_CLASSES.get(tag) if tag is not None else None
