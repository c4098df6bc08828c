"""The Graphviz emitter: DOT golden files, PNG/SVG sanity, icons, findings, missing Graphviz."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from diagrams import Node

from archc.catalog import TYPES
from archc.diagnostics import Diagnostic
from archc.emitters import graphviz as gv
from archc.emitters.views import VIEWS, View, ViewEdge, ViewGroup, ViewNode, build_view
from tests.golden_files import GOLDEN, check_golden

ICONS = "{icons}"


def portable(dot: str) -> str:
    """The DOT with the machine's icon directory replaced by a placeholder."""
    return dot.replace(gv.icon_root(), ICONS)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def arch(example_model):  # type: ignore[no-untyped-def]
    return example_model.architecture


@pytest.mark.parametrize("type_", sorted(TYPES))
def test_every_catalogue_icon_resolves_to_an_existing_png(type_: str) -> None:
    cls = gv.icon_class(type_)
    assert issubclass(cls, Node)
    path = Path(gv.icon_path(type_))
    assert path.is_file(), f"{TYPES[type_].icon}: {path} does not exist"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", VIEWS)
def test_dot_golden(arch, name: str, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    dot = gv.render(build_view(arch, name), "dot").decode("utf-8")
    check_golden(GOLDEN / "dot" / f"sagebrush.{name}.dot", portable(dot), update_golden)


def test_dot_golden_with_findings(arch, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    findings = _path_finding(arch)
    dot = gv.render(build_view(arch, "overview"), "dot", findings=findings).decode("utf-8")
    check_golden(GOLDEN / "dot" / "sagebrush.overview.findings.dot", portable(dot), update_golden)


@pytest.mark.parametrize("name", ["detail", "network"])
def test_dot_is_deterministic_with_explicit_ids(arch, name: str) -> None:  # type: ignore[no-untyped-def]
    view = build_view(arch, name)
    first, second = gv.dot_source(view), gv.dot_source(view)
    assert first == second
    assert not re.search(r"\b[0-9a-f]{32}\b", first), "a random (uuid) node id leaked into the DOT"
    for node in view.nodes:
        assert re.search(rf"^\t+{re.escape(node.id)} \[", first, re.MULTILINE), f"node {node.id} is not drawn under its own id"
    for group in view.groups:
        assert f"subgraph cluster_{group.id} {{" in first


def test_dot_uses_the_catalogue_icon_and_view_styles(arch) -> None:  # type: ignore[no-untyped-def]
    dot = gv.dot_source(build_view(arch, "detail"))
    lambda_icon = gv.icon_path("lambda_function")
    assert re.search(rf'LAMBDA_API \[label=<.*<IMG SRC="{re.escape(lambda_icon)}".*>API Handler<BR/>ARM64/Graviton<BR/>Provisioned Concurrency<', dot)
    # a dotted connection (assume_role) is dashed, a solid one is not; edge labels are placed
    # after the layout (xlabel), so they do not widen it
    assert re.search(r'HK_ROLE -> ROLE_READ \[[^\]]*style=dashed[^\]]*xlabel="STS AssumeRole"', dot)
    assert re.search(r'USERS -> CDN \[[^\]]*xlabel=HTTPS', dot)
    assert not re.search(r" -> [^\n]*\blabel=", dot)
    assert "style=dashed" not in re.search(r"USERS -> CDN \[[^\]]*\]", dot).group(0)  # type: ignore[union-attr]


def test_the_overview_picture_is_its_summary_and_detail_draws_everything(arch) -> None:  # type: ignore[no-untyped-def]
    """Per-AZ repeats are one node (labelled with the count and the zones), parallel edges one
    edge, the ranks run left to right; `detail` draws every resource under its own id."""
    overview = gv.dot_source(build_view(arch, "overview"))
    detail = gv.dot_source(build_view(arch, "detail"))
    assert "rankdir=LR" in overview and "rankdir=TB" in detail
    assert re.search(r"\tPRIV_1A \[label=<.*<TD>Private<BR/>Subnet\u00a0×3<BR/>us-west-2a/b/c</TD>", overview)
    assert re.search(r"\tNAT_A \[label=<.*<TD>NAT Gateway\u00a0×2<BR/>us-west-2a/b</TD>", overview)
    for gone in ("PRIV_1B", "PRIV_1C", "PUB_1B", "PUB_1C", "NAT_B"):
        assert not re.search(rf"\t{gone} \[", overview) and re.search(rf"\t{gone} \[", detail)
        assert f"{gone} ->" not in overview and f"-> {gone} " not in overview
    # three "Hosts" placements of the private subnets on the API function: one edge now
    assert len(re.findall(r"PRIV_1A -> LAMBDA_API ", overview)) == 1
    assert len(re.findall(r"PRIV_1[ABC] -> LAMBDA_API ", detail)) == 3


def test_the_summary_marks_what_the_findings_flag_on_the_nodes_that_show_it(arch) -> None:  # type: ignore[no-untyped-def]
    from archc.emitters.views import summarise

    view = build_view(arch, "overview")
    summary = summarise(view)
    assert summary.node_of["PRIV_1C"] == "PRIV_1A" and summary.node_of["NAT_B"] == "NAT_A" and summary.node_of["RDS"] == "RDS"
    dot = gv.dot_source(view, [Diagnostic("ARC201", "subnet", ("resources", "PRIV_1C"))])
    assert re.search(rf'\tPRIV_1A \[label=<<TABLE [^>]*COLOR="{gv.FINDING_COLOR}"', dot)
    # an edge merged from several shows a finding on any of them
    nat_edge = next(i for i, e in enumerate(view.edges) if (e.src, e.dst) == ("NAT_B", "PRIV_1C"))
    assert summary.view.edges[summary.edge_of[nat_edge]].src == "NAT_A"


def test_line_styles_heads_and_edges_to_groups() -> None:
    view = View(
        name="t", direction="LR",
        nodes=(
            ViewNode("a", "A<br/>two", "lambda_function", "rect", (), "compute", ("resources", "a")),
            ViewNode("b", "B &amp; C", "s3_bucket", "rect", (), "storage", ("resources", "b")),
            ViewNode("m", "`**Bold** line\nnext`", "sqs_queue", "rect", (), "messaging", ("resources", "m")),
        ),
        edges=(
            ViewEdge("a", "b", "thick", "thick", "none", "arrow", 1, ("connections", 0)),
            ViewEdge("b", "a", None, "invisible", "none", "arrow", 1, ("connections", 1)),
            ViewEdge("a", "g", "to group", "solid", "circle", "cross", 3, ("connections", 2)),
        ),
        groups=(ViewGroup("g", "Group", None, ("b",), None, "group"),),
        class_defs=(), styles=(),
    )
    dot = gv.dot_source(view)
    assert "rankdir=LR" in dot
    assert re.search(r'a \[label=<.*<TD>A<BR/>two</TD>', dot)
    assert re.search(r'b \[label=<.*<TD>B &amp; C</TD>', dot)  # the view's entity decoded, then escaped for HTML once
    assert re.search(r'm \[label=<.*<TD>Bold line<BR/>next</TD>', dot)
    assert re.search(r'a -> b \[[^\]]*penwidth=2.5[^\]]*xlabel=thick', dot)
    assert re.search(r'b -> a \[[^\]]*style=invis', dot)
    # an edge to a subgraph attaches to its first node and is clipped at the cluster
    to_group = re.search(r'a -> b \[[^\]]*xlabel="to group"[^\]]*\]', dot)
    assert to_group is not None
    for attr in ("arrowtail=odot", "arrowhead=tee", "minlen=3", "lhead=cluster_g", "dir=both"):
        assert attr in to_group.group(0)
    assert "compound=true" in dot


def _path_finding(arch) -> list[Diagnostic]:  # type: ignore[no-untyped-def]
    """A path finding (like a cross-account reach): Housekeeping → ROLE_READ → S3_UPLOADS."""
    conns = {(c.source, c.target): i for i, c in enumerate(arch.connections)}
    return [
        Diagnostic(
            "ARC301", "housekeeping reaches S3_UPLOADS", ("connections", conns[("HK_ROLE", "ROLE_READ")]),
            name="access.cross-account-reach", related=(("resources", "HK_ROLE"), ("resources", "ROLE_READ"),
                                                        ("connections", conns[("ROLE_READ", "S3_UPLOADS")]), ("resources", "S3_UPLOADS")),
        ),
        Diagnostic("ARC202", "priv_1c shares a NAT gateway", ("resources", "PRIV_1C", "default_route"), name="network.nat-per-az"),
    ]


def test_findings_mark_the_whole_path_and_list_codes_in_a_legend(arch) -> None:  # type: ignore[no-untyped-def]
    view = build_view(arch, "overview")
    findings = _path_finding(arch)
    marks = gv.mark_findings(view, findings)
    # a finding on a field drawn as an edge (PRIV_1C's default route) marks the edge, not the node
    assert marks.nodes == {"HK_ROLE", "ROLE_READ", "S3_UPLOADS"}
    flagged = sorted((view.edges[i].src, view.edges[i].dst) for i in marks.edges)
    assert flagged == [("HK_ROLE", "ROLE_READ"), ("NAT_B", "PRIV_1C"), ("ROLE_READ", "S3_UPLOADS")]
    assert marks.legend == (("ARC202", "network.nat-per-az", 1), ("ARC301", "access.cross-account-reach", 1))
    dot = gv.dot_source(view, findings)
    red = gv.FINDING_COLOR
    assert re.search(rf'ROLE_READ \[[^\]]*color="{red}"', dot)
    assert not re.search(rf'ROLE_EXEC \[[^\]]*color="{red}"', dot)
    assert re.search(rf'HK_ROLE -> ROLE_READ \[[^\]]*color="{red}"', dot)
    assert not re.search(rf'USERS -> CDN \[[^\]]*color="{red}"', dot)
    # the legend is the drawing's label (placed after the layout), not a cluster
    legend = re.search(r"^\tgraph \[[^\n]*label=<<TABLE[^\n]*", dot, re.MULTILINE)
    assert legend is not None and ">Findings<" in legend.group(0)
    assert "ARC202 network.nat-per-az  ×1" in legend.group(0) and "ARC301 access.cross-account-reach  ×1" in legend.group(0)
    assert "Findings" not in gv.dot_source(view, [])


def _layout(dot: str) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """Node centres (inches) and the edges' endpoints of Graphviz's layout of *dot* (``dot -Tplain``)."""
    plain = subprocess.run(["dot", "-Tplain"], input=dot.encode("utf-8"), capture_output=True, check=True).stdout.decode("utf-8")
    nodes = {f[1]: (float(f[2]), float(f[3])) for f in (line.split() for line in plain.splitlines()) if f[0] == "node"}
    edges = [" ".join(f[1:3]) for f in (line.split() for line in plain.splitlines()) if f[0] == "edge"]
    return nodes, edges


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
@pytest.mark.parametrize("name", VIEWS)
def test_findings_keep_the_plain_layout(arch, name: str) -> None:  # type: ignore[no-untyped-def]
    """--findings draws the plain drawing's layout (only shifted by the legend below it), so the
    two can be compared side by side: a flagged node is no bigger, the legend is not a node."""
    view = build_view(arch, name)
    findings = _path_finding(arch) + [Diagnostic("ARC201", "subnet", ("resources", "PRIV_1C"))]
    assert gv.mark_findings(view, findings).nodes or gv.mark_findings(view, findings).groups
    plain, plain_edges = _layout(gv.dot_source(view))
    marked, marked_edges = _layout(gv.dot_source(view, findings))
    assert set(plain) == set(marked) and plain_edges == marked_edges
    first = next(iter(plain))
    dx, dy = marked[first][0] - plain[first][0], marked[first][1] - plain[first][1]
    moved = {n for n in plain if abs(marked[n][0] - plain[n][0] - dx) > 0.01 or abs(marked[n][1] - plain[n][1] - dy) > 0.01}
    assert not moved, f"--findings moved {sorted(moved)}"


def test_a_node_without_its_own_label_shows_its_id() -> None:
    """Two functions without labels both read "Lambda Function": the id tells them apart."""
    from archc.model.loader import load_text

    arch = load_text(
        "archc: 1\naccounts:\n  prod: {id: '111111111111', name: Prod, region: us-west-2}\nresources:\n"
        "  ingest: {type: lambda_function, account: prod}\n  export: {type: lambda_function, account: prod}\n"
        "  named: {type: lambda_function, account: prod, label: Named fn}\n  api_clients: {type: external}\n"
    ).architecture
    dot = gv.dot_source(build_view(arch, "detail"))
    assert re.search(r"ingest \[label=<.*<TD><B>ingest</B><BR/>Lambda Function</TD>", dot)
    assert re.search(r"export \[label=<.*<TD><B>export</B><BR/>Lambda Function</TD>", dot)
    assert re.search(r"named \[label=<.*<TD>Named fn</TD>", dot)  # a label of its own is shown as written
    assert re.search(r"api_clients \[label=<.*<TD>Api Clients</TD>", dot)  # an external's label is its id already


def test_size_and_dpi_reach_the_dot_and_are_checked(arch) -> None:  # type: ignore[no-untyped-def]
    view = build_view(arch, "overview")
    assert 'dpi=96' in gv.dot_source(view) and 'size="333.333,333.333"' in gv.dot_source(view)  # the cairo limit
    dot = gv.dot_source(view, size=gv.Size(1400, 900, 144))
    assert 'dpi=144' in dot and 'size="9.72222,6.25"' in dot
    assert gv.parse_size("1400") == (1400, gv.MAX_PX) and gv.parse_size("1400x900") == (1400, 900)
    for bad in ("", "wide", "1400x", "-5", "14.5"):
        with pytest.raises(ValueError, match="expected WIDTH or WIDTHxHEIGHT in pixels"):
            gv.parse_size(bad)
    with pytest.raises(ValueError, match="expected 16 to 32000 px"):
        gv.Size(40000)
    with pytest.raises(ValueError, match="dpi 0: expected 1 to 1200"):
        gv.Size(dpi=0)


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_a_png_fits_the_size_it_is_given(arch) -> None:  # type: ignore[no-untyped-def]
    png = gv.render(build_view(arch, "detail"), "png", size=gv.Size(1400))
    width, height = png_size(png)
    assert 1390 <= width <= 1400 and height < width
    assert gv.png_size(png) == (width, height)
    assert gv.scaled_to_fit(png, gv.Size(1400)) and not gv.scaled_to_fit(png)
    assert gv.png_size(b"GIF89a") == (0, 0)


def test_a_finding_on_a_resource_drawn_as_a_subgraph_marks_the_cluster(arch) -> None:  # type: ignore[no-untyped-def]
    view = build_view(arch, "network")
    marks = gv.mark_findings(view, [Diagnostic("ARC201", "subnet", ("resources", "PRIV_1C", "cidr"))])
    assert marks.groups == {"subnet_PRIV_1C"} and not marks.nodes and not marks.edges
    marks = gv.mark_findings(view, [Diagnostic("ARC201", "subnet", ("resources", "PRIV_1C", "default_route"))])
    assert not marks.groups
    assert [(view.edges[i].src, view.edges[i].dst) for i in marks.edges] == [("NAT_B", "subnet_PRIV_1C")]
    assert re.search(rf'subgraph cluster_subnet_PRIV_1C {{\n\t+graph \[[^\]]*pencolor="{gv.FINDING_COLOR}"', gv.dot_source(view, [
        Diagnostic("ARC201", "subnet", ("resources", "PRIV_1C"))]))


def test_png_is_a_sane_image_and_nothing_is_written(arch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    png = gv.render(build_view(arch, "overview"), "png")
    width, height = png_size(png)
    # the seed was 6273 × 3857 before #15, 4563 × 1928 with every resource drawn (`detail`);
    # its summary is about 2200 px wide, so that text reads at 1400 px (benchmarks/bench_diagram.py)
    assert 800 <= width <= 2600 and 600 <= height <= 4000, (width, height)
    assert len(png) > 50_000
    assert os.listdir(tmp_path) == [], "rendering wrote files into the working directory"


def test_svg_embeds_its_icons(arch) -> None:  # type: ignore[no-untyped-def]
    svg = gv.render(build_view(arch, "network"), "svg").decode("utf-8")
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert gv.icon_root() not in svg, "the SVG points at icon files on this machine"
    assert svg.count('xlink:href="data:image/png;base64,') == len(build_view(arch, "network").nodes)


def test_without_graphviz_render_says_how_to_install_it(arch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path))
    view = build_view(arch, "overview")
    with pytest.raises(gv.GraphvizNotFound) as info:
        gv.render(view, "png")
    assert str(info.value) == "Graphviz 'dot' not found; install it (apt-get install graphviz / brew install graphviz)"
    assert gv.render(view, "dot").startswith(b"digraph overview {")  # DOT needs no Graphviz


def test_unknown_format_is_refused(arch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown diagram format 'gif'"):
        gv.render(build_view(arch, "overview"), "gif")


# --- through `archc diagram -f png|svg|dot` ----------------------------------------------------


def test_diagram_command_without_graphviz_says_so_in_one_line_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from archc.cli import main
    from tests.conftest import EXAMPLE

    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "out.png"
    result = CliRunner().invoke(main, ["diagram", str(EXAMPLE), "-f", "png", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == "archc: Graphviz 'dot' not found; install it (apt-get install graphviz / brew install graphviz)\n"
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["png", "svg", "dot"])
def test_diagram_command_writes_each_format(fmt: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archc.cli import main
    from tests.conftest import EXAMPLE

    out = tmp_path / f"sagebrush.{fmt}"
    result = CliRunner().invoke(main, ["diagram", str(EXAMPLE), "-f", fmt, "-o", str(out), "--view", "network"])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "png":
        width, height = png_size(data)
        assert 800 <= width <= 20000 and 200 <= height <= 20000
    elif fmt == "svg":
        assert b"<svg" in data
    else:
        assert data.startswith(b"digraph network {")
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
