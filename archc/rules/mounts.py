"""EFS mounts (ARC127–ARC129): what a function or a task mounts is buildable — its `mounts` entries
match its connections, each mounted file system has the access point to mount through, and is
reachable (its VPC, a mount target in each of the client's zones; one file system per Lambda function). `archc build` runs these rules too (`archc.rules.buildable.BUILD_CODES`);
both read the model through `archc.model.mounts`."""

from __future__ import annotations

from collections.abc import Iterator

from archc.rules.base import Finding, Rule, RuleContext


def _findings(ctx: RuleContext, code: str) -> Iterator[Finding]:
    if "efs_file_system" not in ctx.by_type:
        return  # nothing to mount (a `mounts` entry names a file system, checked at load): not even the import
    from archc.model.mounts import all_problems

    for p in all_problems(ctx.arch):
        if p.code == code:
            yield Finding(p.message, p.path, p.help)


def mount_entries(ctx: RuleContext) -> Iterator[Finding]:
    """A function's or a task's `mounts` entries match its connections to EFS file systems.

    What it checks:
        Each entry of a `lambda_function`'s or an `ecs_task_definition`'s `mounts` names a file
        system the resource (or, for a task definition, a service running it) has a `read`,
        `write` or `read_write` connection to, at most once, through an access point that file
        system has; no two mounts share a path.

    Why it matters:
        The connection is what grants the mount (`elasticfilesystem:ClientMount`, and
        `ClientWrite` for writers) and opens NFS to the mount targets; an entry without one would
        mount a file system the code may not reach. A misspelt access point or two file systems
        at one path cannot be built.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role, mounts: [{file_system: shared, access_point: upload}]}
          shared: {type: efs_file_system, access_points: [{name: uploads, path: /uploads}]}
        connections:
          - {from: fn, to: shared, verb: read_write}

    Fix:
        Add the missing connection (`{from: fn, to: shared, verb: read_write}`), name an access point the
        file system has, and give each mount a path of its own (`path: /mnt/<name>`).
    """
    return _findings(ctx, "ARC127")


def mount_access_point(ctx: RuleContext) -> Iterator[Finding]:
    """A function or a task mounts an EFS file system through an access point, as its role.

    What it checks:
        Every `read`, `write` or `read_write` connection from a `lambda_function`, an
        `ecs_task_definition` or an `ecs_service` to an `efs_file_system`: the file system has
        an access point, and when it has several, the compute's `mounts` entry names one; a task
        definition that mounts has a `task_role`.

    Why it matters:
        Lambda mounts EFS only through an access point, and for tasks the access point is what
        fixes the POSIX user and the root directory they get: without it every client sees the
        whole file system as whichever user it runs as. With several access points archc cannot
        guess which directory the code expects. archc authorises task mounts with IAM, which
        ECS does with the task role: without one the task definition is refused.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role}
          shared: {type: efs_file_system}
        connections:
          - {from: fn, to: shared, verb: read_write}

    Fix:
        Give the file system an access point (`access_points: [{name: data, path: /data}]`), or
        say which one the compute mounts: `mounts: [{file_system: shared, access_point: data}]`;
        give a mounting task definition a `task_role`.
    """
    return _findings(ctx, "ARC128")


def mount_reach(ctx: RuleContext) -> Iterator[Finding]:
    """A function or a task reaches the file systems it mounts: one for a Lambda function, in its VPC, in each of its zones.

    What it checks:
        For every file system a `lambda_function` or an `ecs_task_definition` mounts (a `read`,
        `write` or `read_write` connection): the subnets the function (or each service running
        the task) is placed in belong to the file system's VPC, and each of their availability
        zones has a mount target (one of the file system's `subnets`). A Lambda function mounts
        at most one file system.

    Why it matters:
        A client reaches EFS through the mount target of its own zone, by the file system's DNS
        name: in a zone without one the mount fails, and CloudFormation refuses to create a
        function attached to such a zone. A security-group rule cannot name a group of another
        VPC, and a Lambda function takes one file system configuration (`FileSystemConfigs`
        holds at most one item).

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          priv_a: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.1.0/24, az: us-west-2a}
          priv_b: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.2.0/24, az: us-west-2b}
          role: {type: iam_role}
          fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
          uploads: {type: efs_file_system, subnets: [priv_a], access_points: [{name: files, path: /files}]}
        connections:
          - {from: fn, to: uploads, verb: read_write}

    Fix:
        Give the file system a subnet in every zone its clients run in (`subnets: [priv_a,
        priv_b]`), keep clients in its VPC, and give a Lambda function one file system (share
        one through several access points, or split the work between functions).
    """
    return _findings(ctx, "ARC129")


RULES: list[Rule] = [
    Rule("ARC127", "model.efs-mount-entries", "error", mount_entries, suppressible=False),
    Rule("ARC128", "model.efs-mount-access", "error", mount_access_point, suppressible=False),
    Rule("ARC129", "model.efs-mount-reach", "error", mount_reach, suppressible=False),
]
