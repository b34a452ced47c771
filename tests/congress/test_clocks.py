"""The clock engine: every kind of statutory clock, with frozen time where 'today' matters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from secassist.congress import clocks
from secassist.congress.clocks import ClockSpec
from secassist.core.errors import InvalidInput

D = dt.date


def test_before_action_clock_ends_fifteen_calendar_days_after_transmittal() -> None:
    spec = ClockSpec(kind="before_action", days=15)
    assert clocks.wait_ends_on(spec, D(2026, 3, 2)) == D(2026, 3, 17)
    assert clocks.latest_notice_for_action(spec, D(2026, 3, 17)) == D(2026, 3, 2)


def test_business_day_basis_skips_weekends_and_federal_holidays() -> None:
    spec = ClockSpec(kind="before_action", days=3, day_basis="business")
    # Fri 3 Jul 2026 is the observed Independence Day holiday: Thu 2 Jul + 3 business days = Wed 8 Jul
    assert clocks.wait_ends_on(spec, D(2026, 7, 2)) == D(2026, 7, 8)
    assert clocks.latest_notice_for_action(spec, D(2026, 7, 8)) == D(2026, 7, 2)


def test_after_event_clock_cspa_notice_is_due_45_days_after_the_waiver() -> None:
    assert clocks.due_after(ClockSpec(kind="after_event", days=45), D(2024, 9, 30)) == D(2024, 11, 14)


def test_after_enactment_clock_653a_report_is_due_30_days_after_enactment() -> None:
    assert clocks.due_after(ClockSpec(kind="after_enactment", days=30), D(2024, 3, 23)) == D(2024, 4, 22)


def test_fixed_date_clocks_recur_each_year_within_the_window() -> None:
    spec = ClockSpec(kind="fixed_date", month=9, day=15)
    assert clocks.occurrences(spec, D(2025, 1, 1), D(2026, 12, 31)) == [D(2025, 9, 15), D(2026, 9, 15)]
    assert clocks.occurrences(spec, D(2025, 9, 16), D(2026, 9, 14)) == []


def test_fy_relative_clock_anchors_on_the_fiscal_year_end() -> None:
    spec = ClockSpec(kind="fy_relative", fy_anchor="fy_end")
    assert clocks.fy_relative(spec, 2026) == D(2026, 9, 30)
    assert clocks.fy_relative(ClockSpec(kind="fy_relative", fy_anchor="fy_start", offset_days=-10), 2026) == D(2025, 9, 21)
    assert clocks.occurrences(spec, D(2025, 10, 1), D(2027, 9, 30)) == [D(2026, 9, 30), D(2027, 9, 30)]


def test_emergency_variant_is_due_three_days_after_the_action() -> None:
    spec = ClockSpec(kind="before_action", days=15, emergency_days_after=3)
    assert clocks.emergency_due(spec, D(2026, 2, 27)) == D(2026, 3, 2)
    with pytest.raises(InvalidInput):
        clocks.emergency_due(ClockSpec(kind="before_action", days=15), D(2026, 2, 27))


def test_cleared_to_obligate_needs_the_wait_over_and_every_hold_lifted() -> None:
    assert clocks.cleared_to_obligate_on(None, []) is None
    assert clocks.cleared_to_obligate_on(D(2026, 3, 17), []) == D(2026, 3, 17)
    assert clocks.cleared_to_obligate_on(D(2026, 3, 17), [D(2026, 3, 30)]) == D(2026, 3, 30)
    assert clocks.cleared_to_obligate_on(D(2026, 3, 17), [D(2026, 3, 10)]) == D(2026, 3, 17)
    assert clocks.cleared_to_obligate_on(D(2026, 3, 17), [D(2026, 3, 30), None]) is None


def test_fixed_date_without_month_is_refused_with_the_field() -> None:
    with pytest.raises(InvalidInput) as exc:
        clocks.fixed_date_in(ClockSpec(kind="fixed_date"), 2026)
    assert exc.value.details["field"] == "month"


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
