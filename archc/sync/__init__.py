"""`archc diff` and `archc sync`: the semantic difference of two architectures, and applying it to
the model's files.

- `archc.sync.changes`: one typed record per kind of change, each saying itself as a diff line;
- `archc.sync.diff`: `diff(a, b)`, pure, deterministic (model order);
- `archc.sync.apply`: `apply(texts, a, changes)` edits YAML texts in round-trip mode, keeping
  comments, key order, quoting, indentation and everything the diagram cannot show;
- `archc.sync.files`: reading the files (line endings, BOM), a lock, and an all-or-nothing commit.
"""

from archc.sync.apply import apply
from archc.sync.changes import Change
from archc.sync.diff import diff, diff_text

__all__ = ["Change", "apply", "diff", "diff_text"]
