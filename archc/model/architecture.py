"""The whole model: accounts, resources, connections (intent edges) and presentation hints."""

from typing import Annotated, Literal

from pydantic import Field, field_validator

from archc.catalog import Head, LineStyle
from archc.model.fields import AccountId, ClassName, MermaidStyle, RefTo, Region, empty_dict, empty_list
from archc.model.resources import LintSettings, Resource, Strict

Verb = Literal[
    # traffic
    "https", "http", "tcp", "origin", "forward", "route", "run", "invoke", "trigger",
    # data
    "query", "read", "write", "read_write", "list", "describe", "replicate", "publish", "send", "notify",
    # operations
    "logs", "metrics", "traces",
    # identity
    "assume_role",
    # what a diagram drew that archc cannot type (keeps its label)
    "relates",
]


LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


class Account(Strict):
    id: AccountId | None = Field(None, description="12-digit AWS account id; needed to build, not to lint or draw")
    name: str
    region: Region = Field(description="default region of this account's resources")
    purpose: str | None = None
    may_reach: dict[str, list[Annotated[str, RefTo()]]] | None = Field(
        None,
        description="account key → the only resources of that account this account may reach (directly or through hops); absent: no restriction",
    )
    label: str | None = Field(None, description="diagram title; default '<name> Account (<id>)'")
    subgraph: bool = Field(True, description="draw the account as a subgraph (False for a diagram that draws no accounts)")
    direction: Literal["TB", "TD", "BT", "LR", "RL"] | None = Field(None, description="direction inside the account's subgraph")
    log_retention_days: int | None = Field(
        None, description="days every log group archc creates or causes in this account keeps its logs (function, task, API "
                          "access, WAF, flow and database logs, and log_group resources without retention_days); default 365")

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, days: int | None) -> int | None:
        if days is not None and days not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days must be one of CloudWatch's values {list(LOG_RETENTION_DAYS)}, not {days}")
        return days


class EdgeStyle(Strict):
    """How a connection is drawn. Presentation only."""

    line: LineStyle | None = Field(None, description="default: the catalogue's for the verb")
    head_start: Head = "none"
    head_end: Head = "arrow"
    length: int = Field(1, ge=1, le=5)
    css: MermaidStyle | None = Field(None, description="Mermaid linkStyle of this edge ('stroke:red,stroke-width:2px')")


class Connection(Strict):
    """An intent edge: `from` does `verb` to `to`."""

    model_config = Strict.model_config | {"populate_by_name": True}

    source: Annotated[str, RefTo()] = Field(alias="from")
    target: Annotated[str, RefTo()] = Field(alias="to")
    verb: Verb
    label: str | None = Field(None, description="diagram label; default: the verb's words")
    style: EdgeStyle | None = None
    lint: LintSettings = Field(default_factory=LintSettings)


class Group(Strict):
    """A presentation group: a subgraph in the overview diagram."""

    title: str | None = None
    parent: str | None = Field(None, description="enclosing group id")
    account: str | None = Field(None, description="the account subgraph it sits in (top level when neither parent nor account)")
    direction: Literal["TB", "TD", "BT", "LR", "RL"] | None = None
    resource: Annotated[str, RefTo()] | None = Field(None, description="the resource this subgraph stands for (a VPC, say); it is not drawn as a node of its own")
    classes: list[ClassName] = Field(default_factory=empty_list, description="diagram classes of the subgraph")


class DiagramSettings(Strict):
    title: str | None = Field(None, description="diagram title (Mermaid front matter)")
    direction: Literal["TB", "TD", "BT", "LR", "RL"] = "TB"
    keyword: Literal["graph", "flowchart", "flowchart-elk"] = "graph"
    class_defs: dict[ClassName, MermaidStyle] = Field(default_factory=empty_dict, description="Mermaid classDef name → style")
    styles: dict[str, MermaidStyle] = Field(default_factory=empty_dict, description="node or subgraph id → Mermaid style")
    account_ids: dict[str, str] = Field(default_factory=empty_dict, description="account key → subgraph id, when it differs")
    default_link_style: MermaidStyle | None = Field(None, description="Mermaid `linkStyle default …` (without the keyword)")
    directives: list[str] = Field(default_factory=empty_list, description="Mermaid %%{init: …}%% directives, verbatim")
    front_matter: str | None = Field(None, description="Mermaid front-matter YAML other than the title (config: …), verbatim")
    shape_data: dict[str, str] = Field(
        default_factory=empty_dict, description="node id → Mermaid shape-data keys besides shape and label ('icon: \"fa:user\", pos: t')"
    )
    clicks: list[str] = Field(default_factory=empty_list, description="Mermaid click statements without the keyword ('A \"https://…\"')")


class Defaults(Strict):
    account: str | None = None
    region: Region | None = None


class Architecture(Strict):
    # Built by the loader with `model_construct` from parts it validated one by one; the
    # (large) schema of the whole is only compiled if something validates an Architecture.
    model_config = Strict.model_config | {"defer_build": True}

    name: str = "architecture"
    accounts: dict[str, Account] = Field(default_factory=empty_dict)
    resources: dict[str, Resource] = Field(default_factory=empty_dict)
    connections: list[Connection] = Field(default_factory=empty_list)
    groups: dict[str, Group] = Field(default_factory=empty_dict)
    diagram: DiagramSettings = Field(default_factory=DiagramSettings)

    def region_of(self, rid: str) -> str | None:
        res = self.resources[rid]
        if res.region:
            return res.region
        acct = self.accounts.get(res.account or "")
        return acct.region if acct else None
