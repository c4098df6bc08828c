"""The whole model: accounts, resources, connections (intent edges) and presentation hints."""

import re
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from archc.catalog import Head, LineStyle
from archc.model.fields import MERMAID_KEYWORDS, AccountId, ClassName, MermaidStyle, RefTo, Region, empty_dict, empty_list
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


# d3 curves Mermaid draws an edge with (`e1@{ curve: basis }`)
Curve = Literal[
    "basis", "basisClosed", "basisOpen", "bumpX", "bumpY", "bundle", "cardinal", "cardinalClosed", "cardinalOpen", "catmullRom",
    "catmullRomClosed", "catmullRomOpen", "linear", "linearClosed", "monotoneX", "monotoneY", "natural", "step", "stepAfter",
    "stepBefore",
]


# an edge id the model can hold: what a node id may be (`ID_PATTERN`), its own name for the reference
EDGE_ID_PATTERN = r"^\w+(?:[-.]\w+)*$"


class EdgeStyle(Strict):
    """How a connection is drawn. Presentation only."""

    line: LineStyle | None = Field(None, description="default: the catalogue's for the verb")
    head_start: Head = "none"
    head_end: Head = "arrow"
    length: int = Field(1, ge=1, le=5)
    css: MermaidStyle | None = Field(None, description="Mermaid linkStyle of this edge ('stroke:red,stroke-width:2px')")
    sides: str | None = Field(
        None, pattern=r"^(\{group\})?[LRTB]:[LRTB](\{group\})?$",
        description="Mermaid architecture-beta: the sides the edge leaves and enters ('R:L'; '{group}' on an end that crosses its "
                    "group's border, '{group}R:L'); default: by the diagram's direction",
    )
    label_kind: Literal["plain", "quoted"] | None = Field(
        None, description="how the Mermaid diagram writes the label: `plain` `|text|` (the default; quoted when it must be), "
                          "`quoted` `|\"text\"|`; a label in backticks is a markdown string",
    )
    id: str | None = Field(
        None, pattern=EDGE_ID_PATTERN,
        description="the edge's Mermaid id, `e1` in `a e1@--> b`, written as given (archc writes no id of its own for it)",
    )
    animate: bool | None = Field(None, description="Mermaid edge data `animate` (needs an edge id; archc writes one when absent)")
    animation: Literal["fast", "slow"] | None = Field(None, description="Mermaid edge data `animation`")
    curve: Curve | None = Field(None, description="Mermaid edge data `curve` (a d3 curve name)")
    data: str | None = Field(None, description="other Mermaid edge-data keys, verbatim ('step: 2')")

    @field_validator("id")
    @classmethod
    def _edge_id(cls, value: str | None) -> str | None:
        if value is not None and (value in MERMAID_KEYWORDS or re.match(r"end\b", value)):
            raise ValueError(f"edge id {value!r}: Mermaid reads 'end' (and its keywords) where an id stands; rename it")
        return value


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
    title_kind: Literal["plain", "quoted"] | None = Field(
        None, description="how the Mermaid diagram writes the title: `plain` `subgraph id[Title]`, `quoted` `subgraph id[\"Title\"]` "
                          "(the default; plain only where mermaid-js reads it back the same)",
    )
    parent: str | None = Field(None, description="enclosing group id")
    account: str | None = Field(None, description="the account subgraph it sits in (top level when neither parent nor account)")
    direction: Literal["TB", "TD", "BT", "LR", "RL"] | None = None
    resource: Annotated[str, RefTo()] | None = Field(None, description="the resource this subgraph stands for (a VPC, say); it is not drawn as a node of its own")
    classes: list[ClassName] = Field(default_factory=empty_list, description="diagram classes of the subgraph")


class ArchitectureSettings(Strict):
    """What a Mermaid architecture-beta diagram draws that is presentation only, kept from an import."""

    icons: dict[str, str] = Field(default_factory=empty_dict, description="resource, group or account subgraph id → its icon, "
                                                                          "when not the catalogue's ('logos:aws-lambda')")
    junctions: dict[str, str] = Field(default_factory=empty_dict, description="junction id → the group it is in ('' for none)")
    junction_edges: list[str] = Field(default_factory=empty_list, description="edges with a junction end, as written ('API:R --> L:J1')")
    aligns: list[str] = Field(default_factory=empty_list, description="`align` statements without the keyword ('row A B C')")
    untitled: list[str] = Field(default_factory=empty_list, description="groups drawn without a title")


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
    architecture: ArchitectureSettings = Field(default_factory=ArchitectureSettings,
                                               description="Mermaid architecture-beta presentation (icons, junctions, alignments)")

    # Verbatim Mermaid is the user's own, like an escape hatch's properties, but it stays where it
    # was written: a line break may not start a statement of its own, nor end the front matter.
    @field_validator("clicks")
    @classmethod
    def _one_line_clicks(cls, value: list[str]) -> list[str]:
        for click in value:
            if "\n" in click or "\r" in click:
                raise ValueError(f"click {click[:40]!r}…: a click statement is one line (a line break would start another statement)")
        return value

    @field_validator("shape_data")
    @classmethod
    def _one_line_shape_data(cls, value: dict[str, str]) -> dict[str, str]:
        for node, data in value.items():
            if "\n" in data or "\r" in data:
                raise ValueError(f"shape data of {node!r}: one line (a line break would start another statement)")
        return value

    @field_validator("directives")
    @classmethod
    def _whole_directives(cls, value: list[str]) -> list[str]:
        for d in value:
            if not (d.startswith("%%{") and d.endswith("}%%")) or "}%%" in d[:-3]:
                raise ValueError(f"directive {d[:40]!r}: one Mermaid directive, `%%{{…}}%%`, and nothing after it")
        return value

    @field_validator("front_matter")
    @classmethod
    def _front_matter_stays_closed(cls, value: str | None) -> str | None:
        if value is not None and any(line.rstrip() == "---" for line in value.splitlines()):
            raise ValueError("front matter: a line '---' would end it early (the rest would be read as the diagram)")
        return value


ParameterValue = str | int | float


class Parameter(Strict):
    """A CloudFormation parameter the model's escape hatches and conditions name (``{Ref: Name}``,
    ``${Name}`` in a ``Fn::Sub``): `archc build` declares it in every stack that uses it, as
    written here; the operator supplies its value at deploy time. `archc import` keeps a template's
    parameters here."""

    type: Annotated[str, StringConstraints(pattern=r"^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:<>]+|List<AWS::[A-Za-z0-9:]+>)$")] = Field(
        "String", description="CloudFormation parameter type: String, Number, CommaDelimitedList, AWS::EC2::VPC::Id, AWS::SSM::Parameter::Value<String>, …")
    description: str | None = Field(None, description="what the operator is asked for")
    default: ParameterValue | None = Field(None, description="the value when the operator gives none")
    allowed_values: list[ParameterValue] | None = Field(None, description="the only values the parameter takes")
    allowed_pattern: str | None = Field(None, description="a regular expression a String value must match")
    constraint_description: str | None = Field(None, description="what CloudFormation says when a value breaks a constraint")
    min_length: int | None = Field(None, ge=0, description="shortest String value")
    max_length: int | None = Field(None, ge=0, description="longest String value")
    min_value: float | None = Field(None, description="smallest Number value")
    max_value: float | None = Field(None, description="largest Number value")
    no_echo: bool = Field(False, description="mask the value in the console and API (secrets)")

    def to_cfn(self) -> dict[str, Any]:
        """The parameter as CloudFormation declares it."""
        out: dict[str, Any] = {"Type": self.type}
        for name, key in (("description", "Description"), ("default", "Default"), ("allowed_values", "AllowedValues"),
                          ("allowed_pattern", "AllowedPattern"), ("constraint_description", "ConstraintDescription"),
                          ("min_length", "MinLength"), ("max_length", "MaxLength"), ("min_value", "MinValue"), ("max_value", "MaxValue")):
            value = getattr(self, name)
            if value is not None:
                out[key] = value
        if self.no_echo:
            out["NoEcho"] = True
        return out


PARAMETER_NAME = r"^[A-Za-z0-9]+$"  # CloudFormation's rule for a parameter's (and a condition's) name

# A CloudFormation condition, as a template's `Conditions` holds it: Fn::Equals, Fn::And, Fn::Or,
# Fn::Not or {Condition: Name}, over parameters ({Ref: Name}) and pseudo parameters.
ConditionBody = dict[str, Any]


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
    parameters: dict[str, Parameter] = Field(default_factory=empty_dict)
    conditions: dict[str, ConditionBody] = Field(default_factory=empty_dict)

    def region_of(self, rid: str) -> str | None:
        res = self.resources[rid]
        if res.region:
            return res.region
        acct = self.accounts.get(res.account or "")
        return acct.region if acct else None
