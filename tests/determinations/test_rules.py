"""Table-driven tests of the pure rules: the notice clock at its edges, the clearance gap, the
signature date and the statutory calendar windows."""

from __future__ import annotations

import datetime as dt

import pytest

from secassist.determinations import rules

D = dt.date
SIGNED = D(2026, 10, 1)


@pytest.mark.parametrize(
    "direction,days,sent,today,due,effective,state,days_left",
    [
        # CSPA: within 45 days after the waiver (22 U.S.C. 2370c-1(c)(2))
        ("after", 45, None, D(2026, 11, 15), D(2026, 11, 15), SIGNED, "running", 0),
        ("after", 45, None, D(2026, 11, 14), D(2026, 11, 15), SIGNED, "running", 1),
        ("after", 45, None, D(2026, 11, 16), D(2026, 11, 15), SIGNED, "overdue", -1),
        ("after", 45, D(2026, 11, 15), D(2027, 1, 1), D(2026, 11, 15), SIGNED, "sent", None),
        ("after", 45, D(2026, 11, 16), D(2027, 1, 1), D(2026, 11, 15), SIGNED, "sent_late", None),
        # TVPA / drug majors: the determination is the report (due the day it is signed)
        ("with", 0, None, SIGNED, SIGNED, SIGNED, "running", 0),
        ("with", 0, None, D(2026, 10, 2), SIGNED, SIGNED, "overdue", -1),
        # SST: report at least 15 days before the waiver takes effect (22 U.S.C. 2371(d))
        ("before", 15, D(2026, 9, 16), D(2026, 10, 1), None, D(2026, 10, 1), "sent", None),
        ("before", 15, D(2026, 9, 17), D(2026, 10, 1), None, D(2026, 10, 2), "waiting_effect", None),
        ("before", 15, D(2026, 9, 17), D(2026, 10, 2), None, D(2026, 10, 2), "sent", None),
        ("before", 15, None, D(2026, 10, 1), None, None, "not_started", None),
    ],
)
def test_the_notice_clock_runs_from_the_signature_date(
    direction: str,
    days: int,
    sent: dt.date | None,
    today: dt.date,
    due: dt.date | None,
    effective: dt.date | None,
    state: str,
    days_left: int | None,
) -> None:
    clock = rules.notice_clock(direction=direction, days=days, citation="c", signed_on=SIGNED, sent_on=sent, today=today)
    assert (clock.due_on, clock.effective_from, clock.state, clock.days_left) == (due, effective, state, days_left)


def test_an_unsigned_package_has_no_running_clock() -> None:
    clock = rules.notice_clock(direction="after", days=45, citation="c", signed_on=None, sent_on=None, today=SIGNED)
    assert clock.state == "not_started" and clock.due_on is None


@pytest.mark.parametrize(
    "positions,outstanding",
    [
        ({"L": "clear", "H": "clear_with_comments"}, None),
        ({"L": "clear", "H": "pending"}, {"H": "pending"}),
        ({"L": "clear"}, {"H": "not asked"}),
        ({"L": "do_not_clear", "H": "clear"}, {"L": "do_not_clear"}),
        ({"L": "withdrawn", "H": "clear"}, {"L": "withdrawn"}),
    ],
)
def test_every_required_office_must_clear(positions: dict[str, str], outstanding: dict[str, str] | None) -> None:
    gap = rules.clearance_gaps(["L", "H"], positions)
    assert (gap.data["outstanding"] if gap else None) == outstanding
    if gap:
        assert gap.code == "DET-001"


@pytest.mark.parametrize(
    "signed,ok",
    [(D(2026, 11, 2), True), (D(2026, 11, 3), False), (D(2026, 11, 1), True), (D(2026, 10, 31), False)],
)
def test_a_signature_is_dated_between_opening_and_today(signed: dt.date, ok: bool) -> None:
    problem = rules.signature_date_problem(signed, opened_on=D(2026, 11, 1), today=D(2026, 11, 2))
    assert (problem is None) is ok


def test_a_before_clock_needs_the_report_recorded_first() -> None:
    assert rules.before_notice_missing("before", None, "22 U.S.C. 2371(d)").code == "DET-004"
    assert rules.before_notice_missing("before", D(2026, 1, 1), "x") is None
    assert rules.before_notice_missing("after", None, "x") is None


def test_calendar_windows_count_from_their_anchor() -> None:
    tip = rules.TypeView("tip-report", 6, 30, None, None, None)
    tvpa = rules.TypeView("tvpa", None, None, "tip-report", 45, 90)
    majors = rules.TypeView("majors", 9, 15, None, None, None)
    fixed = {"tip-report": tip, "tvpa": tvpa, "majors": majors}
    assert rules.statutory_window(majors, 2027, fixed) == (D(2027, 9, 15), D(2027, 9, 15))
    assert rules.statutory_window(tvpa, 2027, fixed) == (D(2027, 8, 14), D(2027, 9, 28))
    assert rules.reminder_dates(D(2027, 9, 15), [30, 7]) == [D(2027, 8, 16), D(2027, 9, 8)]


def test_close_needs_notice_and_publication_where_required() -> None:
    assert rules.close_gaps(notice_sent=True, needs_publication=True, published=True) is None
    assert rules.close_gaps(notice_sent=True, needs_publication=False, published=False) is None
    assert rules.close_gaps(notice_sent=False, needs_publication=True, published=True).data["missing"] == [
        "congressional notice not recorded as sent"
    ]
