"""Reference step (run by `secassist load-reference`) and demo step (order 200): load the product's
cited restrictions data; demo step (order 90): the demo analyst's assessments. All idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from secassist.core import clock
from secassist.core.fiscal import FiscalYear

from . import services
from .checking import check
from .engine import EXCEPTED, GAP, PROHIBITS, WAIVED, Finding
from .loader import load_restrictions
from .models import Assessment
from .snapshot import get_snapshot


def load_demo(*, acting_user: Any, stdout: Any) -> None:
    summary = load_restrictions(acting_user=acting_user)
    created = sum(summary.created.values())
    updated = sum(summary.updated.values())
    stdout.write(
        f"  restrictions: {created} created, {updated} updated"
        + (f", {len(summary.skipped)} coup rows skipped" if summary.skipped else "")
    )


def load_reference_step(*, acting_user: Any) -> dict[str, Any]:
    summary = load_restrictions(acting_user=acting_user)
    return {
        "created": sum(summary.created.values()),
        "updated": sum(summary.updated.values()),
        "coup_rows_skipped": len(summary.skipped),
    }


#: The countries of the demo's funds lines, notifications and Title 10 proposals (budget, congress and
#: title10 demos). `tests/test_demo_assessments.py` fails if a demo line or proposal is left without them.
DEMO_COUNTRIES = (
    "ISR", "EGY", "JOR", "LBN", "IRQ", "MEX", "COL", "UKR", "GEO", "IDN", "MNG", "SOM", "SSD", "CAF",
    "BFA", "KEN", "MAR", "NER", "NGA", "TUN",
)  # fmt: skip
#: How many earlier fiscal years the demo looks back for the latest record of a restriction.
LOOKBACK_YEARS = 3
DEMO_MARK = "[DEMONSTRATION — not an official finding]"


@dataclass(frozen=True)
class Precedent:
    """What the latest fiscal year the product's data covers says about one restriction and country."""

    fiscal_year: int | None  # None: no covered year within the lookback
    listed: bool  # the country was restricted (prohibited, waived or excepted) that year
    source: str


def record_demo_assessments(*, acting_user: Any, stdout: Any) -> None:
    """Demo step (order 90, before the funds demo): the demo analyst's assessments of the restrictions the
    product's data does not cover for the current fiscal year, for the demo's countries.

    The engine answers `not_assessed` (RST-093) wherever the data stops, which is every restriction for a
    fiscal year whose lists are not yet published in the data. A real office records an analyst's finding
    for each; the demo does the same, labelled as a demonstration, and only where the latest year the data
    covers does not restrict the country. Where it did (e.g. a CSPA listing), nothing is recorded: the gap
    stays open and the demo line shows the refusal — an unknown is never a yes, even in the demo."""
    fy = FiscalYear.of(clock.today()).year
    analyst = _demo_analyst(acting_user)
    recorded, left_open = 0, []
    for iso3 in DEMO_COUNTRIES:
        earlier: dict[int, list[Finding]] = {}
        for key, finding in _open_gaps(iso3, fy).items():
            precedent = _latest_record(iso3, key, fy, earlier)
            if precedent.listed:
                left_open.append(f"{iso3} {finding.restriction} (restricted in FY{precedent.fiscal_year})")
                continue
            services.record_assessment(
                acting_user=analyst,
                restriction=key,
                country=iso3,
                fiscal_year=fy,
                conclusion=Assessment.Conclusion.DOES_NOT_APPLY,
                basis=_basis(finding, precedent, fy),
                source_document=(precedent.source or finding.source or finding.citation)[:400],
            )
            recorded += 1
    stdout.write(f"  FY{fy}: {recorded} demonstration assessments recorded for {len(DEMO_COUNTRIES)} demo countries")
    for item in left_open:
        stdout.write(f"  left not assessed (the latest record restricts it): {item}")


def _demo_analyst(fallback: Any) -> Any:
    user = get_user_model().objects.filter(username="sa.analyst", is_active=True).first()
    return user or fallback


def _open_gaps(iso3: str, fy: int) -> dict[str, Finding]:
    """Restriction key → its not-assessed finding, over every program, for the fiscal year."""
    gaps: dict[str, Finding] = {}
    for finding in _findings(iso3, fy, on_date=None):
        if finding.effect == GAP:
            gaps.setdefault(finding.restriction_key, finding)
    return gaps


def _findings(iso3: str, year: int, *, on_date: dt.date | None) -> list[Finding]:
    return [
        f
        for p in sorted(get_snapshot().programs)
        for f in check(country=iso3, program=p, fiscal_year=year, on_date=on_date).findings
    ]


def _latest_record(iso3: str, key: str, fy: int, seen: dict[int, list[Finding]]) -> Precedent:
    """The latest earlier fiscal year whose data covers the restriction, and whether it restricted the country.
    `seen` caches one country's findings per earlier year (every program, checked on the year's last day)."""
    for year in range(fy - 1, fy - 1 - LOOKBACK_YEARS, -1):
        if year not in seen:
            seen[year] = _findings(iso3, year, on_date=FiscalYear(year).end)
        findings = [f for f in seen[year] if f.restriction_key == key]
        if any(f.effect == GAP for f in findings):
            continue
        restricting = [f for f in findings if f.effect in (PROHIBITS, WAIVED, EXCEPTED)]
        source = restricting[0].source if restricting else ""
        return Precedent(fiscal_year=year, listed=bool(restricting), source=source)
    return Precedent(fiscal_year=None, listed=False, source="")


def _basis(finding: Finding, precedent: Precedent, fy: int) -> str:
    if precedent.fiscal_year is None:
        seen = f"the product holds no {finding.restriction} data for FY{fy - LOOKBACK_YEARS}-FY{fy - 1} either"
    else:
        seen = f"the latest fiscal year its data covers, FY{precedent.fiscal_year}, does not restrict this country"
    fill = (finding.designation or {}).get("to_fill") or "the primary source"
    return (
        f"{DEMO_MARK} Recorded by the demo so its FY{fy} lines can move. The product's data does not cover "
        f"{finding.restriction} for FY{fy}; {seen}. In a real office the analyst records the finding from: {fill}."
    )
