"""A funds line's notification state, from CN packages only — the one place it is computed.

Read by the obligation gate (integrations.gate), the funds pages and API (through the
"congress.notification_states" service), the reconciliation report, the country page and the
"lines needing a CN" list. Which CNs cover a line: the live CNs linked to it; if none is linked,
the unlinked live CNs for the same recipient, account and FY.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from secassist.core import clock

from . import rules, selectors
from .models import LIVE_STATUSES, Hold, Package, PackageKind, Status

FALLBACK_CITATION = "22 U.S.C. 2394-1 (FAA §634A)"


def stage_code(package: Package) -> str:
    if package.kind == PackageKind.HISTORICAL and package.status == Status.DRAFTING:
        return "historical_pending"
    return str(package.status)


def coverage_of(package: Package) -> rules.Coverage:
    tol = rules.tolerance_percent(package.rules.all())
    return rules.Coverage(
        number=package.number,
        status=selectors.stage_of(package),
        amount=package.amount,
        transmitted_on=package.transmitted_on,
        wait_ends_on=package.wait_ends_on,
        open_holds=[h.committee.code for h in selectors.open_holds(package)],
        cleared_on=selectors.computed_clear_date(package),
        tolerance=tol[0] if tol else Decimal("0"),
        citation=tol[1].citation if tol else FALLBACK_CITATION,
        stage=stage_code(package),
        url=f"/notifications/{package.pk}/",
    )


def _live() -> Any:
    return Package.objects.filter(status__in=LIVE_STATUSES).prefetch_related(
        "rules", Prefetch("holds", queryset=Hold.objects.select_related("committee")), "allocations"
    )


def packages_by_line(allocations: list[Any]) -> dict[int, list[Package]]:
    """Covering CNs per allocation id, in two queries for any number of lines."""
    ids = [a.pk for a in allocations]
    out: dict[int, list[Package]] = defaultdict(list)
    for package in _live().filter(allocations__in=ids).distinct():
        for a in package.allocations.all():
            if a.pk in ids:
                out[a.pk].append(package)
    unlinked_needed = [a for a in allocations if a.pk not in out and (a.country_id or a.pseudo_region_id)]
    if unlinked_needed:
        accounts = {a.account_id for a in unlinked_needed}
        years = {a.appropriation.fiscal_year for a in unlinked_needed}
        candidates = list(_live().filter(allocations__isnull=True, account_id__in=accounts, fiscal_year__in=years))
        for a in unlinked_needed:
            out[a.pk] = [
                p
                for p in candidates
                if p.account_id == a.account_id
                and p.fiscal_year == a.appropriation.fiscal_year
                and (
                    (a.country_id and p.country_id == a.country_id)
                    or (a.pseudo_region_id and p.pseudo_region_id == a.pseudo_region_id)
                )
            ]
    return out


def counted_obligated(allocation: Any, balance: Any) -> Decimal:
    """What the notification must cover: obligations; FMF is obligated upon apportionment
    (31 U.S.C. 1501(a)(5)(C)), so for FMF whichever of the two is larger."""
    if balance is None:
        return Decimal("0")
    if getattr(allocation.account, "code", "") == "FMF":
        return max(balance.obligated, balance.apportioned)
    return Decimal(balance.obligated)


def line_states(allocations: Iterable[Any], *, on_date: dt.date | None = None) -> dict[int, rules.LineState]:
    from secassist.budget.models import Balance

    lines = list(allocations)
    on_date = on_date or clock.today()
    covering = packages_by_line(lines)
    balances = {b.allocation_id: b for b in Balance.objects.filter(allocation_id__in=[a.pk for a in lines])}
    return {
        a.pk: rules.line_state(
            required=bool(a.notification_required),
            coverages=[coverage_of(p) for p in covering.get(a.pk, [])],
            obligated=counted_obligated(a, balances.get(a.pk)),
            on_date=on_date,
        )
        for a in lines
    }


def notification_states(allocations: Iterable[Any], *, on_date: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """The "congress.notification_states" service: {allocation id: LineState as a dict}."""
    return {pk: state.as_dict() for pk, state in line_states(allocations, on_date=on_date).items()}
