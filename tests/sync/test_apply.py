"""`archc.sync.apply`: every kind of change, applied to a realistic model file with comments.

Each case edits the model text by hand (M → M'), diffs the two models, applies the diff to M's
text and checks: the diff says what changed; the result loads to a model the diff cannot tell
from M'; every comment and every property the diagram cannot show is still there; and the
edited lines read as a person would have written them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from archc.model.loader import load_text, load_texts
from archc.sync import apply, diff

HERE = Path(__file__).parent
ORDERS = (HERE / "orders.yaml").read_text()
COMMENTS = [line.split("#", 1)[1] for line in ORDERS.splitlines() if "#" in line]
# the same model in two files: accounts, groups and connections in one, the resources in the other
SPLIT = [
    ("model/a.yaml", ORDERS.split("resources:\n")[0] + "connections:\n" + ORDERS.split("connections:\n")[1]),
    ("model/b.yaml", "defaults: {account: prod}\nresources:\n" + ORDERS.split("resources:\n")[1].split("connections:\n")[0]),
]
KEPT = ["memory_mb: 2048", "retention_days: 7", "versioning: false", "purpose: logs and backups",
        "lint: {ignore: {ARC302: the log bucket policy admits prod}}", "name: orders", "defaults: {account: prod}"]


@dataclass
class Case:
    edits: list[tuple[str, str]]  # (old, new) replacements of ORDERS: M'
    changes: list[str]  # the diff, as `archc diff` prints it
    lines: list[str]  # lines of the result, exactly
    gone: list[str] = field(default_factory=list)  # text of ORDERS the change removes (comments included)


def edited(edits: list[tuple[str, str]]) -> str:
    text = ORDERS
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


CASES: dict[str, Case] = {
    "resource relabelled": Case(
        [('label: "S3: data"', 'label: "S3: customer data"')],
        ["~ resource BUCKET: label 'S3: data' → 'S3: customer data'"],
        ['  BUCKET: {type: s3_bucket, label: "S3: customer data", group: Data, versioning: false}'],
    ),
    "resource added": Case(
        [("  QUEUE: {", "  RETRY: {type: sqs_queue, label: 'SQS: retries', group: Compute}\n  QUEUE: {")],
        ["+ resource RETRY: sqs_queue 'SQS: retries'"],
        ["  LOGS: {type: s3_bucket, account: shared}", "  RETRY: {type: sqs_queue, label: 'SQS: retries', group: Compute}", ""],
    ),
    "resource added to another account": Case(
        [("  LOGS: {", "  ARCHIVE: {type: s3_bucket, account: shared}\n  LOGS: {")],
        ["+ resource ARCHIVE: s3_bucket 'S3 Bucket'"],
        ["  ARCHIVE: {type: s3_bucket, account: shared}"],
    ),
    "resource removed with its edge": Case(
        [("  QUEUE: {type: sqs_queue, label: 'SQS: jobs', group: Compute, retention_days: 7}\n", ""),
         ("  - {from: QUEUE, to: FN, verb: trigger}\n", "")],
        ["- resource QUEUE: sqs_queue", "- connection QUEUE → FN (trigger, 'Trigger')"],
        ["  BUCKET: {type: s3_bucket, label: \"S3: data\", group: Data, versioning: false}", "", "  # the logs live in the shared account"],
        gone=["retention_days: 7"],
    ),
    "resource retyped": Case(
        [("QUEUE: {type: sqs_queue, label: 'SQS: jobs', group: Compute, retention_days: 7}",
          "QUEUE: {type: sns_topic, label: 'SQS: jobs', group: Compute}")],
        ["~ resource QUEUE: type sqs_queue → sns_topic"],
        ["  QUEUE: {type: sns_topic, label: 'SQS: jobs', group: Compute}"],
        gone=["retention_days: 7"],
    ),
    "resource moved to another group": Case(
        [("    group: Compute\n", "    group: Data\n")],
        ["~ resource FN: group Compute → Data"],
        ["    group: Data", "    memory_mb: 2048  # the diagram cannot show this"],
    ),
    "resource reclassed and reshaped": Case(
        [("ROLE: {type: iam_role, label: App role}", "ROLE: {type: iam_role, label: App role, shape: hexagon, classes: [hot]}")],
        ["~ resource ROLE: shape rect → hexagon", "~ resource ROLE: classes [] → ['hot']"],
        ["  ROLE: {type: iam_role, label: App role, shape: hexagon, classes: [hot]}  # trailing comment"],
    ),
    "a drawn field changed": Case(
        [("  FN:\n", "  ROLE2: {type: iam_role}\n  FN:\n"), ("    role: ROLE\n", "    role: ROLE2\n")],
        ["+ resource ROLE2: iam_role 'IAM Role'", "~ resource FN: role 'ROLE' → 'ROLE2'"],
        ["    role: ROLE2", "  ROLE2: {type: iam_role}"],
    ),
    "group added": Case(
        [("  # the compute tier\n", "  Edge: {title: Edge, account: prod}\n  # the compute tier\n"),
         ("label: App role}", "label: App role, group: Edge}")],
        ["+ group Edge: 'Edge'", "~ resource ROLE: group None → Edge"],
        ["  Edge: {title: Edge, account: prod}", "  ROLE: {type: iam_role, label: App role, group: Edge}  # trailing comment"],
    ),
    "group retitled and nested": Case(
        [("    title: Compute\n", "    title: Compute tier\n    parent: Data\n")],
        ["~ group Compute: title 'Compute' → 'Compute tier'", "~ group Compute: parent None → 'Data'"],
        ["  # the compute tier", "    title: Compute tier", "    parent: Data"],
    ),
    "group removed": Case(
        [("  Data: {title: Data stores, account: prod}\n", ""), (", group: Data", "")],
        ["- group Data", "~ resource BUCKET: group Data → None"],
        ["groups:", "  # the compute tier", '  BUCKET: {type: s3_bucket, label: "S3: data", versioning: false}'],
    ),
    "account added": Case(
        [("  shared:\n", "  dr: {id: '333333333333', name: DR, region: eu-west-1}\n  shared:\n")],
        ["+ account dr: DR (333333333333)"],
        ["    purpose: logs and backups   # not drawn", "  dr: {id: '333333333333', name: DR, region: eu-west-1}"],
    ),
    "account redirected and retitled": Case(
        [("region: us-west-2}", "region: us-west-2, direction: LR, label: Production}")],
        ["~ account prod: label None → 'Production'", "~ account prod: direction None → 'LR'"],
        ['  prod: {id: "111111111111", name: Prod, region: us-west-2, label: Production, direction: LR}  # the production account'],
    ),
    "account removed": Case(
        [("  shared:\n    id: '222222222222'\n    name: Shared\n    region: us-east-1\n    purpose: logs and backups   # not drawn\n", ""),
         ("  # the logs live in the shared account\n  LOGS: {type: s3_bucket, account: shared}\n", ""),
         ("  - from: FN\n    to: LOGS\n    verb: write\n    lint: {ignore: {ARC302: the log bucket policy admits prod}}  # kept by every edit\n", "")],
        ["- account shared", "- resource LOGS: s3_bucket", "- connection FN → LOGS (write, 'Write')"],
        ["groups:"],
        gone=["    purpose: logs and backups   # not drawn", "  # the logs live in the shared account", "# kept by every edit",
              "lint: {ignore: {ARC302: the log bucket policy admits prod}}"],
    ),
    "connection added": Case(
        [("  - {from: QUEUE, to: FN, verb: trigger}\n", "  - {from: QUEUE, to: FN, verb: trigger}\n  - {from: FN, to: QUEUE, verb: write}\n")],
        ["+ connection FN → QUEUE (write, 'Write')"],
        ["  - {from: FN, to: ROLE, verb: relates, label: debug}  # why FN needs ROLE", "  - {from: FN, to: QUEUE, verb: write}"],
    ),
    "connection removed": Case(
        [("  - {from: FN, to: BUCKET, verb: read_write}   # the main data path\n", "")],
        ["- connection FN → BUCKET (read_write, 'Read/Write')"],
        ["connections:", "  - from: FN"],
        gone=["# the main data path"],
    ),
    "connection relabelled in place": Case(
        [("label: debug}", "label: debugging}")],
        ["~ connection FN → ROLE: FN → ROLE (relates, 'debug') ⇒ FN → ROLE (relates, 'debugging')"],
        ["  - {from: FN, to: ROLE, verb: relates, label: debugging}  # why FN needs ROLE"],
    ),
    "connection verb changed in place": Case(
        [("    verb: write\n", "    verb: read_write\n")],
        ["~ connection FN → LOGS: FN → LOGS (write, 'Write') ⇒ FN → LOGS (read_write, 'Read/Write')"],
        ["    verb: read_write", "    lint: {ignore: {ARC302: the log bucket policy admits prod}}  # kept by every edit"],
    ),
    "connection styled in place": Case(
        [("verb: read_write}", "verb: read_write, style: {line: dotted, length: 2}}")],
        ["~ connection FN → BUCKET: FN → BUCKET (read_write, 'Read/Write') ⇒ FN → BUCKET (read_write, 'Read/Write') [line=dotted, length=2]"],
        ["  - {from: FN, to: BUCKET, verb: read_write, style: {line: dotted, length: 2}}   # the main data path"],
    ),
    "strings the loader would misread are quoted": Case(
        [("label: App role}", "label: ':0'}"),
         ("  - {from: QUEUE, to: FN, verb: trigger}\n", "  - {from: QUEUE, to: FN, verb: trigger}\n  - {from: QUEUE, to: BUCKET, verb: relates, label: 'a, b: c'}\n")],
        ["~ resource ROLE: label 'App role' → ':0'", "+ connection QUEUE → BUCKET (relates, 'a, b: c')"],
        ["  ROLE: {type: iam_role, label: ':0'}  # trailing comment", "  - {from: QUEUE, to: BUCKET, verb: relates, label: 'a, b: c'}"],
    ),
    "diagram settings": Case(
        [("defaults: {account: prod}\n", "defaults: {account: prod}\ndiagram: {title: Orders, direction: LR, class_defs: {hot: 'fill:#f96'}}\n")],
        ["~ diagram class_defs", "~ diagram direction: TB → LR", "~ diagram title: None → 'Orders'"],
        ["diagram:"],
    ),
}


def apply_case(case: Case, files: list[tuple[str, str]] | None = None) -> tuple[list[str], dict[str, str]]:
    files = files or [("orders.yaml", ORDERS)]
    a = load_texts(files).architecture
    b = load_text(edited(case.edits)).architecture
    changes = diff(a, b)
    out = apply(files, a, changes)
    result = load_texts([(name, out.get(name, text)) for name, text in files]).architecture
    assert diff(result, b) == [], "the result says what M' says"
    return [c.text() for c in changes], out


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("layout", ["one file", "two files"])
def test_each_kind_of_change_is_applied_keeping_everything_else(name: str, layout: str) -> None:
    case = CASES[name]
    files = [("orders.yaml", ORDERS)] if layout == "one file" else SPLIT
    changes, out = apply_case(case, files)
    assert changes == case.changes
    text = "".join(out.get(n, t) for n, t in files)
    for line in case.lines:
        assert line in text.splitlines(), line
    for comment in COMMENTS:
        assert comment in text or any(comment in g for g in case.gone), comment
    for kept in KEPT:
        assert kept in text or any(kept in g for g in case.gone), kept
    assert text.startswith("# Orders service: owned by the platform team.\n# Edit freely; `archc sync` keeps these comments.\n")
    assert all(out[n] != t for n, t in files if n in out), "a file is written only when it changes"


def test_in_a_directory_each_change_goes_to_the_file_that_holds_its_element() -> None:
    touched = {name: sorted(apply_case(case, SPLIT)[1]) for name, case in CASES.items()}
    a, b = "model/a.yaml", "model/b.yaml"
    assert touched == {
        "resource relabelled": [b],
        "resource added": [b],
        "resource added to another account": [b],
        "resource removed with its edge": [a, b],
        "resource retyped": [b],
        "resource moved to another group": [b],
        "resource reclassed and reshaped": [b],
        "a drawn field changed": [b],
        "group added": [a, b],
        "group retitled and nested": [a],
        "group removed": [a, b],
        "account added": [a],
        "account redirected and retitled": [a],
        "account removed": [a, b],
        "connection added": [a],
        "connection removed": [a],
        "connection relabelled in place": [a],
        "connection verb changed in place": [a],
        "connection styled in place": [a],
        "strings the loader would misread are quoted": [a, b],
        "diagram settings": [a],
    }


def test_the_blank_lines_after_a_removed_last_entry_stay() -> None:
    _, out = apply_case(CASES["account removed"])
    assert '  prod: {id: "111111111111", name: Prod, region: us-west-2}  # the production account\n\ngroups:\n' in out["orders.yaml"]
    _, out = apply_case(Case([("  Compute:\n    title: Compute\n    account: prod\n", ""), ("    group: Compute\n", ""), (", group: Compute", "")], [], []))
    assert "  Data: {title: Data stores, account: prod}\n\nresources:\n" in out["orders.yaml"]
    assert "# the compute tier" not in out["orders.yaml"]  # the comment above an entry goes with it


def test_the_indentation_of_a_file_is_read_from_it() -> None:
    from archc.sync.apply import guess_indent

    assert guess_indent(ORDERS) == (2, 2)
    assert guess_indent("a:\n    b: 1\nc:\n- x\n") == (4, 0)
    assert guess_indent("# only\nresources: {}\n") == (2, 2)
    assert guess_indent("a: &x  # why\n   b: 1\nl:\n    - 1\n") == (3, 4)


def test_an_edited_line_keeps_the_gap_before_its_comment_and_untouched_lines_keep_theirs() -> None:
    text = (
        "archc: 1\naccounts: {a: {id: '111111111111', name: A, region: us-west-2}}\nresources:\n"
        "  Q: {type: sqs_queue, label: A long label}   # why\n"
        "  R: {type: sqs_queue} # same\n"
        "  S: {type: sqs_queue}      # same\n"
    )
    a = load_text(text).architecture
    b = load_text(text.replace("A long label", "X").replace("R: {type: sqs_queue}", "R: {type: sqs_queue, label: Longer label}")).architecture
    out = apply([("m.yaml", text)], a, diff(a, b))["m.yaml"]
    assert out.splitlines()[3:] == [
        "  Q: {type: sqs_queue, label: X}   # why",  # the file's gap, not ruamel's column
        "  R: {type: sqs_queue, label: Longer label} # same",  # a comment the file has twice: ruamel's choice
        "  S: {type: sqs_queue}      # same",
    ]


ANCHORED = """\
archc: 1
accounts: {prod: {id: '111111111111', name: Prod, region: us-west-2}}
resources:
  VPC: {type: vpc, cidr: 10.0.0.0/16}
  PRIV_A: {type: subnet, vpc: VPC, tier: private, cidr: 10.0.1.0/24, az: us-west-2a}
  PRIV_B: {type: subnet, vpc: VPC, tier: private, cidr: 10.0.2.0/24, az: us-west-2b}
  ROLE: {type: iam_role}
  FN1:
    type: lambda_function
    role: ROLE
    subnets: &private  # both private subnets
      - PRIV_A
      - PRIV_B
  FN2: {type: lambda_function, role: ROLE, subnets: *private}
"""


@pytest.mark.parametrize(("edit", "kept"), [
    # FN2 still shares FN1's list: anchor, alias and the comment after the anchor stay
    (("ROLE: {type: iam_role}", "ROLE: {type: iam_role, label: Role}"),
     "    subnets: &private  # both private subnets\n      - PRIV_A\n      - PRIV_B\n  FN2: {type: lambda_function, role: ROLE, subnets: *private}\n"),
    # FN2 has a list of its own now: the anchor goes with its last alias, the comment stays on its line
    (("subnets: *private", "subnets: [PRIV_A]"),
     "    subnets:  # both private subnets\n      - PRIV_A\n      - PRIV_B\n  FN2: {type: lambda_function, role: ROLE, subnets: [PRIV_A]}\n"),
    # FN1's list changes, FN2's does not: FN2 keeps the old list
    (("subnets: &private  # both private subnets\n      - PRIV_A\n      - PRIV_B\n", "subnets: [PRIV_B]\n"),
     "    subnets:  # both private subnets\n      - PRIV_B\n  FN2: {type: lambda_function, role: ROLE, subnets: [PRIV_A, PRIV_B]}\n"),
])
def test_anchors_aliases_and_the_comment_after_an_anchor_survive(edit: tuple[str, str], kept: str) -> None:
    edited = ANCHORED.replace(*edit)
    if "&private" not in edited:
        edited = edited.replace("*private", "[PRIV_A, PRIV_B]")
    a, b = load_text(ANCHORED).architecture, load_text(edited).architecture
    changes = diff(a, b)
    assert len(changes) == 1
    text = apply([("m.yaml", ANCHORED)], a, changes)["m.yaml"]
    assert diff(load_text(text).architecture, b) == []
    assert text.endswith(kept)


def test_a_block_list_is_edited_item_by_item_keeping_its_comments() -> None:
    text = ANCHORED.replace("subnets: &private  # both private subnets\n      - PRIV_A\n      - PRIV_B\n",
                            "subnets:\n      - PRIV_A  # the first\n      - PRIV_B  # the second\n").replace("subnets: *private", "subnets: [PRIV_A]")
    a = load_text(text).architecture
    b = load_text(text.replace("      - PRIV_A  # the first\n", "")).architecture
    out = apply([("m.yaml", text)], a, diff(a, b))["m.yaml"]
    assert "    subnets:\n      - PRIV_B  # the second\n  FN2:" in out
    b = load_text(text.replace("      - PRIV_B  # the second\n", "      - PRIV_B  # the second\n      - PRIV_C\n")
                  .replace("  ROLE:", "  PRIV_C: {type: subnet, vpc: VPC, tier: private, cidr: 10.0.3.0/24, az: us-west-2c}\n  ROLE:")).architecture
    out = apply([("m.yaml", text)], a, diff(a, b))["m.yaml"]
    assert "    subnets:\n      - PRIV_A  # the first\n      - PRIV_B  # the second\n      - PRIV_C\n  FN2:" in out


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"), min_size=1, max_size=20))
def test_any_string_sync_writes_reads_back_as_written(value: str) -> None:
    """Labels and titles come from diagrams: whatever they say, the loader reads back the same."""
    import yaml

    from archc.sync.apply import _node

    m = _node({"a": value, "b": [value], "c": {"d": value}})
    buf = io.StringIO()
    y = YAML()
    y.width = 4096  # as sync writes: no folded lines
    y.dump({"k": m}, buf)
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        assert yaml.load(buf.getvalue(), Loader=loader) == {"k": {"a": value, "b": [value], "c": {"d": value}}}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([2, 3, 4]), st.sampled_from([0, 2]), st.dictionaries(st.sampled_from("abcde"), st.integers(0, 9), max_size=3),
       st.lists(st.integers(0, 9), min_size=1, max_size=3))
def test_the_indentation_guess_finds_what_wrote_the_file(mapping: int, offset: int, extra: dict[str, int], items: list[int]) -> None:
    from archc.sync.apply import guess_indent

    y = YAML()
    y.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    buf = io.StringIO()
    y.dump({"top": {**extra, "inner": items}, "other": 1}, buf)
    assert guess_indent(buf.getvalue()) == (mapping, offset), buf.getvalue()
