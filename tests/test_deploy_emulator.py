"""The deploy plan run for real: archc build → archc deploy-plan → sh, against moto's AWS emulator
(server mode, on 127.0.0.1 only), with two accounts and two regions.

What moto does not do, and how the test stands in for it: moto's change sets (what
`aws cloudformation deploy` uses) leave a stack's Outputs empty, so a shim in front of the real AWS
CLI turns `cloudformation deploy` into create-stack/update-stack + wait, with the same template and
parameters; every other call (sts, describe-stacks) is the real AWS CLI against moto. Everything the
script decides — order, accounts, regions, parameter values fed from outputs — is real.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("moto", reason="moto[server] (dev extra) runs the emulator")
botocore_session = pytest.importorskip("botocore.session")

from archc.compiler.build import compile_model
from archc.model.loader import load_text

BIN = Path(sys.executable).parent
AWS = shutil.which("aws", path=str(BIN)) or shutil.which("aws")
pytestmark = pytest.mark.skipif(AWS is None, reason="the AWS CLI (dev extra: awscli) runs the plan")

APP, AUDIT = "111111111111", "222222222222"
MODEL = f"""archc: 1
name: relay
accounts:
  app: {{id: "{APP}", name: App, region: us-west-2}}
  audit: {{id: "{AUDIT}", name: Audit, region: us-west-2}}
resources:
  key: {{type: kms_key, account: app}}
  jobs: {{type: sqs_queue, account: app, kms_key: key}}
  zone: {{type: route53_zone, account: app, domain: relay.example.com}}
  cert: {{type: acm_certificate, account: app, region: us-east-1, domain: relay.example.com, zone: zone}}
  inbox: {{type: sqs_queue, account: audit}}
"""

SHIM = r'''#!PYTHON
"""`aws` for the test: `cloudformation deploy` becomes create-stack/update-stack + wait (moto's change
sets leave Outputs empty); everything else is the real AWS CLI."""
import json, os, subprocess, sys
REAL = os.environ["REAL_AWS"]
args = sys.argv[1:]
if args[:2] != ["cloudformation", "deploy"]:
    os.execv(REAL, [REAL, *args])
def opt(name):
    return args[args.index(name) + 1]
common = ["--profile", opt("--profile"), "--region", opt("--region")]
stack = opt("--stack-name")
params = []
if "--parameter-overrides" in args:
    for item in args[args.index("--parameter-overrides") + 1:]:
        if item.startswith("--"):
            break
        key, value = item.split("=", 1)
        params.append({"ParameterKey": key, "ParameterValue": value})
with open(opt("--template-file")) as fh:
    body = fh.read()
exists = subprocess.run([REAL, "cloudformation", "describe-stacks", "--stack-name", stack, *common],
                        capture_output=True).returncode == 0
verb = "update-stack" if exists else "create-stack"
done = subprocess.run([REAL, "cloudformation", verb, "--stack-name", stack, "--template-body", body,
                       "--parameters", json.dumps(params), "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", *common],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if done.returncode != 0:
    if "No updates are to be performed" in done.stderr and "--no-fail-on-empty-changeset" in args:
        print("No changes to deploy. Stack " + stack + " is up to date")
        sys.exit(0)
    sys.stderr.write(done.stderr)
    sys.exit(done.returncode)
subprocess.run([REAL, "cloudformation", "wait", "stack-update-complete" if exists else "stack-create-complete",
                "--stack-name", stack, *common], check=True)
print("Successfully created/updated stack - " + stack)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's AWS emulator in server mode on a free loopback port, stopped on leaving: its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("moto's server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


def client(endpoint: str, service: str, region: str, keys: tuple[str, str] | None = None, account: str | None = None) -> Any:
    session = botocore_session.get_session()
    key, secret = keys or ("setup", "setup")
    c = session.create_client(service, region_name=region, endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret)
    if account is not None:  # moto: which account a set-up call is for
        c.meta.events.register("before-send.*.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c


def deployer_keys(endpoint: str, account: str) -> tuple[str, str]:
    iam = client(endpoint, "iam", "us-east-1", account=account)
    iam.create_user(UserName="deployer")
    key = iam.create_access_key(UserName="deployer")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def test_the_plan_deploys_two_accounts_and_two_regions_feeding_outputs_forward(moto_endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name, text in compile_model(load_text(MODEL, "model.yaml").architecture).files("json").items():
        (out / name).write_text(text, encoding="utf-8")
    script = tmp_path / "deploy.sh"
    proc = subprocess.run([sys.executable, "-m", "archc", "deploy-plan", str(out), "-o", str(script)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr

    keys = {acct: deployer_keys(moto_endpoint, acct) for acct in (APP, AUDIT)}
    creds = tmp_path / "credentials"
    creds.write_text("".join(f"[{name}]\naws_access_key_id = {k}\naws_secret_access_key = {s}\n"
                             for name, (k, s) in (("app-admin", keys[APP]), ("audit-admin", keys[AUDIT]))))
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    shim = shim_dir / "aws"
    shim.write_text(SHIM.replace("#!PYTHON", "#!" + sys.executable))
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {
        "PATH": f"{shim_dir}:{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "REAL_AWS": str(AWS),
        "AWS_SHARED_CREDENTIALS_FILE": str(creds), "AWS_CONFIG_FILE": os.devnull, "AWS_ENDPOINT_URL": moto_endpoint,
        "ARCHC_PROFILE_APP": "app-admin", "ARCHC_PROFILE_AUDIT": "audit-admin",
    }
    run = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env, check=False, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith("deployed 3 stacks of relay")

    manifest = json.loads((out / "manifest.json").read_text())
    outputs: dict[str, dict[str, str]] = {}
    for st in manifest["stacks"]:
        cfn = client(moto_endpoint, "cloudformation", st["region"], keys[st["account"]["id"]])
        (stack,) = cfn.describe_stacks(StackName=st["name"])["Stacks"]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        assert stack["StackId"].split(":")[4] == st["account"]["id"]  # in its own account …
        assert stack["StackId"].split(":")[3] == st["region"]  # … and region
        outputs[st["name"]] = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        given = {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}
        for param in st["parameters"]:  # every fed parameter carries its producer's real output
            src = param["source"]
            assert given[param["name"]] == outputs[src["stack"]][src["output"]]
    fed = [p for st in manifest["stacks"] for p in st["parameters"] if p["source"] != "operator"]
    assert fed, "the model must make at least one stack feed another"
    zone_id = outputs["relay-app-us-west-2"]["ZoneRef"]
    r53 = client(moto_endpoint, "route53", "us-east-1", keys[APP])
    assert r53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"].rstrip(".") == "relay.example.com"
    queues = client(moto_endpoint, "sqs", "us-west-2", keys[AUDIT]).list_queues().get("QueueUrls", [])
    assert any(f"/{AUDIT}/" in url for url in queues)

    again = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env, check=False, timeout=300)
    assert again.returncode == 0, again.stderr  # a second run updates in place
