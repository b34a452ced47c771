"""The coverage matrix (restriction × fiscal year: covered / partial / missing, with sources), read from
the same snapshot the engine answers from, so the page, the API and the engine never disagree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .engine import CoveragePeriod, RestrictionRule, Snapshot

FIRST_FY = 2000


def fy_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year - 1, 10, 1), dt.date(fiscal_year, 9, 30)


def _period_overlap(period: CoveragePeriod, rule: RestrictionRule, fiscal_year: int, today: dt.date) -> str:
    """'all', 'some' or 'none': how much of the fiscal year the period covers."""
    if period.fy_from is not None and period.fy_to is not None and (rule.fy_scoped or period.covered_from is None):
        return "all" if period.fy_from <= fiscal_year <= period.fy_to else "none"
    if period.covered_from is None:
        return "none"
    start, end = fy_bounds(fiscal_year)
    last = period.covered_to or today
    if last < start or period.covered_from > end:
        return "none"
    return "all" if period.covered_from <= start and last >= end else "some"


def year_status(rule: RestrictionRule, fiscal_year: int, today: dt.date) -> tuple[str, list[str]]:
    complete: list[str] = []
    partial: list[str] = []
    for period in rule.periods:
        overlap = _period_overlap(period, rule, fiscal_year, today)
        if overlap == "none":
            continue
        (complete if period.status == "complete" and overlap == "all" else partial).append(period.source_document)
    if complete:
        return "covered", complete
    if partial:
        return "partial", partial
    return "missing", []


def matrix(snapshot: Snapshot, *, fy_from: int, fy_to: int, today: dt.date) -> dict[str, Any]:
    rows = []
    for rule in sorted(snapshot.restrictions.values(), key=lambda r: r.rule_code):
        if rule.trigger_kind == "unit_finding":
            continue  # Leahy is answered per unit from the registry, not from country lists
        years = []
        for fy in range(fy_from, fy_to + 1):
            status, sources = year_status(rule, fy, today)
            years.append({"fiscal_year": fy, "status": status, "sources": sources})
        rows.append(
            {
                "restriction": rule.key,
                "rule_code": rule.rule_code,
                "short_name": rule.short_name,
                "citation": rule.citation,
                "periods": [
                    {
                        "list_name": p.list_name,
                        "status": p.status,
                        "fy_from": p.fy_from,
                        "fy_to": p.fy_to,
                        "covered_from": p.covered_from.isoformat() if p.covered_from else None,
                        "covered_to": p.covered_to.isoformat() if p.covered_to else None,
                        "source_document": p.source_document,
                        "source_url": p.source_url,
                        "to_fill": p.to_fill,
                    }
                    for p in rule.periods
                ],
                "years": years,
            }
        )
    return {"fy_from": fy_from, "fy_to": fy_to, "rows": rows}
