"""The service families compiled in their own modules (DynamoDB, …), seen from the shared compiler
code as data: the IAM statements of their verbs and the environment their callers are given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archc.compiler import dynamodb
from archc.compiler.context import Context, Statement

# (verb, target type) → statements; merged into archc.compiler.iam.ACCESS.
ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    **dynamodb.ACCESS,
}

# target type → (ctx, target, ENV_NAME stem) → environment variables for code connected to it.
WIRING_ENV: dict[str, Callable[[Context, str, str], dict[str, Any]]] = {
    "dynamodb_table": dynamodb.wiring_env,
}
