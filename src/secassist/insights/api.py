"""API router of the insights app, mounted at /api/v1/ by secassist.api: the country 360 summary and
the portfolio. Amounts are decimal strings, dates ISO 8601; the same dicts the pages render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from secassist.audit import statecache
from secassist.core.money import money_str
from secassist.reference import selectors as reference

from . import country360, impact, views

router = Router(tags=["insights"])


def jsonable(value: Any) -> Any:
    """Decimals as money strings, dates as ISO text, calendar items as dicts, recursively."""
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "as_dict"):
        return jsonable(value.as_dict())
    return value


@router.get(
    "/countries/{iso3}/summary",
    summary="Country 360: funds, title10, history, restrictions, notifications and plans for one country and FY",
)
def country_summary(request: HttpRequest, iso3: str, fy: str | None = None) -> dict[str, Any]:
    country = reference.country_cached(iso3)
    if country is None:
        raise Http404(f"No country with code {iso3.upper()}.")
    user = request.user
    fiscal_year = views.parse_fy(fy)
    # Cached like the country page, per person and FY, until the next write (ADR 1003, 1005).
    return statecache.cached(  # type: ignore[no-any-return]
        "insights.country360.api",
        lambda: jsonable(country360.summary(country, user, fiscal_year=fiscal_year)),
        country.iso3,
        user.pk,
        fiscal_year,
    )


def _alerts(alerts: dict[str, Any]) -> dict[str, Any]:
    return {
        "expiring_funds": [
            {
                "appropriation": str(r["appropriation"]),
                "event": r["event"],
                "on": r["on"],
                "days_left": r["days_left"],
                "amount": r["amount"],
            }
            for r in alerts["expiring_funds"]
        ],
        "overdue_clocks": [i.as_dict() for i in alerts["overdue_clocks"]],
        "overdue_clearances": [
            {"id": c.pk, "subject": c.subject_label, "office": c.office.code, "due_on": c.due_on}
            for c in alerts["overdue_clearances"]
        ],
    }


@router.get("/portfolio", summary="Every country x program for a FY: allocated, obligated, disbursed, notified, verdict")
def portfolio(
    request: HttpRequest,
    fy: str | None = None,
    bureau: str | None = None,
    cocom: str | None = None,
    program: str | None = None,
    sort: str | None = None,
    order: str | None = None,
    threshold: str | None = None,
) -> dict[str, Any]:
    params = views.portfolio_params(
        {"fy": fy, "bureau": bureau, "cocom": cocom, "program": program, "sort": sort, "order": order, "threshold": threshold}
    )
    data = views.portfolio_data(params)
    data["alerts"] = _alerts(data["alerts"])
    return jsonable(data)  # type: ignore[no-any-return]


class ImpactIn(Schema):
    country: str
    restriction: str
    effective_on: str | None = None


@router.post(
    "/restrictions/impact",
    summary="Impact analysis: what a restriction in force from a date would touch in a country (hypothetical; nothing recorded)",
)
def restriction_impact(request: HttpRequest, payload: ImpactIn) -> dict[str, Any]:
    query = impact.parse(country=payload.country, restriction=payload.restriction, effective_on=payload.effective_on)
    return jsonable(impact.analyse(query))  # type: ignore[no-any-return]
