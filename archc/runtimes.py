"""The Lambda runtimes AWS documents, with their deprecation dates: one table, read by the model
(which runtimes a function may name), the schema (the editor's list) and lint (ARC142).

Source: the AWS Lambda Developer Guide, "Lambda runtimes" (supported and deprecated runtimes:
https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) and its runtime deprecation
policy (runtime-support-policy.html), as of 2026-11; the dates agree with cfn-lint 1.58's
``LmbdRuntimeLifecycle.json``, which is scraped from the same page. Update the rows when AWS
changes a date; `AS_OF` says when they were last checked.

A runtime is *deprecated* from its deprecation date (no more security patches, no support); AWS
then *blocks creating* functions with it, and later *blocks updating* them. Functions keep
running. A date of None: AWS has announced none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

AS_OF = date(2026, 11, 30)
SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"


@dataclass(frozen=True, slots=True)
class Runtime:
    identifier: str
    deprecated: date | None  # AWS stops patching and supporting it
    create_block: date | None  # AWS refuses to create functions with it
    update_block: date | None  # AWS refuses to update functions with it
    successor: str | None = None  # what AWS recommends moving to


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _row(identifier: str, deprecated: str | None, create_block: str | None, update_block: str | None,
         successor: str | None = None) -> Runtime:
    return Runtime(identifier, _d(deprecated), _d(create_block), _d(update_block), successor)


RUNTIMES: dict[str, Runtime] = {r.identifier: r for r in (
    # identifier, deprecated, create blocked, update blocked, successor
    _row("dotnet10", "2028-11-14", "2028-12-14", "2029-01-15"),
    _row("dotnet9", "2026-11-10", None, None, "dotnet10"),  # container images only
    _row("dotnet8", "2026-11-10", "2027-02-01", "2027-03-03", "dotnet10"),
    _row("dotnet6", "2024-12-20", "2027-02-01", "2027-03-03", "dotnet10"),
    _row("dotnetcore3.1", "2023-04-03", "2023-04-03", "2023-05-03", "dotnet10"),
    _row("dotnetcore2.1", "2022-01-05", "2022-01-05", "2022-04-13", "dotnet10"),
    _row("dotnetcore2.0", "2019-05-30", "2019-04-30", "2019-05-30", "dotnet10"),
    _row("dotnetcore1.0", "2019-06-27", "2019-06-30", "2019-07-30", "dotnet10"),
    _row("go1.x", "2024-01-08", "2024-02-08", "2027-03-03", "provided.al2023"),
    _row("java25", "2029-06-30", "2029-07-31", "2029-08-31"),
    _row("java21", "2029-06-30", "2029-07-31", "2029-08-31", "java25"),
    _row("java17", "2027-06-30", "2027-07-31", "2027-08-31", "java25"),
    _row("java11", "2027-06-30", "2027-07-31", "2027-08-31", "java25"),
    _row("java8.al2", "2027-06-30", "2027-07-31", "2027-08-31", "java25"),
    _row("java8", "2024-01-08", "2024-02-08", "2027-03-03", "java25"),
    _row("nodejs24.x", "2028-04-30", "2028-06-01", "2028-07-01"),
    _row("nodejs22.x", "2027-04-30", "2027-06-01", "2027-07-01", "nodejs24.x"),
    _row("nodejs20.x", "2026-04-30", "2027-02-01", "2027-03-03", "nodejs24.x"),
    _row("nodejs18.x", "2025-09-01", "2027-02-01", "2027-03-03", "nodejs24.x"),
    _row("nodejs16.x", "2024-06-12", "2027-02-01", "2027-03-03", "nodejs24.x"),
    _row("nodejs14.x", "2023-12-04", "2024-01-09", "2027-03-03", "nodejs24.x"),
    _row("nodejs12.x", "2023-03-31", "2023-03-31", "2023-04-30", "nodejs24.x"),
    _row("nodejs10.x", "2021-07-30", "2021-07-30", "2022-02-14", "nodejs24.x"),
    _row("nodejs8.10", "2020-03-06", "2020-02-04", "2020-03-06", "nodejs24.x"),
    _row("nodejs6.10", "2019-08-12", "2019-07-12", "2019-08-12", "nodejs24.x"),
    _row("nodejs4.3-edge", "2020-03-05", "2019-03-31", "2019-04-30", "nodejs24.x"),
    _row("nodejs4.3", "2020-03-05", "2020-02-03", "2020-03-05", "nodejs24.x"),
    _row("nodejs", "2016-08-30", "2016-09-30", "2016-10-31", "nodejs24.x"),
    _row("provided.al2023", "2029-06-30", "2029-07-31", "2029-08-31"),
    _row("provided.al2", "2026-07-31", "2027-02-01", "2027-03-03", "provided.al2023"),
    _row("provided", "2024-01-08", "2024-02-08", "2027-03-03", "provided.al2023"),
    _row("python3.14", "2029-06-30", "2029-07-31", "2029-08-31"),
    _row("python3.13", "2029-06-30", "2029-07-31", "2029-08-31", "python3.14"),
    _row("python3.12", "2028-10-31", "2028-11-30", "2029-01-10", "python3.14"),
    _row("python3.11", "2027-06-30", "2027-07-31", "2027-08-31", "python3.14"),
    _row("python3.10", "2026-10-31", "2027-02-01", "2027-03-03", "python3.14"),
    _row("python3.9", "2025-12-15", "2027-02-01", "2027-03-03", "python3.14"),
    _row("python3.8", "2024-10-14", "2027-02-01", "2027-03-03", "python3.14"),
    _row("python3.7", "2023-12-04", "2024-01-09", "2027-03-03", "python3.14"),
    _row("python3.6", "2022-07-18", "2022-07-18", "2022-08-29", "python3.14"),
    _row("python2.7", "2021-07-15", "2021-07-15", "2022-05-30", "python3.14"),
    _row("ruby4.0", "2029-03-31", "2029-04-30", "2029-05-31"),
    _row("ruby3.4", "2028-03-31", "2028-04-30", "2028-05-31", "ruby4.0"),
    _row("ruby3.3", "2027-03-31", "2027-04-30", "2027-05-31", "ruby4.0"),
    _row("ruby3.2", "2026-03-31", "2027-02-01", "2027-03-03", "ruby4.0"),
    _row("ruby2.7", "2023-12-07", "2024-01-09", "2027-03-03", "ruby4.0"),
    _row("ruby2.5", "2021-07-30", "2021-07-30", "2022-03-31", "ruby4.0"),
)}

Status = Literal["supported", "deprecated", "create_blocked", "update_blocked"]


def today() -> date:
    """The date (UTC) lint judges runtimes on."""
    return datetime.now(UTC).date()


def status(identifier: str, on: date) -> Status:
    """Where runtime *identifier* stands on day *on* (an identifier not in the table: supported)."""
    rt = RUNTIMES.get(identifier)
    if rt is None:
        return "supported"
    if rt.update_block is not None and on >= rt.update_block:
        return "update_blocked"
    if rt.create_block is not None and on >= rt.create_block:
        return "create_blocked"
    if rt.deprecated is not None and on >= rt.deprecated:
        return "deprecated"
    return "supported"


def supported(on: date) -> list[str]:
    """The runtimes AWS has not deprecated on day *on*, sorted."""
    return sorted(r for r in RUNTIMES if status(r, on) == "supported")
