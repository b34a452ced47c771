"""Reads for the restrictions pages, API and other apps (no writes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from secassist.core import clock

from .models import Assessment, Designation, Restriction, SecurityForceUnit, Waiver

EXPIRY_ALERT_DAYS = 90


def catalog() -> QuerySet[Restriction]:
    return Restriction.objects.filter(is_active=True).prefetch_related("accounts", "authorities").order_by("order", "rule_code")


def designations_for(iso3: str) -> QuerySet[Designation]:
    return (
        Designation.objects.filter(country__iso3=iso3.upper())
        .select_related("restriction", "country")
        .order_by("restriction__order", "-fiscal_year", "-effective_from")
    )


def waivers_for(iso3: str) -> QuerySet[Waiver]:
    return (
        Waiver.objects.filter(country__iso3=iso3.upper())
        .select_related("restriction", "country")
        .order_by("-effective_from", "restriction__order")
    )


def units_for(iso3: str) -> QuerySet[SecurityForceUnit]:
    return SecurityForceUnit.objects.filter(country__iso3=iso3.upper()).select_related("parent", "country").order_by("name")


def waiver_register(
    *,
    restriction: str = "",
    country: str = "",
    fiscal_year: int | None = None,
    kind: str = "",
    in_force_on: dt.date | None = None,
) -> QuerySet[Waiver]:
    qs = Waiver.objects.select_related("restriction", "country", "recorded_by").order_by("-effective_from", "country__name")
    if restriction:
        qs = qs.filter(restriction__key=restriction)
    if country:
        qs = qs.filter(country__iso3=country.upper())
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if kind:
        qs = qs.filter(kind=kind)
    if in_force_on:
        qs = qs.filter(effective_from__lte=in_force_on).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=in_force_on))
    return qs


def expiring_waivers(*, today: dt.date | None = None, days: int = EXPIRY_ALERT_DAYS) -> QuerySet[Waiver]:
    """Relieving waivers in force today that expire within `days` (the dashboard alert)."""
    today = today or clock.today()
    return (
        Waiver.objects.filter(
            kind__in=list(Waiver.RELIEVING),
            effective_from__lte=today,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("restriction", "country")
        .order_by("expires_on", "country__name")
    )


def assessments(*, country: str = "", fiscal_year: int | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.select_related("restriction", "country", "recorded_by")
    if country:
        qs = qs.filter(country__iso3=country.upper())
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    return qs.order_by("-fiscal_year", "country__name", "restriction__order")


def timeline_gaps(iso3: str) -> dict[str, Any]:
    """The periods a country's restriction timeline cannot answer (ADR 0610), FY2000 to the current FY: shown as
    labelled "not covered" spans on the timeline and the country page, never as silence."""
    from secassist.core.fiscal import FiscalYear

    from .coverage import FIRST_FY, country_gaps
    from .snapshot import get_snapshot

    today = clock.today()
    fy_to = FiscalYear.of(today).year
    return {
        "gaps": country_gaps(get_snapshot(), iso3, fy_from=FIRST_FY, fy_to=fy_to, today=today),
        "gap_fy_from": FIRST_FY,
        "gap_fy_to": fy_to,
    }
