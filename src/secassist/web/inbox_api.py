"""GET /api/v1/inbox: what waits for the caller, soonest first."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from secassist.accounts.access import require
from secassist.core import clock

from . import inbox

router = Router(tags=["inbox"])


class InboxItemOut(Schema):
    kind: str
    kind_label: str
    title: str
    due_on: dt.date | None
    state: str
    url: str
    detail: str


class InboxOut(Schema):
    count: int
    items: list[InboxItemOut]


@router.get("/inbox", response=InboxOut, summary="My work: clearances due, approvals, clocks, hold questions, action items")
def my_inbox(request: HttpRequest) -> dict[str, object]:
    require(request.user, "view")
    today = clock.today()
    items = [i.as_dict(today) for i in inbox.items_for(request.user, today=today)]
    return {"count": len(items), "items": items}
