"""Reads of budget formulation: a stage's lines compared with the previous stage, with the funds
ledger's actuals and with the imported history (Greenbook obligations, FA.gov past requests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from secassist.budget import selectors as budget_selectors
from secassist.reference.models import Country

from . import rules
from .models import STAGE_ORDER, RequestCycle, RequestLine, RequestStage, StageKind

ZERO = Decimal("0.00")
FA_REQUEST_CAVEAT = (
    'ForeignAssistance.gov "President\'s Budget Requests" (country summary downloaded 2022): all accounts combined, '
    "not only the programs in this request; shown for scale, never added to the request."
)
HISTORY_YEARS = 3


def stage_lines(stage: RequestStage) -> list[RequestLine]:
    return list(stage.lines.select_related("account", "country", "pseudo_region").prefetch_related("comments__author"))


def amounts_of(stage: RequestStage | None) -> dict[rules.LineKey, Decimal]:
    if stage is None:
        return {}
    return {(ln.recipient_key, ln.account.code): ln.amount for ln in stage.lines.select_related("account", "country")}


def stages_of(cycle: RequestCycle) -> list[RequestStage]:
    return list(cycle.stages.select_related("opened_by").annotate(total=Sum("lines__amount")).order_by("opened_at", "id"))


def default_actuals_year(cycle: RequestCycle) -> int | None:
    """The latest fiscal year before the budget year that the funds ledger holds."""
    years = [y for y in budget_selectors.ledger_fiscal_years() if y < cycle.budget_fiscal_year]
    return years[0] if years else None


def comparison(stage: RequestStage, *, actuals_fy: int | None = None, measure: str = "obligated") -> dict[str, Any]:
    """Each line against the previous stage version and the actuals of a fiscal year in the ledger."""
    lines = stage_lines(stage)
    current = {(ln.recipient_key, ln.account.code): ln.amount for ln in lines}
    by_key = {(ln.recipient_key, ln.account.code): ln for ln in lines}
    previous = amounts_of(stage.based_on)
    actuals = budget_selectors.line_amounts(fiscal_year=actuals_fy, measure=measure) if actuals_fy else {}
    rows = []
    for cmp in rules.compare(current, previous):
        line = by_key.get(cmp.key)
        rows.append(
            {
                "key": cmp.key,
                "line": line,
                "recipient": line.recipient_name if line else _name(cmp.key[0]),
                "program": cmp.key[1],
                "current": cmp.current,
                "previous": cmp.previous,
                "change": cmp.change,
                "change_pct": cmp.change_pct,
                "status": cmp.status,
                "actual": actuals.get(cmp.key),
            }
        )
    return {
        "rows": rows,
        "totals": rules.totals(rules.compare(current, previous)),
        "actual_total": sum((actuals.get(k, ZERO) for k in set(current) | set(previous)), ZERO),
        "previous": stage.based_on,
        "actuals_fy": actuals_fy,
        "measure": measure,
    }


def _name(key: str) -> str:
    country = Country.objects.filter(iso3=key).first()
    return country.name if country else key


def request_history(stage: RequestStage, *, years: int = HISTORY_YEARS) -> dict[str, Any]:
    """Per country of the stage: its request total here, and the real past President's Budget
    Requests of the latest years FA.gov holds (all accounts)."""
    lines = stage_lines(stage)
    totals: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for ln in lines:
        if ln.country is not None:
            totals[ln.country.iso3] = totals.get(ln.country.iso3, ZERO) + ln.amount
            names[ln.country.iso3] = ln.country.name
    fys = sorted(budget_selectors.fa_request_years()[:years])
    past = budget_selectors.fa_requests(iso3s=list(totals), fiscal_years=fys)
    rows = [
        {"iso3": iso3, "name": names[iso3], "total": total, "past": [past.get((iso3, fy)) for fy in fys]}
        for iso3, total in sorted(totals.items(), key=lambda kv: names[kv[0]])
    ]
    return {"years": fys, "rows": rows, "caveat": FA_REQUEST_CAVEAT, "loaded": bool(fys)}


def next_stage_kinds(cycle: RequestCycle) -> list[tuple[str, str]]:
    """The stages the cycle may open now: a new version of the working one or any later one."""
    working = cycle.stages.filter(closed_at__isnull=True).first()
    start = STAGE_ORDER.index(working.kind) if working else 0
    return [(k, StageKind(k).label) for k in STAGE_ORDER[start:]]
