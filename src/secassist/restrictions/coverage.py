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
    if not rule.in_force_on(fiscal_year, fy_bounds(fiscal_year)[1]):  # the statute not yet in force all that year
        return "not_in_force", [f"in force from {rule.in_force_from} ({rule.in_force_citation})"]
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


def _answered_years(snapshot: Snapshot, rule: RestrictionRule, iso3: str) -> tuple[set[int], set[int]]:
    """Fiscal years for which the country's own designations answer the restriction (known), and those in which
    the designation itself is unresolved (effect unknown): the latter are gaps whatever the list coverage says."""
    known: set[int] = set()
    unresolved: set[int] = set()
    for designation in snapshot.designations.get(iso3, ()):
        if designation.restriction_id != rule.id or designation.fiscal_year is None:
            continue
        (unresolved if designation.effect == "unknown" else known).add(designation.fiscal_year)
    return known - unresolved, unresolved


def _year_gap(rule: RestrictionRule, fy: int, today: dt.date, known: set[int], unresolved: set[int]) -> str | None:
    """None when the engine can answer for the country in that year, else why it cannot."""
    if fy in unresolved:
        return "unresolved"
    status, _ = year_status(rule, fy, today)
    if status in ("covered", "not_in_force") or fy in known:
        return None
    return status


def country_gaps(snapshot: Snapshot, iso3: str, *, fy_from: int, fy_to: int, today: dt.date) -> list[dict[str, Any]]:
    """The spans of fiscal years in which a restriction cannot be answered for the country: the list is missing or
    partial (and the country is not on the part recorded), or the country's designation is unresolved. Consecutive
    years with the same reason form one span, so the country timeline shows each gap as a labelled period."""
    spans: list[dict[str, Any]] = []
    for rule in sorted(snapshot.restrictions.values(), key=lambda r: r.rule_code):
        if rule.trigger_kind == "unit_finding":
            continue
        known, unresolved = _answered_years(snapshot, rule, iso3)
        current: dict[str, Any] | None = None
        for fy in range(fy_from, fy_to + 1):
            reason = _year_gap(rule, fy, today, known, unresolved)
            if current is not None and (reason != current["status"] or reason is None):
                spans.append(current)
                current = None
            if reason is not None and current is None:
                current = {
                    "restriction": rule.key,
                    "rule_code": rule.rule_code,
                    "short_name": rule.short_name,
                    "status": reason,
                    "fy_from": fy,
                    "fy_to": fy,
                    "to_fill": _to_fill(rule, fy, today),
                }
            elif current is not None:
                current["fy_to"] = fy
        if current is not None:
            spans.append(current)
    return spans


def _to_fill(rule: RestrictionRule, fiscal_year: int, today: dt.date) -> str:
    _, hits = rule.coverage_on(fiscal_year, fy_bounds(fiscal_year)[0])
    fill = "; ".join(p.to_fill for p in hits if p.to_fill) or next((p.to_fill for p in rule.periods if p.to_fill), "")
    return fill or f"the {rule.short_name} list for FY{fiscal_year} from its primary source, or an analyst's assessment"
