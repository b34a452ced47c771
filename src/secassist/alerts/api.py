"""GET /api/v1/alerts: the caller's own in-app alerts, newest first."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from secassist.accounts.access import require

from . import selectors

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/alerts", response=list[AlertOut], summary="My alerts (clearances due, clocks, waiver expiry, reminders)")
def list_alerts(request: HttpRequest, unread: bool = False) -> list[object]:
    require(request.user, "view")
    return list(selectors.alerts_for(request.user, unread_only=unread)[:200])
