"""Clearances API: list and answer clearance requests."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from secassist.core.errors import InvalidInput

from . import selectors, services
from .models import ClearanceRequest, Position

router = Router(tags=["clearances"])


class ClearanceOut(Schema):
    id: int
    subject_type: str
    subject_id: str
    subject_label: str
    office: str
    reason: str
    due_on: dt.date
    position: str
    comments: str
    decided_by: str | None
    decided_at: dt.datetime | None


class PositionIn(Schema):
    position: str
    comments: str = ""


def _out(c: ClearanceRequest) -> dict[str, object]:
    return {
        "id": c.pk,
        "subject_type": c.subject_type,
        "subject_id": c.subject_id,
        "subject_label": c.subject_label,  # type: ignore[attr-defined]
        "office": c.office.code,
        "reason": c.reason,
        "due_on": c.due_on,
        "position": c.position,  # type: ignore[attr-defined]
        "comments": c.comments,
        "decided_by": c.decided_by.username if c.decided_by else None,  # type: ignore[attr-defined]
        "decided_at": c.decided_at,
    }  # type: ignore[attr-defined]


@router.get("/clearances", response=list[ClearanceOut], summary="Clearance requests, filterable by office and position")
def list_clearances(
    request: HttpRequest,
    office: str | None = None,
    position: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
) -> list[dict[str, object]]:
    qs = selectors.visible_to(request.user)
    if position:
        if position not in Position.values:
            raise InvalidInput(f"position must be one of {', '.join(Position.values)}", field="position", value=position)
        qs = qs.filter(position=position)
    if office:
        qs = qs.filter(office__code=office)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return [_out(c) for c in qs.order_by("due_on", "id")[:1000]]


@router.post("/clearances/{clearance_id}/position", response=ClearanceOut, summary="Record an office's position")
def post_position(request: HttpRequest, clearance_id: int, payload: PositionIn) -> dict[str, object]:
    clearance = selectors.visible_to(request.user).filter(pk=clearance_id).first()
    if clearance is None:
        raise Http404(f"no clearance {clearance_id}")
    return _out(
        services.record_position(
            acting_user=request.user, clearance=clearance, position=payload.position, comments=payload.comments
        )
    )
