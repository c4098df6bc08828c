"""Runtime rules (ARC142): a function's runtime is one AWS still supports.

The dates are the one table in `archc.runtimes` (from AWS's Lambda runtimes page); the day they
are judged on is `archc.runtimes.today()` (UTC).
"""

from __future__ import annotations

from collections.abc import Iterator

from archc.rules.base import Finding, Rule, RuleContext, describe, resource_path


def retired_runtime(ctx: RuleContext) -> Iterator[Finding]:
    """A function's Lambda runtime is one AWS has not deprecated.

    What it checks:
        Each `lambda_function`'s `runtime` against the dates AWS publishes for it (the table in
        `archc/runtimes.py`, from the AWS Lambda runtimes documentation), on today's date (UTC):
        an error once AWS blocks creating (or updating) functions with it, a warning from its
        deprecation date until then.

    Why it matters:
        A deprecated runtime gets no security patches and no support; once AWS blocks creating
        functions with it, a new stack with the function fails to deploy, and once it blocks
        updates, so does every change to it. Imported templates often carry such runtimes.

    Example:
        resources:
          fn: {type: lambda_function, role: fn_role, runtime: python3.7, handler: app.handler}
          fn_role: {type: iam_role}

    Fix:
        Move the function to the runtime the finding names (test the code on it first).
    """
    from archc.runtimes import RUNTIMES, status, today

    on = today()
    for rid, res in sorted(ctx.resources.items()):
        if res.type != "lambda_function":
            continue
        rt = RUNTIMES.get(res.runtime)
        if rt is None:
            continue
        state = status(res.runtime, on)
        if state == "supported":
            continue
        to = f"move it to {rt.successor}" if rt.successor else "move it to a supported runtime"
        if state == "deprecated":
            block = f"; AWS blocks creating functions with it from {rt.create_block}" if rt.create_block else ""
            yield Finding(f"{describe(ctx, rid)}: runtime {res.runtime} is deprecated since {rt.deprecated}{block}",
                          resource_path(rid, "runtime"), to, severity="warning")
        else:
            what = "creating and updating" if state == "update_blocked" else "creating"
            since = rt.update_block if state == "update_blocked" else rt.create_block
            yield Finding(f"{describe(ctx, rid)}: runtime {res.runtime} is retired: AWS blocks {what} functions with it since {since}",
                          resource_path(rid, "runtime"), to, severity="error")


RULES: list[Rule] = [
    Rule("ARC142", "model.retired-runtime", "error", retired_runtime),
]
