from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery

from secassist.core import clock

from .models import ClearanceRequest, DocumentVersion, Position, stale_q
from .services import subject_key


def with_version_state(qs: QuerySet[ClearanceRequest]) -> QuerySet[ClearanceRequest]:
    """Annotate each clearance with its subject's latest document version (read by `is_stale`)."""
    latest = DocumentVersion.objects.filter(subject_type=OuterRef("subject_type"), subject_id=OuterRef("subject_id")).order_by(
        "-number"
    )
    return qs.annotate(
        latest_version_id=Subquery(latest.values("pk")[:1]),
        latest_version_number=Subquery(latest.values("number")[:1]),
    ).select_related("cleared_version")


def open_q() -> Q:
    """Waiting for the office: pending, or decided on a version that has since changed (re-opened)."""
    return Q(position=Position.PENDING) | stale_q()


def for_subject(subject: models.Model) -> QuerySet[ClearanceRequest]:
    subject_type, subject_id = subject_key(subject)
    return with_version_state(
        ClearanceRequest.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .select_related("office", "decided_by")
        .order_by("office__code")
    )


def summary_for_subject(subject: models.Model) -> dict[str, Any]:
    rows = list(for_subject(subject).exclude(position=Position.WITHDRAWN))
    current = [r for r in rows if not r.is_stale]
    return {
        "total": len(rows),
        "pending": sum(r.position == Position.PENDING for r in rows),
        "stale": len(rows) - len(current),
        "cleared": sum(r.position in (Position.CLEAR, Position.CLEAR_WITH_COMMENTS) for r in current),
        "not_cleared": sum(r.position == Position.DO_NOT_CLEAR for r in current),
        "all_cleared": bool(rows)
        and len(current) == len(rows)
        and all(r.position in (Position.CLEAR, Position.CLEAR_WITH_COMMENTS) for r in rows),
    }


def for_office(office_id: int, *, open_only: bool = True) -> QuerySet[ClearanceRequest]:
    qs = with_version_state(ClearanceRequest.objects.filter(office_id=office_id).select_related("office"))
    return qs.filter(open_q()) if open_only else qs


def overdue(*, today: Any = None) -> QuerySet[ClearanceRequest]:
    return ClearanceRequest.objects.filter(position=Position.PENDING, due_on__lt=today or clock.today()).select_related("office")


def visible_to(user: Any) -> QuerySet[ClearanceRequest]:
    """Everyone signed in may read clearances; clearing officers see their own office's first."""
    return with_version_state(ClearanceRequest.objects.select_related("office", "decided_by"))


def open_count() -> int:
    return with_version_state(ClearanceRequest.objects.all()).filter(open_q()).count()
