"""The API contract: packages, transitions, clock, holds, calendar; errors name the field."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

pytestmark = pytest.mark.django_db
D = dt.date


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_create_read_and_patch_a_draft(api_as, sa_analyst) -> None:
    api = api_as(sa_analyst)
    response = _post(
        api,
        "/api/v1/notifications",
        {
            "title": "IMET Mongolia",
            "fiscal_year": 2026,
            "program": "IMET",
            "amount": "1250000.00",
            "account": "IMET",
            "country": "MNG",
            "rules": ["SFOPS7015"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("CN-2026-") and body["status"] == "drafting" and body["amount"] == "1250000.00"
    assert body["marking"] == "CUI // PRE-DECISIONAL" and "submit" in body["allowed_actions"]
    pk = body["id"]
    patched = api.patch(f"/api/v1/notifications/{pk}", data=json.dumps({"amount": "1500000.00"}), content_type="application/json")
    assert patched.status_code == 200 and patched.json()["amount"] == "1500000.00"
    assert api.get(f"/api/v1/notifications/{pk}").json()["title"] == "IMET Mongolia"
    assert any(p["id"] == pk for p in api.get("/api/v1/notifications?status=drafting").json())


def test_bad_input_is_a_422_naming_the_field_and_allowed_values(api_as, sa_analyst) -> None:
    api = api_as(sa_analyst)
    response = _post(api, "/api/v1/notifications", {"title": "x", "fiscal_year": 2026, "program": "FMF", "amount": "1.001"})
    assert response.status_code == 422 and response.json()["details"]["field"] == "amount"
    response = _post(
        api, "/api/v1/notifications", {"title": "x", "fiscal_year": 2026, "program": "FMF", "amount": "1", "rules": ["NOPE"]}
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "rules" and "SFOPS7015" in response.json()["details"]["allowed"]
    assert api.get("/api/v1/notifications?status=bogus").status_code == 422


def test_transition_endpoint_moves_the_package_and_refuses_the_wrong_state(api_as, sa_analyst, make_package) -> None:
    api = api_as(sa_analyst)
    package = make_package()
    wrong = _post(api, f"/api/v1/notifications/{package.pk}/transition", {"action": "transmit"})
    assert wrong.status_code == 409 and wrong.json()["code"] == "transition_not_allowed"
    ok = _post(api, f"/api/v1/notifications/{package.pk}/transition", {"action": "submit", "clearing_offices": ["DRL"]})
    assert ok.status_code == 200 and ok.json()["status"] == "in_clearance"
    guard = _post(api, f"/api/v1/notifications/{package.pk}/transition", {"action": "clear"})
    assert guard.status_code == 409 and guard.json()["code"] == "CN-020"
    history = api.get(f"/api/v1/notifications/{package.pk}/history").json()
    assert [h["action"] for h in history] == ["submit"]


def test_a_read_only_user_may_read_but_not_transition(api_as, viewer, make_package) -> None:
    api = api_as(viewer)
    package = make_package()
    assert api.get(f"/api/v1/notifications/{package.pk}").status_code == 200
    response = _post(api, f"/api/v1/notifications/{package.pk}/transition", {"action": "withdraw", "reason": "x"})
    assert response.status_code == 403


def test_the_clock_endpoint_has_exactly_the_contract_keys(api_as, sa_analyst, make_package, walk) -> None:
    api = api_as(sa_analyst)
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        package = walk(make_package(drafted_on=D(2026, 5, 1)), "waiting", transmitted_on=D(2026, 5, 20))
        body = api.get(f"/api/v1/notifications/{package.pk}/clock").json()
        assert set(body) == {"transmitted_on", "statutory_wait_ends_on", "open_holds", "cleared_to_obligate_on"}
        assert body == {
            "transmitted_on": "2026-05-20",
            "statutory_wait_ends_on": "2026-06-04",
            "open_holds": [],
            "cleared_to_obligate_on": None,
        }
        hold = _post(api, f"/api/v1/notifications/{package.pk}/holds", {"committee": "HFAC", "reason": "briefing requested"})
        assert hold.status_code == 201 and hold.json()["open"] is True
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC), tick=False):
        body = api.get(f"/api/v1/notifications/{package.pk}/clock").json()
        assert body["open_holds"][0]["committee"] == "HFAC" and body["open_holds"][0]["days_held"] == 9
        assert body["cleared_to_obligate_on"] is None
        hold_id = hold.json()["id"]
        q = _post(api, f"/api/v1/notifications/{package.pk}/holds/{hold_id}/questions", {"question": "Which units?"})
        qid = q.json()["questions"][0]["id"]
        a = _post(api, f"/api/v1/notifications/{package.pk}/holds/{hold_id}/questions/{qid}/answer", {"answer": "Two brigades."})
        assert a.json()["questions"][0]["answer"] == "Two brigades."
        lifted = _post(api, f"/api/v1/notifications/{package.pk}/holds/{hold_id}/lift", {"note": "briefed"})
        assert lifted.status_code == 200 and lifted.json()["lifted_on"] == "2026-06-10"
        assert api.get(f"/api/v1/notifications/{package.pk}/clock").json()["cleared_to_obligate_on"] == "2026-06-10"
        assert len(api.get(f"/api/v1/notifications/{package.pk}/holds").json()) == 1


def test_calendar_endpoint_filters_by_window_and_validates_dates(api_as, sa_analyst, make_package, walk) -> None:
    api = api_as(sa_analyst)
    with time_machine.travel(dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        walk(make_package(drafted_on=D(2026, 8, 20)), "waiting", transmitted_on=D(2026, 9, 1))
        items = api.get("/api/v1/calendar?from=2026-09-01&to=2026-09-30").json()
    kinds = {(i["kind"], i["rule"], i["date"]) for i in items}
    assert ("report", "FAA490-LIST", "2026-09-15") in kinds
    assert ("fy", "FY-END-1YR", "2026-09-30") in kinds
    wait = next(i for i in items if i["kind"] == "cn_wait")
    assert wait["date"] == "2026-09-16" and wait["state"] == "waiting"
    bad = api.get("/api/v1/calendar?from=2026-13-01")
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "from"
    assert api.get("/api/v1/calendar?from=2026-09-01&to=2026-08-01").status_code == 422


def test_missing_package_is_a_404(api_as, sa_analyst) -> None:
    assert api_as(sa_analyst).get("/api/v1/notifications/999999/clock").status_code == 404


def test_the_document_endpoint_returns_a_docx(api_as, sa_analyst, make_package) -> None:
    response = api_as(sa_analyst).get(f"/api/v1/notifications/{make_package().pk}/document.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_rules_endpoint_lists_the_rules_in_force_with_citations(api_as, viewer) -> None:
    rules = {r["code"]: r for r in api_as(viewer).get("/api/v1/notification-rules").json()}
    assert rules["SFOPS7015"]["emergency_days_after"] == 3
    assert rules["653A"]["kind"] == "after_enactment" and rules["653A"]["days"] == 30
    assert set(rules["FAA634A"]["committees"]) == {"SFRC", "HFAC", "SACFO", "HACFO"}


def test_attachments_are_recorded_and_listed(api_as, sa_analyst, make_package) -> None:
    api = api_as(sa_analyst)
    package = make_package()
    response = _post(
        api,
        f"/api/v1/notifications/{package.pk}/attachments",
        {"title": "DSCA pricing and availability", "location": "SharePoint PM/SA/CN/2026/P&A.pdf"},
    )
    assert response.status_code == 201
    assert response.json()["attachments"] == [
        {"title": "DSCA pricing and availability", "location": "SharePoint PM/SA/CN/2026/P&A.pdf"}
    ]
    missing = _post(api, f"/api/v1/notifications/{package.pk}/attachments", {"title": "x", "location": " "})
    assert missing.status_code == 422 and missing.json()["details"]["field"] == "location"


def test_list_query_count_stays_flat(api_as, sa_analyst, make_package, django_assert_max_num_queries) -> None:
    api = api_as(sa_analyst)
    for i in range(12):
        make_package(title=f"CN {i}")
    with django_assert_max_num_queries(40):
        assert len(api.get("/api/v1/notifications").json()) == 12
