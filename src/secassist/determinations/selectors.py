"""Reads of determination packages, scoped to the user, and the annual calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from secassist.accounts import scoping
from secassist.clearances.models import ClearanceRequest
from secassist.core import clock
from secassist.restrictions.models import Waiver

from . import rules
from .models import DeterminationPackage, DeterminationType

# Packages are pre-decisional (accounts.scoping): the register's keepers (SA and Title 10 analysts) and
# the oversight seats read all of them; everyone else reads the packages their office was asked to clear.
SUBJECT_TYPE = "determinations.determinationpackage"


def packages(user: Any) -> QuerySet[DeterminationPackage]:
    qs = DeterminationPackage.objects.select_related("dtype", "restriction", "country", "waiver", "owner_office")
    if scoping.reads_all(user, SUBJECT_TYPE):
        return qs
    office_id = scoping.office_id(user)
    if not office_id:
        return qs.none()
    asked = ClearanceRequest.objects.filter(subject_type=SUBJECT_TYPE, office_id=office_id).values_list("subject_id", flat=True)
    return qs.filter(pk__in=[int(x) for x in asked])


def types() -> QuerySet[DeterminationType]:
    return DeterminationType.objects.select_related("restriction", "anchor").order_by("key")


def _view(t: DeterminationType) -> rules.TypeView:
    return rules.TypeView(
        t.key,
        t.due_month,
        t.due_day,
        t.anchor.key if t.anchor else None,
        t.offset_min_days,
        t.offset_max_days,
        tuple(t.reminder_days or ()),
    )


def calendar(
    user: Any, *, year: int, today: dt.date | None = None, detail: bool = True, all_types: list[DeterminationType] | None = None
) -> list[dict[str, Any]]:
    """Each recurring item's statutory date in calendar `year`, what was decided for the FY before, and reminders.

    `detail=False` (the home panel) leaves out last year's decisions and the packages: no query per item."""
    today = today or clock.today()
    all_types = all_types if all_types is not None else list(types())
    views = {t.key: _view(t) for t in all_types}
    visible = packages(user) if detail else DeterminationPackage.objects.none()
    rows = []
    for t in (x for x in all_types if x.recurring):
        window = rules.statutory_window(views[t.key], year, views)
        if window is None:
            continue
        opens, due = window
        decided_fy = year + t.fy_offset
        rows.append(
            {
                "key": t.key,
                "title": t.title,
                "restriction": t.restriction.key if t.restriction else None,
                "window_opens_on": opens,
                "due_on": due,
                "decides_fiscal_year": decided_fy,
                "citation": t.due_citation,
                "source_url": t.due_source_url,
                "confidence": t.due_confidence,
                "note": t.due_note,
                "reminders": rules.reminder_dates(due, t.reminder_days or []),
                "reminder_active": any(r <= today <= due for r in rules.reminder_dates(due, t.reminder_days or [])),
                "days_until_due": (due - today).days,
                "last_year": last_year(t, decided_fy - 1) if detail else None,
                "packages": [
                    {"id": p.pk, "number": p.number, "country": p.country.iso3, "status": p.status}
                    for p in visible.filter(dtype=t, fiscal_year=decided_fy)
                ]
                if detail
                else [],
            }
        )
    return sorted(rows, key=lambda r: (r["due_on"], r["key"]))


def last_year(t: DeterminationType, fiscal_year: int) -> dict[str, Any]:
    """What the register holds for this restriction in the previous cycle's fiscal year."""
    if t.restriction is None:
        return {"fiscal_year": fiscal_year, "decisions": []}
    rows = (
        Waiver.objects.filter(restriction=t.restriction, fiscal_year=fiscal_year)
        .select_related("country")
        .order_by("country__name")
    )
    return {
        "fiscal_year": fiscal_year,
        "decisions": [
            {
                "country": w.country.iso3,
                "kind": w.kind,
                "scope": w.scope_label,
                "signed_on": w.signed_on,
                "pd_number": w.pd_number,
            }
            for w in rows
        ],
    }


def due_soon(user: Any, *, days: int = 90, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or clock.today()
    all_types = list(types())
    items = [
        row
        for year in (today.year, today.year + 1)
        for row in calendar(user, year=year, today=today, detail=False, all_types=all_types)
    ]
    return [r for r in items if 0 <= r["days_until_due"] <= days]
