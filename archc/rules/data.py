"""Data-protection rules (ARC4xx): encryption, public buckets, backups, versioning, keys."""

from __future__ import annotations

from collections.abc import Iterator

from archc.rules.base import Finding, Rule, RuleContext, resource_path


def encryption_at_rest(ctx: RuleContext) -> Iterator[Finding]:
    """Databases, queues and topics are encrypted at rest.

    What it checks:
        Aurora clusters have `storage_encrypted: true`; SQS queues and SNS topics have
        `encrypted: true`. (Buckets are always encrypted: `encryption` is `kms` or `s3`.)

    Why it matters:
        Unencrypted storage exposes data in snapshots, backups and decommissioned disks, and
        fails nearly every compliance baseline. Aurora cannot be encrypted after creation.

    Example:
        resources:
          jobs: {type: sqs_queue, encrypted: false}

    Fix:
        Remove `storage_encrypted: false` / `encrypted: false` (encryption is the default),
        ideally with a customer-managed `kms_key`.
    """
    from archc.model.resources import AuroraCluster, SnsTopic, SqsQueue

    for rid, db in ctx.of_type(AuroraCluster):
        if not db.storage_encrypted:
            yield Finding(f"database '{rid}' is not encrypted at rest", resource_path(rid, "storage_encrypted"),
                          "set `storage_encrypted: true` (it cannot be turned on after the cluster exists)")
    for rid, store in ctx.of_type(SqsQueue, SnsTopic):
        if not store.encrypted:
            what = "queue" if store.type == "sqs_queue" else "topic"
            yield Finding(f"{what} '{rid}' is not encrypted at rest", resource_path(rid, "encrypted"), "set `encrypted: true`")


def public_bucket(ctx: RuleContext) -> Iterator[Finding]:
    """A bucket is public only with a written reason.

    What it checks:
        Every `s3_bucket` with `public: true`. The finding is meant to be suppressed, with a
        reason, on the few buckets that serve public assets.

    Why it matters:
        Public buckets are the classic data leak. Making each one carry a reviewed reason keeps
        "public" a decision rather than an accident.

    Example:
        resources:
          assets: {type: s3_bucket, public: true}

    Fix:
        Keep the bucket private and serve it through CloudFront, or suppress with the reason:
        `lint: {ignore: {ARC402: "public website assets"}}`.
    """
    from archc.model.resources import S3Bucket

    for rid, bucket in ctx.of_type(S3Bucket):
        if bucket.public:
            yield Finding(f"bucket '{rid}' is public", resource_path(rid, "public"),
                          "make it private, or suppress ARC402 on it with the reason it must be public")


def backup_retention(ctx: RuleContext) -> Iterator[Finding]:
    """Aurora keeps automated backups for at least 7 days.

    What it checks:
        `backup_retention_days` of each `aurora_cluster` is 7 or more.

    Why it matters:
        Data corruption is often noticed days later; a short window means the last good backup
        is already gone.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          b: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.11.0/24, az: us-west-2b}
          db_subnets: {type: db_subnet_group, subnets: [a, b]}
          db: {type: aurora_cluster, engine_version: "15", subnet_group: db_subnets, backup_retention_days: 1}

    Fix:
        Set `backup_retention_days` to 7 or more (up to 35).
    """
    from archc.model.resources import AuroraCluster

    for rid, db in ctx.of_type(AuroraCluster):
        if db.backup_retention_days < 7:
            yield Finding(f"database '{rid}' keeps backups for {db.backup_retention_days} day(s), fewer than 7",
                          resource_path(rid, "backup_retention_days"), "set `backup_retention_days` to 7 or more")


def versioning(ctx: RuleContext) -> Iterator[Finding]:
    """Buckets are versioned; replicated buckets must be.

    What it checks:
        Every `s3_bucket` has `versioning: true` (a warning). A bucket at either end of a
        `replicate` connection without versioning is an error: S3 replication requires it.

    Why it matters:
        Versioning is what lets you undo an overwrite or a delete; without it replication cannot
        even be configured and the deployment fails.

    Example:
        resources:
          scratch: {type: s3_bucket, versioning: false}

    Fix:
        Set `versioning: true` (the default), and expire old versions with a `lifecycle` rule
        if cost is the concern.
    """
    from archc.model.resources import S3Bucket

    for rid, bucket in ctx.of_type(S3Bucket):
        if bucket.versioning:
            continue
        links = [(i, c) for i, c in ctx.connections_from.get(rid, []) + ctx.connections_to.get(rid, []) if c.verb == "replicate"]
        if links:
            links.sort(key=lambda item: item[0])
            roles = " and ".join(r for r in ("source", "destination") if any((c.source if r == "source" else c.target) == rid for _, c in links))
            numbers = ", ".join(f"#{i + 1}" for i, _ in links)
            yield Finding(f"bucket '{rid}' is the {roles} of replication (connection{'s' if len(links) > 1 else ''} {numbers}) but is not versioned",
                          resource_path(rid, "versioning"), "set `versioning: true`: S3 replication requires it on both buckets",
                          (resource_path(rid), *(("connections", j) for j, _ in links)), severity="error")
        else:
            yield Finding(f"bucket '{rid}' is not versioned", resource_path(rid, "versioning"),
                          "set `versioning: true`; expire old versions with a lifecycle rule if cost matters")


def customer_managed_key(ctx: RuleContext) -> Iterator[Finding]:
    """Encrypted data stores use a customer-managed KMS key.

    What it checks:
        Aurora clusters, buckets, queues and topics that are encrypted but name no `kms_key`
        (so they use an AWS-managed key, or SSE-S3 for a bucket with `encryption: s3`).

    Why it matters:
        With a customer-managed key you control the key policy, rotation and cross-account use,
        and can revoke access to the data by disabling one key. Informational: AWS-managed keys
        are a sound default.

    Example:
        resources:
          uploads: {type: s3_bucket}

    Fix:
        Add a `kms_key` resource and point `kms_key:` at it.
    """
    from archc.model.resources import AuroraCluster, S3Bucket, SnsTopic, SqsQueue

    for rid, store in ctx.of_type(AuroraCluster, S3Bucket, SqsQueue, SnsTopic):
        if isinstance(store, AuroraCluster):
            encrypted = store.storage_encrypted
        elif isinstance(store, S3Bucket):
            encrypted = True  # a bucket is always encrypted: `encryption` is kms or s3
        else:
            encrypted = store.encrypted
        if encrypted and store.kms_key is None:
            how = "SSE-S3" if isinstance(store, S3Bucket) and store.encryption == "s3" else "an AWS-managed key"
            yield Finding(f"{store.type.replace('_', ' ')} '{rid}' is encrypted with {how}, not a customer-managed KMS key",
                          resource_path(rid), "set `kms_key:` to a kms_key resource")


def deletion_protection(ctx: RuleContext) -> Iterator[Finding]:
    """Databases have deletion protection.

    What it checks:
        `deletion_protection` of each `aurora_cluster` is true.

    Why it matters:
        A stack update that replaces or removes the cluster, or one wrong click, deletes the
        database; protection makes that a deliberate two-step act.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          b: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.11.0/24, az: us-west-2b}
          db_subnets: {type: db_subnet_group, subnets: [a, b]}
          db: {type: aurora_cluster, engine_version: "15", subnet_group: db_subnets, deletion_protection: false}

    Fix:
        Set `deletion_protection: true` (the default).
    """
    from archc.model.resources import AuroraCluster

    for rid, db in ctx.of_type(AuroraCluster):
        if not db.deletion_protection:
            yield Finding(f"database '{rid}' has no deletion protection", resource_path(rid, "deletion_protection"),
                          "set `deletion_protection: true`")


def replication_chain(ctx: RuleContext) -> Iterator[Finding]:
    """Replication does not chain: what a bucket receives as a replica goes no further.

    What it checks:
        A bucket that is the destination of one `replicate` connection and the source of
        another (A → B → C). S3 does not replicate objects that are themselves replicas, so
        what A writes reaches B but never C.

    Why it matters:
        The diagram promises that A's data reaches C — typically a disaster-recovery copy in
        another region — and it silently does not. The gap shows the day C is needed.

    Example:
        resources:
          uploads: {type: s3_bucket}
          backups: {type: s3_bucket}
          dr: {type: s3_bucket, region: us-east-1}
        connections:
          - {from: uploads, to: backups, verb: replicate}
          - {from: backups, to: dr, verb: replicate}

    Fix:
        Replicate A to C directly as well (a second `replicate` connection: S3 allows several
        destinations), or suppress with the reason C only needs what is written to B itself.
    """
    from archc.model.resources import S3Bucket

    for rid, _bucket in ctx.of_type(S3Bucket):
        incoming = [(i, c) for i, c in ctx.connections_to.get(rid, []) if c.verb == "replicate"]
        outgoing = [(i, c) for i, c in ctx.connections_from.get(rid, []) if c.verb == "replicate"]
        for i, inc in incoming:
            direct = {c.target for _, c in ctx.connections_from.get(inc.source, []) if c.verb == "replicate"}
            for j, out in outgoing:
                if out.target in direct or out.target == inc.source:
                    continue
                yield Finding(
                    f"objects replicated from '{inc.source}' into '{rid}' are not replicated on to '{out.target}' "
                    "(S3 does not replicate replicas)",
                    ("connections", j),
                    f"add a connection {{from: {inc.source}, to: {out.target}, verb: replicate}} if '{out.target}' must hold them",
                    (resource_path(inc.source), ("connections", i), resource_path(rid), ("connections", j), resource_path(out.target)),
                )


RULES: list[Rule] = [
    Rule("ARC401", "data.encryption-at-rest", "error", encryption_at_rest),
    Rule("ARC402", "data.public-bucket", "error", public_bucket),
    Rule("ARC403", "data.backup-retention", "warning", backup_retention),
    Rule("ARC404", "data.versioning", "warning", versioning),
    Rule("ARC405", "data.customer-managed-key", "info", customer_managed_key),
    Rule("ARC406", "data.deletion-protection", "warning", deletion_protection),
    Rule("ARC407", "data.replication-chain", "warning", replication_chain),
]
