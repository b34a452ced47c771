"""DSP events calendar and analysis products (issue #17 part B): /api/v1/plans/events and
/api/v1/plans/analyses — participation requested and approved by a second person, attendees,
after-action notes and action items; an issue paper drafted, cleared and delivered with its decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from secassist.clearances.models import ClearanceRequest

from .conftest import make_product

pytestmark = pytest.mark.django_db
EVENTS = "/api/v1/plans/events"
ANALYSES = "/api/v1/plans/analyses"


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _event(api: Any, **over: Any) -> dict[str, Any]:
    body = {
        "kind": "exercise",
        "title": "Exercise JUSTIFIED ACCORD tabletop",
        "held_on": "2026-11-20",
        "ends_on": "2026-11-22",
        "cocom": "AFRICOM",
        "countries": ["KEN"],
        **over,
    }
    r = _post(api, EVENTS, body)
    assert r.status_code == 201, r.content
    return r.json()


def test_an_exercise_with_participation_attendees_and_an_after_action_item(
    dsp_analyst: Any, admin_user: Any, clearer: Any, api_as: Any
) -> None:
    api = api_as(dsp_analyst)
    product = make_product(dsp_analyst)
    event = _event(api, product=product.pk)
    assert event["participation"]["status"] == "not_requested" and event["product"] == product.pk
    eid = event["id"]
    assert (
        _post(api, f"{EVENTS}/{eid}/participation/request", {"note": "POLAD and DSP"}).json()["participation"]["status"]
        == "requested"
    )
    approved = _post(api_as(admin_user), f"{EVENTS}/{eid}/participation/approve", {}).json()["participation"]
    assert approved["status"] == "approved" and approved["decided_by"] == "boss" and approved["requested_by"] == "dsp"
    _post(api, f"{EVENTS}/{eid}/attendees", {"username": "drl", "role": "human-rights adviser"})
    r = _post(api, f"{EVENTS}/{eid}/attendees", {"name": "J. Smith", "office": "AF", "role": "observer"})
    assert {(a["name"], a["office"]) for a in r.json()["attendees"]} == {("drl", "DRL"), ("J. Smith", "AF")}
    r = _post(api, f"{EVENTS}/{eid}/after-action", {"notes": "Host nation asked for a follow-on seminar."})
    assert r.status_code == 200 and r.json()["after_action_on"]
    item = _post(api, f"{EVENTS}/{eid}/action-items", {"description": "Plan the seminar", "owner": "dsp", "due_on": "2026-12-15"})
    assert item.status_code == 201
    assert api.get(f"{EVENTS}/{eid}").json()["action_items"][0]["description"] == "Plan the seminar"


def test_the_requester_cannot_approve_their_own_participation_request(dsp_analyst: Any, api_as: Any) -> None:
    api = api_as(dsp_analyst)
    eid = _event(api)["id"]
    _post(api, f"{EVENTS}/{eid}/participation/request", {})
    r = _post(api, f"{EVENTS}/{eid}/participation/approve", {})
    assert r.status_code == 409 and r.json()["code"] == "PLN-021"


def test_declining_participation_needs_a_reason(dsp_analyst: Any, admin_user: Any, api_as: Any) -> None:
    eid = _event(api_as(dsp_analyst))["id"]
    _post(api_as(dsp_analyst), f"{EVENTS}/{eid}/participation/request", {})
    r = _post(api_as(admin_user), f"{EVENTS}/{eid}/participation/decline", {})
    assert r.status_code == 422 and r.json()["details"]["field"] == "note"


def test_after_action_notes_wait_for_the_event(dsp_analyst: Any, api_as: Any) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    eid = _event(api_as(dsp_analyst), held_on=future, ends_on=None)["id"]
    r = _post(api_as(dsp_analyst), f"{EVENTS}/{eid}/after-action", {"notes": "too early"})
    assert r.status_code == 409 and r.json()["code"] == "PLN-022"


@pytest.mark.parametrize(
    "over,code,field",
    [
        ({"ends_on": "2026-11-19"}, "PLN-020", "ends_on"),
        ({"kind": "picnic"}, "invalid_input", "kind"),
        ({"cocom": "MARSCOM"}, "invalid_input", "cocom"),
        ({"countries": ["XXX"]}, "invalid_input", "countries"),
        ({"title": "SECRET//NOFORN exercise"}, "PLN-001", "title"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(
    dsp_analyst: Any, api_as: Any, over: dict[str, Any], code: str, field: str
) -> None:
    body = {"kind": "exercise", "title": "Exercise", "held_on": "2026-11-20", **over}
    r = _post(api_as(dsp_analyst), EVENTS, body)
    assert r.status_code in (409, 422) and r.json()["code"] == code and r.json()["details"]["field"] == field
    assert api_as(dsp_analyst).get(EVENTS).json() == []


def test_the_calendar_lists_events_in_date_order_within_the_window(dsp_analyst: Any, viewer: Any, api_as: Any) -> None:
    api = api_as(dsp_analyst)
    _event(api, title="Late", held_on="2027-03-01", ends_on=None)
    _event(api, title="Early", held_on="2026-12-01", ends_on="2026-12-03", kind="war_game")
    _event(api, title="Outside", held_on="2025-01-01", ends_on=None)
    rows = api_as(viewer).get(f"{EVENTS}?date_from=2026-12-02&date_to=2027-12-31").json()
    assert [r["title"] for r in rows] == ["Early", "Late"]
    assert [r["title"] for r in api_as(viewer).get(f"{EVENTS}?kind=war_game").json()] == ["Early"]


def test_the_events_list_stays_within_its_query_budget(
    dsp_analyst: Any, viewer: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    api = api_as(dsp_analyst)
    for i in range(6):
        e = _event(api, title=f"Event {i}")
        _post(api, f"{EVENTS}/{e['id']}/attendees", {"name": f"Person {i}"})
    client = api_as(viewer)
    with django_assert_max_num_queries(14):
        assert len(client.get(EVENTS).json()) == 6


def test_viewers_and_clearing_officers_cannot_record_events(viewer: Any, clearer: Any, api_as: Any) -> None:
    for user in (viewer, clearer):
        r = _post(api_as(user), EVENTS, {"kind": "seminar", "title": "S", "held_on": "2026-11-20"})
        assert r.status_code == 403


def _analysis(api: Any, **over: Any) -> dict[str, Any]:
    body = {
        "kind": "issue_paper",
        "title": "Partner request for attack helicopters after the border clashes",
        "issue": "A partner asked for accelerated deliveries; options and risks for leadership.",
        "addressee": "PM Assistant Secretary",
        "countries": ["KEN"],
        "clearing_offices": ["AF", "DRL"],
        **over,
    }
    r = _post(api, ANALYSES, body)
    assert r.status_code == 201, r.content
    return r.json()


def test_an_issue_paper_is_cleared_and_delivered_with_its_decision(
    dsp_analyst: Any, clearer: Any, clearer_af: Any, api_as: Any
) -> None:
    api = api_as(dsp_analyst)
    product = make_product(dsp_analyst)
    aid = _analysis(api, products=[product.pk])["id"]
    r = _post(api, f"{ANALYSES}/{aid}/transition", {"action": "submit"})
    assert r.status_code == 409 and r.json()["code"] == "PLN-023"  # no text yet
    assert _post(api, f"{ANALYSES}/{aid}/versions", {"text": "Options: A, B, C. Recommend B."}).status_code == 201
    assert _post(api, f"{ANALYSES}/{aid}/transition", {"action": "submit"}).json()["status"] == "in_clearance"
    r = _post(api, f"{ANALYSES}/{aid}/versions", {"text": "late change"})
    assert r.status_code == 409 and r.json()["code"] == "PLN-025"
    clearances = {c["office"]: c["id"] for c in api.get(f"{ANALYSES}/{aid}/clearances").json()}
    assert set(clearances) == {"AF", "DRL"}
    _post(api_as(clearer), f"/api/v1/clearances/{clearances['DRL']}/position", {"position": "clear"})
    r = _post(api, f"{ANALYSES}/{aid}/transition", {"action": "mark_cleared"})
    assert r.status_code == 409 and r.json()["details"]["outstanding"] == {"AF": "pending"}
    r = _post(api, f"{ANALYSES}/{aid}/delivery", {"delivered_on": "2026-11-01", "decision": "B", "decided_by": "A/S"})
    assert r.status_code == 409 and r.json()["code"] == "PLN-024"
    _post(
        api_as(clearer_af),
        f"/api/v1/clearances/{clearances['AF']}/position",
        {"position": "clear_with_comments", "comments": "add Mission view"},
    )
    assert _post(api, f"{ANALYSES}/{aid}/transition", {"action": "mark_cleared"}).json()["status"] == "cleared"
    today = dt.date.today().isoformat()
    r = _post(api, f"{ANALYSES}/{aid}/delivery", {"delivered_on": today, "decision": "Option B approved", "decided_by": "PM A/S"})
    body = r.json()
    assert body["status"] == "delivered" and body["decision"] == "Option B approved" and body["decision_on"] == today
    assert body["products"] == [product.pk] and body["countries"] == ["KEN"]


def test_analysis_access_follows_the_clearing_offices(
    dsp_analyst: Any, clearer: Any, clearer_af: Any, sa_analyst: Any, viewer: Any, api_as: Any
) -> None:
    api = api_as(dsp_analyst)
    aid = _analysis(api, clearing_offices=["DRL"])["id"]
    _post(api, f"{ANALYSES}/{aid}/versions", {"text": "v1"})
    assert api_as(clearer).get(f"{ANALYSES}/{aid}").status_code == 404  # not yet asked
    _post(api, f"{ANALYSES}/{aid}/transition", {"action": "submit"})
    assert api_as(clearer).get(f"{ANALYSES}/{aid}").status_code == 200
    assert api_as(clearer_af).get(f"{ANALYSES}/{aid}").status_code == 404
    assert api_as(sa_analyst).get(f"{ANALYSES}/{aid}").status_code == 404
    assert api_as(viewer).get(f"{ANALYSES}/{aid}").status_code == 200
    assert _post(api_as(clearer), f"{ANALYSES}/{aid}/transition", {"action": "withdraw", "note": "x"}).status_code == 403


def test_returning_an_analysis_to_draft_withdraws_its_clearances(dsp_analyst: Any, api_as: Any) -> None:
    api = api_as(dsp_analyst)
    aid = _analysis(api)["id"]
    _post(api, f"{ANALYSES}/{aid}/versions", {"text": "v1"})
    _post(api, f"{ANALYSES}/{aid}/transition", {"action": "submit"})
    r = _post(api, f"{ANALYSES}/{aid}/transition", {"action": "return_to_draft", "note": "rework the options"})
    assert r.json()["status"] == "draft"
    assert not ClearanceRequest.objects.filter(
        subject_id=str(aid), subject_type="plans.analysisproduct", position="pending"
    ).exists()
    assert _post(api, f"{ANALYSES}/{aid}/versions", {"text": "v2"}).json()["number"] == 2


def test_the_demo_holds_an_exercise_and_a_delivered_issue_paper_and_runs_once() -> None:
    from secassist.accounts.demo import create_demo_users
    from secassist.plans import cycles_demo
    from secassist.plans.models import AnalysisProduct, Engagement

    create_demo_users()
    cycles_demo.run()
    cycles_demo.run()
    event = Engagement.objects.get(title=cycles_demo.EXERCISE)
    assert event.participation == "approved" and event.attendees.count() == 1 and event.action_items.count() == 1
    (paper,) = AnalysisProduct.objects.filter(is_demo=True)
    assert paper.status == "delivered" and paper.decision.startswith("DEMO")


def test_a_new_text_after_clearance_makes_the_clearances_stale_until_the_offices_clear_it_again(
    dsp_analyst: Any, clearer: Any, clearer_af: Any, api_as: Any
) -> None:
    api = api_as(dsp_analyst)
    aid = _analysis(api)["id"]
    _post(api, f"{ANALYSES}/{aid}/versions", {"text": "Options: A, B. Recommend A."})
    _post(api, f"{ANALYSES}/{aid}/transition", {"action": "submit"})
    ids = {c["office"]: c["id"] for c in api.get(f"{ANALYSES}/{aid}/clearances").json()}
    for who, office in ((clearer, "DRL"), (clearer_af, "AF")):
        assert _post(api_as(who), f"/api/v1/clearances/{ids[office]}/position", {"position": "clear"}).status_code == 200
    _post(api, f"{ANALYSES}/{aid}/transition", {"action": "return_to_draft", "note": "leadership asked for option C"})
    _post(api, f"{ANALYSES}/{aid}/versions", {"text": "Options: A, B, C. Recommend C."})
    _post(api, f"{ANALYSES}/{aid}/transition", {"action": "submit"})
    r = _post(api, f"{ANALYSES}/{aid}/transition", {"action": "mark_cleared"})
    assert r.status_code == 409 and r.json()["code"] == "CLR-001"
    versions = api.get(f"/api/v1/documents/plans.analysisproduct/{aid}/versions").json()
    assert [v["number"] for v in versions] == [2, 1] and versions[1]["cleared_by"] == ["AF", "DRL"]
    for who, office in ((clearer, "DRL"), (clearer_af, "AF")):
        assert (
            _post(api_as(who), f"/api/v1/clearances/{ids[office]}/position", {"position": "clear", "version": 2}).status_code
            == 200
        )
    assert _post(api, f"{ANALYSES}/{aid}/transition", {"action": "mark_cleared"}).json()["status"] == "cleared"
