"""Where templates come from: one file, a directory of templates, a CDK cloud assembly
(``cdk.out/manifest.json``: stacks with their ``aws://ACCOUNT/REGION`` environments and nested
stacks) or the output directory of `archc build` (its ``manifest.json`` names accounts).

Unknown environments (``aws://unknown-account/unknown-region``) stay unknown (``None``): the
importer reports them and keeps ``AWS::AccountId`` symbolic.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from archc.cloudformation.errors import TemplateError
from archc.cloudformation.reader import read_template_text
from archc.cloudformation.template import Template, looks_like_template, parse_template
from archc.diagnostics import Position

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
_ENV = re.compile(r"^aws://(?P<account>[^/]+)/(?P<region>[^/]+)$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")


@dataclass(slots=True)
class Stack:
    name: str
    template: Template
    account_id: str | None = None  # 12 digits, or None when unknown
    region: str | None = None
    account_key: str | None = None  # archc's own key (an `archc build` manifest), else derived
    account_name: str | None = None
    parent: str | None = None  # the stack that nests this one
    cdk: bool = False  # synthesized by the CDK (logical ids carry a hash)


def _read(path: str) -> Template:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read: {exc}", Position(path, 1, 1)) from None
    data, source = read_template_text(text, path)
    return parse_template(data, source, path)


def _stem(path: str) -> str:
    name = os.path.basename(path)
    for suffix in (".template.json", ".nested.template.json", *TEMPLATE_SUFFIXES):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _environment(env: str | None) -> tuple[str | None, str | None]:
    m = _ENV.match(env or "")
    if not m:
        return None, None
    account, region = m.group("account"), m.group("region")
    return (account if _ACCOUNT_ID.match(account) else None), (region if _REGION.match(region) else None)


def is_assembly(path: str) -> bool:
    return os.path.isdir(path) and os.path.isfile(os.path.join(path, "manifest.json"))


def load_stacks(path: str) -> list[Stack]:
    """The stacks of *path*: a template file, a directory of templates, or a cloud assembly."""
    if is_assembly(path):
        return _assembly(path)
    if os.path.isdir(path):
        stacks: list[Stack] = []
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            if os.path.isfile(full) and name.endswith(TEMPLATE_SUFFIXES):
                tpl = _read_if_template(full)
                if tpl is not None:
                    stacks.append(Stack(_stem(full), tpl))
        if not stacks:
            raise TemplateError("no CloudFormation template in this directory", Position(path, 1, 1))
        return _with_nested(stacks, path)
    return _with_nested([Stack(_stem(path), _read(path))], os.path.dirname(path))


def _read_if_template(path: str) -> Template | None:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data, source = read_template_text(text, path)
    except TemplateError:
        if path.endswith(".template") or ".template." in os.path.basename(path):
            raise
        return None
    if not looks_like_template(data):
        return None
    return parse_template(data, source, path)


def _manifest(path: str) -> dict[str, object]:
    mpath = os.path.join(path, "manifest.json")
    try:
        with open(mpath, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read: {exc}", Position(mpath, 1, 1)) from None
    data, source = read_template_text(text, mpath)
    if not isinstance(data, dict):
        raise TemplateError("a cloud assembly manifest is a mapping", source.locate(()))
    return data


def _assembly(path: str) -> list[Stack]:
    manifest = _manifest(path)
    mpath = os.path.join(path, "manifest.json")
    stacks: list[Stack] = []
    if manifest.get("archc") == 1 and isinstance(manifest.get("stacks"), list):  # `archc build` output
        entries = manifest["stacks"]
        assert isinstance(entries, list)
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("template"), str):
                raise TemplateError("each stack of an archc manifest names its template", Position(mpath, 1, 1))
            acct = entry.get("account") if isinstance(entry.get("account"), dict) else {}
            assert isinstance(acct, dict)
            region = entry.get("region")
            acct_id = acct.get("id")
            stacks.append(Stack(
                str(entry.get("name") or _stem(entry["template"])), _read(os.path.join(path, entry["template"])),
                account_id=acct_id if isinstance(acct_id, str) and _ACCOUNT_ID.match(acct_id) else None,
                region=region if isinstance(region, str) and _REGION.match(region) else None,
                account_key=str(acct["key"]) if acct.get("key") else None,
                account_name=str(acct["name"]) if acct.get("name") else None,
            ))
        return _with_nested(stacks, path)
    artifacts = manifest.get("artifacts")
    if not isinstance(artifacts, dict):
        raise TemplateError("not a cloud assembly: manifest.json has no 'artifacts'", Position(mpath, 1, 1))
    for name in sorted(artifacts):
        art = artifacts[name]
        if not isinstance(art, dict) or art.get("type") != "aws:cloudformation:stack":
            continue
        props = art.get("properties") if isinstance(art.get("properties"), dict) else {}
        assert isinstance(props, dict)
        tfile = props.get("templateFile")
        if not isinstance(tfile, str):
            raise TemplateError(f"stack artifact {name!r} has no properties.templateFile", Position(mpath, 1, 1))
        account, region = _environment(art.get("environment") if isinstance(art.get("environment"), str) else None)
        sname = str(props.get("stackName") or art.get("displayName") or name)
        stacks.append(Stack(sname, _read(os.path.join(path, tfile)), account_id=account, region=region, cdk=True))
    if not stacks:
        raise TemplateError("the cloud assembly has no CloudFormation stack artifact", Position(mpath, 1, 1))
    return _with_nested(stacks, path)


def _with_nested(stacks: list[Stack], base: str) -> list[Stack]:
    """*stacks* and the nested stacks their ``AWS::CloudFormation::Stack`` resources name by a local
    file (CDK's ``aws:asset:path`` metadata, or a relative ``TemplateURL``), each after its parent."""
    out: list[Stack] = []
    seen: set[str] = set()
    todo = list(stacks)
    while todo:
        stack = todo.pop(0)
        out.append(stack)
        for lid, decl in stack.template.resources.items():
            if decl.type != "AWS::CloudFormation::Stack":
                continue
            asset = decl.metadata.get("aws:asset:path")
            url = decl.properties.get("TemplateURL")
            local = asset if isinstance(asset, str) else url if isinstance(url, str) and "://" not in url else None
            if local is None:
                continue
            full = os.path.normpath(os.path.join(base or ".", local))
            if full in seen or not os.path.isfile(full):
                continue
            seen.add(full)
            todo.append(Stack(f"{stack.name}.{lid}", _read(full), stack.account_id, stack.region,
                              stack.account_key, stack.account_name, parent=stack.name, cdk=stack.cdk))
    return out


def looks_like_template_file(path: str) -> bool:
    """A file whose content is a template, whatever its name (for `archc import` dispatch)."""
    try:
        with open(path, encoding="utf-8") as fh:
            head = fh.read(65536)
    except (OSError, UnicodeDecodeError):
        return False
    return bool(re.search(r"(?m)^\s*(\"?AWSTemplateFormatVersion\"?|\"?Resources\"?)\s*:", head))

