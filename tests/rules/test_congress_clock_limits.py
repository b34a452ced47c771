"""The clock engine on the catalog's own clocks, a day either side, and at its limits (issue #12 item 13).

The clocks are read from data/congress/notification_rules.csv (the file `load_notification_rules`
loads), so a change to a statutory number there shows here: 15 calendar days of notice before the
action (FAA §634A, SFOPS §7015, the Title 10 notices), 30 for AECA §36(b), the emergency notice no
later than 3 days after the action (§7015(e)), the 653(a) report 30 days after enactment, the CSPA
waiver notice 45 days after the waiver. Then what mutation testing left alive: every refusal's
message in full (a 422 shows it), FY-relative rules whose offset spans more than a year, and
business days counted back to the first day of the calendar.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from secassist.congress import clocks, rules
from secassist.congress.clocks import ClockSpec
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import MAX_FY, MIN_FY

D = dt.date
DAY = dt.timedelta(days=1)
CATALOG = Path(__file__).resolve().parents[2] / "data" / "congress" / "notification_rules.csv"


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def catalog_spec(code: str) -> ClockSpec:
    """The clock of a catalog rule, read from the CSV the loader reads, through `rules.spec_of`."""
    with CATALOG.open(newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["code"] == code)
    return rules.spec_of(
        SimpleNamespace(
            kind=row["kind"],
            days=_int(row["days"]),
            day_basis=row["day_basis"],
            month=_int(row["month"]),
            day=_int(row["day"]),
            fy_anchor=row["fy_anchor"],
            offset_days=_int(row["offset_days"]),
            emergency_days_after=_int(row["emergency_days_after"]),
        )
    )


# ---- the catalog's clocks, the day before, of and after ----------------------------------------

BEFORE_ACTION = [
    # (rule, days of notice, transmitted on, the first day the action may be taken)
    ("FAA634A", 15, D(2026, 3, 2), D(2026, 3, 17)),
    ("SFOPS7015F", 15, D(2026, 9, 20), D(2026, 10, 5)),  # across the fiscal-year boundary
    ("FMF-HEADING", 15, D(2028, 2, 20), D(2028, 3, 6)),  # 29 February counts
    ("10USC333E", 15, D(2026, 12, 20), D(2027, 1, 4)),  # calendar days: holidays and weekends count
    ("AECA36B", 30, D(2027, 2, 10), D(2027, 3, 12)),
]


@pytest.mark.parametrize(("code", "days", "transmitted", "allowed"), BEFORE_ACTION)
def test_a_cn_waiting_period_ends_n_calendar_days_after_transmittal(code, days, transmitted, allowed):
    spec = catalog_spec(code)
    assert (spec.kind, spec.days, spec.day_basis) == ("before_action", days, "calendar")
    assert clocks.wait_ends_on(spec, transmitted) == allowed
    # seen from the action: the day before, of and after the first allowed day
    assert clocks.latest_notice_for_action(spec, allowed - DAY) == transmitted - DAY
    assert clocks.latest_notice_for_action(spec, allowed) == transmitted
    assert clocks.latest_notice_for_action(spec, allowed + DAY) == transmitted + DAY
    # transmitted a day later ends a day later; nothing is cleared before the end of the wait
    assert clocks.wait_ends_on(spec, transmitted + DAY) == allowed + DAY
    assert clocks.cleared_to_obligate_on(clocks.wait_ends_on(spec, transmitted), []) == allowed


@pytest.mark.parametrize(
    ("enacted", "due"),
    [
        (D(2024, 3, 22), D(2024, 4, 21)),  # the day before the FY2024 act
        (D(2024, 3, 23), D(2024, 4, 22)),  # Further Consolidated Appropriations Act, 2024 (P.L. 118-47, SFOPS in division F)
        (D(2024, 3, 24), D(2024, 4, 23)),
        (D(2028, 1, 30), D(2028, 2, 29)),  # a leap year: due on 29 February
        (D(2027, 1, 30), D(2027, 3, 1)),  # a common year: 1 March
        (D(2026, 12, 2), D(2027, 1, 1)),  # on New Year's Day: calendar days, no roll to a business day
    ],
)
def test_the_653a_report_is_due_30_days_after_enactment(enacted, due):
    spec = catalog_spec("653A")
    assert (spec.kind, spec.days, spec.day_basis) == ("after_enactment", 30, "calendar")
    assert clocks.due_after(spec, enacted) == due


@pytest.mark.parametrize(
    ("action", "due"),
    [(D(2026, 12, 28), D(2026, 12, 31)), (D(2026, 12, 29), D(2027, 1, 1)), (D(2026, 12, 30), D(2027, 1, 2))],
)
def test_an_emergency_notice_is_due_3_calendar_days_after_the_action(action, due):
    spec = catalog_spec("SFOPS7015F")
    assert spec.emergency_days_after == 3
    assert clocks.emergency_due(spec, action) == due


@pytest.mark.parametrize(("waived", "due"), [(D(2024, 9, 29), D(2024, 11, 13)), (D(2024, 9, 30), D(2024, 11, 14))])
def test_a_cspa_waiver_is_notified_within_45_days(waived, due):
    assert clocks.due_after(catalog_spec("CSPA-WAIVER"), waived) == due


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2027, 3, 30), D(2027, 3, 30), []),
        (D(2027, 3, 31), D(2027, 3, 31), [D(2027, 3, 31)]),
        (D(2027, 4, 1), D(2027, 4, 1), []),
        (D(2027, 3, 30), D(2028, 3, 31), [D(2027, 3, 31), D(2028, 3, 31)]),
    ],
)
def test_a_fixed_date_report_recurs_on_its_day(start, end, expected):
    assert clocks.occurrences(catalog_spec("10USC386"), start, end) == expected


# ---- every refusal in full: the 422's message and details ---------------------------------------

REFUSALS = [
    pytest.param(
        lambda: clocks.add_days(D(2026, 1, 1), 1, "lunar"),
        "day basis must be calendar or business",
        {"field": "day_basis", "value": "lunar", "allowed": ["calendar", "business"]},
        id="add-days-basis",
    ),
    pytest.param(
        lambda: clocks.subtract_days(D(2026, 1, 1), 1, "lunar"),
        "day basis must be calendar or business",
        {"field": "day_basis", "value": "lunar", "allowed": ["calendar", "business"]},
        id="subtract-days-basis",
    ),
    pytest.param(
        lambda: clocks.latest_notice_for_action(ClockSpec(kind="before_action", days=15, day_basis="weekdays"), D(2026, 3, 17)),
        "day basis must be calendar or business",
        {"field": "day_basis", "value": "weekdays", "allowed": ["calendar", "business"]},
        id="latest-notice-basis",
    ),
    pytest.param(
        lambda: clocks.due_after(ClockSpec(kind="after_enactment"), D(2024, 3, 23)),
        "a after_enactment clock needs a number of days",
        {"field": "days"},
        id="days",
    ),
    pytest.param(
        lambda: clocks.emergency_due(ClockSpec(kind="before_action", days=15), D(2026, 1, 1)),
        "this rule has no emergency variant",
        {"field": "is_emergency"},
        id="emergency",
    ),
    pytest.param(
        lambda: clocks.fixed_date_in(ClockSpec(kind="fixed_date", day=15), 2026),
        "a fixed-date clock needs a month and a day",
        {"field": "month"},
        id="no-month",
    ),
    pytest.param(
        lambda: clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=13, day=1), 2026),
        "a fixed-date clock's month must be 1 to 12",
        {"field": "month", "value": 13},
        id="month-13",
    ),
    pytest.param(
        lambda: clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=9, day=15), 10000),
        "a fixed-date clock's year must be 1 to 9999",
        {"field": "year", "value": 10000},
        id="year-10000",
    ),
    pytest.param(
        lambda: clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=2, day=30), 2028),
        "a fixed-date clock's day must be a day of month 2",
        {"field": "day", "value": 30},
        id="30-february",
    ),
    pytest.param(
        lambda: clocks.fy_relative(ClockSpec(kind="fy_relative"), 2026),
        "an FY-relative clock needs fy_anchor fy_start or fy_end",
        {"field": "fy_anchor", "value": "", "allowed": ["fy_start", "fy_end"]},
        id="fy-anchor",
    ),
]


@pytest.mark.parametrize(("call", "message", "details"), REFUSALS)
def test_each_refusal_of_the_clock_engine_in_full(call, message, details):
    with pytest.raises(InvalidInput) as refused:
        call()
    assert refused.value.as_dict() == {"code": "invalid_input", "message": message, "details": details}


# ---- FY-relative rules whose offset spans more than a year ----------------------------------------


def _every_occurrence(spec: ClockSpec, start: dt.date, end: dt.date) -> list[dt.date]:
    """The definition, by brute force: the date of every fiscal year the product has, kept if in the window."""
    return sorted(d for d in (clocks.fy_relative(spec, fy) for fy in range(MIN_FY, MAX_FY + 1)) if start <= d <= end)


LONG_OFFSETS = [
    # (anchor, offset, fiscal year, its date)
    ("fy_end", 730, 2026, D(2028, 9, 29)),  # two years after the end of FY2026 (2028 is a leap year)
    ("fy_end", 731, 2026, D(2028, 9, 30)),
    ("fy_end", 400, 2026, D(2027, 11, 4)),
    ("fy_start", -400, 2028, D(2026, 8, 27)),
    ("fy_start", -800, 2028, D(2025, 7, 23)),
    ("fy_end", -366, 2027, D(2026, 9, 29)),
    ("fy_start", 365, 2027, D(2027, 10, 1)),
    ("fy_end", 0, 2026, D(2026, 9, 30)),
]


@pytest.mark.parametrize(("anchor", "offset", "fy", "date"), LONG_OFFSETS)
def test_an_fy_relative_rule_recurs_however_far_its_offset_reaches(anchor, offset, fy, date):
    """Before the fix, occurrences looked only one fiscal year either side of the window and missed
    a rule due, say, two years after the end of the fiscal year (the end of 333(g)'s FY N+2)."""
    spec = ClockSpec(kind="fy_relative", fy_anchor=anchor, offset_days=offset)
    assert clocks.fy_relative(spec, fy) == date
    assert clocks.occurrences(spec, date, date) == [date]
    assert clocks.occurrences(spec, date - DAY, date + DAY) == [date]
    assert clocks.occurrences(spec, date + DAY, date + DAY) == []
    assert clocks.occurrences(spec, date - DAY, date - DAY) == []
    for start, end in [(date - 40 * DAY, date + 40 * DAY), (date - 800 * DAY, date + 800 * DAY)]:
        assert clocks.occurrences(spec, start, end) == _every_occurrence(spec, start, end)


@pytest.mark.parametrize(
    ("offset", "start", "end", "expected"),
    [
        # FY1946 is the first fiscal year: its end + 730 days is the first date; nothing before it
        (730, D(1900, 1, 1), D(1948, 9, 29), [D(1948, 9, 29)]),
        (730, D(1900, 1, 1), D(1948, 9, 28), []),
        # FY2100 is the last: its start - 800 days is the last date; nothing after it
        (-800, D(2097, 7, 24), D(2100, 12, 31), []),
        (-800, D(2097, 7, 23), D(2100, 12, 31), [D(2097, 7, 23)]),
    ],
)
def test_long_offsets_at_the_first_and_last_fiscal_years(offset, start, end, expected):
    anchor = "fy_end" if offset > 0 else "fy_start"
    spec = ClockSpec(kind="fy_relative", fy_anchor=anchor, offset_days=offset)
    assert clocks.occurrences(spec, start, end) == expected == _every_occurrence(spec, start, end)


# ---- business days counted back to the first day of the calendar ----------------------------------

FIRST = dt.date.min  # Monday 1 January 1: a business day (the federal holiday tables begin with their laws)


@pytest.mark.parametrize(
    ("end", "days", "expected"),
    [
        (D(1, 1, 10), 1, D(1, 1, 9)),  # Wednesday -> Tuesday, well clear of the first day
        (D(1, 1, 3), 1, D(1, 1, 2)),
        (D(1, 1, 3), 2, FIRST),
        (D(1, 1, 3), 3, FIRST),  # a day short: the count stops at the first day
        (D(1, 1, 3), 10**9, FIRST),  # and stops there at once, not after a billion turns of the loop
        (FIRST, 1, FIRST),
        (FIRST, 0, FIRST),
    ],
)
def test_business_days_counted_back_stop_at_the_first_day_of_the_calendar(end, days, expected):
    """Total (the calendar's own rule): a date stored before the domain rule gets an answer, promptly.
    tests/rules/conftest.py fails a test that spins, so a loop that keeps counting at the first day
    (or runs on to it) fails here by name."""
    assert clocks.subtract_days(end, days, "business") == expected
