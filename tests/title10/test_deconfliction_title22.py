"""Deconfliction against structured Title 22 activities, unit links, and decisions that belong to
the pair (issue #18) — through services, pages and the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document

from secassist.audit.models import AuditEvent
from secassist.core.errors import AccessDenied, InvalidInput
from secassist.title10 import checks, services
from secassist.title10.models import DeconflictionDecision
from tests.title10 import two_person

from .conftest import kenya_raw, register_unit


@pytest.fixture
def fmf_line(sa_analyst: Any) -> Any:
    from secassist.budget import services as budget

    appr = budget.create_appropriation(
        acting_user=sa_analyst,
        account="FMF",
        fiscal_year=2027,
        amount="100000000.00",
        enacted_on=dt.date(2026, 11, 17),
        public_law="P.L. TEST-DECON",
    )
    return budget.create_allocation(acting_user=sa_analyst, appropriation=appr, recipient_kind="country", recipient="KEN")


def _activity(sa_analyst: Any, line: Any, **fields: Any) -> Any:
    from secassist.budget import activities

    values: dict[str, Any] = {
        "description": "Rigid-hull inflatable boats and boarding-team training for maritime interdiction.",
        "units": ["SBU"],
        "capabilities": [],
        "platforms": [],
    }
    values.update(fields)
    return activities.save_activity(acting_user=sa_analyst, allocation=line, **values)


def test_a_title22_activity_naming_the_unit_by_its_alias_is_a_duplicate(
    make_proposal: Any, fmf_line: Any, sa_analyst: Any, admin_user: Any, kenya_unit: Any
) -> None:
    from secassist.restrictions import services as unit_services

    unit_services.save_unit(acting_user=admin_user, country="KEN", unit=kenya_unit, aliases="SBU; Kenya Navy SBU")
    _activity(sa_analyst, fmf_line)
    p = make_proposal()
    (c,) = [c for c in checks.deconfliction_candidates(p) if c.key.startswith("title22:")]
    assert c.key == f"title22:{fmf_line.pk}:main"
    assert c.classification == "duplicate" and c.flagged
    assert "same unit (registry): Kenya Navy Special Boat Unit" in c.reasons


def test_an_unregistered_unit_name_on_a_title22_activity_is_shown_not_compared(
    make_proposal: Any, fmf_line: Any, sa_analyst: Any
) -> None:
    _activity(sa_analyst, fmf_line, units=["Kenyan boat commandos"])
    p = make_proposal()
    (c,) = [c for c in checks.deconfliction_candidates(p) if c.key.startswith("title22:")]
    assert not c.evidence["same_unit"] and c.unresolved_units == ["Kenyan boat commandos"]
    assert c.classification == "overlap"  # same capability and years only
    assert checks.unresolved_names(p, [c]) == ["Kenyan boat commandos"]


def test_linking_a_name_adds_it_as_an_alias_audited_and_the_pair_becomes_a_duplicate(
    make_proposal: Any, fmf_line: Any, sa_analyst: Any, t10_analyst: Any, kenya_unit: Any
) -> None:
    _activity(sa_analyst, fmf_line, units=["Kenyan boat commandos"])
    p = make_proposal()
    services.link_unit_name(acting_user=t10_analyst, proposal=p, name="Kenyan boat commandos", registry_unit_id=kenya_unit.pk)
    kenya_unit.refresh_from_db()
    assert "Kenyan boat commandos" in kenya_unit.aliases
    assert AuditEvent.objects.filter(action="restrictions.unit.save", object_id=str(kenya_unit.pk)).exists()
    assert AuditEvent.objects.filter(action="title10.unit.link", object_id=str(p.pk)).exists()
    (c,) = [c for c in checks.deconfliction_candidates(p) if c.key.startswith("title22:")]
    assert c.classification == "duplicate"


def test_a_link_to_another_countrys_unit_or_by_a_viewer_is_refused(
    make_proposal: Any, t10_analyst: Any, viewer: Any, admin_user: Any, kenya_unit: Any
) -> None:
    p = make_proposal()
    jordan = register_unit(admin_user, name="Royal Jordanian Air Force", iso3="JOR")
    with pytest.raises(InvalidInput) as exc:
        services.link_unit_name(acting_user=t10_analyst, proposal=p, name="RJAF", registry_unit_id=jordan.pk)
    assert exc.value.details["field"] == "registry_unit_id"
    with pytest.raises(AccessDenied):
        services.link_unit_name(acting_user=viewer, proposal=p, name="SBU", registry_unit_id=kenya_unit.pk)


def test_a_name_that_already_names_another_unit_is_not_moved(make_proposal: Any, t10_analyst: Any, admin_user: Any) -> None:
    other = register_unit(admin_user, name="Kenya Army Rangers", aliases="Rangers")
    p = make_proposal()
    with pytest.raises(InvalidInput) as exc:
        services.link_unit_name(
            acting_user=t10_analyst, proposal=p, name="Kenya Navy Special Boat Unit", registry_unit_id=other.pk
        )
    assert "already names" in exc.value.message


def test_the_unit_link_page_and_api(make_proposal: Any, client_as: Any, api_as: Any, t10_analyst: Any, kenya_unit: Any) -> None:
    p = services.create_proposal(acting_user=t10_analyst, raw=kenya_raw(reference="AFRICOM-333-FY27-950", units="KN SBU"))
    page = client_as(t10_analyst).get(f"/title10/p/{p.reference}/")
    assert page.status_code == 200 and b"Unit names not in the registry" in page.content and b"KN SBU" in page.content
    resp = client_as(t10_analyst).post(
        f"/title10/p/{p.reference}/link-unit/", {"name": "KN SBU", "registry_unit_id": str(kenya_unit.pk)}
    )
    assert resp.status_code == 302
    assert p.units.get(name="KN SBU").registry_unit_id == kenya_unit.pk
    bad = api_as(t10_analyst).post(
        f"/api/v1/title10/proposals/{p.reference}/unit-links",
        {"name": "x", "registry_unit_id": 999999},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "registry_unit_id"
    ok = api_as(t10_analyst).post(
        f"/api/v1/title10/proposals/{p.reference}/unit-links",
        {"name": "Kenya SBU", "registry_unit_id": kenya_unit.pk},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["registry_name"] == "Kenya Navy Special Boat Unit"


def test_the_checks_api_gives_each_candidate_its_classification_and_evidence(
    make_proposal: Any, api_as: Any, t10_analyst: Any
) -> None:
    p = make_proposal()
    make_proposal(reference="AFRICOM-333-FY27-902", description=p.description)
    body = api_as(t10_analyst).get(f"/api/v1/title10/proposals/{p.reference}/checks").json()
    c = next(c for c in body["deconfliction"] if c["key"] == "title10:AFRICOM-333-FY27-902")
    assert {"key", "score", "flagged", "reasons", "classification"} <= set(c)
    assert c["classification"] == "duplicate" and c["flagged"] is True
    assert c["evidence"] == {"same_unit": True, "same_capability": True, "years_overlap": True}


def test_a_pair_decision_is_seen_from_both_proposals_and_in_the_memo(
    under_review: Any, make_proposal: Any, t10_analyst: Any, restrictions: dict[str, Any], congress: dict[str, Any]
) -> None:
    from secassist.title10 import memo

    b = under_review
    a = make_proposal(reference="AFRICOM-333-FY27-902", description=b.description)
    services.record_deconfliction(
        acting_user=t10_analyst,
        proposal=a,
        candidate_key=f"title10:{b.reference}",
        verdict="overlap",
        justification="Same boats in two proposals; coordinate delivery.",
    )
    seen_from_b = checks.pair_decisions(b)
    assert seen_from_b[f"title10:{a.reference}"].verdict == "overlap"
    assert f"title10:{a.reference}" in checks.decided_keys(b)
    # recording from the other side updates the one decision of the pair
    services.record_deconfliction(
        acting_user=t10_analyst, proposal=b, candidate_key=f"title10:{a.reference}", verdict="duplicate", justification="Merged."
    )
    assert DeconflictionDecision.objects.count() == 1 and DeconflictionDecision.objects.get().verdict == "duplicate"
    decided = two_person.decide(acting_user=t10_analyst, proposal=b, decision="concur", reasons="Advances ICS objective 3.")
    text = "\n".join(par.text for par in Document(io.BytesIO(memo.build_memo(decided))).paragraphs)
    verdict = "Duplicate — the same activity funded twice"
    assert f"Deconfliction — {a.reference} — {a.title}: {verdict} (Merged.; recorded on {a.reference})" in text


def test_the_decision_list_starts_on_no_choice(make_proposal: Any, client_as: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    make_proposal(reference="AFRICOM-333-FY27-902", description=p.description)
    page = client_as(t10_analyst).get(f"/title10/p/{p.reference}/").content.decode()
    select = page[page.index('name="verdict"') :]
    first_option = select[select.index("<option") : select.index("</option>")]
    assert 'value=""' in first_option and "Choose" in first_option
    refused = client_as(t10_analyst).post(
        f"/title10/p/{p.reference}/deconflict/",
        {"candidate_key": "title10:AFRICOM-333-FY27-902", "verdict": "", "justification": "x"},
    )
    assert refused.status_code == 422 and not DeconflictionDecision.objects.exists()
