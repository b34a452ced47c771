"""Package clocks through the real services, with frozen time where 'today' matters (the pure clock
engine is tested in tests/rules/test_congress_clocks.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

D = dt.date


@pytest.mark.django_db
def test_package_clock_counts_down_and_clears_with_frozen_time(make_package, walk) -> None:
    from secassist.congress import selectors

    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC), tick=False):
        package = walk(make_package(), "waiting", transmitted_on=D(2026, 3, 2))
        assert package.wait_ends_on == D(2026, 3, 17)
        assert selectors.wait_days_left(package) == 15
        assert selectors.clock_of(package)["cleared_to_obligate_on"] is None
    with time_machine.travel(dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC), tick=False):
        assert selectors.wait_days_left(package) == 1
        assert selectors.clock_of(package)["cleared_to_obligate_on"] is None
    with time_machine.travel(dt.datetime(2026, 3, 17, 15, 0, tzinfo=dt.UTC), tick=False):
        assert selectors.clock_of(package)["cleared_to_obligate_on"] == D(2026, 3, 17)


@pytest.mark.django_db
def test_emergency_package_has_no_wait_and_records_whether_notice_was_late(make_package, walk) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC), tick=False):
        package = make_package(
            is_emergency=True,
            emergency_justification="Delay would risk human health (cholera outbreak).",
            action_on=D(2026, 3, 1),
            drafted_on=D(2026, 3, 1),
        )
        package = walk(package, "waiting", transmitted_on=D(2026, 3, 5))
        assert package.wait_ends_on == D(2026, 3, 5)
        data = package.history.get(action="transmit").data
        assert data["emergency_due_on"] == "2026-03-04"
        assert data["late"] is True
