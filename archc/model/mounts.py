"""Which EFS file systems a function or a task mounts, through which access point, at which path.

A `read`, `write` or `read_write` connection from a `lambda_function` or an `ecs_task_definition`
(or from an `ecs_service`, for the task definition it runs) to an `efs_file_system` mounts it; the
compute's `mounts` entry for that file system picks the access point and the path, or the file
system's only access point is mounted at ``/mnt/<access point>``.

The rules (`archc.rules.mounts`, ARC127–ARC129) report the problems found here; the compiler
(`archc.compiler.efs`) builds the mounts found here, so lint and build read the model the same way.
Pure functions over the model: no troposphere, no networkx (this sits on the cold `archc lint` path).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archc.diagnostics import Path, did_you_mean

if TYPE_CHECKING:
    from archc.model.architecture import Architecture

DATA_VERBS = ("read", "write", "read_write")
WRITING = ("write", "read_write")
CLIENTS = ("lambda_function", "ecs_task_definition")


@dataclass(frozen=True, slots=True)
class Mount:
    """One file system a compute resource mounts."""

    file_system: str
    access_point: str
    path: str
    writes: bool  # a write or read_write connection: mounted read-write, else read-only
    connection: int  # the first connection that asks for it


@dataclass(frozen=True, slots=True)
class MountProblem:
    code: str  # ARC127 (the mounts field), ARC128 (which access point, as which role), ARC129 (reach: VPC, zones, Lambda mounts one)
    path: Path
    message: str
    help: str


def client_of(arch: Architecture, rid: str) -> str | None:
    """The compute whose mounts a connection from *rid* asks for: itself, or the task definition a service runs."""
    res = arch.resources[rid]
    if res.type in CLIENTS:
        return rid
    if res.type == "ecs_service":
        td: str | None = getattr(res, "task_definition", None)
        return td if td in arch.resources and arch.resources[td].type == "ecs_task_definition" else None
    return None


def mounting_connections(arch: Architecture) -> dict[str, list[int]]:
    """Compute id → the connections (indices, in order) that make it mount an EFS file system."""
    out: dict[str, list[int]] = {}
    for i, conn in enumerate(arch.connections):
        if conn.verb not in DATA_VERBS or conn.source not in arch.resources or conn.target not in arch.resources:
            continue
        if arch.resources[conn.target].type != "efs_file_system":
            continue
        client = client_of(arch, conn.source)
        if client is not None:
            out.setdefault(client, []).append(i)
    return out


def resolve(arch: Architecture, rid: str, connections: list[int]) -> tuple[list[Mount], list[MountProblem]]:
    """The mounts of compute *rid* (asked for by *connections*), and what is wrong with them."""
    res: Any = arch.resources[rid]
    entries: list[Any] = list(getattr(res, "mounts", []))
    problems: list[MountProblem] = []
    wanted: dict[str, tuple[int, bool]] = {}  # file system → (first connection, writes)
    for i in connections:
        conn = arch.connections[i]
        first, writes = wanted.get(conn.target, (i, False))
        wanted[conn.target] = (first, writes or conn.verb in WRITING)
    entry_of: dict[str, int] = {}
    for j, entry in enumerate(entries):
        at: Path = ("resources", rid, "mounts", j)
        if entry.file_system not in wanted:
            problems.append(MountProblem(
                "ARC127", (*at, "file_system"), f"'{rid}' mounts '{entry.file_system}' but has no read, write or read_write connection to it",
                f"add the connection {{from: {rid}, to: {entry.file_system}, verb: read_write}} (or read: mounted read-only), "
                "which grants the mount, or remove the entry"))
        elif entry.file_system in entry_of:
            problems.append(MountProblem("ARC127", (*at, "file_system"), f"'{rid}' mounts '{entry.file_system}' twice",
                                         "keep one entry per file system"))
        else:
            entry_of[entry.file_system] = j
    mounts: list[Mount] = []
    paths: dict[str, str] = {}
    for fs, (first, writes) in sorted(wanted.items(), key=lambda kv: kv[1][0]):
        k = entry_of.get(fs)
        entry = entries[k] if k is not None else None
        names = [ap.name for ap in getattr(arch.resources[fs], "access_points", [])]
        where: Path = ("resources", rid, "mounts", k) if k is not None else ("connections", first)
        ap: str | None = None
        if entry is not None and entry.access_point is not None:
            if entry.access_point in names:
                ap = entry.access_point
            else:
                problems.append(MountProblem(
                    "ARC127", (*where, "access_point"), f"file system '{fs}' has no access point '{entry.access_point}'"
                    + did_you_mean(entry.access_point, names), f"name one of its access points: {', '.join(names) or '(none)'}"))
                continue
        elif len(names) == 1:
            ap = names[0]
        elif not names:
            problems.append(MountProblem(
                "ARC128", where, f"'{rid}' mounts file system '{fs}', which has no access point",
                f"give '{fs}' an access point (access_points: [{{name: data, path: /data}}]): it fixes the POSIX user and the root "
                "directory clients get, and a Lambda function can mount a file system only through one"))
            continue
        else:
            problems.append(MountProblem(
                "ARC128", where, f"'{rid}' mounts file system '{fs}', which has several access points ({', '.join(names)}): which one is not said",
                f"add `mounts: [{{file_system: {fs}, access_point: {names[0]}}}]` to '{rid}'"))
            continue
        path = entry.path if entry is not None and entry.path else f"/mnt/{ap}"
        if path in paths:
            problems.append(MountProblem("ARC127", (*where, "path") if k is not None else where,
                                         f"'{rid}' mounts '{fs}' and '{paths[path]}' both at {path}",
                                         f"give the mount of '{fs}' another `path:` (/mnt/<name>)"))
            continue
        paths[path] = fs
        mounts.append(Mount(fs, ap, path, writes, first))
    if res.type == "ecs_task_definition" and wanted and not getattr(res, "task_role", None):
        first = min(f for f, _ in wanted.values())
        problems.append(MountProblem(
            "ARC128", ("connections", first), f"'{rid}' mounts {', '.join(repr(f) for f in sorted(wanted))} but has no task_role",
            f"give '{rid}' a task_role: ECS authorises the mount with it (IAM authorisation through the access point), and the grant goes on it"))
    problems += _reach(arch, rid, mounts)
    if res.type == "lambda_function" and len(wanted) > 1:
        second = sorted(first for first, _ in wanted.values())[1]
        problems.append(MountProblem(
            "ARC129", ("connections", second), f"Lambda function '{rid}' mounts {len(wanted)} file systems ({', '.join(sorted(wanted))}); "
            "Lambda mounts one", "share one file system through access points, or split the work between functions"))
    return mounts, problems


def _holders(arch: Architecture, rid: str) -> list[tuple[str, list[str]]]:
    """(resource, subnets) whose network places *rid*'s mounts: a function itself, a task definition's services."""
    res: Any = arch.resources[rid]
    if res.type == "lambda_function":
        return [(rid, list(res.subnets))]
    return [(sid, list(getattr(svc, "subnets", []))) for sid, svc in sorted(arch.resources.items())
            if svc.type == "ecs_service" and getattr(svc, "task_definition", None) == rid]


def _reach(arch: Architecture, rid: str, mounts: list[Mount]) -> list[MountProblem]:
    """Each mount is reachable: the file system's mount targets are in the client's VPC, one in each of its zones."""
    out: list[MountProblem] = []
    subnet = arch.resources
    for m in mounts:
        targets: list[str] = list(getattr(arch.resources[m.file_system], "subnets", []))
        fs_vpcs = {getattr(subnet[s], "vpc", None) for s in targets}
        fs_zones = {getattr(subnet[s], "az", None) for s in targets}
        for holder, subnets in _holders(arch, rid):
            if not subnets or not targets:
                continue  # a client outside any VPC, or a sketch: ARC230 and ARC115 say so
            vpcs = {getattr(subnet[s], "vpc", None) for s in subnets}
            zones = sorted({str(getattr(subnet[s], "az", None)) for s in subnets} - {str(z) for z in fs_zones})
            if vpcs != fs_vpcs:
                out.append(MountProblem(
                    "ARC129", ("connections", m.connection), f"'{holder}' runs in VPC {', '.join(sorted(map(str, vpcs)))}, but the mount "
                    f"targets of file system '{m.file_system}' are in {', '.join(sorted(map(str, fs_vpcs)))}",
                    f"put '{holder}' in subnets of the file system's VPC, or give the file system subnets in '{holder}'s"))
            elif zones:
                out.append(MountProblem(
                    "ARC129", ("connections", m.connection), f"'{holder}' runs in {', '.join(zones)}, where file system '{m.file_system}' "
                    "has no mount target", f"add a subnet of {', '.join(zones)} to the `subnets` of '{m.file_system}' (one mount target "
                    f"per zone), or take that zone out of '{holder}'s subnets"))
    return out


def all_problems(arch: Architecture) -> list[MountProblem]:
    """Every mount problem in the model: compute with mounting connections, and `mounts` entries without one."""
    asked = mounting_connections(arch)
    out: list[MountProblem] = []
    for rid in sorted(arch.resources):
        res = arch.resources[rid]
        if res.type in CLIENTS and (rid in asked or getattr(res, "mounts", None)):
            out.extend(resolve(arch, rid, asked.get(rid, []))[1])
    return out
