"""The API contracts: /history/obligations exactly as agreed, and the ledger's endpoints."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings

from secassist.budget import importers

pytestmark = pytest.mark.django_db
GREENBOOK = Path(settings.DATA_DIR) / importers.GREENBOOK_FILE
URL = "/api/v1/history/obligations"


@pytest.mark.skipif(not GREENBOOK.exists(), reason="shared Greenbook file not present")
def test_history_obligations_contract(api_as, viewer):
    importers.import_greenbook(GREENBOOK)
    api = api_as(viewer)
    body = api.get(URL, {"program": "FMF", "fiscal_year": "2019"}).json()
    assert set(body) == {"program", "fiscal_year", "source", "total", "countries_total", "countries", "pseudo_regions", "caveats"}
    assert (body["program"], body["fiscal_year"]) == ("FMF", 2019)
    assert body["total"] == "6529569361.27"
    assert D(body["total"]) == D(body["countries_total"]) + sum(D(p["amount"]) for p in body["pseudo_regions"])
    first = body["countries"][0]
    assert first == {"iso3": "ISR", "name": "Israel", "amount": "3300000000.00"}
    amounts = [D(c["amount"]) for c in body["countries"]]
    assert amounts == sorted(amounts, reverse=True) and all(a != 0 for a in amounts)
    assert all(isinstance(c["amount"], str) for c in body["countries"])
    assert any("two significant figures" in c for c in body["caveats"])

    pko = api.get(URL, {"program": "PKO", "fiscal_year": "2019"}).json()
    regions = {p["name"]: p["amount"] for p in pko["pseudo_regions"]}
    assert regions["Sub-Saharan Africa (not specified)"] == "180000000.00"
    assert D(pko["total"]) - D(pko["countries_total"]) == sum(D(v) for v in regions.values()) > 0

    jor = api.get(URL, {"program": "IMET", "fiscal_year": "2019", "country": "jor"}).json()
    assert jor["countries"] == [{"iso3": "JOR", "name": "Jordan", "amount": "4000000.00"}]
    assert jor["pseudo_regions"] == [] and jor["total"] == jor["countries_total"] == "4000000.00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"program": "ESF", "fiscal_year": "2019"}, "program"),
        ({"program": "FMF", "fiscal_year": "19"}, "fiscal_year"),
        ({"program": "FMF", "fiscal_year": "2019", "country": "Jordan"}, "country"),
    ],
)
def test_history_obligations_bad_parameters_name_the_field(api_as, viewer, params, field):
    resp = api_as(viewer).get(URL, params)
    assert resp.status_code == 422
    assert resp.json()["details"]["field"] == field


def test_history_obligations_without_data_says_so(api_as, viewer):
    body = api_as(viewer).get(URL, {"program": "IMET", "fiscal_year": "2019"}).json()
    assert body["total"] == "0.00" and body["countries"] == []
    assert any("not been imported" in c for c in body["caveats"])


def test_the_ledger_api_from_appropriation_to_refusal(api_as, sa_analyst, viewer, budget_reviewer):
    api = api_as(sa_analyst)
    resp = api.post(
        "/api/v1/funds/appropriations",
        {
            "account": "FMF",
            "fiscal_year": 2027,
            "public_law": "P.L. TEST-1",
            "section": "title IV",
            "enacted_on": "2026-11-17",
            "amount": "1000000.00",
        },
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    appr = resp.json()
    assert appr["obligation_period_end"] == "2028-09-30" and appr["report_653a_due_on"] == "2026-12-17"
    em = api.post(
        f"/api/v1/funds/appropriations/{appr['id']}/earmarks",
        {"kind": "not_less_than", "amount": "500000.00", "country": "JOR", "citation": "test act §1"},
        content_type="application/json",
    )
    assert em.status_code == 201 and em.json()["status"] == "short by $500,000.00"
    resp = api.post(
        "/api/v1/funds/allocations",
        {"appropriation_id": appr["id"], "recipient": "JOR", "amount": "600000.00", "notification_required": False},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    line = resp.json()
    assert (line["allocated"], line["status"], line["iso3"]) == ("600000.00", "planned", "JOR")
    # "Needs no notification" at creation waits for a second person, as it does later.
    assert line["notification_required"] is True
    assert [p["act"] for p in line["pending_approvals"]] == ["budget.notification_not_required"]
    approved = api_as(budget_reviewer).post(
        f"/api/v1/approvals/{line['pending_approvals'][0]['id']}/approve", {"comment": ""}, content_type="application/json"
    )
    assert approved.status_code == 200, approved.content
    refusal = api.post(
        "/api/v1/funds/postings",
        {"allocation_id": line["id"], "entry_type": "apportion", "amount": "1.00"},
        content_type="application/json",
    )
    assert refusal.status_code == 409 and refusal.json()["code"] == "BUD-016"
    from secassist.budget import services
    from secassist.budget.models import Allocation

    services.change_status(acting_user=sa_analyst, allocation=Allocation.objects.get(pk=line["id"]), to_status="approved")
    ok = api.post(
        "/api/v1/funds/postings",
        {
            "allocation_id": line["id"],
            "entry_type": "apportion",
            "amount": "500000.00",
            "document_type": "SF 132",
            "document_ref": "A-1",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["amount"] == "500000.00"
    over = api.post(
        "/api/v1/funds/postings",
        {"allocation_id": line["id"], "entry_type": "apportion", "amount": "100000.01"},
        content_type="application/json",
    )
    body = over.json()
    assert over.status_code == 409 and body["code"] == "BUD-013" and "To pass" in body["message"]
    assert body["details"]["citation"].startswith("31 U.S.C.")
    balances = api.get("/api/v1/funds/balances", {"appropriation_id": appr["id"], "stage": "obligated"}).json()
    assert {(b["line"], b["amount"]) for b in balances} == {("(appropriation total)", "500000.00"), ("Jordan", "500000.00")}
    ems = api.get(f"/api/v1/funds/appropriations/{appr['id']}/earmarks").json()
    assert ems[0]["compliant"] is True and ems[0]["country"] == "JOR"
    postings = api.get("/api/v1/funds/postings", {"allocation_id": line["id"]}).json()
    assert [p["entry_type"] for p in postings] == ["apportion", "allocate"]
    rev = api.post(
        f"/api/v1/funds/postings/{postings[0]['id']}/reverse", {"reason": "wrong SF 132"}, content_type="application/json"
    )
    assert rev.status_code == 201 and rev.json()["reverses"] == postings[0]["id"]
    assert (
        api_as(viewer)
        .post(
            "/api/v1/funds/postings",
            {"allocation_id": line["id"], "entry_type": "apportion", "amount": "1.00"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert api_as(viewer).get(f"/api/v1/funds/allocations/{line['id']}").json()["apportioned"] == "0.00"
    assert api.get("/api/v1/funds/allocations/999999").status_code == 404


def test_bad_posting_input_is_422_with_the_field(api_as, sa_analyst, build):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    resp = api_as(sa_analyst).post(
        "/api/v1/funds/postings",
        {"allocation_id": jor.pk, "entry_type": "apportion", "amount": "ten"},
        content_type="application/json",
    )
    assert resp.status_code == 422 and resp.json()["details"]["field"] == "amount"
    resp = api_as(sa_analyst).post(
        "/api/v1/funds/postings", {"allocation_id": jor.pk, "entry_type": "gift", "amount": "1"}, content_type="application/json"
    )
    assert resp.status_code == 422 and "allowed" in resp.json()["details"]


def test_the_openapi_schema_documents_the_budget_endpoints(client_as, viewer):
    spec = client_as(viewer).get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/history/obligations",
        "/api/v1/funds/appropriations",
        "/api/v1/funds/allocations",
        "/api/v1/funds/postings",
        "/api/v1/funds/balances",
    ):
        assert path in spec["paths"], path
    assert "HistoryObligationsOut" in spec["components"]["schemas"]
