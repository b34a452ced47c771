from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from secassist.accounts import scoping
from secassist.core import clock

from .models import ClearanceRequest, Position
from .services import subject_key


def for_subject(subject: models.Model) -> QuerySet[ClearanceRequest]:
    subject_type, subject_id = subject_key(subject)
    return (
        ClearanceRequest.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("office", "decided_by")
        .order_by("office__code")
    )


def summary_for_subject(subject: models.Model) -> dict[str, Any]:
    rows = list(for_subject(subject).exclude(position=Position.WITHDRAWN))
    return {
        "total": len(rows),
        "pending": sum(r.position == Position.PENDING for r in rows),
        "cleared": sum(r.position in (Position.CLEAR, Position.CLEAR_WITH_COMMENTS) for r in rows),
        "not_cleared": sum(r.position == Position.DO_NOT_CLEAR for r in rows),
        "all_cleared": bool(rows) and all(r.position in (Position.CLEAR, Position.CLEAR_WITH_COMMENTS) for r in rows),
    }


def for_office(office_id: int, *, open_only: bool = True) -> QuerySet[ClearanceRequest]:
    qs = ClearanceRequest.objects.filter(office_id=office_id).select_related("office")
    return qs.filter(position=Position.PENDING) if open_only else qs


def overdue(*, today: Any = None) -> QuerySet[ClearanceRequest]:
    return ClearanceRequest.objects.filter(position=Position.PENDING, due_on__lt=today or clock.today()).select_related("office")


def visible_to(user: Any) -> QuerySet[ClearanceRequest]:
    """Clearances are need-to-know (accounts.scoping): the oversight seats read all; the keepers of a
    kind of subject read its clearances; everyone else reads the clearances of their own office."""
    qs = ClearanceRequest.objects.select_related("office", "decided_by")
    if not scoping.signed_in(user):
        return qs.none()
    if scoping.is_oversight(user):
        return qs
    mine = Q(office_id=scoping.office_id(user)) if scoping.office_id(user) else Q(pk__in=[])
    return qs.filter(mine | Q(subject_type__in=scoping.kept_clearance_subjects(user)))


def open_count() -> int:
    return ClearanceRequest.objects.filter(position=Position.PENDING).count()
