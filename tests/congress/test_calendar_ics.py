"""The statutory calendar (every clock kind as items) and its RFC 5545 feed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from secassist.budget import services as budget
from secassist.congress import deadlines, ics

pytestmark = pytest.mark.django_db
D = dt.date


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_calendar_lists_fixed_date_and_fy_relative_reports_with_frozen_time() -> None:
    with time_machine.travel(dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        items = deadlines.calendar(start=D(2026, 1, 1), end=D(2026, 12, 31))
    by_rule = {(i.rule, i.date): i for i in items}
    for rule, day in [
        ("10USC332-RPT", D(2026, 2, 1)),
        ("10USC386", D(2026, 3, 31)),
        ("10USC322-RPT", D(2026, 4, 1)),
        ("FAA490-LIST", D(2026, 9, 15)),
        ("10USC345-RPT", D(2026, 12, 1)),
        ("FY-END-1YR", D(2026, 9, 30)),
    ]:
        assert by_rule[(rule, day)].state == "due"
    assert by_rule[("10USC386", D(2026, 3, 31))].team == "PM/SA-T10"
    t10 = deadlines.calendar(start=D(2026, 1, 1), end=D(2026, 12, 31), team="PM/SA-SAT", today=D(2026, 1, 15))
    assert all(i.team == "PM/SA-SAT" for i in t10) and not any(i.rule == "10USC386" for i in t10)


def test_a_notice_before_a_planned_action_becomes_overdue(make_package) -> None:
    package = make_package(action_on=D(2026, 3, 20))
    due = [
        i for i in deadlines.calendar(start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 3, 1)) if i.package_id == package.pk
    ]
    assert [(i.kind, i.date, i.state) for i in due] == [("cn_notice", D(2026, 3, 5), "due")]
    late = [
        i for i in deadlines.calendar(start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 3, 6)) if i.package_id == package.pk
    ]
    assert late[0].state == "overdue"


def test_after_event_and_emergency_notices_are_on_the_calendar(make_package) -> None:
    cspa = make_package(title="CSPA waiver notice", rules=["CSPA-WAIVER"], event_on=D(2026, 9, 30))
    emergency = make_package(
        title="Emergency PKO",
        rules=["SFOPS7015"],
        is_emergency=True,
        action_on=D(2026, 2, 27),
        emergency_justification="cholera outbreak",
    )
    items = deadlines.calendar(start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 2, 1))
    assert [(i.kind, i.date) for i in items if i.package_id == cspa.pk] == [("after_event", D(2026, 11, 14))]
    assert [(i.kind, i.date) for i in items if i.package_id == emergency.pk] == [("emergency", D(2026, 3, 2))]


def test_the_653a_report_is_due_30_days_after_enactment(admin_user) -> None:
    budget.create_appropriation(
        acting_user=admin_user,
        account="IMET",
        fiscal_year=2026,
        public_law="P.L. 119-TEST",
        amount="100000000.00",
        enacted_on=D(2026, 3, 23),
    )
    items = deadlines.calendar(start=D(2026, 4, 1), end=D(2026, 4, 30), today=D(2026, 4, 1))
    report = next(i for i in items if i.kind == "653a")
    assert report.date == D(2026, 4, 22) and report.rule == "653A" and "P.L. 119-TEST" in report.detail


def test_due_soon_includes_overdue_items_and_cn_waits_on_hold(make_package, walk, sa_analyst) -> None:
    from secassist.congress import services

    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        held = walk(make_package(drafted_on=D(2026, 4, 1)), "waiting", transmitted_on=D(2026, 4, 1))
        services.place_hold(acting_user=sa_analyst, package=held, committee="SFRC", reason="questions")
        overdue = make_package(action_on=D(2026, 5, 10))
        items = deadlines.due_soon(days=30)
    assert any(i.package_id == held.pk and i.state == "waiting" and "SFRC" in i.detail for i in items)
    assert any(i.package_id == overdue.pk and i.state == "overdue" for i in items)


def test_the_ics_feed_is_valid_rfc5545(make_package, client_as, sa_analyst) -> None:
    make_package(title="A very long title, with commas; semicolons and a backslash \\ " + "x" * 120, action_on=D(2026, 12, 20))
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC), tick=False):
        response = client_as(sa_analyst).get("/notifications/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode("utf-8")
    assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in raw.split("\r\n"))
    lines = _unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") > 0
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(uids) == len(set(uids)) == lines.count("BEGIN:VEVENT")
    assert all(re.fullmatch(r"DTSTART;VALUE=DATE:\d{8}", line) for line in lines if line.startswith("DTSTART"))
    summary = next(line for line in lines if "very long title" in line)
    assert "with commas\\; semicolons and a backslash \\\\" in summary.replace("\\,", ",")


def test_ics_folding_never_splits_a_character() -> None:
    folded = ics.fold("SUMMARY:" + "é" * 100)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "é" * 100
