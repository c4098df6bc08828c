"""Data: Aurora clusters and their readers, DB subnet groups, S3 buckets (encryption, versioning,
TLS-only policies, lifecycle, replication), KMS keys and Secrets Manager secrets.

Everything that holds data is kept when its stack is deleted or the resource replaced
(``DeletionPolicy``/``UpdateReplacePolicy: Retain``).
"""

from __future__ import annotations

import re
from typing import Any

from troposphere import Sub, kms, logs, rds, s3, secretsmanager

from archc.compiler.context import AsksBuilder, Context, Statement, need
from archc.compiler.iam import bucket_arn, db_cluster, service_role
from archc.compiler.naming import bucket_name, bucket_stem, camel
from archc.compiler.scaling import cpu_target_tracking
from archc.model.resources import AuroraCluster, AuroraReaders, DbSubnetGroup, KmsKey, S3Bucket, Secret

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
ENGINES = {"postgres": ("aurora-postgresql", 5432, "postgres", ["postgresql"]),
           "mysql": ("aurora-mysql", 3306, "admin", ["audit", "error", "general", "slowquery"])}
ABORT_MULTIPART_DAYS = 7
RTC_MINUTES = 15  # S3 Replication Time Control's one setting
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def db_port(ctx: Context, rid: str) -> int:
    if ctx.type_of(rid) == "rds_instance":
        from archc.compiler.rds import instance_port

        return instance_port(ctx, rid)
    res = ctx.get(db_cluster(ctx, rid), AuroraCluster)
    return int(res.port or ENGINES[res.engine][1])


# --- Aurora ------------------------------------------------------------------------------------


def _monitoring_role(ctx: Context, rid: str) -> str:
    p = ctx.placement(rid)
    key = f"rds-monitoring:{p.account}:{p.region}"
    if key not in ctx.singletons:
        ctx.singletons[key] = service_role(ctx, rid, "MonitoringRole", "monitoring.rds.amazonaws.com", [], managed=[
            Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")])
    return ctx.singletons[key]


def _instance(ctx: Context, cluster: str, lid: str, node: str, tier: int) -> None:
    """A DB instance of *cluster*: after the log groups its logs are exported to and, unless it is the writer, after the writer.

    Aurora makes the first instance to come up the writer; a reader created in parallel may win.
    RDS creates the export log groups itself (keeping logs forever) unless they exist first.
    """
    res = ctx.get(cluster, AuroraCluster)
    engine = ENGINES[res.engine][0]
    props: dict[str, Any] = {
        "Engine": engine, "DBInstanceClass": "db.serverless" if res.serverless_v2 else "db.r6g.large",
        "DBClusterIdentifier": ctx.ref(cluster), "PubliclyAccessible": False, "AutoMinorVersionUpgrade": True,
        "EnablePerformanceInsights": True, "MonitoringInterval": 60, "MonitoringRoleArn": ctx.ref(_monitoring_role(ctx, cluster), "Arn"),
        "PromotionTier": tier,
    }
    if res.kms_key:
        props["PerformanceInsightsKMSKeyId"] = ctx.ref(res.kms_key, "Arn")
    unit = ctx.add(rds.DBInstance(lid, **props), node)
    unit.after.update(ctx.declared.db_log_groups[cluster])
    if lid != ctx.declared.writer[cluster]:
        unit.after.add(ctx.declared.writer[cluster])


def compile_aurora_cluster(ctx: Context, rid: str, res: AuroraCluster) -> None:
    lid = ctx.main[rid]
    engine, port, user, log_types = ENGINES[res.engine]
    version: Any = need(res.engine_version)
    if re.fullmatch(r"[0-9]+", version):  # a major version only: RDS creates clusters from full versions
        version = ctx.param(f"{lid}EngineVersion", "String",
                            f"{engine} version of {rid}: the model pins major version {version}; choose its minor version, e.g. {version}.x "
                            f"(aws rds describe-db-engine-versions --engine {engine})", allowed_pattern=rf"^{version}\.[0-9]+(\.[0-9]+)?$")
    props: dict[str, Any] = {
        "Engine": engine, "EngineVersion": version, "DatabaseName": res.database_name, "Port": res.port or port,
        "DBSubnetGroupName": ctx.ref(need(res.subnet_group)),
        "VpcSecurityGroupIds": [ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]],
        "StorageEncrypted": res.storage_encrypted, "BackupRetentionPeriod": res.backup_retention_days,
        "DeletionProtection": res.deletion_protection, "EnableIAMDatabaseAuthentication": res.iam_auth,
        "MasterUsername": user, "ManageMasterUserPassword": True, "CopyTagsToSnapshot": True,
        "EnableCloudwatchLogsExports": log_types, **RETAIN,
    }
    if res.kms_key:
        props["KmsKeyId"] = ctx.ref(res.kms_key, "Arn")
        props["MasterUserSecret"] = rds.MasterUserSecret(KmsKeyId=ctx.ref(res.kms_key, "Arn"))
    if res.serverless_v2:
        props["ServerlessV2ScalingConfiguration"] = rds.ServerlessV2ScalingConfiguration(MinCapacity=res.min_acu, MaxCapacity=res.max_acu)
    if res.require_tls:
        props["DBClusterParameterGroupName"] = ctx.ref(_parameter_group(ctx, rid, res))
    ctx.add(rds.DBCluster(lid, **props), rid)
    for log_type, group in zip(log_types, ctx.declared.db_log_groups[rid], strict=True):
        unit = ctx.add(logs.LogGroup(group, LogGroupName=Sub(f"/aws/rds/cluster/${{Cluster}}/{log_type}", Cluster=ctx.ref(rid)),
                                     RetentionInDays=ctx.log_retention_days(rid), **RETAIN), rid)
        unit.skip("CKV_AWS_158", "the database's exported logs are encrypted with the CloudWatch Logs service key; "
                                 "the model names no KMS key for them")
    _instance(ctx, rid, ctx.declared.writer[rid], rid, 0)
    has_readers = bool(ctx.index.readers_of.get(rid))
    if res.multi_az and not has_readers:
        _instance(ctx, rid, ctx.new_id(rid, "Reader"), rid, 1)  # a second instance in another AZ for failover


TLS_PARAMETERS = {"postgres": {"rds.force_ssl": "1"}, "mysql": {"require_secure_transport": "ON"}}


def parameter_group_family(engine: str, version: str) -> str:
    """`aurora-postgresql15` for postgres 15.x, `aurora-mysql8.0` for mysql 8.0.x."""
    parts = version.split(".")
    return f"{ENGINES[engine][0]}{parts[0] if engine == 'postgres' else '.'.join(parts[:2])}"


def _parameter_group(ctx: Context, rid: str, res: AuroraCluster) -> str:
    """The cluster parameter group that refuses connections without TLS (the model's `require_tls`)."""
    lid = ctx.new_id(rid, "ParameterGroup")
    ctx.add(rds.DBClusterParameterGroup(lid, Family=parameter_group_family(res.engine, need(res.engine_version)),
                                        Description=f"{rid} ({ctx.arch.name}): TLS required for every connection"[:255],
                                        Parameters=TLS_PARAMETERS[res.engine]), rid)
    return lid


def compile_aurora_readers(ctx: Context, rid: str, res: AuroraReaders) -> None:
    readers = []
    cluster = need(res.cluster)
    for i in range(res.min_readers):
        lid = ctx.main[rid] if i == 0 else ctx.new_id(rid, f"{i + 1}")
        _instance(ctx, cluster, lid, rid, 1)
        readers.append(lid)
    if res.max_readers > res.min_readers:
        unit = cpu_target_tracking(ctx, rid, namespace="rds", dimension="rds:cluster:ReadReplicaCount",
                                   resource_id=Sub("cluster:${Cluster}", Cluster=ctx.ref(cluster)),
                                   capacity=(res.min_readers, res.max_readers), target_percent=res.target_cpu_percent,
                                   metric="RDSReaderAverageCPUUtilization", scale_in_cooldown=300, scale_out_cooldown=300)
        unit.after.update(readers)


def compile_db_subnet_group(ctx: Context, rid: str, res: DbSubnetGroup) -> None:
    # in fewer than two zones: ARC206 refuses it before compiling
    ctx.add(rds.DBSubnetGroup(ctx.main[rid], DBSubnetGroupDescription=(res.description or f"{rid} ({ctx.arch.name})")[:255],
                              SubnetIds=[ctx.ref(s) for s in res.subnets]), rid)


# --- S3 ----------------------------------------------------------------------------------------


def s3_name(ctx: Context, rid: str) -> str:
    p = ctx.placement(rid)
    return bucket_name(bucket_stem(rid, ctx.get(rid, S3Bucket).name), p.account_id, p.region)


def _lifecycle(res: S3Bucket) -> s3.LifecycleConfiguration:
    rules = [s3.LifecycleRule(Id="abort-incomplete-multipart-uploads", Status="Enabled",
                              AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(DaysAfterInitiation=ABORT_MULTIPART_DAYS))]
    for applies in ("current", "noncurrent"):
        mine = [r for r in res.lifecycle if r.applies_to == applies]
        if not mine:
            continue
        props: dict[str, Any] = {"Id": f"{applies}-versions", "Status": "Enabled"}
        moves = sorted((r for r in mine if r.action != "expire"), key=lambda r: r.after_days)
        expire = [r for r in mine if r.action == "expire"]
        if applies == "current":
            if moves:
                props["Transitions"] = [s3.LifecycleRuleTransition(StorageClass=r.action, TransitionInDays=r.after_days) for r in moves]
            if expire:
                props["ExpirationInDays"] = expire[0].after_days
        else:
            if moves:
                props["NoncurrentVersionTransitions"] = [s3.NoncurrentVersionTransition(StorageClass=r.action, TransitionInDays=r.after_days)
                                                         for r in moves]
            if expire:
                props["NoncurrentVersionExpiration"] = s3.NoncurrentVersionExpiration(NoncurrentDays=expire[0].after_days)
        rules.append(s3.LifecycleRule(**props))
    return s3.LifecycleConfiguration(Rules=rules)


def _replication(ctx: Context, rid: str, res: S3Bucket) -> s3.ReplicationConfiguration | None:
    src = ctx.placement(rid)
    rules: list[s3.ReplicationConfigurationRules] = []
    statements = [
        Statement("SourceBucket", ("s3:GetReplicationConfiguration", "s3:ListBucket"), [bucket_arn(ctx, rid)]),
        Statement("SourceObjects", ("s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"),
                  [bucket_arn(ctx, rid, objects=True)]),
    ]
    if res.encryption == "kms" and res.kms_key:
        statements.append(Statement("SourceKey", ("kms:Decrypt",), [ctx.ref(res.kms_key, "Arn")],
                                    {"StringEquals": {"kms:ViaService": f"s3.{src.region}.amazonaws.com"}}))
    after = []
    for i, conn in ctx.out.get(rid, []):
        if conn.verb != "replicate":
            continue
        dest = conn.target
        dres = ctx.get(dest, S3Bucket)
        dp = ctx.placement(dest)
        if dp.account != src.account or dest == rid or not (res.versioning and dres.versioning):
            continue  # ARC132 (archc.rules.buildable.connection_problem) refuses this before compiling
        destination: dict[str, Any] = {"Bucket": bucket_arn(ctx, dest)}
        if res.replication_rpo_minutes is not None and res.replication_rpo_minutes >= RTC_MINUTES:
            # Replication Time Control: 99.99% of objects within 15 minutes, and metrics to alarm on when late
            destination["ReplicationTime"] = s3.ReplicationTime(Status="Enabled", Time=s3.ReplicationTimeValue(Minutes=RTC_MINUTES))
            destination["Metrics"] = s3.Metrics(Status="Enabled", EventThreshold=s3.ReplicationTimeValue(Minutes=RTC_MINUTES))
        statements.append(Statement(f"Replicate{camel(dest)}", ("s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"),
                                    [bucket_arn(ctx, dest, objects=True)]))
        if dres.encryption == "kms" and dres.kms_key:
            destination["EncryptionConfiguration"] = s3.EncryptionConfiguration(ReplicaKmsKeyID=ctx.ref(dres.kms_key, "Arn"))
            statements.append(Statement(f"Encrypt{camel(dest)}", ("kms:Encrypt",), [ctx.ref(dres.kms_key, "Arn")],
                                        {"StringEquals": {"kms:ViaService": f"s3.{dp.region}.amazonaws.com"}}))
        rule: dict[str, Any] = {
            "Id": f"to-{dest}"[:255], "Status": "Enabled", "Priority": len(rules), "Filter": s3.ReplicationRuleFilter(Prefix=""),
            "DeleteMarkerReplication": s3.DeleteMarkerReplication(Status="Disabled"),
            "Destination": s3.ReplicationConfigurationRulesDestination(**destination),
        }
        if res.encryption == "kms":
            rule["SourceSelectionCriteria"] = s3.SourceSelectionCriteria(SseKmsEncryptedObjects=s3.SseKmsEncryptedObjects(Status="Enabled"))
        rules.append(s3.ReplicationConfigurationRules(**rule))
        after.append(ctx.main[dest])  # the destination must exist (and be versioned) first
    if not rules:
        return None
    role = service_role(ctx, rid, "ReplicationRole", "s3.amazonaws.com", statements)
    ctx.units[role].after.update(after)
    return s3.ReplicationConfiguration(Role=ctx.ref(role, "Arn"), Rules=rules)


def compile_s3_bucket(ctx: Context, rid: str, res: S3Bucket) -> None:
    lid = ctx.main[rid]
    name = s3_name(ctx, rid)
    # a name S3 refuses, or one two buckets share: ARC430 (archc.rules.buildable.bucket_names) refuses it before compiling
    if res.encryption == "kms":
        default: dict[str, Any] = {"SSEAlgorithm": "aws:kms"}
        if res.kms_key:
            default["KMSMasterKeyID"] = ctx.ref(res.kms_key, "Arn")
        encryption = s3.ServerSideEncryptionRule(ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(**default), BucketKeyEnabled=True)
    else:
        encryption = s3.ServerSideEncryptionRule(ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(SSEAlgorithm="AES256"))
    props: dict[str, Any] = {
        "BucketName": name,
        "BucketEncryption": s3.BucketEncryption(ServerSideEncryptionConfiguration=[encryption]),
        "PublicAccessBlockConfiguration": s3.PublicAccessBlockConfiguration(
            BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=not res.public, RestrictPublicBuckets=not res.public),
        "OwnershipControls": s3.OwnershipControls(Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]),
        "LifecycleConfiguration": _lifecycle(res),
        **RETAIN,
    }
    if res.versioning:
        props["VersioningConfiguration"] = s3.VersioningConfiguration(Status="Enabled")
    replication = _replication(ctx, rid, res)
    if replication is not None:
        props["ReplicationConfiguration"] = replication
    if ctx.asks.bucket_notifications.get(rid):
        props["NotificationConfiguration"] = s3.NotificationConfiguration(LambdaConfigurations=list(ctx.asks.bucket_notifications[rid]))
    log_bucket, log_lids = _access_log_bucket(ctx, rid)
    props["LoggingConfiguration"] = s3.LoggingConfiguration(DestinationBucketName=log_bucket, LogFilePrefix=f"{name}/")
    unit = ctx.add(s3.Bucket(lid, **props), rid)
    unit.after.update(ctx.asks.bucket_after.get(rid, ()))
    unit.after.update(log_lids)
    if res.public:
        reason = res.lint.ignore.get("ARC402") or "the model makes this bucket public"
        for check in ("CKV_AWS_54", "CKV_AWS_56"):  # public policies allowed; ACLs stay blocked
            unit.skip(check, f"public: true — {reason}")
    _bucket_policy(ctx, rid, res)


def _access_log_bucket(ctx: Context, rid: str) -> tuple[str, list[str]]:
    """The bucket that receives the server access logs of every bucket in *rid*'s account and region (made once)."""
    p = ctx.placement(rid)
    key = f"s3-access-logs:{p.account}:{p.region}"
    name = bucket_name(bucket_stem(ctx.arch.name, None) + "-s3-access-logs", p.account_id, p.region)
    if key in ctx.singletons:
        return name, ctx.singletons[key].split(",")
    lid = ctx.new_id(rid, "AccessLogBucket")
    unit = ctx.add(s3.Bucket(
        lid, BucketName=name,
        BucketEncryption=s3.BucketEncryption(ServerSideEncryptionConfiguration=[  # log delivery writes SSE-S3 only
            s3.ServerSideEncryptionRule(ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(SSEAlgorithm="AES256"))]),
        PublicAccessBlockConfiguration=s3.PublicAccessBlockConfiguration(
            BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True),
        OwnershipControls=s3.OwnershipControls(Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        LifecycleConfiguration=_lifecycle(ctx.get(rid, S3Bucket).model_copy(update={"lifecycle": []})),
        **RETAIN), rid)
    unit.notes["role"] = f"server access logs of the buckets in {p.account}/{p.region}"
    unit.skip("CKV_AWS_18", "this is the access-log bucket itself; logging it into itself would loop")
    arn = Sub(f"arn:${{AWS::Partition}}:s3:::{name}")
    objects = Sub(f"arn:${{AWS::Partition}}:s3:::{name}/*")
    policy = ctx.new_id(rid, "AccessLogBucketPolicy")
    ctx.add(s3.BucketPolicy(policy, Bucket=ctx.ref(lid), PolicyDocument={"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, objects],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": objects, "Condition": {"StringEquals": {"aws:SourceAccount": p.account_id}}},
    ]}), rid)
    ctx.singletons[key] = f"{lid},{policy}"
    return name, [lid, policy]


def _bucket_policy(ctx: Context, rid: str, res: S3Bucket) -> None:
    arn, objects = bucket_arn(ctx, rid), bucket_arn(ctx, rid, objects=True)
    statements: list[dict[str, Any]] = [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, objects],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]
    if res.public:
        statements.append({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": objects})
    readers = ctx.asks.bucket_readers.get(rid, ())
    if readers:
        arns = [Sub(f"arn:${{AWS::Partition}}:cloudfront::{ctx.placement(d).account_id}:distribution/${{Dist}}", Dist=ctx.ref(d)) for d in readers]
        statements.append({"Sid": "CloudFrontRead", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
                           "Action": "s3:GetObject", "Resource": objects,
                           "Condition": {"StringEquals": {"AWS:SourceArn": arns if len(arns) > 1 else arns[0]}}})
    ctx.add(s3.BucketPolicy(ctx.new_id(rid, "Policy"), Bucket=ctx.ref(rid),
                            PolicyDocument={"Version": "2012-10-17", "Statement": statements}), rid)


# --- KMS and secrets ---------------------------------------------------------------------------


def compile_kms_key(ctx: Context, rid: str, res: KmsKey) -> None:
    lid = ctx.main[rid]
    p = ctx.placement(rid)
    statements: list[dict[str, Any]] = [{
        "Sid": "AccountAdministersKey", "Effect": "Allow",
        "Principal": {"AWS": Sub(f"arn:${{AWS::Partition}}:iam::{p.account_id}:root")},
        "Action": "kms:*", "Resource": "*",
    }] + list(ctx.asks.key_statements.get(rid, ()))
    ctx.add(kms.Key(lid, Description=(res.description or f"{rid} ({ctx.arch.name})")[:8192], EnableKeyRotation=res.rotation,
                    PendingWindowInDays=30, KeyPolicy={"Version": "2012-10-17", "Statement": statements}, **RETAIN), rid)
    if res.alias:
        alias = res.alias if res.alias.startswith("alias/") else f"alias/{res.alias}"
        ctx.add(kms.Alias(ctx.new_id(rid, "Alias"), AliasName=alias, TargetKeyId=ctx.ref(rid)), rid)


def key_service_statement(ask: AsksBuilder, key: str, sid: str, service: str, actions: list[str], condition: dict[str, Any] | None = None) -> None:
    """Let an AWS service use *key* (CloudWatch Logs encrypting a log group, alarms publishing to an encrypted topic)."""
    stmt: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Principal": {"Service": service}, "Action": actions, "Resource": "*"}
    if condition:
        stmt["Condition"] = condition
    ask.key_statement(key, stmt)


def compile_secret(ctx: Context, rid: str, res: Secret) -> None:
    props: dict[str, Any] = {"Description": (res.description or f"{rid} ({ctx.arch.name})")[:2048], **RETAIN}
    if res.kms_key:
        props["KmsKeyId"] = ctx.ref(res.kms_key, "Arn")
    if res.generate:
        props["GenerateSecretString"] = secretsmanager.GenerateSecretString(PasswordLength=32, ExcludePunctuation=True)
    # rotation_days: ARC134 refuses it before compiling (no rotation function yet)
    unit = ctx.add(secretsmanager.Secret(ctx.main[rid], **props), rid)
    if not res.generate:
        unit.notes["value"] = "created empty: put the value in with aws secretsmanager put-secret-value"
