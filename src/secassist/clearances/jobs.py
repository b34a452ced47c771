"""Recurring clearance work: escalate what is overdue and alert the offices whose answers come due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from secassist.alerts.models import AlertKind
from secassist.alerts.services import deliver
from secassist.core import clock
from secassist.core.jobs import job

from . import services
from .models import ClearanceRequest, Position


def _office_users(office_id: int) -> list[Any]:
    return list(get_user_model().objects.filter(office_id=office_id, is_active=True))


def _alert_office(clearance: ClearanceRequest, *, kind: str, key: str, title: str) -> int:
    url = reverse("clearances:detail", args=[clearance.pk])
    body = f"{clearance.subject_label} — due {clearance.due_on:%d %b %Y}. {clearance.reason}".strip()
    return sum(
        deliver(user=user, kind=kind, key=key, title=title, body=body, url=url) is not None
        for user in _office_users(clearance.office_id)
    )


def alert_clearances(*, today: dt.date) -> dict[str, int]:
    escalated = services.escalate_overdue(acting_user=None, today=today)
    sent = 0
    horizon = today + dt.timedelta(days=max(settings.SECASSIST_ALERT_LEAD_DAYS, default=0))
    pending = ClearanceRequest.objects.filter(position=Position.PENDING, due_on__lte=horizon).select_related("office")
    for clearance in pending:
        left = (clearance.due_on - today).days
        if left < 0:
            title = f"Overdue {-left} day{'s' if left != -1 else ''}: clearance on {clearance.subject_label}"
            sent += _alert_office(
                clearance, kind=AlertKind.CLEARANCE_ESCALATED, key=f"clearance:{clearance.pk}:escalated", title=title
            )
        elif left in settings.SECASSIST_ALERT_LEAD_DAYS or left == 0:
            when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
            sent += _alert_office(
                clearance,
                kind=AlertKind.CLEARANCE_DUE,
                key=f"clearance:{clearance.pk}:due:{left}",
                title=f"Clearance due {when}: {clearance.subject_label}",
            )
    return {"escalated": escalated, "alerts": sent}


@job()
def clearance_alerts() -> dict[str, int]:
    return alert_clearances(today=clock.today())
