"""Find the reference fields of a model object (those annotated `RefTo`) and check them."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

from pydantic import BaseModel

from archc.diagnostics import Diagnostic, Path, did_you_mean
from archc.model.fields import RefTo
from archc.model.resources import CfnResource


class RefSite(NamedTuple):
    path: Path  # path of the referring value, relative to the object walked
    field: str  # the field's name
    target: str  # the id referred to
    kinds: tuple[str, ...]  # resource types it may name; empty: any


def unwrap_annotation(annotation: Any) -> tuple[RefTo | None, type[BaseModel] | None]:
    """The RefTo marker or nested model class inside Optional/list/Annotated wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, RefTo):
                return meta, None
        return unwrap_annotation(annotation.__origin__)
    if origin in (typing.Union, types.UnionType, list, tuple):
        for arg in typing.get_args(annotation):
            if arg is type(None) or arg is Ellipsis:
                continue
            ref, nested = unwrap_annotation(arg)
            if ref or nested:
                return ref, nested
        return None, None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return None, annotation
    return None, None


@cache
def _spec(cls: type[BaseModel]) -> tuple[tuple[str, RefTo | None, bool], ...]:
    """(field, RefTo or None, is nested model) for the fields of *cls* that matter."""
    out = []
    for name, info in cls.model_fields.items():
        annotation: Any = info.annotation
        if info.metadata:
            annotation = typing.Annotated[(annotation, *info.metadata)]
        ref, nested = unwrap_annotation(annotation)
        if ref is not None or (nested is not None and name != "lint"):
            out.append((name, ref, ref is None))
    return tuple(out)


def iter_refs(obj: BaseModel, base: Path = ()) -> Iterator[RefSite]:
    """Every reference held by *obj* (recursively through nested models and lists)."""
    for name, ref, nested in _spec(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if nested:
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        yield from iter_refs(item, (*base, name, i))
            elif isinstance(value, BaseModel):
                yield from iter_refs(value, (*base, name))
            continue
        assert ref is not None
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield RefSite((*base, name, i), name, item, ref.kinds)
        elif isinstance(value, dict):
            for key, items in value.items():
                for i, item in enumerate(items):
                    yield RefSite((*base, name, key, i), name, item, ref.kinds)
        else:
            yield RefSite((*base, name), name, value, ref.kinds)
    if isinstance(obj, CfnResource):
        for path, target in property_refs(obj.properties, (*base, "properties")):
            where = [str(p) for p in path[len(base) + 1:] if p not in ("Ref", "Fn::GetAtt", "Fn::Sub") and not isinstance(p, int)]
            yield RefSite(path, ".".join(["properties", *where]), target, ())


SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


def sub_names(text: str) -> list[str]:
    """The resource ids an ``Fn::Sub`` string names (``${id}``, ``${id.Attr}``; not ``${AWS::Region}`` or ``${!literal}``)."""
    return [v.split(".", 1)[0] for v in SUB_VARIABLE.findall(text) if not v.startswith("AWS::")]


def property_refs(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """The model ids an escape hatch's properties name, with the path of each name:
    ``{Ref: id}`` (not a pseudo parameter such as ``AWS::Region``), ``{Fn::GetAtt: [id, Attr]}`` and
    ``{Fn::GetAtt: id.Attr}`` (``!Ref id`` and ``!GetAtt id.Attr`` load as these) and the
    ``${id}``/``${id.Attr}`` of an ``Fn::Sub`` that are not its own variables."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str):
                if not arg.startswith("AWS::"):
                    yield (*path, "Ref"), arg
                return
            if key == "Fn::GetAtt":
                if isinstance(arg, list) and arg and isinstance(arg[0], str):
                    yield (*path, "Fn::GetAtt", 0), arg[0]
                elif isinstance(arg, str) and "." in arg:
                    yield (*path, "Fn::GetAtt"), arg.split(".", 1)[0]
                return
            if key == "Fn::Sub":
                text, local = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
                if isinstance(text, str) and isinstance(local, dict):
                    where = (*path, "Fn::Sub", 0) if isinstance(arg, list) else (*path, "Fn::Sub")
                    for name in sub_names(text):
                        if name not in local:
                            yield where, name
                    yield from property_refs(local, (*path, "Fn::Sub", 1))
                    return
        for k, v in value.items():
            yield from property_refs(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from property_refs(v, (*path, i))


def iter_raw_refs(cls: type[BaseModel], raw: dict[str, Any]) -> Iterator[RefSite]:
    """The top-level references in *raw* data meant for *cls* that failed validation.

    Lets the loader report a dangling reference even on a resource with other errors.
    """
    for name, ref, nested in _spec(cls):
        if nested or ref is None or name not in raw:
            continue
        value = raw[name]
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, str):
                yield RefSite((name, i) if isinstance(value, list) else (name,), name, item, ref.kinds)


def check_ref(
    site: RefSite, base: Path, types_by_id: dict[str, str], owner: str
) -> Diagnostic | None:
    """A diagnostic when *site* names no resource, or one of the wrong type."""
    path = (*base, *site.path)
    if site.target not in types_by_id:
        return Diagnostic(
            "ARC104",
            f"{owner}: {site.field} refers to '{site.target}', which is not a resource{did_you_mean(site.target, types_by_id)}",
            path,
            help=_expected(site.kinds),
        )
    actual = types_by_id[site.target]
    if site.kinds and actual not in site.kinds:
        candidates = [rid for rid, t in types_by_id.items() if t in site.kinds]
        return Diagnostic(
            "ARC106",
            f"{owner}: {site.field} must name a resource of type {' or '.join(site.kinds)}, but '{site.target}' is of type {actual}"
            + did_you_mean(site.target, candidates),
            path,
            help=_expected(site.kinds),
        )
    return None


def _expected(kinds: tuple[str, ...]) -> str:
    if not kinds:
        return "use the id of a resource defined under `resources`"
    return f"use the id of a {' or '.join(kinds)} resource defined under `resources`"
