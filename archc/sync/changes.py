"""The change records of a semantic diff: one frozen dataclass per kind of change.

Each record carries what applying it needs (the model elements before and after), and says
itself as one line of `archc diff`: ``+`` added, ``-`` removed, ``~`` changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from archc.catalog import VERBS
from archc.model.architecture import Account, Connection, Group
from archc.model.presentation import node_label

AccountAttr = Literal["label", "direction", "subgraph"]
GroupAttr = Literal["title", "title_kind", "parent", "account", "direction", "resource", "classes"]
DiagramAttr = Literal["class_defs", "styles", "direction", "title"]

# what a diagram shows of an account (its title, the direction inside its subgraph, whether it is drawn)
ACCOUNT_DRAWN: tuple[AccountAttr, ...] = ("label", "direction", "subgraph")
# what a diagram shows of a group besides its title
GROUP_DRAWN: tuple[GroupAttr, ...] = ("title_kind", "parent", "account", "direction", "resource", "classes")
# what a diagram shows of every resource, besides its type and the typed fields it draws as edges
RESOURCE_DRAWN = ("label", "label_kind", "group", "account", "shape", "classes")
# nested typed fields a diagram draws: (type, field) → the keys of each item the diagram shows
NESTED_DRAWN: dict[tuple[str, str], tuple[str, ...]] = {
    ("load_balancer", "listeners"): ("target_group", "certificate"),
    ("route53_zone", "records"): ("type", "target"),
}


def conn_label(c: Connection) -> str:
    return c.label if c.label is not None else VERBS[c.verb].label


def conn_text(c: Connection) -> str:
    label = conn_label(c)
    style = ""
    if c.style:
        parts = [f"{k}={v}" for k, v in c.style.model_dump(exclude_defaults=True).items()]
        style = f" [{', '.join(parts)}]" if parts else ""
    return f"{c.source} → {c.target} ({c.verb}{', ' + repr(label) if label else ''}){style}"


def value_text(value: Any) -> str:
    """A drawn field's value for the diff: ids plainly, nested items as ``a/b`` pairs."""
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return "[" + ", ".join("/".join(str(v) for v in item if v is not None) for item in value) + "]"
    return repr(value)


class _Change:
    """What every change record says: ``<sign> <what> <subject>[: <detail>]``."""

    op: ClassVar[Literal["add", "remove", "change"]]
    what: ClassVar[Literal["account", "group", "resource", "connection", "diagram"]]

    @property
    def subject(self) -> str:
        raise NotImplementedError

    @property
    def detail(self) -> str:
        return ""

    def text(self) -> str:
        sign = {"add": "+", "remove": "-", "change": "~"}[self.op]
        return f"{sign} {self.what} {self.subject}" + (f": {self.detail}" if self.detail else "")


# -- accounts -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountAdded(_Change):
    op = "add"
    what = "account"
    key: str
    account: Account

    @property
    def subject(self) -> str:
        return self.key

    @property
    def detail(self) -> str:
        return self.account.name + (f" ({self.account.id})" if self.account.id else "")


@dataclass(frozen=True, slots=True)
class AccountRemoved(_Change):
    op = "remove"
    what = "account"
    key: str

    @property
    def subject(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class AccountChanged(_Change):
    op = "change"
    what = "account"
    key: str
    attr: AccountAttr
    before: Any
    after: Any
    default: Any  # the value the model need not spell out

    @property
    def subject(self) -> str:
        return self.key

    @property
    def detail(self) -> str:
        return f"{self.attr} {self.before!r} → {self.after!r}"


# -- groups ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupAdded(_Change):
    op = "add"
    what = "group"
    gid: str
    group: Group

    @property
    def subject(self) -> str:
        return self.gid

    @property
    def detail(self) -> str:
        return repr(self.group.title or self.gid)


@dataclass(frozen=True, slots=True)
class GroupRemoved(_Change):
    op = "remove"
    what = "group"
    gid: str

    @property
    def subject(self) -> str:
        return self.gid


@dataclass(frozen=True, slots=True)
class GroupChanged(_Change):
    """A group's title (``None``: the id), parent, account, direction, resource or classes."""

    op = "change"
    what = "group"
    gid: str
    attr: GroupAttr
    before: Any
    after: Any

    @property
    def subject(self) -> str:
        return self.gid

    @property
    def detail(self) -> str:
        if self.attr == "title":
            return f"title {self.before or self.gid!r} → {self.after or self.gid!r}"
        return f"{self.attr} {self.before!r} → {self.after!r}"


# -- resources ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResourceAdded(_Change):
    op = "add"
    what = "resource"
    rid: str
    resource: Any

    @property
    def subject(self) -> str:
        return self.rid

    @property
    def detail(self) -> str:
        return f"{self.resource.type} {node_label(self.rid, self.resource)!r}"


@dataclass(frozen=True, slots=True)
class ResourceRemoved(_Change):
    op = "remove"
    what = "resource"
    rid: str
    resource: Any

    @property
    def subject(self) -> str:
        return self.rid

    @property
    def detail(self) -> str:
        return str(self.resource.type)


@dataclass(frozen=True, slots=True)
class ResourceRetyped(_Change):
    """A node drawn as another type: the resource is written anew from the diagram."""

    op = "change"
    what = "resource"
    rid: str
    before: Any
    after: Any

    @property
    def subject(self) -> str:
        return self.rid

    @property
    def detail(self) -> str:
        return f"type {self.before.type} → {self.after.type}"


@dataclass(frozen=True, slots=True)
class ResourceRelabelled(_Change):
    op = "change"
    what = "resource"
    rid: str
    before: str
    after: str

    @property
    def subject(self) -> str:
        return self.rid

    @property
    def detail(self) -> str:
        return f"label {self.before!r} → {self.after!r}"


@dataclass(frozen=True, slots=True)
class ResourceFieldChanged(_Change):
    """A plain drawn field of a resource: group, account, shape, classes, or a typed field the
    diagram draws as an edge (a function's role, a subnet's route table …). ``after`` is the value
    to write; ``None`` or empty removes the key."""

    op = "change"
    what = "resource"
    rid: str
    field: str
    before: Any
    after: Any
    shown_before: str  # the values as the diff shows them
    shown_after: str

    @property
    def subject(self) -> str:
        return self.rid

    @property
    def detail(self) -> str:
        return f"{self.field} {self.shown_before} → {self.shown_after}"


@dataclass(frozen=True, slots=True)
class ResourceItemsChanged(_Change):
    """A nested list the diagram draws (listeners, records): the resource before and after, and
    the keys of each item the diagram shows."""

    op = "change"
    what = "resource"
    rid: str
    field: str
    keys: tuple[str, ...]
    before: Any
    after: Any

    @property
    def subject(self) -> str:
        return self.rid

    def items(self, res: Any) -> list[tuple[Any, ...]]:
        return [tuple(getattr(x, k) for k in self.keys) for x in getattr(res, self.field)]

    @property
    def detail(self) -> str:
        return f"{self.field} {value_text(self.items(self.before))} → {value_text(self.items(self.after))}"


# -- connections ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectionAdded(_Change):
    op = "add"
    what = "connection"
    connection: Connection
    # where the source sits (for choosing the file): the resource before, else after
    source_account: str | None = None

    @property
    def subject(self) -> str:
        return conn_text(self.connection)


@dataclass(frozen=True, slots=True)
class ConnectionRemoved(_Change):
    op = "remove"
    what = "connection"
    connection: Connection

    @property
    def subject(self) -> str:
        return conn_text(self.connection)


@dataclass(frozen=True, slots=True)
class ConnectionChanged(_Change):
    """An edge between the same two nodes with another verb, label or style: edited in place."""

    op = "change"
    what = "connection"
    before: Connection
    after: Connection

    @property
    def subject(self) -> str:
        return f"{self.after.source} → {self.after.target}"

    @property
    def detail(self) -> str:
        return f"{conn_text(self.before)} ⇒ {conn_text(self.after)}"


# -- diagram settings -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiagramChanged(_Change):
    op = "change"
    what = "diagram"
    attr: DiagramAttr
    before: Any
    after: Any

    @property
    def subject(self) -> str:
        return self.attr

    @property
    def detail(self) -> str:
        if self.attr in ("class_defs", "styles"):
            return ""
        if self.attr == "direction":
            return f"{self.before} → {self.after}"
        return f"{self.before!r} → {self.after!r}"


Change = (
    AccountAdded | AccountRemoved | AccountChanged
    | GroupAdded | GroupRemoved | GroupChanged
    | ResourceAdded | ResourceRemoved | ResourceRetyped | ResourceRelabelled | ResourceFieldChanged | ResourceItemsChanged
    | ConnectionAdded | ConnectionRemoved | ConnectionChanged
    | DiagramChanged
)
