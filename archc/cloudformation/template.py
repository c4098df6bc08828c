"""A CloudFormation template as data: its resources, parameters, conditions, mappings, outputs,
and the template graph (which resource names which), checked the way CloudFormation checks it.

`parse_template` turns the reader's data into a `Template` or raises one `TemplateError` pointing
at the first problem: not a template, a resource without a ``Type``, an unknown ``Fn::`` function,
a ``Ref``/``GetAtt`` to nothing (unless a ``Transform`` adds resources), a circular reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archc.cloudformation.errors import TemplateError
from archc.cloudformation.intrinsics import PSEUDO, references, unknown_functions
from archc.cloudformation.reader import read_template_text
from archc.diagnostics import Path, Position, SourceMap

SECTIONS = frozenset({
    "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions",
    "Transform", "Resources", "Outputs", "Hooks", "Globals",
})


@dataclass(slots=True)
class Declaration:
    """One entry of ``Resources``."""

    logical_id: str
    type: str
    properties: dict[str, Any]
    metadata: dict[str, Any]
    condition: str | None
    depends_on: list[str]
    path: Path
    origin: str | None = None  # the type as written, when a transform reads it as another (SAM)


@dataclass(frozen=True, slots=True)
class Edge:
    """Resource *source* names resource *target* (``Ref``, ``GetAtt`` with *attribute*, ``Sub``, ``DependsOn``)."""

    source: str
    target: str
    attribute: str | None
    path: Path  # where, inside the source's declaration


@dataclass(slots=True)
class Template:
    file: str
    source: SourceMap
    resources: dict[str, Declaration]
    parameters: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    transform: list[str] = field(default_factory=list)
    globals: dict[str, Any] = field(default_factory=dict)  # SAM's Globals section
    edges: list[Edge] = field(default_factory=list)
    unknown_refs: list[tuple[str, str, Path]] = field(default_factory=list)  # (source, name, path) a Transform may supply

    def position(self, path: Path) -> Position:
        return self.source.locate(path)


def looks_like_template(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("Resources"), dict) and all(
        isinstance(k, str) for k in data
    ) and (set(data) <= SECTIONS or "AWSTemplateFormatVersion" in data)


def read_template(text: str, file: str) -> Template:
    data, source = read_template_text(text, file)
    return parse_template(data, source, file)


def _section(data: dict[str, Any], name: str, source: SourceMap) -> dict[str, Any]:
    value = data.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TemplateError(f"'{name}' must be a mapping", source.locate((name,)))
    return value


def parse_template(data: Any, source: SourceMap, file: str) -> Template:
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        where = source.locate(("Resources",)) if isinstance(data, dict) and "Resources" in data else source.locate(())
        raise TemplateError("not a CloudFormation template: expected a mapping with a 'Resources' mapping", where)
    for key in data:
        if key not in SECTIONS:
            from archc.diagnostics import did_you_mean

            raise TemplateError(f"unknown template section {key!r}{did_you_mean(str(key), SECTIONS)}", source.locate((key,)))
    for name, fpath in unknown_functions(data):
        raise TemplateError(f"unknown intrinsic function {name!r}", source.locate(fpath))
    transform = data.get("Transform") or []
    transforms = [str(t) for t in (transform if isinstance(transform, list) else [transform])]
    tpl = Template(
        file=file,
        source=source,
        resources={},
        parameters=_section(data, "Parameters", source),
        mappings=_section(data, "Mappings", source),
        conditions=_section(data, "Conditions", source),
        outputs=_section(data, "Outputs", source),
        transform=transforms,
        globals=_section(data, "Globals", source),
    )
    for lid, body in data["Resources"].items():
        path: Path = ("Resources", str(lid))
        if not isinstance(body, dict):
            raise TemplateError(f"resource {lid!r} must be a mapping with a 'Type'", source.locate(path))
        rtype = body.get("Type")
        if not isinstance(rtype, str) or not rtype:
            raise TemplateError(f"resource {lid!r} has no 'Type'", source.locate(path))
        props = body.get("Properties") or {}
        if not isinstance(props, dict):
            raise TemplateError(f"resource {lid!r}: 'Properties' must be a mapping", source.locate((*path, "Properties")))
        deps = body.get("DependsOn") or []
        deps = [deps] if isinstance(deps, str) else deps
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise TemplateError(f"resource {lid!r}: 'DependsOn' must be a name or a list of names", source.locate((*path, "DependsOn")))
        meta = body.get("Metadata") or {}
        cond = body.get("Condition")
        tpl.resources[str(lid)] = Declaration(str(lid), rtype, props, meta if isinstance(meta, dict) else {},
                                              cond if isinstance(cond, str) else None, deps, path)
    known = set(tpl.resources) | set(tpl.parameters) | PSEUDO
    for lid, decl in tpl.resources.items():
        for i, dep in enumerate(decl.depends_on):
            if dep not in tpl.resources:
                raise TemplateError(f"resource {lid!r} depends on {dep!r}, which is not a resource of this template",
                                    source.locate((*decl.path, "DependsOn", i)))
            tpl.edges.append(Edge(lid, dep, None, ("DependsOn", i)))
        for target, attr, rpath in references(decl.properties, ("Properties",)):
            if target in tpl.resources:
                tpl.edges.append(Edge(lid, target, attr, rpath))
            elif target not in known:
                if tpl.transform:
                    tpl.unknown_refs.append((lid, target, rpath))
                else:
                    raise TemplateError(f"resource {lid!r} refers to {target!r}, which is not a resource, parameter or pseudo parameter",
                                        source.locate((*decl.path, *rpath)))
    _check_cycles(tpl)
    return tpl


def _check_cycles(tpl: Template) -> None:
    """CloudFormation refuses a template whose resources depend on each other in a circle."""
    succ: dict[str, list[str]] = {lid: [] for lid in tpl.resources}
    for e in tpl.edges:
        if e.source != e.target:
            succ[e.source].append(e.target)
        else:
            raise TemplateError(f"circular reference: resource {e.source!r} refers to itself",
                                tpl.position((*tpl.resources[e.source].path, *e.path)))
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in tpl.resources:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        trail: list[str] = [start]
        state[start] = 1
        while stack:
            node, i = stack[-1]
            nxt = succ[node]
            if i < len(nxt):
                stack[-1] = (node, i + 1)
                t = nxt[i]
                s = state.get(t)
                if s == 1:
                    cycle = trail[trail.index(t):] + [t]
                    raise TemplateError("circular reference: " + " → ".join(cycle), tpl.position(tpl.resources[t].path))
                if s is None:
                    state[t] = 1
                    stack.append((t, 0))
                    trail.append(t)
            else:
                state[node] = 2
                stack.pop()
                trail.pop()
