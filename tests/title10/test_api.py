"""The Title 10 API: intake, transitions, checks, deconfliction, assurances, dashboard; errors as JSON."""

from __future__ import annotations

from typing import Any

from tests.title10 import two_person

from .conftest import answer_all

BASE = "/api/v1/title10"


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "AFRICOM-333-FY27-950",
        "title": "Kenya boats",
        "authority": "10 U.S.C. 333",
        "fiscal_year": 2027,
        "ccmd": "AFRICOM",
        "country": "Kenya",
        "purposes": ["maritime_border"],
        "description": "Patrol boats for the Kenya Navy.",
        "units": ["Kenya Navy Special Boat Unit"],
        "elements": [
            {"kind": "articles", "description": "boats", "cost": "1000000.00"},
            {"kind": "training", "cost": "250000.10"},
        ],
        "absorptive_capacity": "a",
        "timeline": "t",
        "delivery_schedule": "d",
        "sustainment_plan": "s",
        "prior_assistance": "p",
        "tcp_linkage": "tcp",
        "ics_linkage": "ics",
        "alternative_authorities": "FMF",
        "cert_human_rights": True,
        "cert_institutional_capacity": True,
    }
    body.update(overrides)
    return body


def test_an_analyst_records_a_proposal_and_reads_it_back(api_as: Any, t10_analyst: Any, kenya_unit: Any) -> None:
    api = api_as(t10_analyst)
    r = api.post(f"{BASE}/proposals", payload(), content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["total_cost"] == "1250000.10" and body["status"] == "received" and body["cfy_end_date"] == "2029-09-30"
    assert api.get(f"{BASE}/proposals/AFRICOM-333-FY27-950").json()["country"] == "KEN"
    assert [p["reference"] for p in api.get(f"{BASE}/proposals", {"country": "KEN"}).json()] == ["AFRICOM-333-FY27-950"]


def test_bad_input_names_the_field_and_what_is_allowed(api_as: Any, t10_analyst: Any) -> None:
    r = api_as(t10_analyst).post(
        f"{BASE}/proposals",
        payload(purposes=["humanitarian"], elements=[{"kind": "tanks", "cost": "1"}]),
        content_type="application/json",
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_input" and body["details"]["field"] == "purposes"
    assert "elements[0].kind: kind must be one of articles" in " ".join(body["details"]["problems"])


def test_a_duplicate_reference_is_a_conflict(api_as: Any, t10_analyst: Any, kenya_unit: Any) -> None:
    api = api_as(t10_analyst)
    api.post(f"{BASE}/proposals", payload(), content_type="application/json")
    assert api.post(f"{BASE}/proposals", payload(), content_type="application/json").status_code == 409


def test_a_viewer_may_read_but_not_write(api_as: Any, viewer: Any, make_proposal: Any) -> None:
    make_proposal()
    api = api_as(viewer)
    assert api.get(f"{BASE}/proposals").status_code == 200
    assert api.post(f"{BASE}/proposals", payload(), content_type="application/json").status_code == 403
    assert api.post(f"{BASE}/proposals/AFRICOM-333-FY27-901/route").status_code == 403
    assert api.get(f"{BASE}/proposals/NOPE").status_code == 404
    bad = api.get(f"{BASE}/proposals", {"status": "pending"})
    assert bad.status_code == 422 and "received" in bad.json()["details"]["allowed"]


def test_the_review_through_the_api(
    api_as: Any, t10_analyst: Any, admin_user: Any, make_proposal: Any, restrictions: dict[str, Any], congress: dict[str, Any]
) -> None:
    p = make_proposal()
    api = api_as(t10_analyst)
    ref = p.reference
    routes = api.get(f"{BASE}/proposals/{ref}/routes").json()
    assert {r["office"] for r in routes} >= {"AF", "EMB-KEN", "DRL"}
    assert api.post(f"{BASE}/proposals/{ref}/route").json()["status"] == "in_clearance"
    r = api.post(f"{BASE}/proposals/{ref}/review", {"reason": ""}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "T10-010"
    assert len(api.get(f"{BASE}/proposals/{ref}/clearances").json()) == 6
    answer_all(p, admin_user)
    assert (
        api.post(f"{BASE}/proposals/{ref}/review", {"reason": "all in"}, content_type="application/json").json()["status"]
        == "under_review"
    )
    checks = api.get(f"{BASE}/proposals/{ref}/checks").json()
    assert checks["restrictions"]["verdict"] == "allowed" and checks["leahy"]["units"][0]["code"] == "T10-L00"
    assert checks["concurrence_blockers"] == []
    r = api.post(
        f"{BASE}/proposals/{ref}/decision",
        {"decision": "concur_with_conditions", "reasons": "ok", "conditions": "vet"},
        content_type="application/json",
    )
    # State's decision is a two-person act: 202, nothing decided until a second analyst approves.
    assert r.status_code == 202 and r.json()["status"] == "pending_approval" and r.json()["act"] == "title10.decide"
    assert api.get(f"{BASE}/proposals/{ref}").json()["status"] == "under_review"
    approval_id = r.json()["approval_id"]
    own = api.post(f"/api/v1/approvals/{approval_id}/approve", {"comment": "mine"}, content_type="application/json")
    assert own.status_code == 403 and own.json()["code"] == "APR-001"
    checker = api_as(two_person.second_analyst())
    ok = checker.post(f"/api/v1/approvals/{approval_id}/approve", {"comment": "read it"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    r = api.get(f"{BASE}/proposals/{ref}")
    assert r.json()["status"] == "cn_pending" and r.json()["cn_reference"] == "CN-2027-901"
    r = api.post(f"{BASE}/proposals/{ref}/ready")
    assert r.status_code == 409 and r.json()["code"] == "T10-021"


def test_a_refused_concurrence_lists_its_blockers(
    api_as: Any, t10_analyst: Any, under_review: Any, restrictions: dict[str, Any]
) -> None:
    restrictions["verdict"] = "prohibited"
    r = api_as(t10_analyst).post(
        f"{BASE}/proposals/{under_review.reference}/decision",
        {"decision": "concur", "reasons": "r"},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "T10-013" and r.json()["details"]["blockers"][0]["citation"] == "10 U.S.C. 333(d)(1)"


def test_deconfliction_decision_and_withdrawal_through_the_api(api_as: Any, t10_analyst: Any, make_proposal: Any) -> None:
    p = make_proposal()
    make_proposal(reference="AFRICOM-333-FY27-902")
    api = api_as(t10_analyst)
    cands = api.get(f"{BASE}/proposals/{p.reference}/checks").json()["deconfliction"]
    assert cands[0]["key"] == "title10:AFRICOM-333-FY27-902" and cands[0]["flagged"]
    r = api.post(
        f"{BASE}/proposals/{p.reference}/deconfliction",
        {"candidate_key": cands[0]["key"], "verdict": "duplicate", "justification": "same boats"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["decision"] == "duplicate"
    assert api.get(f"{BASE}/proposals/{p.reference}/checks").json()["deconfliction"][0]["decision"] == "duplicate"
    r = api.post(f"{BASE}/proposals/{p.reference}/withdraw", {"reason": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["details"]["field"] == "reason"
    assert (
        api.post(f"{BASE}/proposals/{p.reference}/withdraw", {"reason": "duplicate"}, content_type="application/json").json()[
            "status"
        ]
        == "withdrawn"
    )


def test_assurances_and_dashboard(api_as: Any, t10_analyst: Any, viewer: Any) -> None:
    api = api_as(t10_analyst)
    r = api.post(
        f"{BASE}/assurances",
        {"country": "KEN", "kind": "faa505", "instrument": "505 notes", "signed_on": "2003-05-12"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["state"] == "in_force"
    bad = api.post(
        f"{BASE}/assurances",
        {"country": "KEN", "kind": "faa505", "instrument": "x", "state": "great"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "state"
    assert (
        api_as(viewer)
        .post(f"{BASE}/assurances", {"country": "KEN", "kind": "faa505", "instrument": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert [a["instrument"] for a in api_as(viewer).get(f"{BASE}/assurances", {"country": "KEN"}).json()] == ["505 notes"]
    board = api.get(f"{BASE}/dashboard").json()
    assert board["total"] == 0 and set(board["by_status"]) >= {"received", "ready_to_execute"}
