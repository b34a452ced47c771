"""The work inbox: exactly what waits for each person, and done work leaves it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache

from secassist.approvals import services as approvals
from secassist.clearances import services as clearances
from secassist.clearances.models import ClearanceRequest
from secassist.core.registry import ApprovalAct, registry
from secassist.plans import services as plans
from secassist.reference.models import Country, Office
from secassist.web import inbox

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 9)
ACT = "tests.inbox_act"


@pytest.fixture(autouse=True)
def _frozen_day() -> Any:
    cache.clear()
    with time_machine.travel(dt.datetime(2026, 11, 9, 14, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def test_act() -> Any:
    registry.add_approval_act(ApprovalAct(ACT, "A test act", ("budget_reviewer",), lambda **_: None))
    yield ACT
    registry.approval_acts.pop(ACT, None)


def _clearance(office: str, due_on: dt.date, requester: Any) -> ClearanceRequest:
    return ClearanceRequest.objects.create(
        subject_type="title10.proposal",
        subject_id=str(ClearanceRequest.objects.count() + 1),
        subject_label="Kenya maritime security",
        office=Office.objects.get(code=office),
        requested_by=requester,
        requested_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        due_on=due_on,
    )


def _kinds(user: Any) -> list[tuple[str, str]]:
    return [(i.kind, i.title) for i in inbox.items_for(user, today=TODAY)]


def test_a_clearance_my_office_owes_is_in_my_inbox_until_answered(clearer: Any, clearer_af: Any, t10_analyst: Any) -> None:
    c = _clearance("DRL", TODAY + dt.timedelta(days=3), t10_analyst)
    assert _kinds(clearer) == [("clearance", "Kenya maritime security")]
    assert _kinds(clearer_af) == [], "AF owes nothing"
    clearances.record_position(acting_user=clearer, clearance=c, position="clear")
    assert _kinds(clearer) == []


def test_an_approval_waits_for_the_checker_not_the_maker_and_leaves_when_decided(
    test_act: str, sa_analyst: Any, budget_reviewer: Any, viewer: Any
) -> None:
    country = Country.objects.get(iso3="JOR")
    request = approvals.propose(acting_user=sa_analyst, act=test_act, subject=country, summary="approve the thing")
    assert _kinds(budget_reviewer) == [("approval", "approve the thing")]
    assert _kinds(sa_analyst) == [] and _kinds(viewer) == []
    approvals.return_request(acting_user=budget_reviewer, request=request, comment="add the citation")
    assert _kinds(budget_reviewer) == []
    assert _kinds(sa_analyst) == [("approval_returned", "approve the thing")], "the maker sees it came back"


def test_an_action_item_is_in_its_owners_inbox_until_done(dsp_analyst: Any, clearer_af: Any) -> None:
    meeting = plans.create_engagement(acting_user=dsp_analyst, kind="3d_wg", title="3D WG", held_on="2026-11-05")
    item = plans.add_action_item(
        acting_user=dsp_analyst,
        engagement=meeting,
        description="Send Mission input",
        owner=clearer_af.username,
        due_on="2026-11-12",
    )
    assert ("action_item", "Send Mission input") in _kinds(clearer_af)
    plans.set_action_status(acting_user=clearer_af, item=item, status="done")
    assert ("action_item", "Send Mission input") not in _kinds(clearer_af)


def test_items_come_soonest_first_with_the_overdue_state(clearer: Any, t10_analyst: Any) -> None:
    _clearance("DRL", TODAY + dt.timedelta(days=5), t10_analyst)
    _clearance("DRL", TODAY - dt.timedelta(days=1), t10_analyst)
    items = inbox.items_for(clearer, today=TODAY)
    assert [i.due_on for i in items] == [TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=5)]
    assert [i.state(TODAY) for i in items] == ["overdue", "due"]


def test_the_inbox_page_api_and_badge_agree(client_as: Any, api_as: Any, clearer: Any, t10_analyst: Any) -> None:
    _clearance("DRL", TODAY + dt.timedelta(days=2), t10_analyst)
    body = api_as(clearer).get("/api/v1/inbox").json()
    assert body["count"] == 1 and body["items"][0]["kind"] == "clearance" and body["items"][0]["state"] == "due"
    page = client_as(clearer).get("/inbox/").content.decode()
    assert "Kenya maritime security" in page
    home = client_as(clearer).get("/").content.decode()
    assert "What waits for you" in home and "Kenya maritime security" in home
    assert '1<span class="usa-sr-only"> waiting</span>' in home


def test_the_inbox_needs_a_login(client: Any) -> None:
    assert client.get("/inbox/").status_code == 302
    assert client.get("/api/v1/inbox").status_code == 401


def test_a_plan_review_tasked_to_my_office_waits_for_my_office_only(dsp_analyst: Any, clearer_af: Any, clearer: Any) -> None:
    from secassist.reference.models import Office as _Office
    from tests.plans.conftest import make_tasker

    make_tasker(dsp_analyst, offices=("AF",), state="tasked")
    assert sorted(k for k, _ in _kinds(clearer_af)) == ["clearance", "tasker"], "the tasker, and its clearance request"
    assert _Office.objects.filter(code="DRL").exists() and _kinds(clearer) == []
