"""Every transition of a proposal and every guard, with history rows and audit events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from secassist.audit.models import AuditEvent
from secassist.clearances.models import ClearanceRequest
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.title10 import services, workflow
from secassist.title10.models import Proposal, Status
from tests.title10 import two_person

from .conftest import answer_all, kenya_raw, register_unit


def test_a_new_proposal_is_received_with_its_cfy_end_and_an_audit_event(make_proposal: Any) -> None:
    p = make_proposal()
    assert p.status == Status.RECEIVED
    assert p.cfy_end_date == dt.date(2029, 9, 30)
    assert str(p.total_cost) == "7350000.50"
    assert p.units.get().registry_unit_id is not None  # resolved in the security-force unit registry
    assert AuditEvent.objects.filter(action="title10.proposal.create", object_id=str(p.pk)).exists()


def test_routing_moves_to_in_clearance_and_asks_every_office_with_reasons(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    created = services.route_proposal(acting_user=t10_analyst, proposal=p)
    assert {c.office.code for c in created} == {"AF", "EMB-KEN", "DRL", "PM/RSAT", "CT", "PM/SA"}
    assert all(c.reason.startswith("RT-") for c in created)
    p.refresh_from_db()
    assert p.status == Status.IN_CLEARANCE
    assert p.history.get().to_status == Status.IN_CLEARANCE
    assert AuditEvent.objects.filter(action="title10.embassy_office.create").exists()


def test_routing_twice_is_refused(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    with pytest.raises(TransitionNotAllowed):
        services.route_proposal(acting_user=t10_analyst, proposal=Proposal.objects.get(pk=p.pk))


def test_review_waits_for_every_clearing_office(make_proposal: Any, t10_analyst: Any, admin_user: Any) -> None:
    p = make_proposal()
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    with pytest.raises(RuleViolation) as exc:
        services.begin_review(acting_user=t10_analyst, proposal=p)
    assert exc.value.code == "T10-010" and "DRL" in exc.value.message
    answer_all(p, admin_user)
    assert services.begin_review(acting_user=t10_analyst, proposal=p).status == Status.UNDER_REVIEW


def test_a_stale_copy_loses_the_race(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    stale = Proposal.objects.get(pk=p.pk)
    workflow.transition(acting_user=t10_analyst, proposal=p, to_status=Status.IN_CLEARANCE)
    with pytest.raises(TransitionNotAllowed, match="changed meanwhile"):
        workflow.transition(acting_user=t10_analyst, proposal=stale, to_status=Status.IN_CLEARANCE)
    assert p.history.count() == 1


def test_the_transition_table_refuses_skipping_stages(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    for target in (Status.UNDER_REVIEW, Status.DECIDED, Status.CN_PENDING, Status.READY_TO_EXECUTE):
        with pytest.raises(TransitionNotAllowed):
            workflow.transition(acting_user=t10_analyst, proposal=p, to_status=target)


def test_a_viewer_or_clearer_may_not_move_a_proposal(make_proposal: Any, viewer: Any, clearer: Any) -> None:
    p = make_proposal()
    for user in (viewer, clearer):
        with pytest.raises(AccessDenied):
            services.route_proposal(acting_user=user, proposal=p)


def test_concurrence_is_refused_while_the_restrictions_engine_is_absent(
    under_review: Any, t10_analyst: Any, no_restrictions: None
) -> None:
    with pytest.raises(RuleViolation) as exc:
        two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="concur", reasons="fits the ICS")
    assert exc.value.code == "T10-012" and "restrictions engine not installed" in exc.value.message


def test_concurrence_is_refused_when_the_engine_prohibits(
    under_review: Any, t10_analyst: Any, restrictions: dict[str, Any]
) -> None:
    restrictions["verdict"] = "prohibited"
    with pytest.raises(RuleViolation) as exc:
        two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="concur", reasons="r")
    assert exc.value.code == "T10-013"
    assert restrictions["calls"][-1]["program"] == "10USC333" and restrictions["calls"][-1]["recipient"] == "units"


def test_non_concurrence_is_always_open_and_ends_the_pipeline(
    under_review: Any, t10_analyst: Any, restrictions: dict[str, Any]
) -> None:
    restrictions["verdict"] = "prohibited"
    p = two_person.decide(
        acting_user=t10_analyst, proposal=under_review, decision="non_concur", reasons="coup restriction applies"
    )
    assert p.status == Status.DECIDED and p.decision == "non_concur" and p.decided_by.username == "t10b"
    with pytest.raises(RuleViolation) as exc:
        services.mark_ready(acting_user=t10_analyst, proposal=p)
    assert exc.value.code == "T10-022"


def test_decision_input_is_checked_field_by_field(under_review: Any, t10_analyst: Any, restrictions: dict[str, Any]) -> None:
    for kwargs, field in [
        ({"decision": "maybe", "reasons": "r"}, "decision"),
        ({"decision": "concur", "reasons": " "}, "reasons"),
        ({"decision": "concur_with_conditions", "reasons": "r"}, "conditions"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            two_person.decide(acting_user=t10_analyst, proposal=under_review, **kwargs)
        assert exc.value.details["field"] == field


def test_only_a_user_with_title10_decide_may_decide(
    under_review: Any, clearer: Any, sa_analyst: Any, restrictions: dict[str, Any]
) -> None:
    for user in (clearer, sa_analyst):
        with pytest.raises(AccessDenied):
            two_person.decide(acting_user=user, proposal=under_review, decision="non_concur", reasons="r")


def test_a_do_not_clear_blocks_concurrence(
    make_proposal: Any, t10_analyst: Any, admin_user: Any, restrictions: dict[str, Any]
) -> None:
    p = make_proposal()
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    answer_all(p, admin_user, position="do_not_clear")
    services.begin_review(acting_user=t10_analyst, proposal=p)
    with pytest.raises(RuleViolation) as exc:
        two_person.decide(acting_user=t10_analyst, proposal=p, decision="concur", reasons="r")
    assert "T10-015" in exc.value.message


def test_a_leahy_barred_unit_blocks_concurrence(t10_analyst: Any, admin_user: Any, restrictions: dict[str, Any]) -> None:
    register_unit(admin_user, name="Bad Unit", vetting_status="denied")
    p = services.create_proposal(acting_user=t10_analyst, raw=kenya_raw(units="Bad Unit"))
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    answer_all(p, admin_user)
    services.begin_review(acting_user=t10_analyst, proposal=p)
    blockers = {b.code for b in services.concurrence_blockers(p)}
    assert "T10-016" in blockers


def test_concurrence_on_333_opens_the_cn_package_with_the_333e_elements(
    under_review: Any, t10_analyst: Any, restrictions: dict[str, Any], congress: dict[str, Any]
) -> None:
    p = two_person.decide(
        acting_user=t10_analyst,
        proposal=under_review,
        decision="concur_with_conditions",
        reasons="fits",
        conditions="Leahy vetting first",
    )
    assert p.status == Status.CN_PENDING and p.cn_reference == "CN-2027-901"
    opened = congress["opened"][0]
    assert opened["source"] == p and opened["authority"] == "10USC333" and str(opened["amount"]) == "7350000.50"
    assert "Kenya Navy Special Boat Unit" in opened["s333e"]["e1_country_unit_amount_type_purpose"]
    assert opened["s333e"]["e2_absorptive_capacity"].startswith("Operates two")
    assert len(opened["s333e"]) == 9


def test_without_the_workbench_a_concurrence_stays_decided_and_cannot_execute(
    under_review: Any, t10_analyst: Any, restrictions: dict[str, Any], no_congress: None
) -> None:
    p = two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="concur", reasons="fits")
    assert p.status == Status.DECIDED
    with pytest.raises(RuleViolation) as exc:
        services.mark_ready(acting_user=t10_analyst, proposal=p)
    assert exc.value.code == "T10-021"  # §333 needs its CN first
    with pytest.raises(RuleViolation) as exc:
        services.open_cn_package(acting_user=t10_analyst, proposal=p)
    assert exc.value.code == "T10-020" and "not installed" in exc.value.message


def test_a_333_proposal_is_ready_to_execute_only_once_its_cn_clears(
    under_review: Any, t10_analyst: Any, restrictions: dict[str, Any], congress: dict[str, Any]
) -> None:
    p = two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="concur", reasons="fits")
    with pytest.raises(RuleViolation) as exc:
        services.mark_ready(acting_user=t10_analyst, proposal=p)
    assert exc.value.code == "T10-021" and "CN-2027-901" in exc.value.message
    congress["cleared_on"] = dt.date(2026, 12, 20)
    with time_machine.travel(dt.datetime(2026, 12, 19, 12, tzinfo=dt.UTC)), pytest.raises(RuleViolation):
        services.mark_ready(acting_user=t10_analyst, proposal=p)
    with time_machine.travel(dt.datetime(2026, 12, 21, 12, tzinfo=dt.UTC)):
        assert services.mark_ready(acting_user=t10_analyst, proposal=p).status == Status.READY_TO_EXECUTE


def test_a_cn_pending_proposal_cannot_be_confirmed_without_the_workbench(
    under_review: Any, t10_analyst: Any, restrictions: dict[str, Any], congress: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from secassist.core.registry import registry

    p = two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="concur", reasons="fits")
    monkeypatch.delitem(registry.services, "congress.clearance_for")
    with pytest.raises(RuleViolation) as exc:
        services.mark_ready(acting_user=t10_analyst, proposal=p)
    assert exc.value.code == "T10-023"


def test_an_authority_without_a_cn_clock_goes_straight_to_ready(
    t10_analyst: Any, admin_user: Any, restrictions: dict[str, Any]
) -> None:
    p = services.create_proposal(
        acting_user=t10_analyst,
        raw=kenya_raw(
            reference="AFRICOM-312-FY27-1",
            authority="10USC312",
            purposes="exchange",
            units="",
            articles_cost="",
            articles_description="",
        ),
    )
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    answer_all(p, admin_user)
    services.begin_review(acting_user=t10_analyst, proposal=p)
    p = two_person.decide(acting_user=t10_analyst, proposal=p, decision="concur", reasons="travel only")
    assert p.status == Status.DECIDED
    assert services.mark_ready(acting_user=t10_analyst, proposal=p).status == Status.READY_TO_EXECUTE
    assert [h.to_status for h in p.history.all()] == ["in_clearance", "under_review", "decided", "ready_to_execute"]


def test_withdrawal_needs_a_reason_and_withdraws_open_clearances(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    with pytest.raises(InvalidInput):
        services.withdraw(acting_user=t10_analyst, proposal=p, reason="")
    p = services.withdraw(acting_user=t10_analyst, proposal=p, reason="merged into a regional program")
    assert p.status == Status.WITHDRAWN
    assert not ClearanceRequest.objects.filter(subject_id=str(p.pk), position="pending").exists()
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(acting_user=t10_analyst, proposal=p, reason="again")


def test_every_transition_writes_an_audit_event(under_review: Any) -> None:
    actions = set(
        AuditEvent.objects.filter(object_type="title10.proposal", object_id=str(under_review.pk)).values_list("action", flat=True)
    )
    assert {"title10.proposal.create", "title10.proposal.in_clearance", "title10.proposal.under_review"} <= actions
