"""The deploy plan (`archc.deploy`): manifest → ordered AWS CLI commands, run against a recording
`aws` to see exactly what the script would do, and checked for shell safety."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archc.compiler.build import compile_model
from archc.deploy import ManifestError, plan, plan_json, read_manifest, shell_script
from tests.golden_files import GOLDEN, check_golden

# A fake `aws`: records its argv (one JSON line each), answers `sts get-caller-identity` with the
# account its profile names (profile "acct-<12 digits>"; FAKE_WRONG_PROFILE answers another), and `describe-stacks` with "out:<stack>:<output>".
FAKE_AWS = r'''#!PYTHON
import json, os, sys
args = sys.argv[1:]
with open(os.environ["AWS_LOG"], "a") as fh:
    fh.write(json.dumps(args) + "\n")
def opt(name):
    return args[args.index(name) + 1] if name in args else None
if args[:2] == ["sts", "get-caller-identity"]:
    profile = opt("--profile")
    print("123456789012" if profile == os.environ.get("FAKE_WRONG_PROFILE") else profile.rsplit("-", 1)[-1])
elif args[:2] == ["cloudformation", "describe-stacks"]:
    query = opt("--query")
    output = query.split("'")[1]
    print(os.environ.get("FAKE_OUTPUT", "out:" + opt("--stack-name") + ":" + output))
elif args[:2] == ["cloudformation", "deploy"]:
    sys.exit(int(os.environ.get("FAKE_DEPLOY_STATUS", "0")))
else:
    sys.exit("fake aws: unexpected call " + " ".join(args))
'''


def build_dir(tmp_path: Path, arch: Any) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name, text in compile_model(arch).files("json").items():
        (out / name).write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory, example_model: Any) -> Path:
    return build_dir(tmp_path_factory.mktemp("seed"), example_model.architecture)


def seed_plan(out: Path) -> Any:
    manifest = read_manifest(json.loads((out / "manifest.json").read_text()))
    sizes = {s.template: (out / s.template).stat().st_size for s in manifest.stacks}
    return plan(manifest, sizes)


def run_script(script: str, tmp_path: Path, env: dict[str, str]) -> tuple[int, str, list[list[str]]]:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    aws = bindir / "aws"
    aws.write_text(FAKE_AWS.replace("#!PYTHON", "#!" + sys.executable), encoding="utf-8")
    aws.chmod(aws.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "aws.log"
    log.write_text("")
    path = tmp_path / "deploy.sh"
    path.write_text(script, encoding="utf-8")
    full_env = {"PATH": f"{bindir}:/usr/bin:/bin", "AWS_LOG": str(log), **env}
    proc = subprocess.run(["sh", str(path)], capture_output=True, text=True, env=full_env, cwd=tmp_path, check=False)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return proc.returncode, proc.stderr, calls


def seed_env(p: Any) -> dict[str, str]:
    env = {i.env: f"value-of-{i.env}" for i in p.inputs}
    for s in p.steps:
        env[f"ARCHC_PROFILE_{s.account.upper()}"] = f"acct-{s.account_id}"
        if s.large:
            env[f"ARCHC_ARTIFACTS_{s.account.upper()}_{s.region.upper().replace('-', '_')}"] = f"artifacts-{s.account}"
    return env


def test_the_seed_plan_is_golden(seed_out: Path, update_golden: bool) -> None:
    p = seed_plan(seed_out)
    check_golden(GOLDEN / "deploy" / "sagebrush.sh", shell_script(p, "out/cfn"), update_golden)
    check_golden(GOLDEN / "deploy" / "sagebrush.json", plan_json(p), update_golden)


def test_the_seed_script_deploys_every_stack_in_order_under_its_accounts_profile(seed_out: Path, tmp_path: Path) -> None:
    p = seed_plan(seed_out)
    manifest = json.loads((seed_out / "manifest.json").read_text())
    status, err, calls = run_script(shell_script(p, str(seed_out)), tmp_path, seed_env(p))
    assert status == 0, err
    deploys = [c for c in calls if c[:2] == ["cloudformation", "deploy"]]
    assert [c[c.index("--stack-name") + 1] for c in deploys] == manifest["order"]
    by_name = {s["name"]: s for s in manifest["stacks"]}
    for call in deploys:
        stack = by_name[call[call.index("--stack-name") + 1]]
        assert call[call.index("--profile") + 1] == f"acct-{stack['account']['id']}"
        assert call[call.index("--region") + 1] == stack["region"]
        assert call[call.index("--template-file") + 1] == f"{seed_out}/{stack['template']}"
        given_params = dict(a.split("=", 1) for a in call[call.index("--parameter-overrides") + 1:]) if "--parameter-overrides" in call else {}
        expected = {}
        for param in stack["parameters"]:
            src = param["source"]
            if src == "operator":
                key = f"ARCHC_{stack['account']['key'].upper()}_{stack['region'].upper().replace('-', '_')}__{param['name']}"
                expected[param["name"]] = f"value-of-{key}"
            else:
                expected[param["name"]] = f"out:{src['stack']}:{src['output']}"
        assert given_params == expected, stack["name"]
        large = (seed_out / stack["template"]).stat().st_size > 51_200
        assert ("--s3-bucket" in call) == large, stack["name"]
    # each account's profile is checked before the first deploy, in its own region
    checks = [c for c in calls if c[:2] == ["sts", "get-caller-identity"]]
    assert {c[c.index("--profile") + 1] for c in checks} == {f"acct-{s['account']['id']}" for s in manifest["stacks"]}
    assert calls.index(checks[-1]) < calls.index(deploys[0])


def test_the_script_refuses_a_profile_of_another_account_before_deploying_anything(seed_out: Path, tmp_path: Path) -> None:
    p = seed_plan(seed_out)
    env = seed_env(p)
    env["FAKE_WRONG_PROFILE"] = "acct-978489150794"  # the production profile points at another account
    status, err, calls = run_script(shell_script(p, str(seed_out)), tmp_path, env)
    assert status == 2
    assert "profile acct-978489150794 is account 123456789012, expected 978489150794" in err
    assert not [c for c in calls if c[:2] == ["cloudformation", "deploy"]]


def test_a_missing_operator_value_stops_the_script_before_any_aws_call(seed_out: Path, tmp_path: Path) -> None:
    p = seed_plan(seed_out)
    env = seed_env(p)
    missing = next(i.env for i in p.inputs if i.default is None)
    del env[missing]
    status, err, calls = run_script(shell_script(p, str(seed_out)), tmp_path, env)
    assert status == 2 and f"set {missing}" in err
    assert calls == []


def test_a_failed_output_lookup_stops_the_script(seed_out: Path, tmp_path: Path) -> None:
    p = seed_plan(seed_out)
    env = {**seed_env(p), "FAKE_OUTPUT": "None"}
    status, err, calls = run_script(shell_script(p, str(seed_out)), tmp_path, env)
    assert status == 2 and "has no output" in err
    deploys = [c for c in calls if c[:2] == ["cloudformation", "deploy"]]
    first_fed = next(s for s in p.steps if s.fed)
    assert [c[c.index("--stack-name") + 1] for c in deploys] == [s.stack for s in p.steps[: p.steps.index(first_fed)]]


def test_a_failed_deploy_stops_the_script(seed_out: Path, tmp_path: Path) -> None:
    p = seed_plan(seed_out)
    status, _err, calls = run_script(shell_script(p, str(seed_out)), tmp_path, {**seed_env(p), "FAKE_DEPLOY_STATUS": "255"})
    assert status != 0
    assert len([c for c in calls if c[:2] == ["cloudformation", "deploy"]]) == 1


def manifest_with(**changes: Any) -> dict[str, Any]:
    stack = {"name": "m-a-us-west-2", "order": 1, "account": {"key": "a", "id": "111111111111", "name": "A"},
             "region": "us-west-2", "template": "m-a-us-west-2.json", "depends_on": [], "parameters": []}
    stack.update(changes)
    return {"archc": 1, "model": "m", "order": [stack["name"]], "stacks": [stack]}


@pytest.mark.parametrize(("data", "message"), [
    ([], "(top level): Input should be a valid dictionary"),
    ({"archc": 2, "model": "m", "order": [], "stacks": []}, "archc: Input should be 1"),
    (manifest_with(name="x; rm -rf /"), "stacks[0].name: String should match pattern"),
    (manifest_with(template="../../etc/passwd"), "stacks[0].template: String should match pattern"),
    (manifest_with(region="us-west-2 --debug"), "stacks[0].region: String should match pattern"),
    (manifest_with(account={"key": "a", "id": "1234", "name": "A"}), "stacks[0].account.id: String should match pattern"),
    (manifest_with(parameters=[{"name": "P$(id)", "type": "String", "source": "operator"}]), "stacks[0].parameters[0].name"),
    (manifest_with(parameters=[{"name": "P", "type": "String", "source": {"stack": "m-a-us-west-2", "output": "O'x"}}]),
     "stacks[0].parameters[0].source"),
    (manifest_with(depends_on=["elsewhere"]), "needs stack 'elsewhere', which the manifest does not have"),
    ({**manifest_with(), "order": []}, "order: must list every stack exactly once"),
])
def test_a_manifest_that_is_not_archcs_is_refused_with_where(data: Any, message: str) -> None:
    with pytest.raises(ManifestError) as info:
        read_manifest(data)
    assert message in str(info.value)


def test_a_stack_deployed_before_the_stack_it_needs_is_refused() -> None:
    first = manifest_with(parameters=[{"name": "P", "type": "String", "source": {"stack": "m-b-us-west-2", "output": "O"}}])
    second = dict(first["stacks"][0], name="m-b-us-west-2", order=2, parameters=[], template="b.json")
    data = {**first, "order": ["m-a-us-west-2", "m-b-us-west-2"], "stacks": [first["stacks"][0], second]}
    with pytest.raises(ManifestError, match="needs stack 'm-b-us-west-2', which the order deploys later"):
        read_manifest(data)


HOSTILE = st.lists(st.sampled_from([*"a $`\"'\\\n;|&(){}#*?~!<>", "$(touch PWNED)", "`touch PWNED`", "${PATH}"]), max_size=12).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=HOSTILE, description=HOSTILE, account_name=HOSTILE, default=st.none() | HOSTILE, template_dir=HOSTILE)
def test_text_from_the_manifest_never_runs_as_shell(tmp_path: Path, model: str, description: str, account_name: str,
                                                   default: str | None, template_dir: str) -> None:
    param: dict[str, Any] = {"name": "Code", "type": "String", "description": description, "source": "operator"}
    if default is not None:
        param["default"] = default
    data = manifest_with(account={"key": "a", "id": "111111111111", "name": account_name}, parameters=[param])
    data["model"] = model
    text = shell_script(plan(read_manifest(data), {}), template_dir)
    work = tmp_path / f"w{abs(hash((model, description, account_name, default, template_dir)))}"
    work.mkdir()
    status, err, calls = run_script(text, work, {"ARCHC_PROFILE_A": "acct-111111111111", "ARCHC_A_US_WEST_2__Code": "v"})
    assert status == 0, err
    assert not (work / "PWNED").exists()
    (deploy,) = [c for c in calls if c[:2] == ["cloudformation", "deploy"]]
    assert deploy[deploy.index("--template-file") + 1] == f"{template_dir}/m-a-us-west-2.json"
    assert deploy[deploy.index("--parameter-overrides") + 1:] == ["Code=v"]


def test_the_command_writes_an_executable_script_and_explains_a_missing_build(seed_out: Path, tmp_path: Path) -> None:
    archc = [sys.executable, "-m", "archc"]
    target = tmp_path / "deploy.sh"
    proc = subprocess.run([*archc, "deploy-plan", str(seed_out), "-o", str(target)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert os.access(target, os.X_OK)
    assert target.read_text().startswith("#!/bin/sh\n")
    proc = subprocess.run([*archc, "deploy-plan", str(tmp_path / "nothing")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr == f"archc: {tmp_path / 'nothing'}/manifest.json: no such file; run `archc build MODEL -o {tmp_path / 'nothing'}` first\n"
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{not json")
    proc = subprocess.run([*archc, "deploy-plan", str(tmp_path / "bad")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "manifest.json: not JSON" in proc.stderr and "Traceback" not in proc.stderr

