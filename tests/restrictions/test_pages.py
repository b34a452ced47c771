"""Pages: catalog, check (full page and htmx partial), register with expiry alert, forms, country page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from secassist.approvals.models import ApprovalRequest
from secassist.audit.models import AuditEvent
from secassist.restrictions.models import Waiver


def test_catalog_lists_every_restriction_with_its_citation(restrictions_data, client_as, viewer):
    response = client_as(viewer).get(reverse("restrictions:catalog"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "RST-010",
        "22 U.S.C. 2371",
        "RST-016",
        "22 U.S.C. 2370c-1",
        "10 U.S.C. 362",
        "<caption>15 restrictions</caption>",
    ):
        assert text in html


def test_check_page_explains_the_verdict_with_citation_and_source(restrictions_data, client_as, viewer):
    url = (
        reverse("restrictions:check")
        + "?country=SOM&program=FMF&fiscal_year=2025&on_date=2025-03-01&recipient=government&purpose=general"
    )
    response = client_as(viewer).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verdict:" in html and "Prohibited" in html and "RST-016" in html and "22 U.S.C. 2370c-1" in html
    assert "bidenwhitehouse.archives.gov" in html
    partial = client_as(viewer).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "RST-016" in partial


def test_check_page_ties_an_error_to_its_field(restrictions_data, client_as, viewer):
    url = reverse("restrictions:check") + "?country=SOM&program=ESF&fiscal_year=2025&recipient=government&purpose=general"
    response = client_as(viewer).get(url)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_program-error"' in html and 'aria-describedby="id_program-hint id_program-error"' in html


def test_waiver_register_alerts_on_waivers_expiring_within_90_days(restrictions_data, client_as, viewer):
    with time_machine.travel("2025-08-01 12:00Z"):
        html = client_as(viewer).get(reverse("restrictions:waivers")).content.decode()
        home = client_as(viewer).get(reverse("web:home")).content.decode()
    assert "expire in the next 90 days" in html and "2025-09-30" in html
    assert "Waivers expiring in 90 days" in home and "Waivers expiring in the next 90 days" in home


def test_an_analyst_records_a_waiver_through_the_form_and_it_is_audited(restrictions_data, client_as, sa_analyst, sa_analyst_2):
    response = client_as(sa_analyst).post(
        reverse("restrictions:waiver-new"),
        {
            "restriction": "cspa",
            "country": "som",
            "kind": "waiver",
            "scope_programs": "FMF; 10 USC 331",
            "fiscal_year": "2026",
            "effective_from": "2025-09-30",
            "legal_authority": "CSPA §404(c)",
            "source_document": "PD 2025-xx (test)",
            "public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # A second analyst approves the proposed entry; only then is it in the register.
    assert not Waiver.objects.filter(source_document="PD 2025-xx (test)").exists()
    approval = ApprovalRequest.objects.get(act="restrictions.record_waiver", status="pending")
    own = client_as(sa_analyst).post(reverse("approvals:detail", args=[approval.pk]), {"action": "approve"})
    assert own.status_code == 422 and "cannot also approve" in own.content.decode()
    ok = client_as(sa_analyst_2).post(reverse("approvals:detail", args=[approval.pk]), {"action": "approve"})
    assert ok.status_code == 302
    waiver = Waiver.objects.get(source_document="PD 2025-xx (test)")
    assert waiver.scope_programs == ["10USC331", "FMF"] and waiver.recorded_by == sa_analyst_2
    assert AuditEvent.objects.filter(action="restrictions.waiver.record", object_id=str(waiver.pk)).exists()


def test_the_waiver_form_shows_service_refusals_on_the_field(restrictions_data, client_as, sa_analyst):
    response = client_as(sa_analyst).post(
        reverse("restrictions:waiver-new"),
        {
            "restriction": "cspa",
            "country": "SOM",
            "kind": "waiver",
            "scope_programs": "ESF",
            "effective_from": "2025-09-30",
            "legal_authority": "x",
            "source_document": "y",
        },
    )
    assert response.status_code == 422
    assert 'id="id_scope_programs-error"' in response.content.decode()


def test_a_read_only_user_cannot_post_the_forms(restrictions_data, client_as, viewer):
    assert client_as(viewer).get(reverse("restrictions:waiver-new")).status_code == 200
    for name in ("restrictions:waiver-new", "restrictions:designation-new", "restrictions:unit-new"):
        assert client_as(viewer).post(reverse(name), {}).status_code == 403


def test_recording_a_designation_and_its_end_through_the_forms(restrictions_data, client_as, sa_analyst, sa_analyst_2):
    client = client_as(sa_analyst)
    response = client.post(
        reverse("restrictions:designation-new"),
        {
            "restriction": "brooke-7012",
            "country": "ZWE",
            "status": "in default > 1 year",
            "effect": "prohibits",
            "effective_from": "2024-01-01",
            "source_document": "Treasury arrears report (test)",
        },
    )
    assert response.status_code == 302
    from secassist.restrictions.models import Designation

    d = Designation.objects.get(country__iso3="ZWE", restriction__key="brooke-7012")
    response = client.post(
        reverse("restrictions:designation-end", args=[d.pk]), {"ended_on": "2025-01-01", "reason": "arrears cleared"}
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.ended_on is None  # ending a designation lifts a prohibition: a second person approves it first
    approval = ApprovalRequest.objects.get(act="restrictions.end_designation", status="pending")
    assert "arrears cleared" in approval.reason
    assert client_as(sa_analyst_2).post(reverse("approvals:detail", args=[approval.pk]), {"action": "approve"}).status_code == 302
    d.refresh_from_db()
    assert str(d.ended_on) == "2025-01-01"


def test_country_timeline_and_country_page_section_show_designations_with_sources(restrictions_data, client_as, viewer):
    html = client_as(viewer).get(reverse("restrictions:country", args=["CUB"])).content.decode()
    assert "2021-01-12 – in force" in html
    section = client_as(viewer).get(reverse("web:country", args=["CUB"])).content.decode()
    assert "Full restriction timeline" in section


def test_unit_form_registers_a_unit(restrictions_data, client_as, sa_analyst):
    response = client_as(sa_analyst).post(
        reverse("restrictions:unit-new"),
        {
            "country": "KEN",
            "name": "GSU Recce",
            "force_type": "police",
            "vetting_status": "approved",
            "remediation_status": "none",
        },
    )
    assert response.status_code == 302
    html = client_as(sa_analyst).get(reverse("restrictions:country", args=["KEN"])).content.decode()
    assert "GSU Recce" in html


def test_an_analyst_updates_a_units_vetting_and_the_check_follows(restrictions_data, fill_gaps, client_as, sa_analyst):
    from secassist.restrictions import services

    fill_gaps("KEN", 2025)
    from secassist.restrictions.checking import check

    unit = services.save_unit(acting_user=sa_analyst, country="KEN", name="Unit Q", force_type="military")
    assert {f.code for f in check(country="KEN", program="FMF", fiscal_year=2025, units=[unit.pk]).findings} == {
        "RST-090",
        "RST-091",
    }
    response = client_as(sa_analyst).post(
        reverse("restrictions:unit-edit", args=[unit.pk]),
        {
            "name": "Unit Q",
            "force_type": "military",
            "vetting_status": "denied",
            "remediation_status": "none",
            "credible_information": "on",
            "finding_date": "2025-01-05",
        },
    )
    assert response.status_code == 302
    assert check(country="KEN", program="FMF", fiscal_year=2025, on_date="2025-02-01", units=[unit.pk]).verdict == "prohibited"
    assert AuditEvent.objects.filter(action="restrictions.unit.save", object_id=str(unit.pk)).exists()


def test_a_check_link_naming_only_the_country_opens_the_form_filled_for_the_current_fy(client_as, viewer):
    with time_machine.travel(dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC), tick=False):
        page = client_as(viewer).get("/restrictions/check/", {"country": "SOM"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "This field is required" not in html
    assert 'value="SOM"' in html and 'value="2027"' in html, "FY2027 began on 1 October 2026"


@pytest.mark.parametrize(("day", "fy"), [((2026, 9, 30), 2026), ((2026, 10, 1), 2027)])
def test_a_check_link_with_a_program_is_answered_for_the_current_fy(client_as, viewer, day, fy):
    with time_machine.travel(dt.datetime(*day, 12, 0, tzinfo=dt.UTC), tick=False):
        page = client_as(viewer).get("/restrictions/check/", {"country": "JOR", "program": "FMF"})
    assert page.status_code == 200, page.content.decode()[:500]
    assert f"FY{fy}" in page.content.decode()
