"""Editing a proposal's record (issue #6): allowed while received or in clearance, one audited
service behind the page and the API, the checks recomputed, re-routing while in clearance."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from secassist.audit.models import AuditEvent
from secassist.clearances.selectors import for_subject
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation
from secassist.title10 import services
from secassist.title10.models import Proposal
from tests.title10 import two_person

from .conftest import answer_all

BASE = "/api/v1/title10"


def offices_asked(proposal: Any) -> dict[str, str]:
    return {c.office.code: c.position for c in for_subject(proposal)}


def test_an_edit_changes_the_record_and_audits_before_and_after(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    result = services.edit_proposal(
        acting_user=t10_analyst,
        proposal=p,
        changes={"title": "Kenya coastal patrol", "training_cost": "1300000", "sustainment_years": "4"},
        reason="DoD revised the training estimate",
    )
    p.refresh_from_db()
    assert p.title == "Kenya coastal patrol" and p.sustainment_years == 4
    assert str(p.elements.get(kind="training").cost) == "1300000.00"
    assert p.elements.get(kind="articles").description == "Four 11m RHIB patrol boats"  # untouched fields stay
    assert sorted(result.changed) == ["elements", "sustainment_years", "title"]
    event = AuditEvent.objects.get(action="title10.proposal.edit", object_id=str(p.pk))
    assert event.before["title"] == "Kenya maritime border security" and event.after["title"] == "Kenya coastal patrol"
    assert event.before["elements"]["training"]["cost"] == "1150000.50"
    assert event.after["elements"]["training"]["cost"] == "1300000.00"
    assert event.reason == "DoD revised the training estimate"
    assert event.after["record_findings"] == [f"{f.code} ({f.severity})" for f in result.findings]


def test_the_record_checks_are_recomputed_after_an_edit(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    assert "T10-001" not in [f.code for f in services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={}).findings]
    result = services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"timeline": ""})
    t10_001 = next(f for f in result.findings if f.code == "T10-001")
    assert "timeline (333(e)(3))" in t10_001.data["missing"] and t10_001.citation == "10 U.S.C. 333(e)"


def test_an_edit_that_changes_nothing_writes_no_audit_event(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    result = services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"title": p.title})
    assert result.changed == [] and not AuditEvent.objects.filter(action="title10.proposal.edit").exists()


def test_a_decided_proposal_cannot_be_edited(under_review: Any, t10_analyst: Any, restrictions: Any, congress: Any) -> None:
    p = two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="non_concur", reasons="no fit")
    with pytest.raises(RuleViolation) as exc:
        services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"title": "late change"})
    assert exc.value.code == "T10-050" and "a decided proposal cannot be edited; withdraw it and resubmit" in exc.value.message
    assert Proposal.objects.get(pk=p.pk).title == "Kenya maritime border security"


def test_a_proposal_under_review_cannot_be_edited(under_review: Any, t10_analyst: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        services.edit_proposal(acting_user=t10_analyst, proposal=under_review, changes={"title": "x"})
    assert exc.value.code == "T10-050" and exc.value.details["editable"] == ["received", "in_clearance"]


def test_the_reference_cannot_be_changed_and_unknown_fields_are_named(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    with pytest.raises(InvalidInput) as exc:
        services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"reference": "AFRICOM-333-FY27-999"})
    assert exc.value.details["field"] == "reference"
    with pytest.raises(InvalidInput) as exc:
        services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"colour": "blue"})
    assert exc.value.details["field"] == "colour" and "title" in exc.value.details["allowed"]


def test_only_a_title10_analyst_may_edit(make_proposal: Any, viewer: Any, clearer: Any) -> None:
    p = make_proposal()
    for user in (viewer, clearer):
        with pytest.raises(AccessDenied):
            services.edit_proposal(acting_user=user, proposal=p, changes={"title": "x"})


def test_adding_units_in_clearance_asks_drl_and_keeps_the_existing_clearances(
    make_proposal: Any, t10_analyst: Any, admin_user: Any
) -> None:
    p = make_proposal(units="")
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    before = offices_asked(p)
    assert "DRL" not in before
    answer_all(p, admin_user)
    result = services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"units": "Kenya Navy Special Boat Unit"})
    after = offices_asked(p)
    assert result.clearances_added == ["DRL"] and after["DRL"] == "pending"
    assert {k: v for k, v in after.items() if k != "DRL"} == {k: "clear" for k in before}  # answers stand
    drl = next(c for c in for_subject(p) if c.office.code == "DRL")
    assert drl.reason.startswith("RT-03")
    event = AuditEvent.objects.get(action="title10.proposal.edit")
    assert event.after["clearances_added"] == ["DRL"] and "DRL" not in event.after["routes_before"]


def test_an_edit_of_a_received_proposal_does_not_route_it(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal(units="")
    result = services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"units": "Kenya Navy Special Boat Unit"})
    assert result.clearances_added == [] and offices_asked(p) == {}
    assert "DRL" in [r.office_code for r in services.planned_routes(result.proposal)]


# --- API -------------------------------------------------------------------------------------


def test_the_api_patches_a_proposal(api_as: Any, t10_analyst: Any, make_proposal: Any) -> None:
    p = make_proposal()
    r = api_as(t10_analyst).patch(
        f"{BASE}/proposals/{p.reference}",
        {"title": "Kenya patrol boats", "elements": [{"kind": "articles", "cost": "5000000"}], "reason": "rescoped"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["title"] == "Kenya patrol boats" and body["total_cost"] == "5000000.00"
    assert [e["kind"] for e in body["elements"]] == ["articles"]
    assert AuditEvent.objects.get(action="title10.proposal.edit").reason == "rescoped"


def test_the_api_refuses_a_decided_proposal_with_the_rule_code(
    api_as: Any, t10_analyst: Any, under_review: Any, restrictions: Any, congress: Any
) -> None:
    two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="non_concur", reasons="no fit")
    r = api_as(t10_analyst).patch(f"{BASE}/proposals/{under_review.reference}", {"title": "x"}, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["code"] == "T10-050" and "withdraw" in r.json()["message"]


def test_the_api_refuses_a_viewer(api_as: Any, viewer: Any, make_proposal: Any) -> None:
    p = make_proposal()
    r = api_as(viewer).patch(f"{BASE}/proposals/{p.reference}", {"title": "x"}, content_type="application/json")
    assert r.status_code == 403
    assert Proposal.objects.get(pk=p.pk).title == "Kenya maritime border security"


def test_the_api_names_the_bad_field(api_as: Any, t10_analyst: Any, make_proposal: Any) -> None:
    p = make_proposal()
    r = api_as(t10_analyst).patch(f"{BASE}/proposals/{p.reference}", {"ccmd": "NAVY"}, content_type="application/json")
    assert r.status_code == 422
    body = r.json()
    assert body["details"]["field"] == "ccmd" and "AFRICOM" in body["message"]


def test_the_api_patch_in_clearance_routes_to_drl(api_as: Any, t10_analyst: Any, make_proposal: Any) -> None:
    p = make_proposal(units="")
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    api = api_as(t10_analyst)
    r = api.patch(f"{BASE}/proposals/{p.reference}", {"units": ["Kenya Navy Special Boat Unit"]}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert "DRL" in [c["office"] for c in api.get(f"{BASE}/proposals/{p.reference}/clearances").json()]


# --- Pages -----------------------------------------------------------------------------------


def test_the_edit_page_is_prefilled_and_saves(client_as: Any, t10_analyst: Any, make_proposal: Any) -> None:
    p = make_proposal()
    c = client_as(t10_analyst)
    detail = c.get(reverse("title10:detail", args=[p.reference])).content.decode()
    assert reverse("title10:edit", args=[p.reference]) in detail
    page = c.get(reverse("title10:edit", args=[p.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Kenya maritime border security"' in html and 'value="Kenya Navy Special Boat Unit"' in html
    assert "readonly" in html and 'for="id_title"' in html
    form = {k: v for k, v in page.context["values"].items() if k != "purposes"}
    form = {k: v for k, v in form.items() if v != "no"}
    form.update({"title": "Kenya coastal patrol", "purposes": ["maritime_border", "counterterrorism"]})
    response = c.post(reverse("title10:edit", args=[p.reference]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    p.refresh_from_db()
    assert p.title == "Kenya coastal patrol" and p.cert_human_rights and p.units.count() == 1
    assert AuditEvent.objects.get(action="title10.proposal.edit").after["changed"] == ["title"]


def test_the_edit_page_ties_an_error_to_its_field(client_as: Any, t10_analyst: Any, make_proposal: Any) -> None:
    p = make_proposal()
    c = client_as(t10_analyst)
    form = {k: v for k, v in c.get(reverse("title10:edit", args=[p.reference])).context["values"].items() if v != "no"}
    form["fiscal_year"] = "twenty"
    response = c.post(reverse("title10:edit", args=[p.reference]), form)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="err_fiscal_year"' in html and 'aria-describedby="hint_fiscal_year err_fiscal_year"' in html


def test_the_edit_page_is_refused_to_a_viewer(client_as: Any, viewer: Any, make_proposal: Any) -> None:
    p = make_proposal()
    c = client_as(viewer)
    assert c.get(reverse("title10:edit", args=[p.reference])).status_code == 403
    assert c.post(reverse("title10:edit", args=[p.reference]), {"title": "x"}).status_code == 403
    detail = c.get(reverse("title10:detail", args=[p.reference])).content.decode()
    assert reverse("title10:edit", args=[p.reference]) not in detail


def test_the_edit_page_explains_why_a_decided_proposal_is_locked(
    client_as: Any, t10_analyst: Any, under_review: Any, restrictions: Any, congress: Any
) -> None:
    two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="non_concur", reasons="no fit")
    c = client_as(t10_analyst)
    assert (
        reverse("title10:edit", args=[under_review.reference])
        not in c.get(reverse("title10:detail", args=[under_review.reference])).content.decode()
    )
    response = c.get(reverse("title10:edit", args=[under_review.reference]))
    assert response.status_code == 409 and "T10-050" in response.content.decode()


def test_an_edit_after_the_offices_cleared_makes_their_clearances_stale_and_blocks_the_review(
    make_proposal: Any, t10_analyst: Any, admin_user: Any
) -> None:
    from secassist.clearances import services as clearance_services

    p = make_proposal()
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    answer_all(p, admin_user)
    services.edit_proposal(acting_user=t10_analyst, proposal=p, changes={"description": "Boats, engines and a new pier."})
    rows = list(for_subject(p))
    assert rows and all(c.is_stale for c in rows)
    with pytest.raises(RuleViolation) as err:
        services.begin_review(acting_user=t10_analyst, proposal=p)
    assert err.value.code == "CLR-001"
    for c in for_subject(p):
        clearance_services.record_position(acting_user=admin_user, clearance=c, position="clear")
    assert services.begin_review(acting_user=t10_analyst, proposal=p).status == "under_review"
