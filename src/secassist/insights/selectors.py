"""The office dashboard: every statutory clock and alert in one place.

Insights sits on top of the domain apps and reads their selectors; it writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from secassist.budget import selectors as budget
from secassist.clearances import selectors as clearances
from secassist.congress import deadlines
from secassist.core import clock
from secassist.restrictions import selectors as restrictions

CLOCK_DAYS = 30
EXPIRY_DAYS = 90


def dashboard(*, today: dt.date | None = None, team: str = "") -> dict[str, Any]:
    today = today or clock.today()
    window_start = today - dt.timedelta(days=365)
    items = deadlines.calendar(start=window_start, end=today + dt.timedelta(days=CLOCK_DAYS), team=team, today=today, cached=True)
    overdue = [i for i in items if i.state == deadlines.OVERDUE]
    upcoming = [i for i in items if i.date >= today and i.state in (deadlines.DUE, deadlines.WAITING)]
    return {
        "today": today,
        "team": team,
        "clock_days": CLOCK_DAYS,
        "expiry_days": EXPIRY_DAYS,
        "overdue_clocks": sorted(overdue, key=lambda i: i.date),
        "upcoming_clocks": sorted(upcoming, key=lambda i: i.date),
        "deadlines_653a": budget.report_653a_list(unsubmitted_only=True),
        "expiring_waivers": list(restrictions.expiring_waivers(today=today, days=EXPIRY_DAYS)),
        "expiring_funds": budget.expiring(days=EXPIRY_DAYS, today=today),
        "overdue_clearances": list(clearances.overdue(today=today).order_by("due_on")[:50]),
    }


def clocks_by_week(items: list[Any]) -> list[dict[str, Any]]:
    """How many clocks fall in each ISO week (Monday first), in date order."""
    counts: dict[dt.date, int] = {}
    for item in items:
        monday = item.date - dt.timedelta(days=item.date.weekday())
        counts[monday] = counts.get(monday, 0) + 1
    return [{"week": w, "label": f"week of {w:%d %b %Y}", "count": n} for w, n in sorted(counts.items())]


def execution_by_program(fiscal_year: int) -> dict[str, Any]:
    """The funds overview's per-account totals for the FY (budget's own figures, read as they are)."""
    overview = budget.overview(fiscal_year)
    return {"fiscal_year": fiscal_year, "rows": overview["rows"]}
