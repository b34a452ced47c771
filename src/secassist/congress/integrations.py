"""The cross-app services congress provides (registered in apps.py):

- "congress.obligation_gate": gate(*, allocation, amount, on_date, line_before=None) -> None, or RuleViolation CN-00x
- "congress.open_package":    open_package(*, acting_user, source, **fields) -> Package (services.py)
- "congress.clearance_for":   clearance_for(source) -> dict | None
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db import models

from secassist.core.errors import RuleViolation

from . import coverage, rules, selectors
from .models import LIVE_STATUSES, Package, PackageLink


def packages_covering(allocation: Any) -> list[Package]:
    """The live CNs covering the allocation (see coverage.packages_by_line)."""
    return coverage.packages_by_line([allocation]).get(allocation.pk, [])


def gate(*, allocation: Any, amount: Decimal, on_date: dt.date, line_before: Mapping[str, Decimal] | None = None) -> None:
    """Refuse an obligation that the cleared notifications covering the line do not cover.

    The same coverage the funds pages show (coverage.py): cumulative obligations on the line
    against the cleared CNs' amounts plus each rule's statutory tolerance. Called by budget's
    obligation service. `line_before` is the line's balance as the caller holds it before this
    obligation (a batch's running figures, which include its own earlier entries); else it is read.
    """
    from secassist.budget.models import Balance

    if not getattr(allocation, "notification_required", True):
        return
    balance = SimpleNamespace(**line_before) if line_before is not None else Balance.objects.filter(allocation=allocation).first()
    finding = rules.gate_verdict(
        allocation_label=str(allocation),
        amount=Decimal(amount),
        obligated_before=coverage.counted_obligated(allocation, balance),
        on_date=on_date,
        coverages=[coverage.coverage_of(p) for p in packages_covering(allocation)],
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
