"""The tasker state machine: received → tasked → comments due → adjudicating → State input
transmitted → closed (plus cancel, and reopening comments for a late office).

One `transition()` does a conditional UPDATE on the old status, so of two concurrent transitions
exactly one wins; it writes a history row and an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.clearances import services as clearance_services
from secassist.core import clock
from secassist.core.calendar import business_days_between
from secassist.core.errors import InvalidInput, RuleViolation, TransitionNotAllowed

from .models import Adjudication, Comment, Tasker, TaskerHistory, TaskerStatus

S = TaskerStatus


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    guard: Callable[[Tasker, str], None] | None = None
    effect: Callable[[Any, Tasker, str], None] | None = None
    needs_note: bool = False


def _guard_task(tasker: Tasker, note: str) -> None:
    offices = list(tasker.offices.all())
    if tasker.state_lead_id is None or not offices:
        raise RuleViolation(
            "a tasker needs a State lead and at least one tasked office before it is tasked",
            code="PLN-003",
            state_lead=tasker.state_lead_id,
            offices=[o.code for o in offices],
            citation="plans workflow, docs/adr/0500",
        )
    if tasker.office_due_on is None:
        raise RuleViolation(
            "set the office suspense (office comments due) before tasking offices", code="PLN-002", field="office_due_on"
        )
    if tasker.office_due_on > tasker.due_on or tasker.office_due_on < clock.today():
        raise RuleViolation(
            f"the office suspense {tasker.office_due_on:%Y-%m-%d} must fall between today ({clock.today():%Y-%m-%d}) "
            f"and DoD's due date {tasker.due_on:%Y-%m-%d}",
            code="PLN-002",
            office_due_on=tasker.office_due_on,
            due_on=tasker.due_on,
            today=clock.today(),
        )


def _effect_task(user: Any, tasker: Tasker, note: str) -> None:
    """Tasked offices get a clearance request (their home page and clearances list show it)."""
    days = max(business_days_between(clock.today(), tasker.office_due_on or tasker.due_on), 0)
    clearance_services.request_clearances(
        acting_user=user,
        subject=tasker,
        offices=[(o, f"tasked to comment on {tasker.product.get_product_type_display()} review") for o in tasker.offices.all()],
        business_days=days,
        subject_url=reverse("plans:tasker", args=[tasker.pk]),
    )


def _guard_has_comments(tasker: Tasker, note: str) -> None:
    if not tasker.comments.exists():
        raise RuleViolation(
            "there are no comments to adjudicate; cancel the tasker with a reason if State has none", code="PLN-006", comments=0
        )


def _guard_all_adjudicated(tasker: Tasker, note: str) -> None:
    live = Comment.objects.filter(tasker=tasker, merged_into__isnull=True)
    pending = list(live.filter(adjudication=Adjudication.PENDING).values_list("number", flat=True))
    unexplained = list(
        live.filter(adjudication__in=[Adjudication.MODIFIED, Adjudication.REJECTED], dod_response="").values_list(
            "number", flat=True
        )
    )
    if pending or unexplained:
        raise RuleViolation(
            "every comment must be adjudicated before State's input is transmitted"
            + (f"; not adjudicated: {', '.join(map(str, pending))}" if pending else "")
            + (f"; modified or rejected without DoD's response: {', '.join(map(str, unexplained))}" if unexplained else ""),
            code="PLN-007",
            pending=pending,
            missing_response=unexplained,
            citation="DoD comment resolution matrix practice",
        )


def _effect_transmit(user: Any, tasker: Tasker, note: str) -> None:
    Tasker.objects.filter(pk=tasker.pk).update(transmitted_on=clock.today())


def _effect_cancel(user: Any, tasker: Tasker, note: str) -> None:
    clearance_services.withdraw_clearances(acting_user=user, subject=tasker, reason=f"tasker cancelled: {note}")


OPEN = (S.RECEIVED, S.TASKED, S.COMMENTS_DUE, S.ADJUDICATING)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("task", "Task offices", (S.RECEIVED,), S.TASKED, _guard_task, _effect_task),
        Transition("call_for_comments", "Issue the final call for comments", (S.TASKED,), S.COMMENTS_DUE),
        Transition(
            "start_adjudication", "Close comments and start adjudication", (S.COMMENTS_DUE,), S.ADJUDICATING, _guard_has_comments
        ),
        Transition("reopen_comments", "Reopen comments for a late office", (S.ADJUDICATING,), S.COMMENTS_DUE, needs_note=True),
        Transition(
            "transmit",
            "Record State input as transmitted",
            (S.ADJUDICATING,),
            S.TRANSMITTED,
            _guard_all_adjudicated,
            _effect_transmit,
        ),
        Transition("close", "Close", (S.TRANSMITTED,), S.CLOSED),
        Transition("cancel", "Cancel (DoD withdrew the tasker)", OPEN, S.CLOSED, None, _effect_cancel, needs_note=True),
    ]
}


def available(tasker: Tasker) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if tasker.status in t.sources]


@transaction.atomic
def transition(*, acting_user: Any, tasker: Tasker, action: str, note: str = "") -> Tasker:
    require(acting_user, "plans.edit")
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise InvalidInput(
            f"action must be one of {', '.join(TRANSITIONS)}", field="action", value=action, allowed=list(TRANSITIONS)
        )
    if spec.needs_note and not note.strip():
        raise InvalidInput(f"{spec.label}: a note giving the reason is required", field="note")
    tasker.refresh_from_db()
    old = tasker.status
    if old not in spec.sources:
        raise TransitionNotAllowed(
            f"cannot {spec.label.lower()} a tasker that is {tasker.get_status_display().lower()}",
            current=old,
            action=action,
            allowed_from=list(spec.sources),
        )
    if spec.guard:
        spec.guard(tasker, note)
    now = clock.now()
    # Conditional UPDATE: of two concurrent transitions from the same status exactly one matches.
    if not Tasker.objects.filter(pk=tasker.pk, status=old).update(status=spec.target, status_changed_at=now):
        tasker.refresh_from_db()
        raise TransitionNotAllowed(
            f"the tasker changed meanwhile (now {tasker.get_status_display().lower()})", current=tasker.status, action=action
        )
    TaskerHistory.objects.create(
        tasker=tasker,
        from_status=old,
        to_status=spec.target,
        action=action,
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        at=now,
        note=note,
    )
    if spec.effect:
        spec.effect(acting_user, tasker, note)
    record(
        actor=acting_user,
        action=f"plans.tasker.{action}",
        obj=tasker,
        before={"status": old},
        after={"status": spec.target},
        reason=note,
    )
    tasker.refresh_from_db()
    return tasker
