"""Clocks tell the truth (issue #11): around each clock kind's last day, with frozen time, an ended
clock shows as ended (and as overdue work when nothing was recorded), never "0 days left", and no
list of upcoming clocks shows a past date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from secassist.congress import deadlines, selectors

pytestmark = pytest.mark.django_db
D = dt.date


def _at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 15, tzinfo=dt.UTC), tick=False)


def _item(kind: str, day: dt.date, number: str = "") -> deadlines.Item:
    items = deadlines.calendar(start=day - dt.timedelta(days=400), end=day + dt.timedelta(days=400), today=day)
    return next(i for i in items if i.kind == kind and (not number or i.number == number))


def _upcoming_never_past(day: dt.date) -> None:
    for item in deadlines.due_soon(days=14, today=day):
        held = item.kind == "cn_wait" and item.state == deadlines.WAITING and "on hold" in item.detail
        assert item.date >= day or item.state == deadlines.OVERDUE or held, item


def test_a_waiting_period_counts_down_ends_and_then_is_overdue_work_never_zero_days_left(
    make_package: Any, walk: Any, client_as: Any, sa_analyst: Any
) -> None:
    with _at(D(2026, 3, 2)):
        package = walk(make_package(), "waiting", transmitted_on=D(2026, 3, 2))
    last = package.wait_ends_on
    assert last == D(2026, 3, 17)
    expected = {
        last - dt.timedelta(days=1): ("running", 1, deadlines.WAITING, "1 day left"),
        last: ("ended", None, deadlines.DUE, "ends today"),
        last + dt.timedelta(days=1): ("ended", None, deadlines.OVERDUE, "ended 1 day ago"),
        last + dt.timedelta(days=10): ("ended", None, deadlines.OVERDUE, "ended 10 days ago"),
    }
    for day, (state, left, item_state, words) in expected.items():
        with _at(day):
            status = selectors.wait_status(package)
            assert status is not None and (status["state"], status["days_left"]) == (state, left), day
            assert selectors.wait_days_left(package) == left
            assert _item("cn_wait", day, package.number).state == item_state
            page = client_as(sa_analyst).get(f"/notifications/{package.pk}/").content.decode()
            listing = client_as(sa_analyst).get("/notifications/").content.decode()
            assert words in page and "0 days left" not in page and "0 days left" not in listing, day
            _upcoming_never_past(day)
            soon = [i for i in deadlines.due_soon(days=14, today=day) if i.number == package.number]
            assert soon and soon[0].state == item_state


def test_the_office_dashboard_lists_an_ended_wait_as_overdue_not_upcoming(make_package: Any, walk: Any) -> None:
    from secassist.insights.selectors import dashboard

    with _at(D(2026, 3, 2)):
        package = walk(make_package(), "waiting", transmitted_on=D(2026, 3, 2))
    board = dashboard(today=D(2026, 3, 27))
    assert package.number not in {i.number for i in board["upcoming_clocks"]}
    assert package.number in {i.number for i in board["overdue_clocks"]}
    assert all(i.date >= D(2026, 3, 27) for i in board["upcoming_clocks"])


@pytest.mark.parametrize(
    ("kind", "fields", "last"),
    [
        # before-action: transmit no later than 15 days before the action on 2026-04-20
        ("cn_notice", {"action_on": D(2026, 4, 20)}, D(2026, 4, 5)),
        # after-event: CSPA waiver notice within 45 days of the waiver signed 2026-02-01
        ("after_event", {"event_on": D(2026, 2, 1), "rules": ["CSPA-WAIVER"]}, D(2026, 3, 18)),
        # emergency: §7015(e) notice no later than 3 days after the action on 2026-03-10
        (
            "emergency",
            {"is_emergency": True, "emergency_justification": "imminent threat", "action_on": D(2026, 3, 10)},
            D(2026, 3, 13),
        ),
    ],
)
def test_package_clocks_are_due_on_their_last_day_and_overdue_the_day_after(
    make_package: Any, kind: str, fields: dict[str, Any], last: dt.date
) -> None:
    with _at(D(2026, 1, 5)):
        package = make_package(drafted_on=D(2026, 1, 5), **fields)
    for day, state in (
        (last - dt.timedelta(days=1), deadlines.DUE),
        (last, deadlines.DUE),
        (last + dt.timedelta(days=1), deadlines.OVERDUE),
    ):
        item = _item(kind, day, package.number)
        assert (item.date, item.state) == (last, state), (kind, day)
        _upcoming_never_past(day)


@pytest.mark.parametrize(
    ("kind", "rule", "last"),
    [
        ("report", "10USC386", D(2026, 3, 31)),  # annual security cooperation report, by 31 March
        ("fy", "FY-END-1YR", D(2026, 9, 30)),  # last day to obligate one-year funds
    ],
)
def test_recurring_clocks_are_due_through_their_last_day_then_past_and_not_upcoming(kind: str, rule: str, last: dt.date) -> None:
    def find(day: dt.date) -> deadlines.Item:
        items = deadlines.calendar(start=last - dt.timedelta(days=5), end=last + dt.timedelta(days=5), today=day)
        return next(i for i in items if i.kind == kind and i.rule == rule and i.date == last)

    assert find(last - dt.timedelta(days=1)).state == deadlines.DUE
    assert find(last).state == deadlines.DUE
    assert find(last + dt.timedelta(days=1)).state == deadlines.PAST
    after = last + dt.timedelta(days=1)
    assert rule not in {i.rule for i in deadlines.due_soon(days=14, today=after) if i.date == last}
    _upcoming_never_past(after)


def test_the_653a_clock_is_due_30_days_after_enactment_and_overdue_after(admin_user: Any) -> None:
    from secassist.budget import services as budget

    with _at(D(2026, 1, 10)):
        budget.create_appropriation(
            acting_user=admin_user,
            account="IMET",
            fiscal_year=2026,
            public_law="P.L. CLOCK",
            amount="10.00",
            enacted_on=D(2026, 1, 5),
        )
    last = D(2026, 2, 4)
    assert _item("653a", last - dt.timedelta(days=1)).state == deadlines.DUE
    assert _item("653a", last).state == deadlines.DUE
    assert _item("653a", last + dt.timedelta(days=1)).state == deadlines.OVERDUE
    _upcoming_never_past(last + dt.timedelta(days=1))
