"""Deterministic names: CloudFormation logical ids from model ids, bucket names, stack names.

Logical ids are alphanumeric: ``LAMBDA_API`` → ``LambdaApi``, ``priv_1c`` → ``Priv1c``. Two model ids
that would give the same id (``db_main`` and ``DB_MAIN``) are told apart by a short hash of the
model id, so names never depend on the order resources are compiled in.
"""

from __future__ import annotations

import hashlib
import re

_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]")
MAX_LOGICAL_ID = 255


def camel(text: str) -> str:
    """``LAMBDA_API`` → ``LambdaApi``; ``myBucket`` → ``MyBucket``; ``priv-1c`` → ``Priv1c``."""
    parts = [p for p in _SPLIT.split(text) if p]
    out = "".join(p[:1].upper() + (p[1:].lower() if p.isupper() or p.islower() else p[1:]) for p in parts)
    return out or "X"


def short_hash(text: str, n: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n].upper()


def model_bases(model_ids: list[str]) -> dict[str, str]:
    """model id → logical-id stem, unique among *model_ids* whatever their order."""
    by_stem: dict[str, list[str]] = {}
    for rid in model_ids:
        by_stem.setdefault(camel(rid), []).append(rid)
    out: dict[str, str] = {}
    for stem, ids in by_stem.items():
        for rid in ids:
            out[rid] = stem if len(ids) == 1 else f"{stem}X{short_hash(rid)}"
    return out


class LogicalIds:
    """Hands out logical ids: ``<model stem><suffix>``, unique in the whole build."""

    def __init__(self, model_ids: list[str]) -> None:
        self.bases = model_bases(sorted(model_ids))
        self.taken: set[str] = set()

    def stem(self, model_id: str) -> str:
        return self.bases.get(model_id) or camel(model_id)

    def claim(self, model_id: str, suffix: str = "") -> str:
        """A fresh logical id for a resource generated for *model_id*."""
        base = _NON_ALNUM.sub("", self.stem(model_id) + suffix)[:MAX_LOGICAL_ID - 8]
        lid = base
        if lid in self.taken:
            lid = f"{base}X{short_hash(model_id + '/' + suffix)}"
            n = 2
            while lid in self.taken:
                lid = f"{base}X{short_hash(model_id + '/' + suffix)}{n}"
                n += 1
        self.taken.add(lid)
        return lid


def bucket_name(stem: str, account_id: str, region: str) -> str:
    """Globally unique bucket name: ``<stem>-<account id>-<region>``."""
    return f"{stem}-{account_id}-{region}"


def bucket_stem(model_id: str, name: str | None) -> str:
    if name:
        return name
    return re.sub(r"[^a-z0-9.-]+", "-", model_id.lower()).strip("-.") or "bucket"


def stack_name(arch_name: str, account_key: str, region: str, part: int | None = None) -> str:
    base = re.sub(r"[^A-Za-z0-9-]+", "-", f"{arch_name}-{account_key}-{region}").strip("-")
    return f"{base}-{part}" if part is not None else base
