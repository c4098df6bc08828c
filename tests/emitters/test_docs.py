"""The Markdown docs: golden pages, the committed example docs, content, and `archc docs [--check]`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main
from archc.cli.docs import stale_files
from archc.emitters import docs as d
from archc.emitters.views import build_view
from archc.model.loader import load_text
from tests.conftest import EXAMPLE, ROOT
from tests.golden_files import GOLDEN, check_golden

COMMITTED = ROOT / "docs" / "examples" / "sagebrush"


@pytest.fixture(scope="module")
def arch(example_model):  # type: ignore[no-untyped-def]
    return example_model.architecture


@pytest.fixture(scope="module")
def pages(arch) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return d.render_docs(arch)


def test_pages_are_the_index_and_one_per_account(arch, pages: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    assert sorted(pages) == sorted(["README.md", *(f"{key}.md" for key in arch.accounts)])


@pytest.mark.parametrize("name", ["README.md", "production.md", "management.md", "housekeeping.md"])
def test_docs_golden(pages: dict[str, str], name: str, update_golden: bool) -> None:
    check_golden(GOLDEN / "docs" / "sagebrush" / name, pages[name], update_golden)


def test_committed_example_docs_are_up_to_date(pages: dict[str, str]) -> None:
    stale = stale_files(pages, str(COMMITTED))
    assert not stale, f"docs/examples/sagebrush is stale {stale}: run archc docs examples/sagebrush -o docs/examples/sagebrush"


def test_rendering_is_deterministic(arch, pages: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    assert d.render_docs(arch) == pages
    for text in pages.values():
        assert text.startswith(d.GENERATED_MARK) and text.endswith("\n") and not text.endswith("\n\n")
        assert not re.search(r"[ \t]$", text, re.MULTILINE)


def test_account_page_in_the_seed_style(pages: dict[str, str]) -> None:
    page = pages["production.md"]
    assert "\n# Production Account Architecture (978489150794)\n" in page
    assert "The Production account: production workloads and services" in page
    headings = re.findall(r"^### (.+)$", page, re.MULTILINE)
    assert headings == ["Network", "Compute", "Load Balancing & API", "DNS & Certificates", "Database", "Storage", "Messaging",
                        "Monitoring", "Security", "IAM"]
    sections = re.findall(r"^## (.+)$", page, re.MULTILINE)
    assert sections == ["Architecture Diagram", "Key Resources", "Cross-Account Access", "Data Flow"]
    # settings: CIDRs, AZs, sizes, retention, encryption, references as code
    assert "- **VPC (10.10.0.0/16)** (`VPC`, VPC)\n  - CIDR: 10.10.0.0/16\n" in page
    assert "- **Private Subnet** (`PRIV_1C`, Subnet)\n  - VPC: `VPC`\n  - CIDR: 10.10.12.0/24\n  - AZ: us-west-2c\n" in page
    assert "  - vCPU: 2\n  - Memory: 4 GiB\n" in page
    assert "- **CloudWatch Logs** (`CW_LOGS`, CloudWatch Logs)\n  - Retention: 30 days\n  - KMS key: `DATA_KEY`\n" in page
    assert "  - Min ACU: 0.5\n  - Max ACU: 4\n" in page
    assert "  - Region: us-east-1\n  - Name: prod-backups-replica\n" in page
    # Markdown-active characters in model text are escaped
    assert "  - Domain: \\*.sagebrush.services\n" in page


def test_account_page_diagram_is_the_accounts_part_of_the_overview(arch, pages: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    page = pages["housekeeping.md"]
    diagram = re.search(r"```mermaid\n(.*?)\n```", page, re.DOTALL)
    assert diagram is not None
    text = diagram.group(1)
    assert text.startswith("graph TB\n")
    for node in ("HK_LAMBDA", "HK_BACKUP", "HK_ROLE", "HK_ICEBERG", "HK_LOGS", "ROLE_READ"):
        assert re.search(rf"^\s+{node}\[", text, re.MULTILINE), node
    assert "S3_UPLOADS" not in text and "ALB" not in text  # Production's other resources stay on its page
    assert "HK_ROLE -.->|STS AssumeRole| ROLE_READ" in text
    view = d.account_view(arch, build_view(arch, "overview"), "housekeeping")
    assert {g.id for g in view.groups} == {"Housekeeping", "Production", "IAM_Prod"}
    assert next(g for g in view.groups if g.id == "IAM_Prod").members == ("ROLE_READ",)
    ids = {n.id for n in view.nodes}
    assert all(e.src in ids and e.dst in ids for e in view.edges)


def test_cross_account_access(pages: dict[str, str]) -> None:
    prod = pages["production.md"]
    assert ("- ProductionReadRole (`ROLE_READ`, Production (978489150794)) may be assumed by AssumeRole: ProductionReadRole "
            "(`HK_ROLE`, Housekeeping (374073887345)) (sessions up to 1 h)") in prod
    assert "- `ROLE_READ` grants its holders: read `S3_UPLOADS`, describe `RDS`, read `CW_LOGS`" in prod
    assert "- Housekeeping may reach only `ROLE_READ` in Production (978489150794) (`may_reach`)" in prod
    assert "delegate zone (zone) → Route53 Hosted Zone (`R53_ZONE`, Production (978489150794))" in pages["management.md"]
    hk = pages["housekeeping.md"]
    assert "- Holding `ROLE_READ`, Housekeeping (374073887345) may: read `S3_UPLOADS`, describe `RDS`, read `CW_LOGS`" in hk
    assert "Management" not in hk.split("## Cross-Account Access")[1]


def test_data_flows_follow_connections_and_forwarding(pages: dict[str, str]) -> None:
    flows = pages["production.md"].split("## Data Flow\n")[1]
    assert ("1. Users → CloudFront CDN → Application Load Balancer → Target Group → ECS Service → Task Definition → "
            "Aurora Postgres / Read Replica / S3: prod-assets / Secrets Manager\n") in flows
    assert "API Clients → AWS WAF → API Gateway → API Handler → Aurora Postgres / Read Replica / Secrets Manager\n" in flows
    assert "CloudWatch Metrics → CloudWatch Alarms → SNS: alerts → PagerDuty\n" in flows
    # operations (logs, metrics, traces) are not data flows
    assert "X-Ray" not in flows and "Task Definition → CloudWatch" not in flows and "API Handler → CloudWatch" not in flows
    assert pages["housekeeping.md"].split("## Data Flow\n")[1].strip() == "1. Log Aggregator Lambda → S3: Iceberg tables"


def test_flow_paths_survive_cycles(arch) -> None:  # type: ignore[no-untyped-def]
    cyclic = arch.model_copy(deep=True)
    cyclic.connections = [c for c in cyclic.connections if c.source == "S3_UPLOADS"]
    backwards = cyclic.connections[0].model_copy(update={"source": "S3_BACKUPS", "target": "S3_UPLOADS"})
    cyclic.connections.append(backwards)
    paths = d.flow_paths(cyclic)
    assert ("S3_UPLOADS", "S3_BACKUPS") in paths or ("S3_BACKUPS", "S3_UPLOADS") in paths


def test_index_page(pages: dict[str, str]) -> None:
    index = pages["README.md"]
    assert "| [Production](production.md) | 978489150794 | us-west-2 | 47 |" in index
    assert "- **PagerDuty** (`PAGERDUTY`, External): on-call paging" in index
    assert "```mermaid\ngraph TB\n" in index


def test_md_escapes_markdown() -> None:
    assert d.md("*.example.com | a_b <x>") == "\\*.example.com \\| a\\_b \\<x\\>"


# --- the command -----------------------------------------------------------------------------


def test_docs_command_writes_then_checks(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    runner = CliRunner()
    result = runner.invoke(main, ["docs", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "housekeeping.md", "management.md", "production.md"]
    result = runner.invoke(main, ["docs", str(EXAMPLE), "-o", str(out), "--check"])
    assert result.exit_code == 0, result.output

    (out / "management.md").write_text("edited by hand\n", encoding="utf-8")
    (out / "production.md").unlink()
    (out / "old.md").write_text(d.GENERATED.format(name="sagebrush") + "\n# gone\n", encoding="utf-8")
    (out / "notes.md").write_text("# my notes\n", encoding="utf-8")
    result = runner.invoke(main, ["docs", str(EXAMPLE), "-o", str(out), "--check"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{out / 'management.md'}: changed",
        f"{out / 'old.md'}: no longer generated",
        f"{out / 'production.md'}: missing",
    ]
    assert (out / "management.md").read_text(encoding="utf-8") == "edited by hand\n"  # --check writes nothing

    result = runner.invoke(main, ["docs", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "housekeeping.md", "management.md", "notes.md", "production.md"]
    assert runner.invoke(main, ["docs", str(EXAMPLE), "-o", str(out), "--check"]).exit_code == 0


def test_docs_command_on_a_bad_model_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("archc: 1\nresources:\n  A: {type: vpc}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["docs", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_account_without_an_id_says_so() -> None:
    sketch = load_text("archc: 1\naccounts: {dev: {name: Dev, region: us-west-2}}\nresources:\n  Q: {type: sqs_queue, account: dev}\n").architecture
    pages = d.render_docs(sketch)
    assert pages["dev.md"].splitlines()[2] == "# Dev Account Architecture (no account id yet)"
    assert "| [Dev](dev.md) | no account id yet | us-west-2 | 1 |" in pages["README.md"]
