"""`archc diagram`, `archc import`, `archc sync` and `archc diff`: models to diagrams and back."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from typing import Any

import click

from archc.cli.common import (
    EXIT_FINDINGS,
    config_option,
    configured,
    configured_selection,
    fail,
    from_config,
    load_model,
    model_argument,
    model_paths,
    note_input,
    one_model_path,
    refuse_inputs,
    write_atomic,
    write_output,
)

DIAGRAM_SUFFIXES = (".mmd", ".mermaid", ".md", ".markdown", ".txt")
_MARKER = re.compile(
    r"(?m)(?P<open>^<!--\s*archc:diagram\s+(?P<model>\S+)(?:\s+view=(?P<view>\S+))?\s*-->\n)(?P<body>.*?)(?P<close>^<!--\s*/archc:diagram\s*-->)",
    re.DOTALL,
)
_OPEN = re.compile(r"(?m)^<!--\s*archc:diagram\s+(?P<model>\S+)(?:\s+view=(?P<view>\S+))?\s*-->$")
BLOCK = click.IntRange(min=1)  # --block: 1-based


# -- shared -------------------------------------------------------------------------------------


def _parse_either(text: str, path: str, line_offset: int) -> Any:
    """A flowchart, or an architecture-beta diagram (archc.mermaid.architecture)."""
    from archc.mermaid import architecture
    from archc.mermaid.parser import parse

    if architecture.is_architecture(text):
        return architecture.parse(text, source=path, line_offset=line_offset)
    return parse(text, source=path, line_offset=line_offset)


def read_flowchart(path: str, block: int | None = None) -> Any:
    """The flowchart (or architecture-beta diagram) in *path* (a .mmd file, or block *block*
    (1-based) of a Markdown file); exit 2 on errors."""
    from archc.mermaid.markdown import extract_blocks
    from archc.mermaid.parser import MermaidSyntaxError

    text = read_text(path)
    note_input(path)
    try:
        if path.endswith((".md", ".markdown", ".txt")) or block is not None:
            blocks = extract_blocks(text)
            if not blocks:
                fail(f"{path}: no ```mermaid block in this Markdown file")
            n = block or 1
            if not 1 <= n <= len(blocks):
                fail(f"{path}: --block {n}: the file has {len(blocks)} mermaid block{'s' if len(blocks) != 1 else ''}")
            start, body = blocks[n - 1]
            return _parse_either(body, path, start - 1)
        return _parse_either(text, path, 0)
    except MermaidSyntaxError as exc:
        fail(str(exc).removeprefix(""))


def read_text(path: str) -> str:
    """The UTF-8 text of *path*, or exit 2 saying why not (a bad byte at its line:col)."""
    from archc.model.yaml_source import decode

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        fail(f"{path}: cannot read: {exc.strerror or exc}")
    text, problem = decode(data, path)
    if problem is not None or text is None:
        fail("", [problem] if problem else [])
    return text


def check_markers(text: str, model: str, path: str) -> None:
    """Exit 2 unless *text* has a closed ``archc:diagram`` marker for *model*: a missing, unclosed or
    foreign marker never passes as "up to date"."""
    want = os.path.normpath(model)
    closed = {m.start("open") for m in _MARKER.finditer(text)}
    named = []
    for m in _OPEN.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if m.start() not in closed:
            fail(f"{path}:{line}: the marker `<!-- archc:diagram {m.group('model')} -->` is not closed; "
                 "end its block with `<!-- /archc:diagram -->`")
        named.append(m.group("model"))
    if not any(os.path.normpath(n) == want for n in named):
        others = f" (its markers name {', '.join(sorted(set(named)))})" if named else ""
        fail(f"{path}: no `<!-- archc:diagram {model} -->` marker{others}; add one, with "
             "`<!-- /archc:diagram -->` after it, where the diagram goes")


def import_diagram(
    path: str, block: int | None = None, account: str | None = None, base: Any = None, writes: bool = False
) -> tuple[Any, Any]:
    """The model *path* draws (merged onto *base* when given); exit 2 with every problem."""
    from archc.importers.infer import DiagramError, DiagramPlaceError, infer

    fc = read_flowchart(path, block)
    try:
        if not hasattr(fc, "nodes"):  # architecture-beta
            from archc.importers.mermaid_architecture import infer_architecture

            return infer_architecture(fc, account, base)
        return infer(fc, account, base)
    except DiagramError as exc:
        for problem in exc.problems[:-1]:
            click.echo(f"archc: {path}: {problem}", err=True)
        fail(f"{path}: {exc.problems[-1]}" + ("; nothing was written" if writes else ""))
    except DiagramPlaceError as exc:
        fail(exc.at(path))
    except ValueError as exc:
        fail(f"{path}: {exc}")


def is_diagram(path: str) -> bool:
    return os.path.isfile(path) and path.endswith(DIAGRAM_SUFFIXES)


def render_mermaid(arch: Any, view_name: str, findings: list[Any] | None) -> str:
    from archc.emitters.mermaid import render
    from archc.emitters.views import build_view

    try:
        view = build_view(arch, view_name)
    except ValueError as exc:
        fail(str(exc))
    return render(view, findings)


def run_findings(arch: Any) -> list[Any]:
    from archc.rules.engine import run_rules

    select, ignore = configured_selection()  # the rules `archc lint` runs here
    return list(run_rules(arch, select=select, ignore=ignore))


def update_markdown(text: str, model: str, render_view: Any) -> str:
    """*text* with the block of every `<!-- archc:diagram MODEL view=NAME -->` marker naming *model* rewritten."""
    want = os.path.normpath(model)

    def repl(m: re.Match[str]) -> str:
        if os.path.normpath(m.group("model")) != want:
            return m.group(0)
        body = render_view(m.group("view") or "overview")
        return f"{m.group('open')}```mermaid\n{body}```\n{m.group('close')}"

    return _MARKER.sub(repl, text)


# -- diagram ------------------------------------------------------------------------------------


def focused_view(arch: Any, view_name: str, account: str | None, group: str | None, around: str | None, depth: int) -> Any:
    """The view *view_name* of *arch* with the focus options applied; exit 2 naming what is known."""
    from archc.emitters.views import build_view, focus

    try:
        return focus(build_view(arch, view_name, account=account), group=group, around=around, depth=depth)
    except ValueError as exc:
        fail(str(exc))


def part_path(output: str, name: str) -> str:
    """``out/arch.png`` and part ``alpha.c1_vpc`` → ``out/arch.alpha.c1_vpc.png``."""
    root, ext = os.path.splitext(output)
    return f"{root}.{name}{ext}" if name else output


def draw_pictures(arch: Any, view: Any, fmt: str, output: str | None, found: list[Any] | None, size: Any, max_nodes: int) -> None:
    """PNG or SVG through Graphviz: a view of more than *max_nodes* nodes is split per account and
    VPC into several files (with -o), or refused (to stdout); progress on a TTY; a warning when the
    picture had to be scaled down to fit Graphviz's bitmap limit."""
    from concurrent.futures import ThreadPoolExecutor

    from archc.cli.progress import progress
    from archc.emitters import graphviz
    from archc.emitters.views import split_view

    n = len(view.nodes)
    parts: list[tuple[str, Any]] = [("", view)]
    if max_nodes and n > max_nodes:
        focus_hint = "focus it with --account, --group or --around ID --depth N, or raise --max-nodes (0: no limit; Graphviz may take minutes)"
        if not output or output == "-":
            fail(f"the {view.name} view has {n:,} nodes, more than --max-nodes {max_nodes}: give -o FILE.{fmt} to draw it "
                 f"split per account and VPC into several files, or {focus_hint}")
        with progress(f"splitting {n:,} nodes per account and VPC"):
            parts = split_view(arch, view, max_nodes)
        big = [(name, len(part.nodes)) for name, part in parts if len(part.nodes) > max_nodes]
        if big:
            name, size_ = big[0]
            fail(f"the {view.name} view has {n:,} nodes; split per account and VPC, part {name!r} still has {size_:,} "
                 f"(more than --max-nodes {max_nodes}); {focus_hint}")
        click.echo(f"archc: the {view.name} view has {n:,} nodes, more than --max-nodes {max_nodes}: drawing it in {len(parts)} "
                   f"parts per account and VPC", err=True)
    if not output and sys.stdout.isatty():
        fail(f"-f {fmt} is binary: give -o FILE")
    written: list[str] = []
    warnings: list[str] = []  # said after the status line is gone
    with progress(f"laying out {n:,} nodes with Graphviz") as step:
        sources = [graphviz.dot_source(part, found, size) for _, part in parts]
        # Graphviz runs as a subprocess: several parts are laid out at once; results come in order
        workers = min(len(parts), os.cpu_count() or 1, 4)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = pool.map(lambda src: graphviz.render_source(src, fmt), sources)
            for i, ((name, part), data) in enumerate(zip(parts, results), 1):
                if len(parts) > 1:
                    step(f"{i}/{len(parts)} parts drawn ({name}, {len(part.nodes):,} nodes)")
                if fmt == "png" and (size is None or size.width == graphviz.MAX_PX) and graphviz.scaled_to_fit(data, size):
                    warnings.append(f"archc: warning: the {part.name} picture is larger than {graphviz.MAX_PX:,} px, where "
                                    f"Graphviz clips, and was scaled down to fit; focus it with --account, --group or --around")
                if output:
                    path = part_path(output, name)
                    write_output(path, data)
                    written.append(path)
                else:
                    sys.stdout.buffer.write(data)
    for warning in warnings:
        click.echo(warning, err=True)
    if len(written) > 1:
        click.echo(f"archc: wrote {len(written)} files: {written[0]} … {written[-1]}", err=True)


@click.command()
@model_argument
@click.option("-f", "--format", "fmt", type=click.Choice(["mermaid", "mermaid-architecture", "png", "svg", "dot"]), default="mermaid",
              show_default=True, help="mermaid: a flowchart; mermaid-architecture: a Mermaid architecture-beta diagram (docs/mermaid.md)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), help="write here instead of stdout ('-': stdout)")
@click.option("--view", "view_name", default="overview", show_default=True,
              help="overview (as PNG/SVG/DOT: a summary that reads at 1400 px), detail (every resource) or network")
@click.option("--findings", is_flag=True, help="run the lint rules and mark what they flag (red), with a legend; the layout stays the plain one")
@click.option("--account", help="focus: this account's resources, their neighbours and the groups around them")
@click.option("--group", "group", help="focus: everything inside this group (subgraph id), with its neighbours")
@click.option("--around", metavar="ID", help="focus: what is at most --depth edges from this resource")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="with --around: how many edges away")
@click.option("--size", "size_text", metavar="W[xH]", help="png/svg/dot: largest picture in pixels, e.g. 1400 (width) or 1400x900; scaled down to fit")
@click.option("--dpi", type=click.IntRange(1, 1200), help="png/svg/dot: dots per inch (default 96)")
@click.option("--max-nodes", type=click.IntRange(min=0), default=None, help="png/svg: split or refuse a bigger view (default 400; 0: no limit)")
@click.option("--update", "update", type=click.Path(dir_okay=False), help="rewrite the marked Mermaid blocks of this Markdown file")
@click.option("--check", is_flag=True, help="with --update: write nothing, exit 1 when the file is stale")
@config_option
@configured("diagram")
def diagram(model: tuple[str, ...], fmt: str, output: str | None, view_name: str, findings: bool, account: str | None, group: str | None,
            around: str | None, depth: int, size_text: str | None, dpi: int | None, max_nodes: int | None, update: str | None,
            check: bool) -> None:
    """Draw a model as Mermaid (a flowchart, or architecture-beta), PNG, SVG or DOT. MODEL: files,
    directories or globs making one model; without MODEL, the configured `model`.

    A PNG or SVG of more than --max-nodes nodes is drawn per account and VPC into several files
    (FILE.ACCOUNT.VPC.png) with -o, and refused without it.

    \b
    Examples:
      archc diagram examples/sagebrush -f mermaid -o sagebrush.mmd
      archc diagram examples/sagebrush -f mermaid-architecture --view network
      archc diagram examples/sagebrush --view network --findings
      archc diagram examples/sagebrush -f png --size 1400 --account production -o prod.png
      archc diagram examples/sagebrush --around LAMBDA_API --depth 1
      archc diagram examples/sagebrush --update docs/mermaid.md --check   # pre-commit

    \b
    Settings (`[tool.archc.diagram]` or `diagram:` in .archc.yaml): format, output, view, size,
    dpi, max-nodes, findings; --findings honours the configured select and ignore.
    """
    # configured values that do not apply to what the command line asks are dropped, not refused
    if update and output and from_config("output"):
        output = None
    if fmt.startswith("mermaid") or update:
        size_text = None if from_config("size_text") else size_text
        dpi = None if from_config("dpi") else dpi
    if fmt not in ("png", "svg") and from_config("max_nodes"):
        max_nodes = None
    if check and not update:
        fail("--check goes with --update FILE.md")
    if update and (account or group or around):
        fail("--account, --group and --around go without --update (its markers name the views)")
    if depth != 1 and around is None:
        fail("--depth goes with --around ID")
    if (size_text or dpi) and fmt.startswith("mermaid"):
        fail("--size and --dpi are for -f png, svg or dot (Mermaid is laid out by its renderer)")
    if max_nodes is not None and fmt not in ("png", "svg"):
        fail("--max-nodes is for -f png or svg")
    size = None
    if size_text or dpi:
        from archc.emitters.graphviz import DPI, MAX_PX, Size, parse_size

        try:
            width, height = parse_size(size_text) if size_text else (MAX_PX, MAX_PX)
            size = Size(width, height, dpi or DPI)
        except ValueError as exc:
            fail(f"--size/--dpi: {exc}")
    from archc.cli.models import load_models

    paths = model_paths(model)
    if update and len(paths) != 1:
        fail(f"--update: its markers name one model, and {len(paths)} paths were given ({' '.join(paths)})")
    arch = load_models(paths).architecture
    found = run_findings(arch) if findings else None
    if update:
        model_name = paths[0]
        if output:
            fail("-o goes without --update (which rewrites FILE.md in place)")
        text = read_text(update)
        check_markers(text, model_name, update)
        new = update_markdown(text, model_name, lambda v: render_mermaid(arch, v, found))
        if new == text:
            click.echo(f"{update}: up to date", err=True)
            return
        if check:
            click.echo(f"{update}: the diagram of {model_name} is stale; run: archc diagram {model_name} --update {update}", err=True)
            sys.exit(EXIT_FINDINGS)
        write_atomic(update, new)
        click.echo(f"{update}: updated", err=True)
        return
    view = focused_view(arch, view_name, account, group, around, depth)
    data: str | bytes
    if fmt == "mermaid":
        from archc.emitters.mermaid import render

        data = render(view, found)
    elif fmt == "mermaid-architecture":
        from archc.emitters.mermaid_architecture import render as render_architecture

        if found is not None:
            fail("--findings is for -f mermaid, png, svg or dot (architecture-beta has no classes or styles to mark findings with)")
        try:
            data = render_architecture(view, arch)
        except ValueError as exc:
            fail(f"-f mermaid-architecture: {exc}")
    else:
        from archc.emitters import graphviz

        if fmt != "dot":
            draw_pictures(arch, view, fmt, output, found, size, graphviz.MAX_NODES if max_nodes is None else max_nodes)
            return
        data = graphviz.render(view, fmt, findings=found, size=size)
    if output:
        write_output(output, data)
    elif isinstance(data, bytes):
        if sys.stdout.isatty():
            fail(f"-f {fmt} is binary: give -o FILE")
        sys.stdout.buffer.write(data)
    else:
        click.echo(data, nl=False)


# -- import -------------------------------------------------------------------------------------


@click.command(name="import")
@click.argument("diagram_path", metavar="SOURCE", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True), help="the model file to write ('-': stdout)")
@click.option("--block", type=BLOCK, help="which ```mermaid block of a Markdown file (1-based; default: the first)")
@click.option("--account", "accounts", multiple=True, metavar="KEY[=ID]",
              help="an account: its model key and optionally its 12-digit id (repeatable). The first is the default account: "
                   "a diagram's nodes outside every account subgraph, a template's stacks whose environment names no account. "
                   "Each KEY=ID names an account the source holds: a diagram's account KEY gets the id; "
                   "stacks deployed to account ID get the key")
@click.option("--region", help="CloudFormation: the region of stacks whose environment does not say")
@click.option("-q", "--quiet", is_flag=True, help="do not print the inference report")
def import_(diagram_path: str, output: str, block: int | None, accounts: tuple[str, ...], region: str | None, quiet: bool) -> None:
    """Read a Mermaid flowchart or architecture-beta diagram, a CloudFormation template (or a
    directory of them) or a CDK cloud assembly (cdk.out) into a model file.

    \b
    Examples:
      archc import architecture.md -o model.yaml            # the first ```mermaid block
      archc import page.md --block 2 -o model.yaml
      archc import system.mmd -o model.yaml --account prod=123456789012
      archc import cloud.mmd -o model.yaml                  # architecture-beta too
      archc import stack.yaml -o model.yaml --account prod=123456789012 --region eu-west-1
      archc import cdk.out -o model.yaml --account prod=111111111111 --account dev=222222222222
    """
    from archc.diagnostics import ModelError
    from archc.importers.cloudformation import import_source, is_cloudformation_source
    from archc.importers.model_yaml import model_yaml
    from archc.model.loader import load_text

    note_input(diagram_path)
    if output != "-":
        refuse_inputs(output)  # before any work or report
    from archc.importers.accounts import name_diagram_accounts, parse_accounts

    try:
        options = parse_accounts(accounts)
    except ValueError as exc:
        fail(str(exc))
    if is_cloudformation_source(diagram_path):
        arch, report = import_source(diagram_path, options, region, fail)
    else:
        arch, report = import_diagram(diagram_path, block, options[0][0] if options else None)
        arch, problems = name_diagram_accounts(arch, options)
        if problems:
            fail(problems[0])
    text = model_yaml(arch, header=f"Imported from {os.path.basename(diagram_path)} by `archc import`; edit freely.",
                      comments=getattr(report, "comments", None))
    counts = len(arch.resources), len(arch.connections)
    del arch  # the check below loads the model again: do not hold two of it (a 100k-node import)
    try:
        load_text(text, output)
    except ModelError as exc:  # a bug in the importer, said plainly
        fail(f"{diagram_path}: the imported model does not load", exc.diagnostics)
    if not quiet:
        click.echo(report.text(), err=True)
    write_output(output, text)
    click.echo(f"wrote {'the model to stdout' if output == '-' else output}: {counts[0]} resources, {counts[1]} connections", err=True)


# -- diff and sync ------------------------------------------------------------------------------


def load_either(path: str, base: Any = None) -> Any:
    if is_diagram(path):
        return import_diagram(path, base=base)[0]
    return load_model(path).architecture


@click.command()
@click.argument("a", metavar="A", type=click.Path(exists=True))
@click.argument("b", metavar="[B]", type=click.Path(exists=True), required=False)
@config_option
@configured(None)
def diff(a: str, b: str | None) -> None:
    """Show the semantic difference between two models or diagrams (exit 1 when they differ).
    Without B, A is compared with the configured `model`.

    \b
    Examples:
      archc diff examples/sagebrush page.md
      archc diff old.mmd new.mmd
      archc diff docs/architecture.md      # the diagram against the configured model
    """
    b = one_model_path(b, "B")
    from archc.sync import diff as semantic_diff
    from archc.sync import diff_text

    first = load_either(a) if is_diagram(a) and is_diagram(b) else None
    if first is None:
        if is_diagram(a):
            second = load_model(b).architecture
            first = import_diagram(a, base=second)[0]
        else:
            first = load_model(a).architecture
            second = load_either(b, base=first)
    else:
        second = load_either(b)
    changes = semantic_diff(first, second)
    click.echo(diff_text(changes), nl=False)
    if changes:
        sys.exit(EXIT_FINDINGS)


@click.command()
@click.argument("diagram_path", metavar="DIAGRAM", type=click.Path(exists=True, dir_okay=False))
@click.argument("model", metavar="[MODEL]", type=click.Path(exists=True), required=False)
@click.option("--block", type=BLOCK, help="which ```mermaid block of a Markdown file (1-based)")
@click.option("--check", is_flag=True, help="write nothing; exit 1 when the diagram and the model differ")
@config_option
@configured(None)
def sync(diagram_path: str, model: str | None, block: int | None, check: bool) -> None:
    """Apply an edited diagram to an existing model file (or directory); without MODEL, the
    configured `model` (one path).

    Keeps comments, key order and everything the diagram cannot show; prints the semantic diff;
    refuses (exit 2) when the result would not load.

    \b
    Examples:
      archc sync docs/architecture.md examples/sagebrush
      archc sync edited.mmd model.yaml --check
    """
    from archc.sync.files import SyncError, locked

    model = one_model_path(model)
    try:
        with contextlib.nullcontext() if check else locked(model):
            _sync(diagram_path, model, block, check)
    except SyncError as exc:
        fail(str(exc))


def _sync(diagram_path: str, model: str, block: int | None, check: bool) -> None:
    """Read the model once, diff, apply, check that the result loads, commit every file or none.
    Without --check it runs under the model's lock, so a second sync reads what this one wrote."""
    from archc.diagnostics import ModelError
    from archc.model.loader import load_texts, model_files
    from archc.sync import apply, diff_text
    from archc.sync import diff as semantic_diff
    from archc.sync.files import commit, read_files

    names = model_files(model) if os.path.exists(model) else []
    if not names:
        load_model(model)  # says why, as every command does
    files = read_files(names)  # each file read once, and only regular files
    texts = [(f.name, f.text) for f in files]
    try:
        base = load_texts(texts).architecture  # what was read is what is diffed, edited and checked unchanged
    except ModelError as exc:
        n = len(exc.diagnostics)
        fail(f"{model}: {n} error{'s' if n != 1 else ''} in the model; nothing was done", exc.diagnostics)
    new, _report = import_diagram(diagram_path, block, base=base, writes=True)
    changes = semantic_diff(base, new)
    click.echo(diff_text(changes), nl=False)
    if not changes:
        click.echo(f"{model}: in sync with {diagram_path}", err=True)
        return
    if check:
        sys.exit(EXIT_FINDINGS)
    updated = apply(texts, base, changes)
    try:
        result = load_texts([(name, updated.get(name, text)) for name, text in texts])
    except ModelError as exc:
        fail(f"{model}: the synced model would not load; nothing was written", exc.diagnostics)
    from archc.rules.engine import run_rules

    select, ignore = configured_selection()
    n = len(run_rules(result.architecture, select=select, ignore=ignore))
    click.echo(f"lint: {n} finding{'s' if n != 1 else ''} in the synced model (run `archc lint {model}`)", err=True)
    for name in commit(files, updated):
        click.echo(f"updated {name}", err=True)
