"""Recurring notification work: alert each team whose statutory clocks run out within the lead days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from secassist.alerts.models import AlertKind
from secassist.alerts.services import deliver
from secassist.core import clock
from secassist.core.jobs import job

from . import deadlines


def _team_users(team: str) -> list[Any]:
    return list(get_user_model().objects.filter(office__code=team, is_active=True))


def alert_clocks(*, today: dt.date) -> dict[str, int]:
    """Reads the calendar (the one place clock dates are computed) and alerts on the lead days only."""
    leads = set(settings.SECASSIST_ALERT_LEAD_DAYS) | {0}
    items = deadlines.calendar(start=today, end=today + dt.timedelta(days=max(leads)), today=today)
    sent = 0
    for item in items:
        left = (item.date - today).days
        if item.state not in (deadlines.DUE, deadlines.WAITING) or left not in leads:
            continue
        when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
        for user in _team_users(item.team):
            alert = deliver(
                user=user,
                kind=AlertKind.CLOCK,
                key=f"clock:{item.uid}:{left}",
                title=f"{item.title} — {when} ({item.date:%d %b %Y})",
                body=f"{item.detail} {item.citation}".strip(),
                url=item.url,
            )
            sent += alert is not None
    return {"alerts": sent}


@job()
def clock_alerts() -> dict[str, int]:
    return alert_clocks(today=clock.today())
