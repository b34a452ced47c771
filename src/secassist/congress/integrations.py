"""The cross-app services congress provides (registered in apps.py):

- "congress.obligation_gate": gate(*, allocation, amount, on_date) -> None, or RuleViolation CN-00x
- "congress.open_package":    open_package(*, acting_user, source, **fields) -> Package (services.py)
- "congress.clearance_for":   clearance_for(source) -> dict | None
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from secassist.core.errors import RuleViolation

from . import rules, selectors
from .models import LIVE_STATUSES, Package, PackageLink


def _coverage(p: Package) -> rules.Coverage:
    tol = rules.tolerance_percent(p.rules.all())
    return rules.Coverage(
        number=p.number,
        status=p.get_status_display(),
        amount=p.amount,
        transmitted_on=p.transmitted_on,
        wait_ends_on=p.wait_ends_on,
        open_holds=[h.committee.code for h in selectors.open_holds(p)],
        cleared_on=selectors.computed_clear_date(p),
        tolerance=tol[0] if tol else Decimal("0"),
        citation=tol[1].citation if tol else "22 U.S.C. 2394-1 (FAA §634A)",
    )


def packages_covering(allocation: Any) -> list[Package]:
    """The live CNs linked to the allocation; if none is linked, those for the same recipient, account and FY."""
    base = Package.objects.filter(status__in=LIVE_STATUSES).prefetch_related("rules", "holds__committee")
    linked = list(base.filter(allocations=allocation))
    if linked:
        return linked
    recipient = Q(country_id=allocation.country_id) if allocation.country_id else Q(pseudo_region_id=allocation.pseudo_region_id)
    if not (allocation.country_id or allocation.pseudo_region_id):
        return []
    return list(
        base.filter(
            recipient,
            account_id=allocation.account_id,
            fiscal_year=allocation.appropriation.fiscal_year,
            allocations__isnull=True,
        )
    )


def gate(*, allocation: Any, amount: Decimal, on_date: dt.date) -> None:
    """Refuse an obligation that no cleared notification covers (called by budget's obligation service)."""
    from secassist.budget.models import Balance

    if not getattr(allocation, "notification_required", True):
        return
    balance = Balance.objects.filter(allocation=allocation).first()
    obligated_before = Decimal("0")
    if balance is not None:
        # FMF is obligated upon apportionment (31 U.S.C. 1501(a)(5)(C)): count whichever is larger.
        fmf = getattr(allocation.account, "code", "") == "FMF"
        obligated_before = max(balance.obligated, balance.apportioned) if fmf else balance.obligated
    covering = packages_covering(allocation)
    if not covering and getattr(allocation, "notification_cleared", False):
        # A CN cleared before the workbench was used, recorded on the line by the budget app (audited there).
        # The reconciliation report still lists such obligations as not covered by a CN in the workbench.
        return
    finding = rules.gate_verdict(
        allocation_label=str(allocation),
        amount=Decimal(amount),
        obligated_before=obligated_before,
        on_date=on_date,
        coverages=[_coverage(p) for p in covering],
    )
    if finding is not None:
        raise RuleViolation(finding.message, code=finding.code, citation=finding.citation, **finding.data)


def clearance_for(source: models.Model) -> dict[str, Any] | None:
    """The CN linked to `source` (opened for it, or linked to it): number, status, wait end, clearance date."""
    subject_type, subject_id = f"{source._meta.app_label}.{source._meta.model_name}", str(source.pk)
    live = Package.objects.filter(status__in=LIVE_STATUSES).prefetch_related("holds__committee")
    package = (
        live.filter(source_type=subject_type, source_id=subject_id).order_by("-created_at").first()
        or live.filter(pk__in=PackageLink.objects.filter(subject_type=subject_type, subject_id=subject_id).values("package_id"))
        .order_by("-created_at")
        .first()
    )
    if package is None:
        return None
    clock = selectors.clock_of(package)
    return {
        "number": package.number,
        "status": package.status,
        "status_label": selectors.stage_of(package),
        "transmitted_on": clock["transmitted_on"],
        "statutory_wait_ends_on": clock["statutory_wait_ends_on"],
        "wait_ends_on": clock["statutory_wait_ends_on"],
        "open_holds": [h["committee"] for h in clock["open_holds"]],
        "cleared_to_obligate_on": clock["cleared_to_obligate_on"],
        "package_id": package.pk,
        "url": f"/notifications/{package.pk}/",
    }
