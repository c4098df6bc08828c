"""The service families compiled in their own modules (DynamoDB, EventBridge, …), seen from the
shared compiler code as data: the IAM statements of their verbs (merged into `iam.ACCESS`), the
environment their callers are given. Which connections their source builds itself is the catalogue's
`BUILT_BY_SOURCE` (lint reads it too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archc.catalog import PAIRS
from archc.compiler import dynamodb, efs, elasticache, events, opensearch, rds, ses, stepfunctions, streams
from archc.compiler.context import Context, Statement

# (verb, target type) → statements; merged into archc.compiler.iam.ACCESS.
ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    **dynamodb.ACCESS,
    **events.ACCESS,
    **stepfunctions.ACCESS,
    **streams.ACCESS,
    **rds.ACCESS,
    **efs.ACCESS,
    **elasticache.ACCESS,
    **opensearch.ACCESS,
    **ses.ACCESS,
}

# target type → (ctx, target, ENV_NAME stem) → environment variables for code connected to it.
WIRING_ENV: dict[str, Callable[[Context, str, str], dict[str, Any]]] = {
    "dynamodb_table": dynamodb.wiring_env,
    "eventbridge_bus": events.wiring_env,
    "state_machine": stepfunctions.wiring_env,
    "kinesis_stream": streams.stream_env,
    "ecr_repository": streams.repository_env,
    "rds_instance": rds.wiring_env,
    "efs_file_system": efs.wiring_env,
    "elasticache": elasticache.wiring_env,
    "opensearch_domain": opensearch.wiring_env,
    "ses_identity": ses.wiring_env,
}

# target type → the port its security group opens to code that connects to it with a data verb
# (`archc.compiler.connections`): what it serves beside the databases' own ports.
SERVICE_PORTS: dict[str, tuple[int, str]] = {
    "efs_file_system": (efs.NFS_PORT, "NFS"),
    "elasticache": (elasticache.CACHE_PORT, "cache"),
    "opensearch_domain": (opensearch.HTTPS_PORT, "HTTPS"),
}

def refused(ctx: Context, i: int) -> bool:
    """True (and an error) when connection *i*'s types do not pair for its verb (`catalog.PAIRS`)."""
    conn = ctx.arch.connections[i]
    st, tt = ctx.type_of(conn.source), ctx.type_of(conn.target)
    allowed = PAIRS.get(conn.verb, {}).get(st)
    if allowed is not None and tt not in allowed:
        ctx.error(("connections", i, "verb"), f"connection {conn.source} → {conn.target}: '{conn.verb}' from {st} goes to "
                  f"{', '.join(allowed)}, not {tt}", help="`archc lint` reports this as ARC116")
        return True
    return False
