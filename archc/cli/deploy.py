"""`archc deploy-plan`: the AWS CLI commands that deploy a build, in order (`archc.deploy`)."""

from __future__ import annotations

import json
import os

import click

from archc.cli.common import config_option, configured, current_config, fail, shown_path, write_atomic


@click.command("deploy-plan", context_settings={"max_content_width": 100})
@click.argument("build_dir", metavar="[BUILD_DIR]", type=click.Path(file_okay=False, dir_okay=True), required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(["sh", "json"]), default="sh", show_default=True,
              help="a POSIX sh script, or the plan as JSON for CI systems that run the steps themselves")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="write to this file instead of stdout (a script is made executable)")
@config_option
@configured("deploy-plan")
def deploy_plan(build_dir: str | None, fmt: str, output: str | None) -> None:
    """Print how to deploy BUILD_DIR (what `archc build -o BUILD_DIR` wrote), stack by stack.

    The script deploys each stack with `aws cloudformation deploy`, in the manifest's order, under
    the AWS CLI profile of its account (ARCHC_PROFILE_<ACCOUNT>, default: the account key) after
    checking that the profile is that account. Parameters come from earlier stacks' outputs or
    from environment variables the script lists at its top (ARCHC_<ACCOUNT>_<REGION>__<Parameter>);
    it checks they are all set before deploying anything.

    \b
    Example:
      archc build examples/sagebrush -o out/cfn
      archc deploy-plan out/cfn -o out/deploy.sh
      ARCHC_PROFILE_PRODUCTION=prod-admin sh out/deploy.sh

    \b
    Without BUILD_DIR, the configured build.output. Settings (`[tool.archc.deploy-plan]` or
    `deploy-plan:` in .archc.yaml): format, output.
    """
    if build_dir is None:
        config = current_config()
        configured_dir = config.section("build").get("output") if config is not None else None
        if configured_dir is None:
            fail("deploy-plan: give BUILD_DIR (or `output` in the build section of the configuration)")
        build_dir = shown_path(configured_dir.value)
    from archc.deploy import ManifestError, plan, plan_json, read_manifest, shell_script

    path = os.path.join(build_dir, "manifest.json")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        fail(f"{path}: no such file; run `archc build MODEL -o {build_dir}` first")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read: {exc}")
    except ValueError as exc:
        fail(f"{path}: not JSON: {exc}")
    try:
        manifest = read_manifest(data)
    except ManifestError as exc:
        fail(f"{path}: not an archc build manifest: {exc}")
    sizes: dict[str, int] = {}
    for st in manifest.stacks:
        template = os.path.join(build_dir, st.template)
        try:
            sizes[st.template] = os.path.getsize(template)
        except OSError:
            fail(f"{template}: the manifest names this template, but it is missing; run `archc build` again")
    the_plan = plan(manifest, sizes)
    text = plan_json(the_plan) if fmt == "json" else shell_script(the_plan, build_dir)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    if fmt == "sh":
        os.chmod(output, 0o755)
