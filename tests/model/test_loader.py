"""Loading models: the example, directories, and every kind of mistake a user makes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archc.diagnostics import ModelError
from archc.model.loader import load, load_text, load_texts
from tests.conftest import EXAMPLE

HEAD = """archc: 1
accounts:
  prod: {id: "978489150794", name: Production, region: us-west-2}
"""


def errors(text: str, file: str = "m.yaml") -> list[str]:
    """Every diagnostic for *text*, as `line:col: CODE message` strings."""
    with pytest.raises(ModelError) as info:
        load_text(text, file)
    return [f"{d.position.line}:{d.position.col}: {d.code} {d.message}" for d in info.value.diagnostics]  # type: ignore[union-attr]


def test_example_loads_every_account_and_resource() -> None:
    model = load(str(EXAMPLE))
    arch = model.architecture
    assert sorted(arch.accounts) == ["housekeeping", "management", "production"]
    assert arch.accounts["production"].id == "978489150794"
    assert arch.resources["PRIV_1A"].default_route == "NAT_A"  # type: ignore[union-attr]
    assert arch.resources["HK_ROLE"].account == "housekeeping"
    assert arch.resources["ACM_CERT_CDN"].region == "us-east-1"
    assert arch.region_of("RDS") == "us-west-2"
    assert [f.rsplit("/", 1)[-1] for f in model.files] == ["architecture.yaml", "housekeeping.yaml", "management.yaml", "production.yaml"]
    # connections are numbered across files and their positions follow
    first_prod = next(i for i, c in enumerate(arch.connections) if c.source == "USERS")
    pos = model.source.locate(("connections", first_prod))
    assert pos.file.endswith("production.yaml")


def test_single_account_is_the_default() -> None:
    arch = load_text(HEAD + "resources:\n  vpc: {type: vpc, cidr: 10.0.0.0/16}\n").architecture
    assert arch.resources["vpc"].account == "prod"


def test_several_accounts_need_an_account() -> None:
    text = HEAD + '  other: {id: "111111111111", name: Other, region: us-east-1}\nresources:\n  vpc: {type: vpc, cidr: 10.0.0.0/16}\n'
    assert errors(text) == ["6:3: ARC103 resource 'vpc' (vpc) has no account"]


def test_every_error_in_a_file_is_reported_at_its_place() -> None:
    text = HEAD + """resources:
  vpc: {type: vpc, cidr: 10.10.0.0/33}
  s1: {type: subnet, vpc: vcp, cidr: 10.10.0.0/24, az: us-east-2a, tier: publc, default_rout: igw}
  s2: {type: subnett, vpc: vpc}
  igw: {type: internet_gateway, vpc: s1}
  fn: {type: lambda_function, role: igw, memory_mb: lots}
connections:
  - {from: fn, to: nothere, verb: quer}
"""
    got = errors(text)
    assert got == [
        "5:26: ARC103 resource 'vpc' (vpc): cidr: expected an IPv4 CIDR block like 10.0.0.0/16 ('33' is not a valid netmask)",
        "6:27: ARC104 resource 's1' (subnet): vpc refers to 'vcp', which is not a resource (did you mean 'vpc'?)",
        "6:74: ARC103 resource 's1' (subnet): tier: expected 'public', 'private' or 'isolated', got 'publc' (did you mean 'public'?)",
        "6:81: ARC102 resource 's1' (subnet): unknown key 'default_rout' (did you mean 'default_route'?)",
        "7:14: ARC103 resource 's2': unknown resource type 'subnett' (did you mean 'subnet'?)",
        "8:38: ARC106 resource 'igw' (internet_gateway): vpc must name a resource of type vpc, but 's1' is of type subnet",
        "9:37: ARC106 resource 'fn' (lambda_function): role must name a resource of type iam_role, but 'igw' is of type internet_gateway",
        "9:53: ARC103 resource 'fn' (lambda_function): memory_mb: input should be a valid integer, unable to parse string as an integer, got the text 'lots'",
        "11:20: ARC104 connection #1: 'to' refers to 'nothere', which is not a resource",
        (
            "11:35: ARC103 connection #1: verb: expected 'https', 'http', 'tcp', 'origin', 'forward', 'route', 'run', 'invoke', 'trigger', "
            "'query', 'read', 'write', 'read_write', 'list', 'describe', 'replicate', 'publish', 'send', 'notify', 'logs', 'metrics', 'traces', "
            "'assume_role' or 'relates', got 'quer' (did you mean 'query'?)"
        ),
    ]


def test_az_outside_region_and_semantic_validators() -> None:
    text = HEAD + """resources:
  vpc: {type: vpc, cidr: 10.0.0.0/16}
  s: {type: subnet, vpc: vpc, cidr: 10.0.0.0/24, az: us-east-1a, tier: private}
  db: {type: aurora_cluster, engine_version: "15", subnet_group: g, min_acu: 8, max_acu: 2}
  g: {type: db_subnet_group, subnets: [s]}
"""
    assert errors(text) == [
        "6:54: ARC107 resource 's' (subnet): availability zone us-east-1a is not in the resource's region us-west-2",
        "7:3: ARC103 resource 'db' (aurora_cluster): max_acu (2) must be ≥ min_acu (8)",
    ]


def test_missing_required_key_and_wrong_shapes() -> None:
    text = HEAD + """resources:
  s: {type: subnet, cidr: 10.0.0.0/24, az: us-west-2a, tier: private}
  notamap: 12
  notype: {cidr: 10.0.0.0/16}
groups: [1, 2]
colour: blue
"""
    assert errors(text) == [
        "5:3: ARC103 resource 's' (subnet): missing required key 'vpc'",
        "6:12: ARC103 resource 'notamap' must be a mapping with a `type`, got the number 12",
        "7:3: ARC103 resource 'notype' has no `type`",
        "8:1: ARC103 `groups` must be a mapping of id → definition, got a list",
        "9:1: ARC102 unknown top-level key 'colour'",
    ]


def test_duplicate_ids_across_files_and_dangling_groups(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HEAD + "resources:\n  vpc: {type: vpc, cidr: 10.0.0.0/16, group: netwrk}\ngroups:\n  network: {}\n")
    (tmp_path / "b.yaml").write_text("resources:\n  vpc: {type: vpc, cidr: 10.1.0.0/16}\n")
    with pytest.raises(ModelError) as info:
        load(str(tmp_path))
    got = [(Path(d.position.file).name, d.position.line, d.code, d.message) for d in info.value.diagnostics]  # type: ignore[union-attr]
    assert got == [
        ("a.yaml", 5, "ARC104", "resource 'vpc' (vpc): group 'netwrk' is not defined (did you mean 'network'?)"),
        ("b.yaml", 2, "ARC105", f"resource 'vpc' is defined twice (first in {tmp_path / 'a.yaml'}:5)"),
    ]


def test_account_references_are_checked() -> None:
    text = HEAD + """  hk:
    id: "374073887345"
    name: Housekeeping
    region: us-west-2
    may_reach: {prd: [role], prod: [role, nothing]}
resources:
  role: {type: iam_role, account: hk}
  x: {type: iam_role, account: prd}
"""
    assert errors(text) == [
        "8:17: ARC104 account 'hk': may_reach names account 'prd', which is not defined (did you mean 'prod'?)",
        "8:37: ARC106 account 'hk': 'role' is listed under may_reach.prod but belongs to account 'hk'",
        "8:43: ARC104 account 'hk': may_reach names 'nothing', which is not a resource",
        "11:32: ARC104 resource 'x' (iam_role): account 'prd' is not defined (did you mean 'prod'?)",
    ]


def test_yaml_syntax_error_stops_that_file_only(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("resources:\n  vpc: {type: vpc\n")
    (tmp_path / "b.yaml").write_text("resources:\n  s: {type: nope}\n")
    with pytest.raises(ModelError) as info:
        load(str(tmp_path))
    assert [(Path(d.position.file).name, d.code) for d in info.value.diagnostics] == [("a.yaml", "ARC101"), ("b.yaml", "ARC103")]  # type: ignore[union-attr]


def test_empty_directory_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no .yaml or .yml files"):
        load(str(tmp_path))
    (tmp_path / "x.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ModelError, match="not UTF-8 text"):
        load(str(tmp_path))


def test_files_merge_in_order_and_defaults_apply() -> None:
    model = load_texts([
        ("a.yaml", HEAD + '  hk: {id: "374073887345", name: HK, region: eu-west-1}\n'),
        ("b.yaml", "defaults: {account: hk}\nresources:\n  r: {type: iam_role}\nconnections:\n  - {from: r, to: r, verb: assume_role}\n"),
        ("c.yaml", "defaults: {account: prod, region: us-east-1}\nresources:\n  q: {type: iam_role}\nconnections:\n  - {from: q, to: r, verb: assume_role}\n"),
    ])
    arch = model.architecture
    assert arch.resources["r"].account == "hk" and arch.region_of("r") == "eu-west-1"
    assert arch.resources["q"].account == "prod" and arch.region_of("q") == "us-east-1"
    assert [(c.source, c.target) for c in arch.connections] == [("r", "r"), ("q", "r")]
    assert model.source.locate(("connections", 1)).file == "c.yaml"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "name: x\n", "archc: 1\nname: x\n", HEAD])
def test_a_model_with_nothing_in_it_is_an_error(text: str) -> None:
    messages = errors(text)
    assert len(messages) == 1 and ("empty" in messages[0] or "defines no resources" in messages[0])


@pytest.mark.parametrize("value", ["true", "1.0", "'1'", "2", "[1]", "{a: 1}"])
def test_only_the_number_1_is_format_version_1(value: str) -> None:
    messages = errors(f"archc: {value}\n" + HEAD.removeprefix("archc: 1\n") + "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n")
    assert len(messages) == 1 and messages[0].startswith("1:") and "ARC103 unsupported model format version" in messages[0]


@pytest.mark.parametrize("value", ["[1, 2]", "{a: b}", "3", "''", "~"])
def test_a_name_that_is_not_a_text_is_an_error(value: str) -> None:
    messages = errors(f"name: {value}\n" + HEAD + "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n")
    assert [m.split(": ARC103 ")[1].split(",")[0] for m in messages] == ["`name` must be a text"]


ONE_MISTAKE = {
    "bad account id": ('accounts:\n  a: {id: "12", name: A, region: us-east-1}\n  b: {name: B, region: us-east-1}\n'
                       "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16, account: a}\n  w: {type: vpc, cidr: 10.1.0.0/16}\n"),
    "single bad account": 'accounts:\n  a: {id: "12", name: A, region: us-east-1}\nresources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n',
    "account without region": "accounts:\n  a: {name: A}\nresources:\n  v: {type: vpc, cidr: 10.0.0.0/16, account: a}\n",
    "bad account key": "accounts:\n  ../x: {name: A, region: us-east-1}\nresources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n",
    "bad group": ('accounts:\n  a: {name: A, region: us-east-1}\ngroups:\n  g: {direction: UP}\n  h: {parent: g}\n'
                  "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16, group: g}\n"),
    "undefined account used by many": ('accounts:\n  a: {name: A, region: us-east-1}\n  b: {name: B, region: us-east-1}\nresources:\n'
                                       + "".join(f"  v{i}: {{type: vpc, cidr: 10.{i}.0.0/16, account: prod}}\n" for i in range(6))),
    "undefined resource used by many": (HEAD + "resources:\n  r: {type: iam_role}\nconnections:\n"
                                        + "".join(f"  - {{from: r, to: ghost, verb: {v}}}\n" for v in ("read", "write", "invoke"))),
    "bad resource": ('accounts:\n  a: {name: A, region: us-east-1}\nresources:\n  v: {type: vpc, cidr: nope}\n'
                     "  s: {type: subnet, vpc: v, cidr: 10.0.0.0/24, az: us-east-1a, tier: private}\nconnections:\n  - {from: s, to: v, verb: relates}\n"),
}


@pytest.mark.parametrize("name", ONE_MISTAKE)
def test_one_mistake_gives_one_error(name: str) -> None:
    assert len(errors(ONE_MISTAKE[name])) == 1, errors(ONE_MISTAKE[name])


@pytest.mark.parametrize("key", ["../../x", "/etc/passwd", "a b", "-x", ".hidden", "a/b", "x\\y", "é/", "prod\n"])
def test_keys_and_ids_that_are_not_plain_words_are_errors(key: str) -> None:
    quoted = '"' + key.replace("\\", "\\\\").replace("\n", "\\n") + '"'
    for text in (f"accounts:\n  {quoted}: {{name: A, region: us-east-1}}\nresources:\n  v: {{type: vpc, cidr: 10.0.0.0/16}}\n",
                 HEAD + f"groups:\n  {quoted}: {{title: G}}\nresources:\n  v: {{type: vpc, cidr: 10.0.0.0/16}}\n",
                 HEAD + f"resources:\n  {quoted}: {{type: vpc, cidr: 10.0.0.0/16}}\n"):
        messages = errors(text)
        assert len(messages) == 1 and "may use only letters" in messages[0], messages


def test_an_unreadable_subdirectory_is_an_error_not_skipped(tmp_path: Path) -> None:
    import os

    (tmp_path / "a.yaml").write_text(HEAD + "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n")
    hidden = tmp_path / "more"
    hidden.mkdir()
    (hidden / "b.yaml").write_text("resources:\n  w: {type: vpc, cidr: 10.1.0.0/16}\n")
    hidden.chmod(0)
    try:
        if os.access(hidden, os.R_OK):
            pytest.skip("running as root: permissions do not apply")
        with pytest.raises(ModelError, match="cannot read model directory"):
            load(str(tmp_path))
    finally:
        hidden.chmod(0o755)


def test_a_fifo_named_like_a_model_file_is_an_error_not_a_hang(tmp_path: Path) -> None:
    import os

    (tmp_path / "a.yaml").write_text(HEAD + "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n")
    os.mkfifo(tmp_path / "b.yaml")
    with pytest.raises(ModelError, match="not a regular file"):
        load(str(tmp_path))


huge = st.recursive(st.integers() | st.text(max_size=5000) | st.booleans(),
                    lambda inner: st.lists(inner, max_size=50) | st.dictionaries(st.text(max_size=5), inner, max_size=50), max_leaves=400)


@given(huge, st.sampled_from(["type", "cidr", "account", "region", "name", "archc", "tags", "lint", "az", "label"]))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_a_wrongly_typed_value_gives_a_short_message(value: object, field: str) -> None:
    raw: dict[str, object] = {"type": "vpc", "cidr": "10.0.0.0/16", field: value}
    try:
        load_texts([("m.yaml", HEAD + "resources:\n  v: " + json.dumps(raw) + "\n")])
    except ModelError as exc:
        for d in exc.diagnostics:
            assert len(d.message) < 600, d.message


def test_deep_alias_bomb_in_a_typed_field_is_refused_quickly() -> None:
    bomb = "x-a: &a [" + ",".join(["1"] * 10) + "]\n"
    for i in range(1, 9):
        bomb += f"x-{i}: &a{i} [" + ",".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]\n"
    messages = errors(bomb + HEAD.removeprefix("archc: 1\n") + "resources:\n  v: {type: vpc, cidr: *a8}\n")
    assert messages and "aliases expand to more than" in messages[0]


def test_merge_keys_override_in_a_model() -> None:
    model = load_text(HEAD + "resources:\n  v: &base {type: vpc, cidr: 10.0.0.0/16, label: V}\n  w:\n    <<: *base\n    cidr: 10.1.0.0/16\n")
    assert model.architecture.resources["w"].cidr == "10.1.0.0/16"  # type: ignore[attr-defined]


def test_a_directory_that_cannot_be_listed_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    (tmp_path / "a.yaml").write_text(HEAD + "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n")
    real_walk = os.walk

    def walk(top: str, onerror: object = None, **kw: object) -> object:
        assert callable(onerror)
        onerror(PermissionError(13, "Permission denied", os.path.join(top, "secret")))
        return real_walk(top, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "walk", walk)
    with pytest.raises(ModelError) as info:
        load(str(tmp_path))
    assert [d.message for d in info.value.diagnostics] == [f"cannot read model directory {tmp_path / 'secret'}: Permission denied"]


def test_many_errors_in_one_element_are_capped() -> None:
    messages = errors(HEAD + f"resources:\n  v: {{type: vpc, cidr: 10.0.0.0/16, tags: {{{', '.join(f'k{i}: [1]' for i in range(500))}}}}}\n")
    assert len(messages) == 21 and sum(m.endswith("480 more errors like these") for m in messages) == 1


@pytest.mark.parametrize("subgraph", ["'\\n\\n'", "'a b'", "'../x'", "''"])
def test_a_subgraph_id_that_is_not_a_plain_word_is_an_error(subgraph: str) -> None:
    messages = errors(HEAD + "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\ndiagram:\n  account_ids: {prod: " + subgraph + "}\n")
    assert len(messages) == 1 and messages[0].startswith("7:") and "subgraph id" in messages[0]

def test_log_retention_per_account() -> None:
    accounts = load(str(EXAMPLE)).architecture.accounts
    assert {k: a.log_retention_days for k, a in accounts.items()} == {"production": 30, "management": 30, "housekeeping": 30}
    (bad,) = errors(HEAD.replace("region: us-west-2}", "region: us-west-2, log_retention_days: 31}")
                    + "resources:\n  v: {type: vpc, cidr: 10.0.0.0/16}\n")
    assert "log_retention_days must be one of CloudWatch's values" in bad and bad.startswith("3:"), bad


@pytest.mark.parametrize(("diagram", "what"), [
    ('clicks: ["A \\"https://x\\"\\nclick B call evil()"]', "a click statement is one line"),
    ('shape_data: {A: "icon: x\\n    B --> C"}', "shape data of 'A': one line"),
    ('directives: ["%%{init: {}}%%\\nclick A call evil()"]', "one Mermaid directive"),
    ('front_matter: "config: {}\\n---\\nA --> B"', "a line '---' would end it early"),
])
def test_verbatim_mermaid_stays_where_it_was_written(diagram: str, what: str) -> None:
    found = errors(HEAD + "resources:\n  A: {type: generic}\ndiagram:\n  " + diagram + "\n")
    assert len(found) == 1 and what in found[0], found


def test_verbatim_mermaid_that_keeps_its_place_loads() -> None:
    text = HEAD + ('resources:\n  A: {type: generic}\ndiagram:\n  clicks: [\'A "https://example.com" "docs"\']\n'
                   '  directives: ["%%{init: {\\"theme\\": \\"dark\\",\\n  \\"flowchart\\": {}}}%%"]\n'
                   '  front_matter: "config:\\n  look: handDrawn"\n  shape_data: {A: "icon: \'fa:user\'"}\n')
    assert load_text(text, "m.yaml").architecture.diagram.clicks == ['A "https://example.com" "docs"']
