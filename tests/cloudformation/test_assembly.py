"""Where stacks come from: a file, a directory of templates, a CDK cloud assembly, an `archc build` output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archc.cloudformation.assembly import is_assembly, load_stacks, looks_like_template_file
from archc.cloudformation.errors import TemplateError

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "cloudformation"


def test_cdk_assembly_stacks_environments_and_nested_stacks() -> None:
    stacks = load_stacks(str(CORPUS / "cdk.out"))
    assert [(s.name, s.account_id, s.region, s.parent, s.cdk) for s in stacks] == [
        ("AppStack", "111111111111", "eu-west-1", None, True),
        ("NetworkStack", "111111111111", "eu-west-1", None, True),
        ("AppStack.QueueNestedStack", "111111111111", "eu-west-1", "AppStack", True),
    ]
    assert is_assembly(str(CORPUS / "cdk.out"))


def test_environment_placeholders_stay_unknown(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": {
        "A": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/eu-west-2", "properties": {"templateFile": "A.json"}},
        "skip": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}}))
    (tmp_path / "A.json").write_text('{"Resources": {}}')
    [stack] = load_stacks(str(tmp_path))
    assert (stack.name, stack.account_id, stack.region) == ("A", None, "eu-west-2")


def test_directory_of_templates_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("Resources:\n  Q: {Type: AWS::SQS::Queue}\n")
    (tmp_path / "b.json").write_text('{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}')
    (tmp_path / "settings.json").write_text('{"editor": {"tabs": 2}}')
    (tmp_path / "notes.md").write_text("# notes")
    assert [(s.name, sorted(s.template.resources)) for s in load_stacks(str(tmp_path))] == [("a", ["Q"]), ("b", ["T"])]


def test_archc_build_manifest_names_accounts(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"archc": 1, "stacks": [
        {"name": "m-prod-us-west-2", "template": "t.json", "region": "us-west-2", "account": {"id": "123456789012", "key": "prod", "name": "Production"}}]}))
    (tmp_path / "t.json").write_text('{"Resources": {}}')
    [stack] = load_stacks(str(tmp_path))
    assert (stack.account_key, stack.account_name, stack.account_id, stack.region) == ("prod", "Production", "123456789012", "us-west-2")


def test_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"version": "36.0.0"}))
    with pytest.raises(TemplateError, match="no 'artifacts'"):
        load_stacks(str(tmp_path))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TemplateError, match="no CloudFormation template in this directory"):
        load_stacks(str(empty))
    with pytest.raises(TemplateError, match="cannot read"):
        load_stacks(str(tmp_path / "missing.yaml"))


def test_looks_like_template_file(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
    (tmp_path / "y.txt").write_text("graph TD\n  a --> b\n")
    assert looks_like_template_file(str(tmp_path / "x.txt"))
    assert not looks_like_template_file(str(tmp_path / "y.txt"))
