"""The statutory calendar (notifications due, the dashboard, the home panel, the country 360) costs
the same queries with ten times the packages, and it is computed once per state (ADR 1003)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secassist.congress import deadlines


def _due_soon_queries(today: dt.date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        deadlines.due_soon(days=30, today=today)
    return len(ctx.captured_queries), len(deadlines.due_soon(days=30, today=today))


def test_notifications_due_costs_the_same_queries_with_ten_times_the_packages(make_package: Any) -> None:
    from secassist.core import clock

    today = clock.today()
    action = (today + dt.timedelta(days=20)).isoformat()
    for i in range(2):
        make_package(title=f"CN {i}", action_on=action)
    small, items_small = _due_soon_queries(today)
    for i in range(2, 20):
        make_package(title=f"CN {i}", action_on=action)
    large, items_large = _due_soon_queries(today)
    assert large == small, (small, large)
    assert items_large == items_small + 18  # every new package's notice deadline is on the list


def test_the_calendar_is_computed_once_until_the_next_write(make_package: Any) -> None:
    from secassist.core import clock

    today = clock.today()
    action = (today + dt.timedelta(days=20)).isoformat()
    make_package(title="CN A", action_on=action)
    before = deadlines.due_soon(days=30, today=today, cached=True)
    with CaptureQueriesContext(connection) as ctx:
        assert deadlines.due_soon(days=30, today=today, cached=True) == before
    assert len(ctx.captured_queries) <= 1  # the audit chain head only
    make_package(title="CN B", action_on=action)
    assert len(deadlines.due_soon(days=30, today=today, cached=True)) == len(before) + 1


def test_a_range_a_request_chooses_is_never_cached(make_package: Any) -> None:
    """The calendar API and page take any range: each would be one more entry in the shared cache."""
    from secassist.core import clock

    today = clock.today()
    make_package(title="CN A", action_on=(today + dt.timedelta(days=20)).isoformat())
    deadlines.calendar(start=today - dt.timedelta(days=3), end=today + dt.timedelta(days=77), today=today)
    assert not any("congress.calendar" in str(k) for k in getattr(cache, "_cache", {}))
