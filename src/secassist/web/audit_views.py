from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secassist.accounts.permissions import capability
from secassist.audit.selectors import search_events


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@capability("audit.view")
def trail(request: HttpRequest) -> HttpResponse:
    g = request.GET
    events = search_events(
        object_type=g.get("object_type", "").strip(),
        object_id=g.get("object_id", "").strip(),
        username=g.get("user", "").strip(),
        action=g.get("action", "").strip(),
        date_from=_date(g.get("from")),
        date_to=_date(g.get("to")),
    )
    errors = [f"'{k}' must be a date as YYYY-MM-DD" for k in ("from", "to") if g.get(k) and _date(g.get(k)) is None]
    page = Paginator(events, 50).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    return render(request, "audit/trail.html", {"page": page, "filters": g, "errors": errors, "query": query.urlencode()})
