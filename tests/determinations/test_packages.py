"""Determination packages: versions with facts, clearances, the signing guard, the register entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from secassist.approvals import services as approval_services
from secassist.clearances.models import ClearanceRequest
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.determinations import services, workflow
from secassist.determinations.models import PackageStatus
from secassist.restrictions.models import Waiver

from .conftest import NOW, clear_all

pytestmark = pytest.mark.django_db


def _ready(package: Any, user: Any, admin: Any) -> Any:
    package = services.submit(acting_user=user, package=package)
    clear_all(package, admin)
    return workflow.transition(acting_user=user, package=package, action="mark_cleared")


def test_a_version_keeps_the_facts_pulled_from_the_product(cspa_package: Any) -> None:
    facts = cspa_package.versions.get().facts
    assert facts["restriction"]["key"] == "cspa"
    assert {row["program"] for row in facts["findings"]} == set(facts["programs"]) and facts["programs"]
    assert all(row["verdict"] for row in facts["findings"])
    assert "total_allocated" in facts["amounts"]
    assert facts["proposals"]["source"] == "Title 10 proposals"
    assert facts["country_history"], "Somalia's CSPA listings come from the restrictions data"


def test_the_prior_years_determination_is_among_the_facts(sa_analyst: Any) -> None:
    package = services.create_package(acting_user=sa_analyst, dtype="cspa", country="SOM", fiscal_year=2023, scope_all=True)
    version = services.add_version(acting_user=sa_analyst, package=package, text="v1")
    prior = version.facts["prior_year"]
    assert prior and all(p["fiscal_year"] == 2022 for p in prior)


def test_sending_for_clearance_asks_the_offices_named_in_the_data(cspa_package: Any, sa_analyst: Any) -> None:
    services.submit(acting_user=sa_analyst, package=cspa_package)
    asked = set(ClearanceRequest.objects.filter(subject_id=str(cspa_package.pk)).values_list("office__code", flat=True))
    assert asked == {"L", "H", "DRL", "F", "AF"}  # AF: Somalia's regional bureau


def test_a_package_needs_a_justification_before_clearance(sa_analyst: Any) -> None:
    package = services.create_package(acting_user=sa_analyst, dtype="cspa", country="SOM", fiscal_year=2027, scope_all=True)
    with pytest.raises(RuleViolation) as err:
        services.submit(acting_user=sa_analyst, package=package)
    assert err.value.code == "DET-005"


def test_a_package_cannot_be_marked_cleared_or_signed_before_its_required_clearances(
    cspa_package: Any, sa_analyst: Any, admin_user: Any
) -> None:
    package = services.submit(acting_user=sa_analyst, package=cspa_package)
    clear_all(package, admin_user, except_offices=("L",))
    with pytest.raises(RuleViolation) as err:
        workflow.transition(acting_user=sa_analyst, package=package, action="mark_cleared")
    assert err.value.code == "DET-001" and err.value.details["outstanding"] == {"L": "pending"}
    with pytest.raises(RuleViolation) as err:
        services.sign(
            acting_user=sa_analyst,
            package=package,
            signed_by="The President",
            signed_on=package.created_at.date(),
            signature_document="PD",
        )
    assert err.value.code == "DET-001"
    package.refresh_from_db()
    assert package.status == PackageStatus.IN_CLEARANCE and package.signed_on is None
    assert not Waiver.objects.filter(package__isnull=False).exists()


def test_an_office_that_did_not_clear_blocks_the_package(cspa_package: Any, sa_analyst: Any, admin_user: Any) -> None:
    from secassist.clearances.services import record_position

    package = services.submit(acting_user=sa_analyst, package=cspa_package)
    clear_all(package, admin_user, except_offices=("DRL",))
    drl = ClearanceRequest.objects.get(subject_id=str(package.pk), office__code="DRL")
    record_position(acting_user=admin_user, clearance=drl, position="do_not_clear", comments="steps not shown")
    with pytest.raises(RuleViolation) as err:
        workflow.transition(acting_user=sa_analyst, package=package, action="mark_cleared")
    assert err.value.details["outstanding"] == {"DRL": "do_not_clear"}


def test_on_signature_the_register_gains_the_waiver_with_the_packages_scope(
    frozen: Any, sa_analyst: Any, admin_user: Any
) -> None:
    package = services.create_package(
        acting_user=sa_analyst,
        dtype="cspa",
        country="SOM",
        fiscal_year=2027,
        scope_programs=["IMET", "PKO"],
        scope_text="IMET and PKO only",
    )
    services.add_version(acting_user=sa_analyst, package=package, text="Justification final")
    package = _ready(package, sa_analyst, admin_user)
    package = services.sign(
        acting_user=sa_analyst,
        package=package,
        signed_by="The President",
        signed_on=NOW.date(),
        signature_document="Presidential Determination No. 2027-01",
        pd_number="2027-01",
        signature_url="https://www.federalregister.gov/example",
    )
    assert package.status == PackageStatus.SIGNED
    assert package.waiver is None and "pending two-person approval" in package.register_route
    request = approval_services.pending_for(package, services.REGISTER_ACT)
    assert request is not None and request.proposed_by == sa_analyst
    approval_services.approve(acting_user=admin_user, request=request)
    package.refresh_from_db()
    waiver = package.waiver
    assert waiver is not None and "approved by boss" in package.register_route
    assert (waiver.restriction.key, waiver.country.iso3, waiver.fiscal_year) == ("cspa", "SOM", 2027)
    assert waiver.scope_all is False and waiver.scope_programs == ["IMET", "PKO"] and waiver.scope_text == "IMET and PKO only"
    assert waiver.signed_on == NOW.date() and waiver.pd_number == "2027-01"
    assert waiver.effective_from == NOW.date() and waiver.expires_on == dt.date(2027, 9, 30)
    assert waiver.cn_due_on == NOW.date() + dt.timedelta(days=45)
    assert package.number in waiver.source_document
    assert waiver.justification == "Justification final"


def test_the_signer_of_record_cannot_also_approve_the_register_entry(
    frozen_package: Any, sa_analyst: Any, admin_user: Any, t10_analyst: Any
) -> None:
    package = _ready(frozen_package, sa_analyst, admin_user)
    package = services.sign(acting_user=sa_analyst, package=package, signed_by="X", signed_on=NOW.date(), signature_document="PD")
    request = approval_services.pending_for(package, services.REGISTER_ACT)
    with pytest.raises(AccessDenied) as err:
        approval_services.approve(acting_user=sa_analyst, request=request)
    assert err.value.code == "APR-001"
    assert not Waiver.objects.filter(package=package).exists()
    approval_services.return_request(acting_user=t10_analyst, request=request, comment="scope text wrong")
    package.refresh_from_db()
    assert package.waiver is None and "returned" in package.register_route
    package = services.propose_register_again(acting_user=sa_analyst, package=package)
    approval_services.approve(acting_user=t10_analyst, request=approval_services.pending_for(package, services.REGISTER_ACT))
    package.refresh_from_db()
    assert package.waiver is not None and package.waiver.country.iso3 == "SOM"


def test_without_an_approval_policy_the_waiver_is_recorded_directly(
    frozen_package: Any, sa_analyst: Any, admin_user: Any
) -> None:
    approval_services.set_policy(
        acting_user=admin_user, act=services.REGISTER_ACT, requires_approval=False, approver_roles=["admin"], reason="test"
    )
    package = _ready(frozen_package, sa_analyst, admin_user)
    package = services.sign(acting_user=sa_analyst, package=package, signed_by="X", signed_on=NOW.date(), signature_document="PD")
    assert package.waiver is not None and package.register_route.startswith("recorded directly")


def test_a_signature_cannot_be_dated_in_the_future(frozen_package: Any, sa_analyst: Any, admin_user: Any) -> None:
    package = _ready(frozen_package, sa_analyst, admin_user)
    with pytest.raises(RuleViolation) as err:
        services.sign(
            acting_user=sa_analyst,
            package=package,
            signed_by="X",
            signed_on=NOW.date() + dt.timedelta(days=1),
            signature_document="PD",
        )
    assert err.value.code == "DET-002"


def test_a_signature_link_must_be_https(frozen_package: Any, sa_analyst: Any, admin_user: Any) -> None:
    package = _ready(frozen_package, sa_analyst, admin_user)
    with pytest.raises(InvalidInput) as err:
        services.sign(
            acting_user=sa_analyst,
            package=package,
            signed_by="X",
            signed_on=NOW.date(),
            signature_document="PD",
            signature_url="javascript:alert(1)",
        )
    assert err.value.details["field"] == "signature_url"


def test_the_justification_is_frozen_after_signature(frozen_package: Any, sa_analyst: Any, admin_user: Any) -> None:
    package = _ready(frozen_package, sa_analyst, admin_user)
    package = services.sign(acting_user=sa_analyst, package=package, signed_by="X", signed_on=NOW.date(), signature_document="PD")
    with pytest.raises(RuleViolation) as err:
        services.add_version(acting_user=sa_analyst, package=package, text="late edit")
    assert err.value.code == "DET-005"


def test_a_signed_package_closes_only_when_notified_and_published(frozen_package: Any, sa_analyst: Any, admin_user: Any) -> None:
    package = _ready(frozen_package, sa_analyst, admin_user)
    package = services.sign(acting_user=sa_analyst, package=package, signed_by="X", signed_on=NOW.date(), signature_document="PD")
    with pytest.raises(RuleViolation) as err:
        workflow.transition(acting_user=sa_analyst, package=package, action="close")
    assert err.value.code == "DET-006" and len(err.value.details["missing"]) == 2
    services.record_notice(acting_user=sa_analyst, package=package, sent_on=NOW.date())
    approval_services.approve(acting_user=admin_user, request=approval_services.pending_for(package, services.REGISTER_ACT))
    package.refresh_from_db()
    assert package.waiver is not None and package.waiver.cn_sent_on == NOW.date()  # the notice date reaches the register
    services.record_publication(acting_user=sa_analyst, package=package, fr_citation="91 FR 1", published_on=NOW.date())
    assert workflow.transition(acting_user=sa_analyst, package=package, action="close").status == PackageStatus.CLOSED


def test_one_open_package_per_restriction_country_and_year(cspa_package: Any, sa_analyst: Any) -> None:
    with pytest.raises(RuleViolation) as err:
        services.create_package(acting_user=sa_analyst, dtype="cspa", country="SOM", fiscal_year=2027, scope_all=True)
    assert err.value.code == "DET-007"


def test_withdrawing_a_package_withdraws_its_pending_clearances(cspa_package: Any, sa_analyst: Any) -> None:
    package = services.submit(acting_user=sa_analyst, package=cspa_package)
    services.retract(acting_user=sa_analyst, package=package, action="withdraw", note="no longer needed")
    assert not ClearanceRequest.objects.filter(subject_id=str(package.pk), position="pending").exists()
    with pytest.raises(TransitionNotAllowed):
        services.submit(acting_user=sa_analyst, package=package)


@pytest.mark.parametrize(
    "field,kwargs",
    [
        ("dtype", {"dtype": "nope"}),
        ("country", {"country": "XXX"}),
        ("fiscal_year", {"fiscal_year": 1800}),
        ("scope_programs", {"scope_all": False, "scope_programs": []}),
        ("scope_programs", {"scope_all": False, "scope_programs": ["BOGUS"]}),
        ("kind", {"kind": "delegation"}),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(sa_analyst: Any, field: str, kwargs: dict[str, Any]) -> None:
    from secassist.determinations.models import DeterminationPackage

    base = {"dtype": "cspa", "country": "SOM", "fiscal_year": 2027, "scope_all": True}
    with pytest.raises(InvalidInput) as err:
        services.create_package(acting_user=sa_analyst, **{**base, **kwargs})
    assert err.value.details["field"] == field
    assert not DeterminationPackage.objects.exists()


def test_a_justification_changed_after_clearance_blocks_the_signature_until_re_cleared(
    cspa_package: Any, sa_analyst: Any, admin_user: Any, api_as: Any
) -> None:
    from secassist.clearances import selectors as clearance_selectors
    from secassist.clearances.services import record_position

    package = services.submit(acting_user=sa_analyst, package=cspa_package)
    clear_all(package, admin_user)
    package = workflow.transition(acting_user=sa_analyst, package=package, action="mark_cleared")
    services.add_version(
        acting_user=sa_analyst, package=package, text="National interest justification v2", change_note="new facts"
    )
    rows = api_as(sa_analyst).get(f"/api/v1/determinations/{package.pk}/clearances").json()
    assert rows and all(r["stale"] for r in rows)
    with pytest.raises(RuleViolation) as err:
        services.sign(
            acting_user=sa_analyst,
            package=package,
            signed_by="The President",
            signed_on=package.created_at.date(),
            signature_document="PD",
        )
    assert err.value.code == "CLR-001"
    package.refresh_from_db()
    assert package.signed_on is None and package.status == PackageStatus.READY
    for c in clearance_selectors.for_subject(package).exclude(position="withdrawn"):
        record_position(acting_user=admin_user, clearance=c, position="clear")
    package = services.sign(
        acting_user=sa_analyst,
        package=package,
        signed_by="The President",
        signed_on=package.created_at.date(),
        signature_document="PD",
    )
    assert package.status == PackageStatus.SIGNED
