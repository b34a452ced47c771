"""The proposal state machine.

received → in_clearance → under_review → decided → cn_pending → ready_to_execute; any open
state → withdrawn. A decision of concur/concur-with-conditions on an authority without a CN
clock goes decided → ready_to_execute directly; a §333 (CN-bearing) proposal cannot be marked
ready to execute before its CN clears (checked in services.mark_ready through the congress
service).

`transition()` is the one door: a conditional UPDATE on the old status (of two concurrent
transitions exactly one wins), a history row and an audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import TransitionNotAllowed

from .models import Proposal, ProposalHistory, Status

#: (from, to) -> capability needed
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.RECEIVED, Status.IN_CLEARANCE): "title10.edit",
    (Status.IN_CLEARANCE, Status.UNDER_REVIEW): "title10.edit",
    (Status.UNDER_REVIEW, Status.DECIDED): "title10.decide",
    (Status.DECIDED, Status.CN_PENDING): "title10.edit",
    (Status.DECIDED, Status.READY_TO_EXECUTE): "title10.edit",
    (Status.CN_PENDING, Status.READY_TO_EXECUTE): "title10.edit",
    (Status.RECEIVED, Status.WITHDRAWN): "title10.edit",
    (Status.IN_CLEARANCE, Status.WITHDRAWN): "title10.edit",
    (Status.UNDER_REVIEW, Status.WITHDRAWN): "title10.edit",
    (Status.DECIDED, Status.WITHDRAWN): "title10.edit",
    (Status.CN_PENDING, Status.WITHDRAWN): "title10.edit",
}


#: statuses in which the proposal's record may still be edited (services.edit_proposal): before
#: State's review begins. Later, the record is what the offices cleared and State decided on.
EDITABLE: tuple[str, ...] = (Status.RECEIVED, Status.IN_CLEARANCE)


def is_editable(status: str) -> bool:
    return status in EDITABLE


def not_editable_message(proposal: Proposal) -> str:
    state = proposal.get_status_display().lower()
    if proposal.status == Status.WITHDRAWN:
        return f"{proposal.reference} is withdrawn: a withdrawn proposal cannot be edited; record it again as a new proposal"
    if proposal.status == Status.UNDER_REVIEW:
        return (
            f"{proposal.reference} is under review: the record State reviews cannot be edited; "
            "withdraw the proposal and resubmit it"
        )
    return f"{proposal.reference} is {state}: a decided proposal cannot be edited; withdraw it and resubmit"


def allowed_targets(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def require_allowed(proposal: Proposal, to_status: str) -> str:
    key = (proposal.status, to_status)
    if key not in TRANSITIONS:
        allowed = allowed_targets(proposal.status)
        raise TransitionNotAllowed(
            f"{proposal.reference} is {proposal.get_status_display().lower()}; it cannot move to "
            f"{Status(to_status).label.lower()} (allowed: {', '.join(allowed) or 'none'})",
            current=proposal.status,
            requested=to_status,
            allowed=allowed,
        )
    return TRANSITIONS[key]


def _system_or_require(user: Any, capability: str) -> None:
    # CLI and demo runs with no named user act as 'system' (recorded as such in the audit trail).
    if user is not None:
        require(user, capability)


@transaction.atomic
def transition(
    *, acting_user: Any, proposal: Proposal, to_status: str, reason: str = "", approved_by: Any = None, **fields: Any
) -> Proposal:
    """Move `proposal` to `to_status`, setting `fields` in the same conditional UPDATE.
    `approved_by`: the approval request under which a second person carries the act out (their
    rights were checked by the approvals app, maker != checker)."""
    capability = require_allowed(proposal, to_status)
    if approved_by is None:
        _system_or_require(acting_user, capability)
    old = proposal.status
    now = clock.now()
    updated = Proposal.objects.filter(pk=proposal.pk, status=old).update(status=to_status, updated_at=now, **fields)
    if not updated:
        proposal.refresh_from_db()
        raise TransitionNotAllowed(
            f"{proposal.reference} changed meanwhile: it is now {proposal.get_status_display().lower()}",
            current=proposal.status,
            requested=to_status,
        )
    ProposalHistory.objects.create(
        proposal=proposal,
        from_status=old,
        to_status=to_status,
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        at=now,
        reason=reason,
    )
    proposal.refresh_from_db()
    record(
        actor=acting_user,
        action=f"title10.proposal.{to_status}",
        obj=proposal,
        before={"status": old},
        after={"status": to_status, **{k: v for k, v in fields.items() if k != "decided_by"}},
        reason=reason,
    )
    return proposal
