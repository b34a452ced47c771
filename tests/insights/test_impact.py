"""Impact analysis: a hypothetical coup in Jordan lists exactly Jordan's seeded lines and proposals, with the
amounts at risk by stage and what could relieve it, and records nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from secassist.audit.models import AuditEvent
from secassist.budget.models import Allocation
from secassist.restrictions.models import Designation

pytestmark = pytest.mark.django_db


def test_a_hypothetical_coup_lists_exactly_the_countrys_lines_and_proposals_and_records_nothing(
    api_as: Any, viewer: Any, seed: Any
) -> None:
    world = seed.world()
    api = api_as(viewer)  # (creating the token is audited: before the count)
    counts = (Designation.objects.count(), AuditEvent.objects.count(), Allocation.objects.count())
    resp = api.post(
        "/api/v1/restrictions/impact",
        {"country": "JOR", "restriction": "coup-7008", "effective_on": "2026-12-01"},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["hypothetical"] is True and body["recorded"] is False
    reached = {p["program"] for p in body["programs"] if p["reached"]}
    assert {"FMF", "IMET", "PKO"} <= reached
    assert [line["id"] for line in body["funds_lines"]] == [world["jor"].pk], "Jordan's line only, never Egypt's"
    assert "10USC333" in reached, "§333 inherits the Title 22 bars (333(d)(1))"
    assert [p["reference"] for p in body["proposals"]] == ["CENTCOM-333-FY27-004"], "Jordan's proposal, never Ukraine's"
    fmf = next(r for r in body["at_risk"] if r["program"] == "FMF")
    assert (fmf["allocated"], fmf["obligated"], fmf["unobligated"]) == ("425000000.00", "125000000.00", "300000000.00")
    assert [n["number"] for n in body["notifications"]] == [world["package"].number]
    assert any(p["kind"] == "plan" for p in body["plans"])
    assert body["relief"]["waiver"]["available"] in (True, False) and body["clocks"] is not None
    assert (Designation.objects.count(), AuditEvent.objects.count(), Allocation.objects.count()) == counts


def test_the_verdict_now_is_unchanged_by_a_hypothetical_run(api_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    api = api_as(viewer)
    before = api.get("/api/v1/countries/JOR/summary?fy=2027").json()["restrictions"]["verdicts"]
    api.post("/api/v1/restrictions/impact", {"country": "JOR", "restriction": "coup-7008"}, content_type="application/json")
    after = api.get("/api/v1/countries/JOR/summary?fy=2027").json()["restrictions"]["verdicts"]
    assert [v["verdict"] for v in before] == [v["verdict"] for v in after]
    assert all(v["verdict"] != "prohibited" or v["program"] not in ("FMF",) for v in after)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"country": "XXX", "restriction": "coup-7008"}, "country"),
        ({"country": "JOR", "restriction": "no-such"}, "restriction"),
        ({"country": "JOR", "restriction": "coup-7008", "effective_on": "01/12/2026"}, "effective_on"),
    ],
)
def test_impact_refuses_bad_input_naming_the_field(api_as: Any, viewer: Any, payload: dict[str, str], field: str) -> None:
    resp = api_as(viewer).post("/api/v1/restrictions/impact", payload, content_type="application/json")
    assert resp.status_code == 422
    assert resp.json()["details"]["field"] == field


def test_the_impact_page_and_its_xlsx(client_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    client = client_as(viewer)
    assert client.get("/insights/impact/").status_code == 200
    page = client.get("/insights/impact/?country=JOR&restriction=tvpa-tier3&effective_on=2026-12-01")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Amounts at risk by program and stage" in body and "Nothing is recorded" in body
    assert client.get("/insights/impact/?country=JOR&restriction=nope").status_code == 422
    xlsx = client.get("/insights/impact.xlsx?country=JOR&restriction=tvpa-tier3&effective_on=2026-12-01")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert {"Query", "Programs", "At risk", "Funds lines", "Title 10 proposals", "Notifications", "Plans", "Clocks"} <= set(
        wb.sheetnames
    )
