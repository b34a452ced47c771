"""Structured capabilities and platforms on Title 10 proposals (issue #18, as on Title 22 lines):
form, API, workbook import, and their use by deconfliction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from secassist.audit.models import AuditEvent
from secassist.core.errors import ImportRejected
from secassist.title10 import checks, services, workbook
from secassist.title10.models import Proposal

from .conftest import kenya_raw
from .test_api import BASE, payload


def test_the_api_takes_capabilities_and_platforms_by_code_or_name_and_gives_codes_back(
    api_as: Any, t10_analyst: Any, kenya_unit: Any
) -> None:
    api = api_as(t10_analyst)
    body = payload(capabilities=["Maritime security and interdiction", "sustainment"], platforms=["Defender class", "RB-S"])
    r = api.post(f"{BASE}/proposals", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["capabilities"] == ["maritime-security", "sustainment"]
    assert r.json()["platforms"] == ["defender-boat"]  # two names of one platform are one code
    event = AuditEvent.objects.filter(action="title10.proposal.create").latest("pk")
    assert event.after["capabilities"] == ["maritime-security", "sustainment"]


def test_an_unknown_capability_or_platform_is_refused_naming_the_field_and_the_allowed_codes(
    api_as: Any, t10_analyst: Any, kenya_unit: Any
) -> None:
    api = api_as(t10_analyst)
    r = api.post(f"{BASE}/proposals", payload(capabilities=["space lasers"]), content_type="application/json")
    assert r.status_code == 422
    assert r.json()["details"]["field"] == "capabilities" and "maritime-security" in r.json()["details"]["problems"][0]
    r = api.post(f"{BASE}/proposals", payload(platforms=["Sopwith Camel"]), content_type="application/json")
    assert r.status_code == 422 and r.json()["details"]["field"] == "platforms"
    assert not Proposal.objects.exists()


def test_a_patch_changes_the_platforms_and_the_edit_is_audited(api_as: Any, t10_analyst: Any, make_proposal: Any) -> None:
    p = make_proposal()
    r = api_as(t10_analyst).patch(
        f"{BASE}/proposals/{p.reference}",
        {"platforms": ["UH-60"], "reason": "DoD named the fleet"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["platforms"] == ["uh-60"]
    event = AuditEvent.objects.filter(action="title10.proposal.edit").latest("pk")
    assert event.before["platforms"] == [] and event.after["platforms"] == ["uh-60"]


def test_the_form_records_capabilities_and_platforms_and_ties_a_bad_one_to_its_field(
    client_as: Any, t10_analyst: Any, kenya_unit: Any
) -> None:
    client = client_as(t10_analyst)
    bad = kenya_raw(capabilities="maritime-security; teleportation")
    response = client.post(reverse("title10:new"), {**bad, "purposes": ["maritime_border"]})
    assert response.status_code == 422 and 'id="err_capabilities"' in response.content.decode()
    good = kenya_raw(capabilities="maritime-security", platforms="Metal Shark")
    response = client.post(reverse("title10:new"), {**good, "purposes": ["maritime_border"]})
    assert response.status_code == 302
    p = Proposal.objects.get()
    assert p.capabilities == ["maritime-security"] and p.platforms == ["metal-shark"]
    edit = client.get(reverse("title10:edit", args=[p.reference])).content.decode()
    assert 'name="platforms"' in edit and 'value="metal-shark"' in edit


def test_the_workbook_imports_the_columns_and_reimports_unchanged(tmp_path: Path, t10_analyst: Any, kenya_unit: Any) -> None:
    path = tmp_path / "p.xlsx"
    workbook.write_template(path, [kenya_raw(capabilities="ISR", platforms="ScanEagle; Scan Eagle")])
    assert workbook.import_workbook(path, acting_user=t10_analyst)["created"] == 1
    assert Proposal.objects.get().platforms == ["scaneagle"]
    assert workbook.import_workbook(path, acting_user=t10_analyst)["unchanged"] == 1
    bad = tmp_path / "b.xlsx"
    workbook.write_template(bad, [kenya_raw(reference="R-2", platforms="Sopwith Camel")])
    with pytest.raises(ImportRejected) as exc:
        workbook.import_workbook(bad, acting_user=t10_analyst)
    assert any("(platforms): 'Sopwith Camel' is not in the taxonomy" in p for p in exc.value.details["problems"])
    assert Proposal.objects.count() == 1


def test_recorded_platforms_decide_against_a_duplicate_the_text_cannot_see(make_proposal: Any, t10_analyst: Any) -> None:
    """Two proposals for one unit and year whose texts name no platform: recorded as two different
    fleets of one category, they are an overlap, not a duplicate."""
    first = make_proposal(reference="AFRICOM-333-FY27-911", platforms="Metal Shark")
    second = make_proposal(reference="AFRICOM-333-FY27-912", platforms="Hamilton-class")
    (c,) = [c for c in checks.deconfliction_candidates(second) if c.key == f"title10:{first.reference}"]
    assert c.classification == "overlap" and not c.evidence["same_capability"]
    assert any("different platforms" in r for r in c.reasons)
    services.edit_proposal(acting_user=t10_analyst, proposal=second, changes={"platforms": "Metal Shark"}, reason="same boats")
    second.refresh_from_db()
    (c,) = [c for c in checks.deconfliction_candidates(second) if c.key == f"title10:{first.reference}"]
    assert c.classification == "duplicate"
