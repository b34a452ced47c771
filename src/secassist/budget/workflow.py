"""The allocation status machine: planned → approved → reported in 653(a) → notified → apportioned
→ obligated → expended (withdrawn from planned/approved/reported/notified when nothing is left).

One `transition()` does a conditional UPDATE on the old status (of two concurrent transitions
exactly one wins), writes a history row and an audit event.
"""

from __future__ import annotations

from typing import Any

from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import TransitionNotAllowed

from .models import Allocation, AllocationStatus, AllocationStatusChange

S = AllocationStatus
ORDER: list[str] = [S.PLANNED, S.APPROVED, S.REPORTED_653A, S.NOTIFIED, S.APPORTIONED, S.OBLIGATED, S.EXPENDED]

# Transitions a person may make from a page, the API or the CLI. Later stages follow postings.
MANUAL: dict[str, set[str]] = {
    S.PLANNED: {S.APPROVED, S.WITHDRAWN},
    S.APPROVED: {S.PLANNED, S.NOTIFIED, S.WITHDRAWN},
    S.REPORTED_653A: {S.NOTIFIED, S.WITHDRAWN},
    S.NOTIFIED: {S.WITHDRAWN},
    S.APPORTIONED: set(),
    S.OBLIGATED: set(),
    S.EXPENDED: set(),
    S.WITHDRAWN: {S.PLANNED},
}

# The status a posting moves a line to (forward only).
AFTER_POSTING = {
    "apportion": S.APPORTIONED,
    "obligate": S.OBLIGATED,
    "reobligate": S.OBLIGATED,
    "disburse": S.EXPENDED,
    "transfer_fms": S.EXPENDED,
}


def allowed_manual(status: str) -> list[str]:
    return sorted(MANUAL.get(status, set()), key=lambda s: [*ORDER, str(S.WITHDRAWN)].index(s))


def _write(*, acting_user: Any, allocation: Allocation, old: str, new: str, reason: str) -> Allocation:
    updated = Allocation.objects.filter(pk=allocation.pk, status=old).update(status=new)
    if not updated:
        allocation.refresh_from_db(fields=["status"])
        raise TransitionNotAllowed(
            f"{allocation.recipient_name} changed meanwhile: it is now {allocation.get_status_display()}",
            current=allocation.status,
        )
    AllocationStatusChange.objects.create(
        allocation=allocation,
        from_status=old,
        to_status=new,
        at=clock.now(),
        by=acting_user if getattr(acting_user, "pk", None) else None,
        reason=reason,
    )
    record(
        actor=acting_user,
        action="budget.allocation.status",
        obj=allocation,
        before={"status": old},
        after={"status": new},
        reason=reason,
    )
    allocation.status = new
    return allocation


def transition(*, acting_user: Any, allocation: Allocation, to_status: str, reason: str = "") -> Allocation:
    """A person's transition: must be in MANUAL. Callers run inside a transaction (services)."""
    old = allocation.status
    if to_status not in MANUAL.get(old, set()):
        allowed = allowed_manual(old)
        raise TransitionNotAllowed(
            f"a line that is {S(old).label.lower()} cannot be moved to {to_status}; allowed: {', '.join(allowed) or 'none'}",
            current=old,
            requested=to_status,
            allowed=allowed,
        )
    return _write(acting_user=acting_user, allocation=allocation, old=old, new=to_status, reason=reason)


def advance(*, acting_user: Any, allocation: Allocation, to_status: str, reason: str) -> Allocation:
    """Move forward after a posting or a report; never backward, never out of withdrawn."""
    old = allocation.status
    if old == S.WITHDRAWN or old not in ORDER or ORDER.index(to_status) <= ORDER.index(old):
        return allocation
    try:
        return _write(acting_user=acting_user, allocation=allocation, old=old, new=to_status, reason=reason)
    except TransitionNotAllowed:
        # The line moved on meanwhile (e.g. a CN covering it cleared): `_write` re-read its status;
        # advance from there if that is still backward of the target.
        if allocation.status == old:
            raise
        return advance(acting_user=acting_user, allocation=allocation, to_status=to_status, reason=reason)
