"""The CN lifecycle: each transition, each guard, history rows and audit events."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from secassist.audit.models import AuditEvent
from secassist.clearances import selectors as clearance_selectors
from secassist.clearances import services as clearance_services
from secassist.congress import services, workflow
from secassist.congress.models import Package, PackageHistory, Status
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation, TransitionNotAllowed

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_draft_goes_to_clearance_and_asks_each_office(make_package, sa_analyst) -> None:
    package = make_package()
    workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL", "NEA"])
    assert package.status == Status.IN_CLEARANCE
    assert sorted(c.office.code for c in clearance_selectors.for_subject(package)) == ["DRL", "NEA"]
    history = PackageHistory.objects.get(package=package)
    assert (history.from_status, history.to_status, history.action) == ("drafting", "in_clearance", "submit")
    assert AuditEvent.objects.filter(action="congress.submit", object_id=str(package.pk)).count() == 1


def test_submit_refuses_a_draft_without_statutory_bases(make_package, sa_analyst) -> None:
    package = make_package(rules=[])
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL"])
    assert exc.value.code == "CN-024"
    assert "rules" in exc.value.message


def test_submit_names_the_allowed_clearing_offices_when_one_is_unknown(make_package, sa_analyst) -> None:
    with pytest.raises(InvalidInput) as exc:
        workflow.transition(acting_user=sa_analyst, package=make_package(), action="submit", clearing_offices=["DSCA"])
    assert exc.value.details["field"] == "clearing_offices"
    assert "DRL" in exc.value.details["allowed"]


def test_an_emergency_needs_its_explanation_before_clearance(make_package, sa_analyst) -> None:
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(
            acting_user=sa_analyst, package=make_package(is_emergency=True), action="submit", clearing_offices=["DRL"]
        )
    assert exc.value.code == "CN-025"


def test_mark_cleared_is_refused_while_an_office_is_pending_and_names_it(make_package, walk, sa_analyst, clearer) -> None:
    package = walk(make_package(), "in_clearance")
    drl = clearance_selectors.for_subject(package).get(office__code="DRL")
    clearance_services.record_position(acting_user=clearer, clearance=drl, position="clear")
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(acting_user=sa_analyst, package=package, action="clear")
    assert exc.value.code == "CN-020"
    assert exc.value.details["pending"] == ["AF"]


def test_mark_cleared_is_refused_when_an_office_did_not_clear(make_package, walk, sa_analyst, clearer, clearer_af) -> None:
    package = walk(make_package(), "in_clearance")
    for c in clearance_selectors.for_subject(package):
        who = clearer if c.office.code == "DRL" else clearer_af
        position = "do_not_clear" if c.office.code == "DRL" else "clear"
        clearance_services.record_position(acting_user=who, clearance=c, position=position, comments="Leahy vetting incomplete")
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(acting_user=sa_analyst, package=package, action="clear")
    assert exc.value.details["not_cleared"] == ["DRL"]


def test_transmittal_records_addressees_and_computes_the_statutory_wait(make_package, walk) -> None:
    with time_machine.travel(dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC), tick=False):
        package = walk(make_package(drafted_on=D(2026, 4, 1)), "waiting", transmitted_on=D(2026, 4, 6))
    assert package.status == Status.WAITING
    assert package.transmitted_on == D(2026, 4, 6)
    assert package.wait_ends_on == D(2026, 4, 21)
    assert (package.wait_days, package.wait_basis) == (15, "calendar")
    assert {c.code for c in package.addressees.all()} == {"HACFO", "HAC-SFOPS", "HFAC", "SACFO", "SAC-SFOPS", "SFRC"}
    assert package.marking == "CUI"


def test_transmittal_in_the_future_is_refused(make_package, walk, sa_analyst) -> None:
    package = walk(make_package(), "cleared")
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(
            acting_user=sa_analyst, package=package, action="transmit", transmitted_on=dt.date.today() + dt.timedelta(days=3)
        )
    assert exc.value.code == "CN-021"


def test_transmittal_refuses_unknown_committees_naming_the_field(make_package, walk, sa_analyst) -> None:
    package = walk(make_package(), "cleared")
    with pytest.raises(InvalidInput) as exc:
        workflow.transition(acting_user=sa_analyst, package=package, action="transmit", addressees=["SFRC", "NOPE"])
    assert exc.value.details["field"] == "addressees"


def test_clear_to_obligate_waits_for_the_statutory_period(make_package, walk, sa_analyst) -> None:
    with time_machine.travel(dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC), tick=False):
        package = walk(make_package(drafted_on=D(2026, 4, 1)), "waiting", transmitted_on=D(2026, 4, 10))
        with pytest.raises(RuleViolation) as exc:
            workflow.transition(acting_user=sa_analyst, package=package, action="clear_to_obligate")
        assert exc.value.code == "CN-022"
        assert "2026-04-25" in exc.value.message
    with time_machine.travel(dt.datetime(2026, 4, 25, 12, tzinfo=dt.UTC), tick=False):
        workflow.transition(acting_user=sa_analyst, package=package, action="clear_to_obligate")
    assert package.status == Status.CLEARED_TO_OBLIGATE
    assert package.cleared_to_obligate_on == D(2026, 4, 25)


def test_an_open_hold_blocks_clearance_and_its_lift_date_counts(make_package, walk, sa_analyst) -> None:
    with time_machine.travel(dt.datetime(2026, 4, 12, 12, tzinfo=dt.UTC), tick=False):
        package = walk(make_package(drafted_on=D(2026, 4, 1)), "waiting", transmitted_on=D(2026, 4, 10))
        hold = services.place_hold(acting_user=sa_analyst, package=package, committee="SFRC", reason="Questions on end use")
        services.ask_question(acting_user=sa_analyst, hold=hold, question="Who monitors the vehicles?")
    with time_machine.travel(dt.datetime(2026, 4, 30, 12, tzinfo=dt.UTC), tick=False):
        with pytest.raises(RuleViolation) as exc:
            workflow.transition(acting_user=sa_analyst, package=package, action="clear_to_obligate")
        assert exc.value.code == "CN-023"
        assert exc.value.details["open_holds"] == ["SFRC"]
    with time_machine.travel(dt.datetime(2026, 5, 4, 12, tzinfo=dt.UTC), tick=False):
        q = hold.questions.get()
        services.answer_question(acting_user=sa_analyst, question=q, answer="DSCA Golden Sentry, yearly.")
        services.lift_hold(acting_user=sa_analyst, hold=hold, note="Staff satisfied")
        workflow.transition(acting_user=sa_analyst, package=package, action="clear_to_obligate")
    assert package.cleared_to_obligate_on == D(2026, 5, 4)


def test_a_hold_on_a_cleared_cn_sends_it_back_to_waiting(make_package, walk, sa_analyst) -> None:
    with time_machine.travel(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC), tick=False):
        package = walk(make_package(drafted_on=D(2026, 3, 1)), "waiting", transmitted_on=D(2026, 3, 10))
        workflow.transition(acting_user=sa_analyst, package=package, action="clear_to_obligate")
        services.place_hold(acting_user=sa_analyst, package=package, committee="HFAC", reason="New concerns")
    package.refresh_from_db()
    assert package.status == Status.WAITING
    assert package.cleared_to_obligate_on is None
    assert package.history.last().action == "reopen_on_hold"


def test_holds_are_refused_before_transmittal_and_twice_per_committee(make_package, walk, sa_analyst) -> None:
    package = make_package()
    with pytest.raises(RuleViolation) as exc:
        services.place_hold(acting_user=sa_analyst, package=package, committee="SFRC", reason="x")
    assert exc.value.code == "CN-030"
    walk(package, "waiting")
    services.place_hold(acting_user=sa_analyst, package=package, committee="SFRC", reason="x")
    with pytest.raises(RuleViolation) as exc:
        services.place_hold(acting_user=sa_analyst, package=package, committee="SFRC", reason="again")
    assert exc.value.code == "CN-031"


def test_withdraw_needs_a_reason_and_withdraws_pending_clearances(make_package, walk, sa_analyst) -> None:
    package = walk(make_package(), "in_clearance")
    with pytest.raises(InvalidInput) as exc:
        workflow.transition(acting_user=sa_analyst, package=package, action="withdraw")
    assert exc.value.details["field"] == "reason"
    workflow.transition(acting_user=sa_analyst, package=package, action="withdraw", reason="Program cancelled")
    assert package.status == Status.WITHDRAWN
    assert set(clearance_selectors.for_subject(package).values_list("position", flat=True)) == {"withdrawn"}


def test_return_to_drafting_allows_edits_again(make_package, walk, sa_analyst) -> None:
    package = walk(make_package(), "in_clearance")
    with pytest.raises(TransitionNotAllowed):
        services.update_package(acting_user=sa_analyst, package=package, amount="30000000")
    workflow.transition(acting_user=sa_analyst, package=package, action="return", reason="Amount changes")
    services.update_package(acting_user=sa_analyst, package=package, amount="30000000")
    package.refresh_from_db()
    assert str(package.amount) == "30000000.00"


def test_supersede_opens_a_new_draft_linked_to_the_old_cn(make_package, walk, sa_analyst) -> None:
    package = walk(make_package(), "waiting")
    workflow.transition(acting_user=sa_analyst, package=package, action="supersede", reason="Amount increased")
    assert package.status == Status.SUPERSEDED
    successor = Package.objects.get(supersedes=package)
    assert successor.status == Status.DRAFTING
    assert successor.amount == package.amount
    assert package.history.last().data["superseded_by"] == successor.number


def test_wrong_role_is_refused(make_package, viewer, clearer) -> None:
    package = make_package()
    for user in (viewer, clearer):
        with pytest.raises(AccessDenied):
            workflow.transition(acting_user=user, package=package, action="submit", clearing_offices=["DRL"])
    with pytest.raises(AccessDenied):
        services.create_package(acting_user=viewer, title="x", fiscal_year=2026, program="FMF", amount="1")


def test_wrong_state_is_refused_with_the_allowed_actions(make_package, sa_analyst) -> None:
    package = make_package()
    with pytest.raises(TransitionNotAllowed) as exc:
        workflow.transition(acting_user=sa_analyst, package=package, action="transmit")
    assert exc.value.details["current"] == "drafting"
    assert "submit" in exc.value.details["allowed"]


def test_unknown_and_internal_actions_are_refused(make_package, sa_analyst) -> None:
    for action in ("launch", "reopen_on_hold"):
        with pytest.raises(InvalidInput) as exc:
            workflow.transition(acting_user=sa_analyst, package=make_package(), action=action)
        assert exc.value.details["field"] == "action"


def test_a_stale_copy_loses_to_a_concurrent_transition(make_package, sa_analyst) -> None:
    package = make_package()
    stale = Package.objects.get(pk=package.pk)
    workflow.transition(acting_user=sa_analyst, package=package, action="withdraw", reason="first")
    with pytest.raises(TransitionNotAllowed):
        workflow.transition(acting_user=sa_analyst, package=stale, action="withdraw", reason="second")
    assert PackageHistory.objects.filter(package=package).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_exactly_one_wins_on_postgresql(make_package, sa_analyst) -> None:
    package = make_package()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(reason: str) -> None:
        try:
            copy = Package.objects.get(pk=package.pk)
            barrier.wait()
            workflow.transition(acting_user=sa_analyst, package=copy, action="withdraw", reason=reason)
            outcomes.append("won")
        except TransitionNotAllowed:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"reason {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert PackageHistory.objects.filter(package=package).count() == 1


def test_supersede_can_name_an_existing_cn_and_refuses_a_bad_id(make_package, walk, sa_analyst) -> None:
    old = walk(make_package(), "waiting")
    new = make_package(title="Revised FMF Jordan")
    with pytest.raises(InvalidInput) as exc:
        workflow.transition(acting_user=sa_analyst, package=old, action="supersede", reason="revised", superseded_by="abc")
    assert exc.value.details["field"] == "superseded_by"
    workflow.transition(acting_user=sa_analyst, package=old, action="supersede", reason="revised", superseded_by=new.pk)
    new.refresh_from_db()
    assert new.supersedes_id == old.pk


def test_a_draft_title_cannot_be_blanked(make_package, sa_analyst) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.update_package(acting_user=sa_analyst, package=make_package(), title="  ")
    assert exc.value.details["field"] == "title"
