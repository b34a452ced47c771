"""The budget line page shows its Title 22 activities' recipient units resolved in the unit
registry with their Leahy vetting status (issue #18) — one resolution and one Leahy rule, the
title10 check's, served to budget through the registry service `title10.unit_resolution`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from secassist.core.registry import registry

from .conftest import register_unit


@pytest.fixture
def fmf_line(sa_analyst: Any) -> Any:
    from secassist.budget import services as budget

    appr = budget.create_appropriation(
        acting_user=sa_analyst,
        account="FMF",
        fiscal_year=2027,
        amount="100000000.00",
        enacted_on=dt.date(2026, 11, 17),
        public_law="P.L. TEST-UNITS",
    )
    return budget.create_allocation(acting_user=sa_analyst, appropriation=appr, recipient_kind="country", recipient="KEN")


def _activity(sa_analyst: Any, line: Any, units: list[str], reference: str = "main") -> Any:
    from secassist.budget import activities

    return activities.save_activity(
        acting_user=sa_analyst,
        allocation=line,
        reference=reference,
        description="Patrol boats and boarding-team training for maritime interdiction.",
        units=units,
        capabilities=[],
        platforms=[],
    )


def _rows(html: str) -> str:
    start = html.index('id="activity-units"')
    return html[start : html.index("</table>", start)]


def test_the_line_page_shows_each_unit_resolved_by_alias_with_its_leahy_status(
    client_as: Any, viewer: Any, sa_analyst: Any, admin_user: Any, fmf_line: Any
) -> None:
    register_unit(admin_user, "Kenya Navy Special Boat Unit", aliases="SBU")
    register_unit(
        admin_user,
        "Kenya Army 15th Battalion",
        vetting_status="approved",
        vetted_on=dt.date(2025, 1, 1),
        vetting_expires_on=dt.date(2026, 1, 1),
    )
    register_unit(admin_user, "Kenya Police GSU", vetting_status="denied")
    _activity(sa_analyst, fmf_line, ["SBU", "Kenya Army 15th Battalion", "Kenya Police GSU", "Kenyan boat commandos"])
    with time_machine.travel(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)):
        html = client_as(viewer).get(reverse("budget:allocation", args=[fmf_line.pk])).content.decode()
    rows = _rows(html)
    assert "<caption>" in rows and 'scope="col"' in rows
    assert ">SBU</th>" in rows and "Kenya Navy Special Boat Unit" in rows and "T10-L00: vetting approved and current" in rows
    assert "T10-L04: vetting expired on 2026-01-01" in rows
    assert "T10-L02: vetting denied: assistance barred" in rows
    assert ">Kenyan boat commandos</th>" in rows and "not in the registry" in rows and "T10-L01" in rows
    assert reverse("restrictions:country", args=["KEN"]) in rows


def test_a_line_whose_activities_name_no_unit_says_so_and_the_section_hides_without_the_service(
    client_as: Any, viewer: Any, sa_analyst: Any, fmf_line: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _activity(sa_analyst, fmf_line, [])
    page = reverse("budget:allocation", args=[fmf_line.pk])
    assert "No activity of this line names a recipient unit." in client_as(viewer).get(page).content.decode()
    monkeypatch.delitem(registry.services, "title10.unit_resolution")
    html = client_as(viewer).get(page).content.decode()
    assert 'id="activity-units"' not in html and 'id="activities"' in html


def test_the_page_and_the_proposal_check_give_one_answer_for_one_name(
    client_as: Any, viewer: Any, sa_analyst: Any, admin_user: Any, fmf_line: Any, make_proposal: Any
) -> None:
    from secassist.title10 import checks

    _activity(sa_analyst, fmf_line, ["Kenya Navy Special Boat Unit"])
    proposal = make_proposal()
    (from_check,) = checks.leahy_check(proposal)["units"]
    rows = _rows(client_as(viewer).get(reverse("budget:allocation", args=[fmf_line.pk])).content.decode())
    assert f"{from_check['code']}: {from_check['message']}" in rows
