"""The /api/v1/determinations contract: packages, versions, clearances, signature, the notice clock
with frozen time, the calendar, and access by role and office."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from secassist.clearances.models import ClearanceRequest
from secassist.restrictions.models import Waiver

pytestmark = pytest.mark.django_db
BASE = "/api/v1/determinations"


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _drive_to_signature(api: Any, admin_api: Any, frozen_day: dt.date) -> dict[str, Any]:
    created = _post(api, BASE, {"dtype": "cspa", "country": "COD", "fiscal_year": 2027, "scope_all": True})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert _post(api, f"{BASE}/{pid}/versions", {"text": "Justification"}).status_code == 201
    assert _post(api, f"{BASE}/{pid}/transition", {"action": "submit"}).json()["status"] == "in_clearance"
    for c in api.get(f"{BASE}/{pid}/clearances").json():
        assert c["required"] is True
        r = _post(admin_api, f"/api/v1/clearances/{c['id']}/position", {"position": "clear"})
        assert r.status_code == 200, r.content
    assert _post(api, f"{BASE}/{pid}/transition", {"action": "mark_cleared"}).json()["status"] == "ready_for_signature"
    signed = _post(
        api,
        f"{BASE}/{pid}/signature",
        {"signed_by": "The President", "signed_on": frozen_day.isoformat(), "signature_document": "PD 2027-02"},
    )
    assert signed.status_code == 200, signed.content
    return signed.json()


def test_a_cspa_package_goes_from_draft_to_signature_and_the_clock_runs(
    frozen: Any, sa_analyst: Any, admin_user: Any, api_as: Any
) -> None:
    api = api_as(sa_analyst)
    body = _drive_to_signature(api, api_as(admin_user), dt.date(2026, 11, 2))
    assert body["status"] == "signed" and body["waiver_id"] is None and body["register_approval"]["proposed_by"] == "sa"
    approved = _post(api_as(admin_user), f"/api/v1/approvals/{body['register_approval']['id']}/approve", {"comment": "ok"})
    assert approved.status_code == 200, approved.content
    body = api.get(f"{BASE}/{body['id']}").json()
    assert body["waiver_id"] and body["register_approval"] is None
    assert body["notice"]["due_on"] == "2026-12-17" and body["notice"]["days_left"] == 45
    assert body["notice"]["citation"].startswith("CSPA §404(c)(2)")
    frozen.shift(dt.timedelta(days=46))
    later = api.get(f"{BASE}/{body['id']}").json()
    assert later["notice"]["state"] == "overdue" and later["notice"]["days_left"] == -1
    waiver = Waiver.objects.get(pk=body["waiver_id"])
    assert waiver.country.iso3 == "COD" and waiver.scope_all and waiver.package.pk == body["id"]


def test_signing_before_clearances_answers_409_with_the_outstanding_offices(sa_analyst: Any, api_as: Any) -> None:
    api = api_as(sa_analyst)
    pid = _post(api, BASE, {"dtype": "cspa", "country": "COD", "fiscal_year": 2027, "scope_all": True}).json()["id"]
    _post(api, f"{BASE}/{pid}/versions", {"text": "J"})
    _post(api, f"{BASE}/{pid}/transition", {"action": "submit"})
    r = _post(api, f"{BASE}/{pid}/signature", {"signed_by": "X", "signed_on": "2026-01-01", "signature_document": "PD"})
    assert r.status_code == 409 and r.json()["code"] == "DET-001"
    assert set(r.json()["details"]["outstanding"]) == {"L", "H", "DRL", "F", "AF"}


def test_the_calendar_lists_next_years_recurring_determinations(frozen: Any, viewer: Any, api_as: Any) -> None:
    rows = api_as(viewer).get(f"{BASE}/calendar").json()  # default: next calendar year (2027)
    by_key = {r["key"]: r for r in rows}
    assert {"drug-majors-490", "cspa", "tvpa-tier3", "tip-report"} <= set(by_key)
    majors = by_key["drug-majors-490"]
    assert majors["due_on"] == "2027-09-15" and majors["decides_fiscal_year"] == 2028
    assert "2291j-1" in majors["citation"] and majors["confidence"] == "V"
    assert by_key["tvpa-tier3"]["window_opens_on"] == "2027-08-14" and by_key["tvpa-tier3"]["due_on"] == "2027-09-28"
    assert by_key["cspa"]["last_year"]["fiscal_year"] == 2027
    assert [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)


def test_the_calendar_shows_what_was_decided_last_year(viewer: Any, api_as: Any) -> None:
    rows = api_as(viewer).get(f"{BASE}/calendar?year=2022").json()
    cspa = next(r for r in rows if r["key"] == "cspa")
    assert cspa["decides_fiscal_year"] == 2023
    assert {d["country"] for d in cspa["last_year"]["decisions"]} >= {"IRQ", "NGA", "SOM"}


def test_a_bad_calendar_year_is_refused(viewer: Any, api_as: Any) -> None:
    r = api_as(viewer).get(f"{BASE}/calendar?year=1")
    assert r.status_code == 422 and r.json()["details"]["field"] == "year"


def test_access_by_role_and_office(
    sa_analyst: Any, clearer: Any, clearer_af: Any, dsp_analyst: Any, viewer: Any, budget_reviewer: Any, api_as: Any
) -> None:
    api = api_as(sa_analyst)
    pid = _post(api, BASE, {"dtype": "cspa", "country": "YEM", "fiscal_year": 2027, "scope_all": True}).json()["id"]
    _post(api, f"{BASE}/{pid}/versions", {"text": "J"})
    # Before clearance only the register's keepers and reviewers see the draft.
    assert api_as(clearer).get(f"{BASE}/{pid}").status_code == 404
    _post(api, f"{BASE}/{pid}/transition", {"action": "submit"})
    assert api_as(clearer).get(f"{BASE}/{pid}").status_code == 200  # DRL is asked to clear
    assert api_as(budget_reviewer).get(f"{BASE}/{pid}").status_code == 200  # F is asked to clear
    assert api_as(clearer_af).get(f"{BASE}/{pid}").status_code == 404  # Yemen is NEA's, AF not asked
    assert api_as(dsp_analyst).get(f"{BASE}/{pid}").status_code == 404
    assert api_as(viewer).get(f"{BASE}/{pid}").status_code == 200
    assert [p["id"] for p in api_as(clearer_af).get(BASE).json()] == []
    # Seeing is not editing.
    r = _post(api_as(clearer), f"{BASE}/{pid}/versions", {"text": "DRL's rewrite"})
    assert r.status_code == 403
    r = _post(api_as(viewer), BASE, {"dtype": "cspa", "country": "SOM", "fiscal_year": 2027, "scope_all": True})
    assert r.status_code == 403
    assert ClearanceRequest.objects.filter(subject_id=str(pid)).count() == 5


def test_bad_input_is_a_422_naming_the_field(sa_analyst: Any, api_as: Any) -> None:
    r = _post(api_as(sa_analyst), BASE, {"dtype": "cspa", "country": "ZZZ", "fiscal_year": 2027, "scope_all": True})
    assert r.status_code == 422 and r.json()["details"]["field"] == "country"
