"""The determination package pages: list and create, detail with versions, clearances, clock and
actions (draft → signature, the register entry, the notice), and the annual calendar."""

from __future__ import annotations

from typing import Any

import pytest

from secassist.approvals import selectors as approval_selectors
from secassist.determinations.models import DeterminationPackage

from .conftest import clear_all

pytestmark = pytest.mark.django_db


def test_an_analyst_opens_a_cspa_package_from_the_list_page(client_as: Any, sa_analyst: Any) -> None:
    client = client_as(sa_analyst)
    page = client.get("/determinations/")
    assert page.status_code == 200 and b"Open a package" in page.content
    resp = client.post(
        "/determinations/", {"dtype": "cspa", "country": "SOM", "fiscal_year": "2027", "kind": "waiver", "scope_all": "on"}
    )
    package = DeterminationPackage.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/determinations/{package.pk}/"
    bad = client.post("/determinations/", {"dtype": "cspa", "country": "SOM", "fiscal_year": "2027", "kind": "waiver"})
    assert bad.status_code == 200 and "at least one program" in bad.content.decode()


def test_a_package_goes_from_draft_to_signature_on_its_page_and_enters_the_register(
    frozen: Any, client_as: Any, sa_analyst: Any, t10_analyst: Any, admin_user: Any, frozen_package: Any
) -> None:
    client = client_as(sa_analyst)
    url = f"/determinations/{frozen_package.pk}/"
    page = client.get(url).content.decode()
    assert "Version 1" in page and "Send for clearance" in page and "Not sent for clearance yet." in page
    assert client.post(url, {"op": "transition", "action": "submit"}).status_code == 302
    # Before the clearances: the refusal is shown on the page (DET-001), nothing changes.
    refused = client.post(url, {"op": "transition", "action": "mark_cleared"})
    assert refused.status_code == 422 and "DET-001" in refused.content.decode()
    frozen_package.refresh_from_db()
    assert frozen_package.status == "in_clearance"
    clear_all(frozen_package, admin_user)
    assert client.post(url, {"op": "transition", "action": "mark_cleared"}).status_code == 302
    sign = {
        "op": "sign",
        "signed_by": "Secretary of State",
        "signed_on": "2026-11-02",
        "signature_document": "Memorandum of justification",
        "pd_number": "2027-01",
    }
    assert client.post(url, sign).status_code == 302
    frozen_package.refresh_from_db()
    assert frozen_package.status == "signed"
    page = client.get(url).content.decode()
    assert "45 days after the signature" in page and "Due 2026-12-17" in page
    # The register entry waits for a second person (two-person approval) and is linked on approval.
    assert frozen_package.waiver is None
    (approval,) = approval_selectors.for_subject(frozen_package)
    assert f"/approvals/{approval.pk}/" in page
    assert client_as(t10_analyst).post(f"/approvals/{approval.pk}/", {"action": "approve"}).status_code == 302
    frozen_package.refresh_from_db()
    assert frozen_package.waiver is not None and frozen_package.waiver.country.iso3 == "SOM"
    assert frozen_package.waiver.scope_all is True
    assert client.post(url, {"op": "notice", "sent_on": "2026-11-02"}).status_code == 302
    assert "State: <strong>sent</strong>" in client.get(url).content.decode()


def test_a_bad_signature_date_is_shown_in_the_form(
    frozen: Any, client_as: Any, sa_analyst: Any, admin_user: Any, frozen_package: Any
) -> None:
    from secassist.determinations import services, workflow

    package = services.submit(acting_user=sa_analyst, package=frozen_package)
    clear_all(package, admin_user)
    workflow.transition(acting_user=sa_analyst, package=package, action="mark_cleared")
    resp = client_as(sa_analyst).post(
        f"/determinations/{package.pk}/",
        {"op": "sign", "signed_by": "S", "signed_on": "2030-01-01", "signature_document": "memo"},
    )
    assert resp.status_code == 422 and "usa-error-message" in resp.content.decode()
    package.refresh_from_db()
    assert package.status == "ready_for_signature"


def test_the_calendar_page_lists_next_years_recurring_determinations(frozen: Any, client_as: Any, viewer: Any) -> None:
    page = client_as(viewer).get("/determinations/calendar/")
    html = page.content.decode()
    assert page.status_code == 200 and "Annual determinations calendar, 2027" in html
    assert "2027-09-15" in html  # the drug majors determination, 22 U.S.C. 2291j-1
    assert "<caption>" in html and 'scope="col"' in html
    assert "Annual determinations calendar, 2028" in client_as(viewer).get("/determinations/calendar/?year=2028").content.decode()
    bad = client_as(viewer).get("/determinations/calendar/?year=1800")
    assert bad.status_code == 200 and "usa-error-message" in bad.content.decode()


def test_others_see_only_packages_their_office_is_asked_to_clear(
    client_as: Any, clearer_af: Any, dsp_analyst: Any, sa_analyst: Any, cspa_package: Any
) -> None:
    from secassist.determinations import services

    url = f"/determinations/{cspa_package.pk}/"
    assert client_as(clearer_af).get(url).status_code == 404
    assert client_as(dsp_analyst).get(url).status_code == 404
    services.submit(acting_user=sa_analyst, package=cspa_package)
    page = client_as(clearer_af).get(url)
    assert page.status_code == 200 and "Send for clearance" not in page.content.decode()
    assert client_as(clearer_af).post(url, {"op": "transition", "action": "withdraw", "note": "x"}).status_code == 403
