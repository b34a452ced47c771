"""API contract: POST /api/v1/restrictions/check and /check-batch, the register, errors."""

from __future__ import annotations

import json

import pytest

URL = "/api/v1/restrictions/check"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_check_returns_exactly_the_engine_result(restrictions_data, fill_gaps, api_as, viewer):
    fill_gaps("SOM", 2025, "2025-03-01")
    from secassist.restrictions.checking import check

    response = post(api_as(viewer), URL, {"country": "SOM", "program": "IMET", "fiscal_year": 2025, "on_date": "2025-03-01"})
    assert response.status_code == 200, response.content
    body = response.json()
    expected = check(country="SOM", program="IMET", fiscal_year=2025, on_date="2025-03-01").as_dict()
    body.pop("evaluated_at"), expected.pop("evaluated_at")
    assert body == expected
    assert body["verdict"] == "allowed_under_waiver"
    (finding,) = body["findings"]
    assert body["waivers_relied_on"][0]["pd_number"] == "2024-15" and body["conditions"] == []
    assert {a["restriction"] for a in body["assessments_relied_on"]} and body["not_assessed"] == []
    assert set(finding) >= {"code", "restriction", "citation", "effect", "designation", "waiver", "explanation"}
    assert finding["waiver"]["pd_number"] == "2024-15"
    assert finding["designation"]["source_url"].startswith("https://")


def test_on_date_defaults_to_today(restrictions_data, fill_gaps, api_as, viewer):
    import time_machine

    fill_gaps("TUR", 2024, "2024-07-01")

    with time_machine.travel("2024-07-01 12:00Z"):
        body = post(api_as(viewer), URL, {"country": "TUR", "program": "FMF", "fiscal_year": 2024}).json()
    assert body["query"]["on_date"] == "2024-07-01"
    assert body["verdict"] == "allowed_under_waiver"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"country": "XXQ", "program": "IMET", "fiscal_year": 2025}, "country"),
        ({"country": "SOM", "program": "ESF", "fiscal_year": 2025}, "program"),
        ({"country": "SOM", "program": "IMET", "fiscal_year": 2025, "purpose": "fun"}, "purpose"),
        ({"country": "SOM", "program": "IMET", "fiscal_year": 2025, "recipient": "army"}, "recipient"),
        ({"country": "SOM", "program": "IMET", "fiscal_year": 1800}, "fiscal_year"),
        ({"country": "SOM", "program": "IMET", "fiscal_year": 2025, "on_date": "yesterday"}, "on_date"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_the_allowed_values(restrictions_data, api_as, viewer, body, field):
    response = post(api_as(viewer), URL, body)
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["code"] == "invalid_input"
    assert field in json.dumps(data["details"]) and field in data["message"]
    if field in ("program", "purpose", "recipient"):
        assert "allowed" in json.dumps(data["details"])


def test_batch_checks_every_row_against_one_snapshot(restrictions_data, fill_gaps, api_as, viewer):
    fill_gaps("SOM", 2025, "2025-03-01")
    checks = [{"country": "SOM", "program": p, "fiscal_year": 2025, "on_date": "2025-03-01"} for p in ("IMET", "FMF", "10USC333")]
    response = post(api_as(viewer), "/api/v1/restrictions/check-batch", {"checks": checks})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [r["verdict"] for r in body["results"]] == ["allowed_under_waiver", "prohibited", "allowed_under_waiver"]
    assert body["summary"] == {"allowed_under_waiver": 2, "prohibited": 1}


def test_a_batch_with_a_bad_row_is_refused_listing_the_row(restrictions_data, api_as, viewer):
    checks = [
        {"country": "SOM", "program": "IMET", "fiscal_year": 2025},
        {"country": "SOM", "program": "NOPE", "fiscal_year": 2025},
    ]
    response = post(api_as(viewer), "/api/v1/restrictions/check-batch", {"checks": checks})
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["index"] == 1
    assert response.json()["details"]["field"] == "checks[1].program"


def test_recording_a_waiver_through_the_api_changes_the_next_check(
    restrictions_data, fill_gaps, api_as, sa_analyst, sa_analyst_2
):
    fill_gaps("SOM", 2025, "2025-06-01")
    client = api_as(sa_analyst)
    before = post(client, URL, {"country": "SOM", "program": "FMF", "fiscal_year": 2025, "on_date": "2025-06-01"}).json()
    assert before["verdict"] == "prohibited"
    response = post(
        client,
        "/api/v1/restrictions/waivers",
        {
            "restriction": "cspa",
            "country": "SOM",
            "scope_programs": ["FMF"],
            "fiscal_year": 2025,
            "effective_from": "2025-05-15",
            "legal_authority": "CSPA §404(c)",
            "source_document": "Test determination",
            "pd_number": "2025-99",
        },
    )
    # Recording a waiver is a two-person act: 202, and the register is unchanged until approved.
    assert response.status_code == 202, response.content
    pending = response.json()
    assert pending["status"] == "pending_approval" and pending["act"] == "restrictions.record_waiver"
    assert (
        post(client, URL, {"country": "SOM", "program": "FMF", "fiscal_year": 2025, "on_date": "2025-06-01"}).json()["verdict"]
        == "prohibited"
    )
    approved = post(api_as(sa_analyst_2), f"/api/v1/approvals/{pending['approval_id']}/approve", {"comment": "PD read"})
    assert approved.status_code == 200, approved.content
    recorded = client.get("/api/v1/restrictions/waivers?country=SOM&restriction=cspa").json()
    assert [w["expires_on"] for w in recorded if w["pd_number"] == "2025-99"] == ["2025-09-30"]
    after = post(client, URL, {"country": "SOM", "program": "FMF", "fiscal_year": 2025, "on_date": "2025-06-01"}).json()
    assert after["verdict"] == "allowed_under_waiver"
    assert after["findings"][0]["waiver"]["pd_number"] == "2025-99"


def test_a_read_only_user_may_check_but_not_record(restrictions_data, api_as, viewer):
    response = post(
        api_as(viewer),
        "/api/v1/restrictions/waivers",
        {
            "restriction": "cspa",
            "country": "SOM",
            "scope_all": True,
            "effective_from": "2025-05-15",
            "legal_authority": "x",
            "source_document": "y",
        },
    )
    assert response.status_code == 403


def test_catalog_designations_and_waivers_are_listed_with_citations(restrictions_data, api_as, viewer):
    client = api_as(viewer)
    catalog = client.get("/api/v1/restrictions/catalog").json()
    assert {r["rule_code"] for r in catalog} >= {"RST-010", "RST-016", "RST-017", "RST-021", "RST-022"}
    assert all(r["citation"] and r["source"] for r in catalog)
    cuba = client.get("/api/v1/restrictions/designations?country=CUB").json()
    assert {d["effective_from"] for d in cuba if d["restriction"] == "sst-620a"} >= {"2021-01-12"}
    assert not [d for d in cuba if d["restriction"] == "sst-620a" and d["effective_from"] == "2021-01-12" and d["ended_on"]]
    waivers = client.get("/api/v1/restrictions/waivers?country=TUR&fiscal_year=2024").json()
    assert {w["pd_number"] for w in waivers} >= {"2023-11", "2024-06"}
    assert client.get("/api/v1/restrictions/designations?country=12").status_code == 422


def test_units_can_be_registered_and_checked_through_the_api(restrictions_data, api_as, sa_analyst):
    client = api_as(sa_analyst)
    response = post(
        client,
        "/api/v1/restrictions/units",
        {"country": "KEN", "name": "Unit A", "force_type": "police", "credible_information": True, "finding_date": "2024-01-01"},
    )
    assert response.status_code == 201, response.content
    unit_id = response.json()["id"]
    body = post(client, URL, {"country": "KEN", "program": "PKO", "fiscal_year": 2025, "units": [unit_id]}).json()
    assert body["verdict"] == "prohibited"
    assert client.get("/api/v1/restrictions/units?country=KEN").json()[0]["name"] == "Unit A"


def test_a_unit_update_through_the_api_cannot_move_it_to_another_country(restrictions_data, api_as, sa_analyst):
    client = api_as(sa_analyst)
    unit = post(client, "/api/v1/restrictions/units", {"country": "KEN", "name": "Unit B", "force_type": "police"}).json()
    body = {"country": "SOM", "name": "Unit B", "force_type": "police"}
    response = client.put(f"/api/v1/restrictions/units/{unit['id']}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and response.json()["details"]["field"] == "country"
    body = {"country": "KEN", "name": "Unit B", "force_type": "police", "vetting_status": "approved", "vetted_on": "2025-01-01"}
    response = client.put(f"/api/v1/restrictions/units/{unit['id']}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["vetting_status"] == "approved"


def test_a_read_only_token_may_still_post_a_check(restrictions_data, fill_gaps, viewer):
    """A check is a question, not a change: a read-scoped token asks it (ADR 0870)."""
    from django.test import Client

    from secassist.accounts.services import create_token

    fill_gaps("SOM", 2025, "2025-03-01")
    _, key = create_token(acting_user=viewer, user=viewer, scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = post(client, URL, {"country": "SOM", "program": "IMET", "fiscal_year": 2025, "on_date": "2025-03-01"})
    assert response.status_code == 200, response.content
    assert response.json()["verdict"] == "allowed_under_waiver"
