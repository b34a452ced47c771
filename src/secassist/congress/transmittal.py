"""Transmitting a CN to Congress through a second person (maker-checker, ADR 0710).

Transmittal opens the statutory clock and commits the Department, so the analyst who records it
proposes it (approvals act `congress.transmit_cn`): the transmittal date and committees are checked
at once (the same guard as the transition), and on approval the transition runs with those values,
carried out by the approver. The version approved is a digest of what the CN says; if the package
changes after the proposal, approval is refused (APR-003).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from secassist.approvals import services as approvals

from .models import Package

ACT = "congress.transmit_cn"


def _facts(package: Package) -> dict[str, Any]:
    return {
        "number": package.number,
        "title": package.title,
        "amount": str(package.amount),
        "description": package.description,
        "purpose": package.purpose,
        "mde_items": package.mde_items,
        "rules": sorted(package.rules.values_list("code", flat=True)),
        "allocations": sorted(package.allocations.values_list("pk", flat=True)),
        "recipient": package.country_id or package.pseudo_region_id,
        "is_emergency": package.is_emergency,
    }


def version_of(package: Package) -> str:
    """What the approver approves: a digest of the CN's facts as proposed."""
    return hashlib.sha256(json.dumps(_facts(package), sort_keys=True, default=str).encode()).hexdigest()[:16]


def needs_approval(package: Package) -> bool:
    return approvals.needs_approval(ACT, amount=package.amount)


def propose(*, acting_user: Any, package: Package, extra: dict[str, Any], note: str) -> Any:
    """The guard has passed: propose the transmittal with the date and committees it checked."""
    sent: dt.date = extra["transmitted_on"]
    committees = sorted(c.code for c in extra["_addressees"])
    return approvals.propose(
        acting_user=acting_user,
        act=ACT,
        subject=package,
        summary=(
            f"record {package.number} ({package.amount:,.2f}) as transmitted to {', '.join(committees)} on {sent}, "
            f"which starts its statutory waiting period"
        )[:500],
        reason=note,
        payload={"transmitted_on": sent.isoformat(), "addressees": committees, "facts": _facts(package)},
        version=version_of(package),
        subject_url=f"/notifications/{package.pk}/",
    )


def on_approve(*, request: Any, acting_user: Any) -> None:
    from . import workflow

    package = Package.objects.get(pk=int(request.subject_id))
    workflow.transition(
        acting_user=acting_user,
        package=package,
        action="transmit",
        note=f"approval request #{request.pk}: proposed by {request.proposed_by.username}, approved by {acting_user.username}",
        transmitted_on=request.payload["transmitted_on"],
        addressees=request.payload["addressees"],
        _approved_by=request,
    )


def current_version(request: Any) -> str:
    package = Package.objects.filter(pk=int(request.subject_id)).first()
    return version_of(package) if package else "deleted"
