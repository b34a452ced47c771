"""The clock engine: every kind of statutory clock (pure: no database, so mutation runs are fast)."""

from __future__ import annotations

import datetime as dt

import pytest

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


# ---- a 29 February rule (ADR 0854): 28 February in a common year, never a crash ------------------

LEAP_DAY = ClockSpec(kind="fixed_date", month=2, day=29)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2027, D(2027, 2, 28)),  # a common year: the day before 1 March
        (2028, D(2028, 2, 29)),  # a leap year: the day itself
        (2029, D(2029, 2, 28)),
        (2100, D(2100, 2, 28)),  # divisible by 100, not by 400: common
        (2000, D(2000, 2, 29)),  # divisible by 400: leap
    ],
)
def test_a_leap_day_rule_falls_on_the_last_day_of_february(year, expected):
    assert clocks.fixed_date_in(LEAP_DAY, year) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2027, 2, 27), D(2027, 3, 1), [D(2027, 2, 28)]),  # a day either side of the common-year date
        (D(2027, 2, 28), D(2027, 2, 28), [D(2027, 2, 28)]),
        (D(2027, 3, 1), D(2027, 3, 1), []),  # not 1 March
        (D(2027, 2, 27), D(2027, 2, 27), []),
        (D(2028, 2, 28), D(2028, 3, 1), [D(2028, 2, 29)]),  # a day either side of the leap-year date
        (D(2028, 2, 28), D(2028, 2, 28), []),
        (D(2026, 1, 1), D(2029, 12, 31), [D(2026, 2, 28), D(2027, 2, 28), D(2028, 2, 29), D(2029, 2, 28)]),
    ],
)
def test_a_leap_day_rule_recurs_every_year_in_a_window(start, end, expected):
    assert clocks.occurrences(LEAP_DAY, start, end) == expected


@pytest.mark.parametrize(
    ("month", "day", "field", "value"),
    [
        (2, 30, "day", 30),
        (4, 31, "day", 31),
        (13, 1, "month", 13),
        (0, 1, "month", None),
        (1, 0, "month", None),
        (1, -1, "day", -1),
        (1, 32, "day", 32),
    ],
)
def test_a_fixed_date_no_month_has_is_refused_naming_the_field(month, day, field, value):
    with pytest.raises(InvalidInput) as refused:
        clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=month, day=day), 2028)
    assert refused.value.details["field"] == field
    assert refused.value.details.get("value") == value  # the 422 says what was given
    assert refused.value.message


@pytest.mark.parametrize(("month", "day"), [(1, 1), (1, 31), (4, 30), (12, 31), (2, 28)])
def test_the_first_and_last_day_of_each_month_are_kept_as_written(month, day):
    assert clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=month, day=day), 2027) == D(2027, month, day)


@pytest.mark.parametrize("year", [0, 10000])
def test_a_year_outside_the_calendar_is_refused_naming_the_field(year):
    with pytest.raises(InvalidInput) as refused:
        clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=9, day=15), year)
    assert refused.value.details["field"] == "year"
    assert refused.value.details["value"] == year
    assert refused.value.message


@pytest.mark.parametrize("year", [1, 9999])
def test_the_first_and_last_years_of_the_calendar_are_kept(year):
    assert clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=9, day=15), year) == D(year, 9, 15)


@pytest.mark.parametrize(
    ("day", "fy"),
    [(D(2026, 9, 30), 2026), (D(2026, 10, 1), 2027), (D(2026, 11, 30), 2027), (D(2026, 1, 1), 2026), (D(2026, 12, 31), 2027)],
)
def test_the_fiscal_year_of_a_day_turns_on_1_october(day, fy):
    assert clocks._fy_number(day) == fy


# ---- mutation-testing survivors (issue #12 item 13): each kills a mutant that changed behaviour -------

FRIDAY_BEFORE_A_WEEKEND = D(2026, 11, 27)  # the Friday after Thanksgiving; Mon 30 Nov is the next business day


def test_an_after_event_clock_on_business_days_skips_the_weekend():
    spec = ClockSpec(kind="after_event", days=1, day_basis="business")
    assert clocks.due_after(spec, FRIDAY_BEFORE_A_WEEKEND) == D(2026, 11, 30)
    assert clocks.due_after(ClockSpec(kind="after_event", days=1), FRIDAY_BEFORE_A_WEEKEND) == D(2026, 11, 28)


def test_an_emergency_notice_on_business_days_skips_the_weekend():
    spec = ClockSpec(kind="before_action", days=15, day_basis="business", emergency_days_after=1)
    assert clocks.emergency_due(spec, FRIDAY_BEFORE_A_WEEKEND) == D(2026, 11, 30)


@pytest.mark.parametrize(
    ("call", "field", "value", "allowed", "words"),
    [
        (lambda: clocks.add_days(D(2026, 1, 1), 1, "lunar"), "day_basis", "lunar", ["calendar", "business"], "day basis"),
        (
            lambda: clocks.fy_relative(ClockSpec(kind="fy_relative", fy_anchor="fy_middle"), 2026),
            "fy_anchor",
            "fy_middle",
            ["fy_start", "fy_end"],
            "fy_anchor",
        ),
        (lambda: clocks.wait_ends_on(ClockSpec(kind="before_action"), D(2026, 1, 1)), "days", None, None, "number of days"),
        (
            lambda: clocks.emergency_due(ClockSpec(kind="before_action", days=15), D(2026, 1, 1)),
            "is_emergency",
            None,
            None,
            "emergency",
        ),
    ],
)
def test_a_refused_clock_says_what_was_given_and_what_is_allowed(call, field, value, allowed, words):
    """The 422 a client sees carries these details: they are behaviour, not decoration."""
    with pytest.raises(InvalidInput) as refused:
        call()
    details = refused.value.details
    assert details["field"] == field
    assert details.get("value") == value
    assert details.get("allowed") == allowed
    assert words in refused.value.message


def test_occurrences_reach_the_last_year_of_the_calendar_without_raising():
    spec = ClockSpec(kind="fixed_date", month=9, day=15)
    assert clocks.occurrences(spec, D(9999, 1, 1), D(9999, 12, 31)) == [D(9999, 9, 15)]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # the first fiscal year the product has is FY1946 (ends 30 Sep 1946); earlier ones have no occurrence
        (D(1900, 1, 1), D(1947, 9, 30), [D(1946, 9, 30), D(1947, 9, 30)]),
        (D(1946, 10, 1), D(1947, 10, 1), [D(1947, 9, 30)]),
        # the last is FY2100 (ends 30 Sep 2100); the domain's last day (31 Dec 2100) is in FY2101
        (D(2099, 9, 29), D(2100, 12, 31), [D(2099, 9, 30), D(2100, 9, 30)]),
        (D(2098, 10, 1), D(2099, 9, 30), [D(2099, 9, 30)]),
    ],
)
def test_fy_relative_occurrences_at_the_ends_of_the_date_domain(start, end, expected):
    assert clocks.occurrences(ClockSpec(kind="fy_relative", fy_anchor="fy_end"), start, end) == expected
