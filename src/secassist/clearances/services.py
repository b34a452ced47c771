"""Writes on clearances: request, record a position, withdraw, escalate. Each is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from secassist.accounts.access import require
from secassist.accounts.roles import Role
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.calendar import add_business_days
from secassist.core.errors import AccessDenied, InvalidInput, TransitionNotAllowed
from secassist.core.safe_url import clean_url
from secassist.reference.models import Office

from . import versions
from .models import DECIDED, ClearanceRequest, Position, PositionRecord
from .versions import subject_key

__all__ = ["escalate_overdue", "record_position", "request_clearances", "subject_key", "withdraw_clearances"]

DEFAULT_SLA_BUSINESS_DAYS = 5


@transaction.atomic
def request_clearances(
    *,
    acting_user: Any,
    subject: models.Model,
    offices: Iterable[tuple[Office, str]],
    business_days: int = DEFAULT_SLA_BUSINESS_DAYS,
    subject_url: str = "",
) -> list[ClearanceRequest]:
    """Ask each (office, reason) to clear `subject`; offices already asked are left as they are."""
    subject_type, subject_id = subject_key(subject)
    # The offices are asked about the text as it stands now: keep it as a version first (ADR 0740).
    versions.save_version(acting_user=acting_user, subject=subject, change_note="sent for clearance")
    due = add_business_days(clock.today(), business_days)
    existing = set(
        ClearanceRequest.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .exclude(position=Position.WITHDRAWN)
        .values_list("office_id", flat=True)
    )
    created = []
    for office, reason in offices:
        if office.pk in existing:
            continue
        existing.add(office.pk)
        clearance = ClearanceRequest.objects.create(
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=str(subject)[:300],
            subject_url=clean_url(subject_url, field="subject_url"),
            office=office,
            reason=reason[:300],
            requested_by=acting_user if getattr(acting_user, "pk", None) else None,
            requested_at=clock.now(),
            due_on=due,
        )
        record(
            actor=acting_user,
            action="clearance.request",
            obj=clearance,
            after={"office": office.code, "due_on": due, "reason": reason, "subject": f"{subject_type}:{subject_id}"},
        )
        created.append(clearance)
    return created


def _may_respond(user: Any, clearance: ClearanceRequest) -> None:
    require(user, "clearance.respond")
    if getattr(user, "role", None) == Role.ADMIN:
        return
    if getattr(user, "office_id", None) != clearance.office_id:
        raise AccessDenied(
            f"only a clearing officer of {clearance.office.code} may record its position",
            office=clearance.office.code,
        )


@transaction.atomic
def record_position(
    *, acting_user: Any, clearance: ClearanceRequest, position: str, comments: str = "", version: Any = None
) -> ClearanceRequest:
    """Record the office's position on the document's current version (`version`: the number the
    officer read, refused if it is no longer current). A stale position may be given again."""
    if position not in [p.value for p in DECIDED]:
        raise InvalidInput(
            f"position must be one of {', '.join(p.value for p in DECIDED)}",
            field="position",
            value=position,
            allowed=[p.value for p in DECIDED],
        )
    if position in (Position.CLEAR_WITH_COMMENTS, Position.DO_NOT_CLEAR) and not comments.strip():
        raise InvalidInput("comments are required to clear with comments or not clear", field="comments")
    _may_respond(acting_user, clearance)
    fresh = _reload(clearance)
    if not fresh.is_open:
        raise TransitionNotAllowed(
            f"{fresh.office.code} has already answered ({fresh.get_position_display()}) on the current version",
            current=fresh.position,
        )
    seen = versions.version_for_position(
        subject_type=fresh.subject_type, subject_id=fresh.subject_id, seen=version, office=fresh.office.code
    )
    now = clock.now()
    # Conditional update on the old state: of two concurrent answers exactly one wins.
    updated = ClearanceRequest.objects.filter(
        pk=fresh.pk, position=fresh.position, cleared_version_id=fresh.cleared_version_id
    ).update(position=position, comments=comments, decided_by=acting_user, decided_at=now, cleared_version=seen)
    if not updated:
        raise TransitionNotAllowed(f"{fresh.office.code}'s position changed meanwhile; reload", current=fresh.position)
    PositionRecord.objects.create(clearance=fresh, position=position, comments=comments, version=seen, by=acting_user, at=now)
    clearance.refresh_from_db()
    record(
        actor=acting_user,
        action="clearance.position",
        obj=clearance,
        before={"position": fresh.position, "version": fresh.cleared_version.number if fresh.cleared_version else None},
        after={"position": position, "comments": comments, "version": seen.number if seen else None},
    )
    return clearance


def _reload(clearance: ClearanceRequest) -> ClearanceRequest:
    from .selectors import with_version_state

    return with_version_state(ClearanceRequest.objects.select_related("office")).get(pk=clearance.pk)


@transaction.atomic
def withdraw_clearances(*, acting_user: Any, subject: models.Model, reason: str) -> int:
    subject_type, subject_id = subject_key(subject)
    pending = list(ClearanceRequest.objects.filter(subject_type=subject_type, subject_id=subject_id, position=Position.PENDING))
    for clearance in pending:
        ClearanceRequest.objects.filter(pk=clearance.pk, position=Position.PENDING).update(position=Position.WITHDRAWN)
        record(
            actor=acting_user,
            action="clearance.withdraw",
            obj=clearance,
            before={"position": "pending"},
            after={"position": "withdrawn"},
            reason=reason,
        )
    return len(pending)


@transaction.atomic
def escalate_overdue(*, acting_user: Any = None, today: dt.date | None = None) -> int:
    """Mark pending clearances past due as escalated (shown on the dashboards); returns how many."""
    today = today or clock.today()
    overdue = list(ClearanceRequest.objects.filter(position=Position.PENDING, due_on__lt=today, escalated_at__isnull=True))
    now = clock.now()
    for clearance in overdue:
        ClearanceRequest.objects.filter(pk=clearance.pk, escalated_at__isnull=True).update(escalated_at=now)
        record(
            actor=acting_user,
            action="clearance.escalate",
            obj=clearance,
            after={"due_on": clearance.due_on, "days_overdue": (today - clearance.due_on).days},
        )
    return len(overdue)
