"""The `archc` command line: a click group whose subcommands are imported only when run.

Each subcommand lives in its own module here (``archc.cli.lint``, ``archc.cli.build``, …) so that
`archc lint` never pays for importing troposphere or Graviz bindings. This package is the only
place that reads argv, touches files and chooses exit codes:
0 clean, 1 findings at or above ``--fail-on``, 2 usage, input or internal error.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_at_start_up(signum: int, frame: object) -> None:
    os._exit(130)  # Ctrl-C before a command runs: nothing to clean up, nothing to say


# As early as possible: Ctrl-C while the interpreter imports click and archc ends quietly.
# A command gets Python's KeyboardInterrupt back (LazyGroup.invoke), so that its cleanup runs.
_PROGRAM = sys.argv[0] if sys.argv else ""
if os.path.basename(_PROGRAM).startswith("archc") or _PROGRAM in ("-m", "-c") or _PROGRAM.endswith("archc/__main__.py"):
    try:
        signal.signal(signal.SIGINT, _interrupted_at_start_up)
    except ValueError:  # pragma: no cover - imported outside the main thread
        pass

import atexit
import gc
import importlib
from typing import Any

import click

from archc import __version__
from archc.diagnostics import ArchcError

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what `yes | head -1` reports for `yes`

# name → (module:function, one-line help shown by `archc --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("archc.cli.init:init", "Write a first model from a template."),
    "lint": ("archc.cli.lint:lint", "Check a model against the architecture rules."),
    "rules": ("archc.cli.lint:rules", "List the lint rules, or explain one."),
    "schema": ("archc.cli.schema:schema", "Print the model's JSON Schema (for yaml-language-server)."),
    "build": ("archc.cli.build:build", "Compile a model to CloudFormation templates."),
    "deploy-plan": ("archc.cli.deploy:deploy_plan", "Print the AWS CLI commands that deploy a build, in order."),
    "diagram": ("archc.cli.diagram:diagram", "Draw a model as Mermaid, PNG, SVG or DOT."),
    "docs": ("archc.cli.docs:docs", "Render Markdown documentation pages for a model."),
    "import": ("archc.cli.diagram:import_", "Read a Mermaid flowchart, CloudFormation templates or cdk.out into a model file."),
    "sync": ("archc.cli.diagram:sync", "Apply an edited diagram to an existing model file."),
    "diff": ("archc.cli.diagram:diff", "Show the semantic difference between two models or diagrams."),
}


class Terminated(BaseException):
    """SIGTERM while a command runs: raised where the command is, so that its cleanup (``finally``) runs."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def _catch_signals() -> list[Any]:
    """Ctrl-C raises KeyboardInterrupt and SIGTERM `Terminated` while a command runs; the previous handlers."""
    try:
        return [signal.signal(signal.SIGINT, signal.default_int_handler), signal.signal(signal.SIGTERM, _terminate)]
    except ValueError:  # not the main thread (a test runner): leave the handlers alone
        return []


def _restore_signals(previous: list[Any]) -> None:
    if previous:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        target, _short = COMMANDS[cmd_name]
        module_name, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from archc.cli.common import forget_inputs

        forget_inputs()
        previous = _catch_signals()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except ArchcError as exc:  # a problem below the command line, in the user's words
            click.echo(f"archc: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("archc: interrupted", err=True)
            sys.exit(130)
        except Terminated:
            click.echo("archc: terminated", err=True)
            sys.exit(143)
        except OSError as exc:  # the machine said no: a closed pipe, a full disk, a missing directory
            if os.environ.get("ARCHC_DEBUG") and not isinstance(exc, BrokenPipeError):
                raise
            sys.exit(output_failed(exc))
        except Exception as exc:  # a bug in archc: say so in one line, never a traceback
            if os.environ.get("ARCHC_DEBUG"):
                raise
            click.echo(f"archc: internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("  (set ARCHC_DEBUG=1 for the traceback, and please report it)", err=True)
            sys.exit(2)
        finally:
            _restore_signals(previous)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # short help without importing every command module
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="archc")
def main() -> None:
    """archc — one typed model of a cloud architecture, linted, compiled, drawn and read back.

    \b
    Describe the architecture once, in YAML (one file or a directory of files), then:
      archc lint examples/sagebrush                 # graph rules, exit 1 on errors
      archc build examples/sagebrush -o out/cfn     # CloudFormation, one template per account/region
      archc diagram examples/sagebrush -f mermaid   # Mermaid, PNG, SVG or DOT
      archc import page.md -o model.yaml            # a hand-drawn Mermaid flowchart → a model

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad usage or input.
    """


def run() -> None:
    """The `archc` program: `main` in a process of its own, ended without interpreter teardown."""
    # A command is one short process that builds one large, nearly acyclic object graph (the
    # model, its graph, templates). The cyclic garbage collector only costs time there: it made
    # load + rules superlinear (174 → 249 µs per resource from 1k to 10k resources; without it
    # 165 → 172, linear). benchmarks/bench_lint.py measures both.
    gc.disable()
    try:
        main()
    except SystemExit as exc:
        status = exit_status(exc.code)
    except KeyboardInterrupt:  # while click parses the command line
        status = 130
    else:
        status = 0
    # Every output file is closed and renamed by now (`write_atomic`). What is left is the
    # interpreter's teardown of ~600 modules: 60 ms of `archc lint`'s 0.5 s. Run the atexit
    # handlers (logging's flush, a coverage tool saving its data), flush, and leave without it.
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is not None:
        run_exit_handlers()
    os._exit(flush_streams(status))


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that nothing more is written to a closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def exit_status(code: object) -> int:
    """The process status for ``SystemExit(code)``, as Python itself would choose it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def output_failed(exc: OSError) -> int:
    """Report an output the machine refused, wherever it surfaced; the exit status.

    A closed pipe (`archc rules | head -3`) ends quietly with `EXIT_BROKEN_PIPE`, as a process
    killed by SIGPIPE would. Anything else (a full disk, a missing directory) is
    ``archc: FILE: reason`` and 2. An error without a file name is stdout's: nothing more is
    written there, so that the final flush cannot fail again.
    """
    if exc.filename is None:
        silence_stdout()
    if isinstance(exc, BrokenPipeError):
        return EXIT_BROKEN_PIPE
    where = f"{exc.filename}: " if exc.filename else ""
    print(f"archc: {where}{exc.strerror or exc}", file=sys.stderr)
    return 2


def flush_streams(status: int) -> int:
    """Flush stdout and stderr: *status*, or what `output_failed` says when stdout fails."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        status = output_failed(exc)
    try:
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass
    return status
