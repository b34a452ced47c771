"""Clearance due dates in business days around federal holidays, and escalation when overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from secassist.clearances.services import escalate_overdue
from secassist.title10 import selectors, services


def due_by_office(proposal: Any) -> dict[str, dt.date]:
    from secassist.clearances.selectors import for_subject

    return {c.office.code: c.due_on for c in for_subject(proposal)}


def test_due_dates_skip_thanksgiving_and_the_weekend(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    with time_machine.travel(dt.datetime(2026, 11, 24, 15, tzinfo=dt.UTC)):  # Tuesday before Thanksgiving (26 Nov)
        services.route_proposal(acting_user=t10_analyst, proposal=p)
    due = due_by_office(p)
    # 5 business days: 25, 27 Nov, 30 Nov, 1, 2 Dec (Thanksgiving and the weekend skipped)
    assert due["AF"] == dt.date(2026, 12, 2)
    # embassy 7: ... 3, 4 Dec; DRL (Leahy) 10: ... 7, 8, 9 Dec
    assert due["EMB-KEN"] == dt.date(2026, 12, 4)
    assert due["DRL"] == dt.date(2026, 12, 9)


def test_due_dates_skip_christmas_and_new_year(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    with time_machine.travel(dt.datetime(2026, 12, 23, 15, tzinfo=dt.UTC)):  # Wednesday
        services.route_proposal(acting_user=t10_analyst, proposal=p)
    # 24 Dec, (25 holiday), 28, 29, 30, 31 Dec → 5th business day is 31 Dec; 1 Jan 2027 is a holiday
    assert due_by_office(p)["AF"] == dt.date(2026, 12, 31)
    assert due_by_office(p)["EMB-KEN"] == dt.date(2027, 1, 5)


def test_overdue_clearances_are_escalated_and_shown_on_the_dashboard(
    make_proposal: Any, t10_analyst: Any, admin_user: Any
) -> None:
    p = make_proposal()
    with time_machine.travel(dt.datetime(2026, 11, 24, 15, tzinfo=dt.UTC)):
        services.route_proposal(acting_user=t10_analyst, proposal=p)
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC)):
        assert escalate_overdue(acting_user=admin_user) == 4  # the four 5-business-day offices, due 2 Dec
        board = selectors.dashboard()
    overdue = {c.office.code: c for c in board["overdue"]}
    assert set(overdue) == {"AF", "PM/RSAT", "CT", "PM/SA"}  # DRL (9 Dec) and the embassy (4 Dec) are not late yet
    assert all(c.escalated_at is not None for c in overdue.values())


def test_the_escalation_command_and_the_dashboard_button(
    make_proposal: Any, t10_analyst: Any, client_as: Any, viewer: Any
) -> None:
    from django.core.management import call_command
    from django.urls import reverse

    p = make_proposal()
    with time_machine.travel(dt.datetime(2026, 11, 24, 15, tzinfo=dt.UTC)):
        services.route_proposal(acting_user=t10_analyst, proposal=p)
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC)):
        assert client_as(viewer).post(reverse("title10:dashboard")).status_code == 403
        assert client_as(t10_analyst).post(reverse("title10:dashboard")).status_code == 302
    with time_machine.travel(dt.datetime(2026, 12, 10, 15, tzinfo=dt.UTC)):
        import io

        out = io.StringIO()
        call_command("title10_escalate", stdout=out)
    assert "2 overdue clearance request(s) escalated" in out.getvalue()  # the embassy (4 Dec) and DRL (9 Dec)
