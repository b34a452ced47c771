"""The four automated checks on a proposal: restrictions, assurances, deconfliction, Leahy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from secassist.audit.models import AuditEvent
from secassist.core.errors import InvalidInput
from secassist.reference.models import Country
from secassist.title10 import checks, deconfliction, services
from secassist.title10.models import DeconflictionDecision

from .conftest import kenya_raw, register_unit


def test_without_the_engine_the_restriction_check_says_so_and_gives_no_verdict(make_proposal: Any, no_restrictions: None) -> None:
    r = checks.restrictions_check(make_proposal())
    assert r["status"] == "unavailable" and r["verdict"] is None and r["message"] == "restrictions engine not installed"


def test_the_engine_is_asked_about_country_authority_fy_units_and_purpose(
    make_proposal: Any, restrictions: dict[str, Any]
) -> None:
    restrictions["verdict"] = "allowed_with_conditions"
    p = make_proposal()
    r = checks.restrictions_check(p)
    call = restrictions["calls"][-1]
    assert (call["country"], call["program"], call["fiscal_year"], call["purpose"]) == (
        "KEN",
        "10USC333",
        2027,
        "counterterrorism",
    )
    assert call["units"] == [str(p.units.get().registry_unit_id)] and call["recipient"] == "units"
    assert r["verdict"] == "allowed_with_conditions" and r["inputs"]["unit_names"] == ["Kenya Navy Special Boat Unit"]


def test_the_real_engine_answers_for_a_real_country(make_proposal: Any) -> None:
    r = checks.restrictions_check(make_proposal())
    assert r["status"] == "ok" and r["verdict"] in {
        "prohibited",
        "not_assessed",
        "allowed_under_waiver",
        "allowed_with_conditions",
        "allowed",
    }


def test_assurances_flag_what_the_elements_need_and_the_registry_lacks(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    kenya = Country.objects.get(iso3="KEN")
    services.save_assurance(acting_user=t10_analyst, country=kenya, kind="faa505", instrument="505 notes", state="in_force")
    services.save_assurance(
        acting_user=t10_analyst,
        country=kenya,
        kind="aeca3",
        instrument="AECA 3 letter",
        state="in_force",
        signed_on=dt.date(2010, 1, 1),
        expires_on=dt.date(2020, 1, 1),
    )
    found = {(f.data["element"], f.data["assurance"]): f for f in checks.assurance_check(p)}
    assert found[("articles", "faa505")].code == "T10-A00"
    assert found[("articles", "aeca3")].code == "T10-A02" and "expired 2020-01-01" in found[("articles", "aeca3")].message
    assert found[("articles", "eum")].code == "T10-A01"
    assert found[("training", "faa505")].code == "T10-A00"
    assert AuditEvent.objects.filter(action="title10.assurance.save").count() == 2


def test_an_assurance_is_validated(t10_analyst: Any, viewer: Any) -> None:
    from secassist.core.errors import AccessDenied

    kenya = Country.objects.get(iso3="KEN")
    with pytest.raises(InvalidInput) as exc:
        services.save_assurance(acting_user=t10_analyst, country=kenya, kind="treaty", instrument="x")
    assert exc.value.details["field"] == "kind"
    with pytest.raises(InvalidInput):
        services.save_assurance(
            acting_user=t10_analyst,
            country=kenya,
            kind="faa505",
            instrument="x",
            signed_on=dt.date(2020, 1, 1),
            expires_on=dt.date(2019, 1, 1),
        )
    with pytest.raises(AccessDenied):
        services.save_assurance(acting_user=viewer, country=kenya, kind="faa505", instrument="x")


def test_deconfliction_ranks_an_overlapping_proposal_with_its_reasons(make_proposal: Any) -> None:
    first = make_proposal()
    make_proposal(
        reference="AFRICOM-333-FY27-902",
        title="Kenya Navy boat maintenance and coxswain training",
        description=(
            "Train coxswains and maintainers of the Kenya Navy Special Boat Unit "
            "and provide spare outboard engines for its patrol boats."
        ),
    )
    make_proposal(
        reference="AFRICOM-333-FY27-903",
        title="Kenya cyber defense",
        purposes="cyber",
        units="",
        description="Provide network defense software and training to the Kenya Ministry of Defence cyber center.",
        articles_description="Intrusion-detection sensors and SOC software",
        training_description="Incident-response courses",
    )
    ranked = checks.deconfliction_candidates(first)
    assert [c.key for c in ranked] == ["title10:AFRICOM-333-FY27-902", "title10:AFRICOM-333-FY27-903"]
    top = ranked[0]
    assert top.flagged and not ranked[1].flagged
    assert top.classification == "duplicate" and ranked[1].classification == "related"
    assert "same unit (registry): Kenya Navy Special Boat Unit" in top.reasons
    assert any(r.startswith("same capability: Maritime security") for r in top.reasons)
    assert any(r.startswith("overlapping fiscal years") for r in top.reasons)


def test_programs_in_other_countries_are_not_candidates(make_proposal: Any, t10_analyst: Any) -> None:
    first = make_proposal()
    services.create_proposal(acting_user=t10_analyst, raw=kenya_raw(reference="X-TZA", country="TZA", units=""))
    assert checks.deconfliction_candidates(first) == []


def test_the_analyst_decision_is_recorded_audited_and_clears_the_blocker(
    make_proposal: Any, t10_analyst: Any, admin_user: Any, restrictions: dict[str, Any]
) -> None:
    from .conftest import answer_all

    p = make_proposal()
    make_proposal(reference="AFRICOM-333-FY27-902", description=p.description)
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    answer_all(p, admin_user)
    services.begin_review(acting_user=t10_analyst, proposal=p)
    assert "T10-014" in {b.code for b in services.concurrence_blockers(p)}
    with pytest.raises(InvalidInput):
        services.record_deconfliction(
            acting_user=t10_analyst, proposal=p, candidate_key="title10:NOPE", verdict="duplicate", justification="j"
        )
    with pytest.raises(InvalidInput):
        services.record_deconfliction(
            acting_user=t10_analyst, proposal=p, candidate_key="title10:AFRICOM-333-FY27-902", verdict="same", justification="j"
        )
    d = services.record_deconfliction(
        acting_user=t10_analyst,
        proposal=p,
        candidate_key="title10:AFRICOM-333-FY27-902",
        verdict="duplicate",
        justification="Same boats; DoD to merge the two proposals.",
    )
    assert d.verdict == DeconflictionDecision.Verdict.DUPLICATE and d.reasons
    assert AuditEvent.objects.filter(action="title10.deconfliction.decide", object_id=str(d.pk)).exists()
    assert "T10-014" not in {b.code for b in services.concurrence_blockers(p)}


def test_title22_allocations_of_the_country_are_candidates(make_proposal: Any) -> None:
    from secassist.budget.models import Allocation

    p = make_proposal()
    profiles, why = checks.title22_profiles(p.country)
    assert why == ""
    assert len(profiles) == Allocation.objects.filter(country=p.country).exclude(status="withdrawn").count()


def test_text_similarity_is_high_for_a_reworded_text_and_low_for_unrelated_text() -> None:
    same, other = deconfliction.text_similarities(
        "Patrol boats for the navy", ["patrol boat for the Navy", "cyber defense software licences"]
    )
    assert same > 0.5 and other < 0.1


def test_leahy_status_of_each_named_unit(t10_analyst: Any, admin_user: Any) -> None:
    register_unit(admin_user, name="Approved Unit")
    register_unit(admin_user, name="Expired Unit", vetted_on=dt.date(2025, 1, 1), vetting_expires_on=dt.date(2026, 1, 1))
    register_unit(admin_user, name="Pending Unit", vetting_status="pending", vetted_on=None, vetting_expires_on=None)
    register_unit(
        admin_user, name="Barred Unit", aliases="BU; The Barred", credible_information=True, finding_date=dt.date(2024, 1, 1)
    )
    p = services.create_proposal(
        acting_user=t10_analyst, raw=kenya_raw(units="Approved Unit; Expired Unit; Pending Unit; the barred; Ghost Unit")
    )
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)):
        rows = {u["name"]: u for u in checks.leahy_check(p)["units"]}
    assert rows["Approved Unit"]["code"] == "T10-L00"
    assert rows["Expired Unit"]["code"] == "T10-L04" and "2026-01-01" in rows["Expired Unit"]["message"]
    assert rows["Pending Unit"]["code"] == "T10-L03"
    assert rows["the barred"]["code"] == "T10-L02" and rows["the barred"]["registry_name"] == "Barred Unit"  # matched by alias
    assert rows["Ghost Unit"]["code"] == "T10-L01" and "request INVEST vetting" in rows["Ghost Unit"]["message"]
    assert all(r["citation"] == "10 U.S.C. 362; 22 U.S.C. 2378d" for r in rows.values())


def test_the_labelled_deconfliction_set_has_at_least_150_pairs_split_before_tuning() -> None:
    import csv

    from django.conf import settings

    with (settings.PRODUCT_DATA_DIR / "title10" / "deconfliction_eval" / "pairs.csv").open(newline="") as handle:
        pairs = list(csv.DictReader(handle))
    assert len(pairs) >= 150
    assert {p["split"] for p in pairs} == {"tune", "test"}
    assert {p["label"] for p in pairs} == {"duplicate", "overlap", "related"}
