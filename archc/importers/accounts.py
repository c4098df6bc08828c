"""`archc import --account`: one meaning for every source.

``--account KEY`` or ``--account KEY=ID`` (repeatable): *KEY* is the model's account key, *ID* its
12-digit AWS account id. The first one is the **default account**: a Mermaid diagram's nodes
drawn outside every account subgraph, a template whose environment names no account. Every
``KEY=ID`` names an account the source holds: a diagram's account *KEY* gets the id; a stack
deployed to account *ID* (a CDK environment, an ``archc build`` manifest) gets the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from archc.model.fields import ID_PATTERN

AccountOption = tuple[str, str | None]  # (key, 12-digit id or None)

_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


def parse_accounts(values: Sequence[str]) -> list[AccountOption]:
    """The ``--account`` values as (key, id); `ValueError` naming the bad one."""
    out: list[AccountOption] = []
    for value in values:
        key, eq, aid = value.partition("=")
        key, aid = key.strip(), aid.strip()
        if not eq and _ACCOUNT_ID.match(key):
            raise ValueError(f"--account {value}: a bare 12-digit value is an account id; give it a key: --account KEY={value}")
        if not re.fullmatch(ID_PATTERN, key):
            raise ValueError(f"--account {value!r}: expected KEY or KEY=ID; an account key may use only letters, digits, '_', '-' "
                             f"and '.', starting with a letter or digit")
        if eq and not _ACCOUNT_ID.match(aid):
            raise ValueError(f"--account {value}: the account id after '=' is 12 digits, not {aid!r}")
        if out and not eq:
            raise ValueError(f"--account {value}: only the first --account (the default account) may go without an id; "
                             f"write --account {key}=ID")
        if any(k == key for k, _ in out):
            raise ValueError(f"--account {value}: account key '{key}' is given twice")
        if eq and any(i == aid for _, i in out):
            raise ValueError(f"--account {value}: account id {aid} is given twice")
        out.append((key, aid if eq else None))
    return out


def name_diagram_accounts(arch: Any, options: Sequence[AccountOption]) -> tuple[Any, list[str]]:
    """*arch* (a diagram's import) with the ids ``KEY=ID`` gives its accounts, and what could not
    be applied (an account the diagram does not have; an id that contradicts the one drawn)."""
    accounts = dict(arch.accounts)
    problems: list[str] = []
    for key, aid in options:
        if aid is None:
            continue
        acct = accounts.get(key)
        if acct is None:
            problems.append(f"--account {key}={aid}: the diagram has no account '{key}' (it has {', '.join(sorted(accounts)) or 'none'})")
        elif acct.id is not None and acct.id != aid:
            problems.append(f"--account {key}={aid}: the diagram draws account '{key}' with id {acct.id}")
        else:
            accounts[key] = acct.model_copy(update={"id": aid})
    return arch.model_copy(update={"accounts": accounts}), problems
