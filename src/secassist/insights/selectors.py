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
    items = deadlines.calendar(start=window_start, end=today + dt.timedelta(days=CLOCK_DAYS), team=team, today=today)
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
