"""Intrinsic functions: which exist, what they reference, and what resolves statically.

Intrinsics stay in their long form in the data (``{"Ref": "Vpc"}``, ``{"Fn::GetAtt": ["Db", "Endpoint.Address"]}``);
`Resolver.resolve` evaluates what a template fixes by itself (parameter defaults, pseudo parameters
given on the command line, mappings, conditions, ``Sub``/``Join``/``Select``/``Split``) and turns
everything else into an `Unresolved` value that says why, never a guess. A reference to another
resource resolves to `ResourceRef`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

FUNCTIONS = frozenset({
    "Ref", "Fn::Base64", "Fn::Cidr", "Fn::FindInMap", "Fn::GetAtt", "Fn::GetAZs", "Fn::ImportValue", "Fn::Join",
    "Fn::Select", "Fn::Split", "Fn::Sub", "Fn::Transform", "Fn::And", "Fn::Equals", "Fn::If", "Fn::Not", "Fn::Or",
    "Fn::Length", "Fn::ToJsonString", "Condition",
})
PSEUDO = frozenset({
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId",
    "AWS::StackName", "AWS::URLSuffix",
})
_SUB_VAR = re.compile(r"\$\{(?!!)([^}]+)\}")


def function_of(value: Any) -> str | None:
    """The intrinsic's name when *value* is one (a one-key mapping ``Ref``/``Fn::…``/``Condition``)."""
    if value.__class__ is dict and len(value) == 1:
        key = next(iter(value))
        if key == "Ref" or key == "Condition" or key.startswith("Fn::"):
            return str(key)
    return None


def sub_names(text: str) -> list[str]:
    """The ``${Name}`` / ``${Name.Attr}`` variables of a ``Fn::Sub`` string."""
    return _SUB_VAR.findall(text)


def references(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, str | None, tuple[Any, ...]]]:
    """Every (logical id, attribute or None, path) named by ``Ref``, ``GetAtt`` and ``Sub`` in *value*."""
    stack = [(value, path)]
    while stack:
        v, p = stack.pop()
        cls = v.__class__
        if cls is dict:
            fn = function_of(v)
            if fn == "Ref" and isinstance(v["Ref"], str):
                yield v["Ref"], None, p
                continue
            if fn == "Fn::GetAtt":
                arg = v[fn]
                if isinstance(arg, list) and arg and isinstance(arg[0], str):
                    yield arg[0], str(arg[1]) if len(arg) > 1 else None, p
                    continue
            if fn == "Fn::Sub":
                arg = v[fn]
                text, local = (arg[0], arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}) if isinstance(arg, list) and arg else (arg, {})
                if isinstance(text, str):
                    for name in sub_names(text):
                        head, _, attr = name.partition(".")
                        if head not in local:
                            yield head.strip(), attr or None, p
                if isinstance(local, dict):
                    stack.extend((x, (*p, fn, 1, k)) for k, x in local.items())
                continue
            stack.extend((x, (*p, k)) for k, x in v.items())
        elif cls is list:
            stack.extend((x, (*p, i)) for i, x in enumerate(v))


def unknown_functions(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every ``Fn::Name`` in *value* that CloudFormation does not have, with its path."""
    stack = [(value, path)]
    while stack:
        v, p = stack.pop()
        cls = v.__class__
        if cls is dict:
            for k, x in v.items():
                if isinstance(k, str) and k.startswith("Fn::") and k not in FUNCTIONS and not k.startswith("Fn::ForEach::"):
                    yield k, (*p, k)
                stack.append((x, (*p, k)))
        elif cls is list:
            stack.extend((x, (*p, i)) for i, x in enumerate(v))


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """A reference to a resource of the template (``Ref`` or ``GetAtt``)."""

    logical_id: str
    attribute: str | None = None
    stack: str | None = None  # the exporting stack, for a cross-stack reference (Fn::ImportValue)


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A value the template does not fix by itself; *why* says what it depends on."""

    why: str

    def __str__(self) -> str:
        return f"<{self.why}>"


class Resolver:
    """Static evaluation of intrinsics against what is known about a stack."""

    def __init__(
        self,
        parameters: dict[str, Any],
        mappings: dict[str, Any],
        conditions: dict[str, Any],
        resources: set[str] | dict[str, Any],
        pseudo: dict[str, str] | None = None,
        exports: dict[str, Any] | None = None,
    ) -> None:
        self.parameters = parameters
        self.mappings = mappings
        self.conditions = conditions
        self.resources = resources
        self.pseudo = pseudo or {}
        self.exports = exports or {}
        self._cond_cache: dict[str, Any] = {}

    def parameter(self, name: str) -> Any:
        spec = self.parameters.get(name)
        if isinstance(spec, dict) and "Default" in spec:
            default = spec["Default"]
            if isinstance(default, str) and str(spec.get("Type", "")).startswith("List<") or spec.get("Type") == "CommaDelimitedList":
                return [x.strip() for x in str(default).split(",")]
            return default
        return Unresolved(f"parameter {name}")

    def ref(self, name: str) -> Any:
        if name in self.resources:
            return ResourceRef(name)
        if name in self.pseudo:
            return self.pseudo[name]
        if name == "AWS::Partition":
            return "aws"
        if name == "AWS::URLSuffix":
            return "amazonaws.com"
        if name in PSEUDO:
            return Unresolved(name)
        if name in self.parameters:
            return self.parameter(name)
        return Unresolved(f"unknown name {name}")

    def condition(self, name: str) -> Any:
        if name in self._cond_cache:
            return self._cond_cache[name]
        self._cond_cache[name] = Unresolved(f"condition {name} (circular)")
        body = self.conditions.get(name)
        result = self.resolve(body) if body is not None else Unresolved(f"unknown condition {name}")
        if not isinstance(result, (bool, Unresolved)):
            result = Unresolved(f"condition {name}")
        if isinstance(result, Unresolved) and not result.why.startswith("condition"):
            result = Unresolved(f"condition {name} ({result.why})")
        self._cond_cache[name] = result
        return result

    def resolve(self, value: Any) -> Any:
        cls = value.__class__
        if cls is list:
            return [self.resolve(v) for v in value]
        if cls is not dict:
            return value
        fn = function_of(value)
        if fn is None:
            return {k: self.resolve(v) for k, v in value.items()}
        arg = value[fn]
        if fn == "Ref":
            return self.ref(str(arg))
        if fn == "Condition":
            return self.condition(str(arg))
        if fn == "Fn::GetAtt":
            if isinstance(arg, list) and arg:
                return ResourceRef(str(arg[0]), ".".join(str(a) for a in arg[1:]) or None)
            return Unresolved("GetAtt")
        if fn == "Fn::ImportValue":
            name = self.resolve(arg)
            if isinstance(name, str) and name in self.exports:
                return self.exports[name]
            return Unresolved(f"import {name}")
        if fn == "Fn::Sub":
            return self._sub(arg)
        if fn == "Fn::Join":
            if isinstance(arg, list) and len(arg) == 2:
                sep, items = self.resolve(arg[0]), self.resolve(arg[1])
                if isinstance(sep, str) and isinstance(items, list) and all(isinstance(i, (str, int, float)) for i in items):
                    return sep.join(str(i) for i in items)
            return Unresolved("Join")
        if fn == "Fn::Select":
            if isinstance(arg, list) and len(arg) == 2:
                idx, items = self.resolve(arg[0]), self.resolve(arg[1])
                try:
                    i = int(idx)
                except (TypeError, ValueError):
                    return Unresolved("Select")
                if isinstance(items, list) and 0 <= i < len(items):
                    return items[i]
            return Unresolved("Select")
        if fn == "Fn::Split":
            if isinstance(arg, list) and len(arg) == 2:
                sep, text = self.resolve(arg[0]), self.resolve(arg[1])
                if isinstance(sep, str) and sep and isinstance(text, str):
                    return text.split(sep)
            return Unresolved("Split")
        if fn == "Fn::FindInMap":
            if isinstance(arg, list) and len(arg) >= 3:
                keys = [self.resolve(a) for a in arg[:3]]
                node: Any = self.mappings
                for k in keys:
                    if not isinstance(k, (str, int)) or not isinstance(node, dict) or str(k) not in node:
                        return Unresolved("FindInMap " + ".".join(str(x) for x in keys))
                    node = node[str(k)]
                return node
            return Unresolved("FindInMap")
        if fn == "Fn::If":
            if isinstance(arg, list) and len(arg) == 3:
                cond = self.condition(str(arg[0]))
                if cond is True:
                    return self.resolve(arg[1])
                if cond is False:
                    return self.resolve(arg[2])
                return cond
            return Unresolved("If")
        if fn in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"):
            items = self.resolve(arg) if isinstance(arg, list) else []
            if any(isinstance(i, Unresolved) for i in items):
                return next(i for i in items if isinstance(i, Unresolved))
            if fn == "Fn::Equals" and len(items) == 2:
                return str(items[0]) == str(items[1])
            if fn == "Fn::And":
                return all(bool(i) for i in items)
            if fn == "Fn::Or":
                return any(bool(i) for i in items)
            if fn == "Fn::Not" and len(items) == 1:
                return not items[0]
            return Unresolved(fn.removeprefix("Fn::"))
        return Unresolved(fn.removeprefix("Fn::"))

    def _sub(self, arg: Any) -> Any:
        if isinstance(arg, list) and arg:
            text, local = arg[0], arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
        else:
            text, local = arg, {}
        if not isinstance(text, str):
            return Unresolved("Sub")
        values = {k: self.resolve(v) for k, v in local.items()}
        missing: list[str] = []

        def repl(m: re.Match[str]) -> str:
            name = m.group(1).strip()
            if name in values:
                v = values[name]
            elif "." in name:
                head, _, attr = name.partition(".")
                v = ResourceRef(head, attr) if head in self.resources else Unresolved(name)
            else:
                v = self.ref(name)
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                return str(v)
            missing.append(name)
            return m.group(0)

        out = _SUB_VAR.sub(repl, text).replace("${!", "${")
        return Unresolved(f"Sub {text}") if missing else out
