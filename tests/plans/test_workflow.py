"""The tasker state machine: every transition, its guards, wrong role, wrong state, concurrency."""

from __future__ import annotations

import threading

import pytest

from secassist.audit.models import AuditEvent
from secassist.clearances.models import ClearanceRequest
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.plans import services, workflow
from secassist.plans.models import Tasker, TaskerHistory

from .conftest import add, make_product, make_tasker


def test_the_happy_path_walks_every_state_with_history_and_audit(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="closed", comments=2)
    assert tasker.status == "closed"
    assert tasker.transmitted_on is not None
    actions = list(TaskerHistory.objects.filter(tasker=tasker).values_list("action", flat=True))
    assert actions == ["task", "call_for_comments", "start_adjudication", "transmit", "close"]
    audited = set(
        AuditEvent.objects.filter(object_id=str(tasker.pk), action__startswith="plans.tasker.").values_list("action", flat=True)
    )
    assert {"plans.tasker.task", "plans.tasker.transmit", "plans.tasker.close"} <= audited


def test_tasking_asks_each_office_to_clear_by_the_office_suspense(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="tasked")
    clearances = ClearanceRequest.objects.filter(subject_type="plans.tasker", subject_id=str(tasker.pk))
    assert sorted(c.office.code for c in clearances) == ["AF", "DRL"]
    assert all(c.due_on == tasker.office_due_on for c in clearances)
    assert all(c.subject_url == f"/plans/taskers/{tasker.pk}/" for c in clearances)


def test_tasking_without_offices_is_refused_with_pln_003(dsp_analyst):
    tasker = make_tasker(dsp_analyst, offices=())
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="task")
    assert exc.value.code == "PLN-003"
    assert Tasker.objects.get(pk=tasker.pk).status == "received"


def test_tasking_without_an_office_suspense_is_refused_with_pln_002(dsp_analyst):
    tasker = make_tasker(dsp_analyst)
    Tasker.objects.filter(pk=tasker.pk).update(office_due_on=None)
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="task")
    assert exc.value.code == "PLN-002"


def test_an_office_suspense_after_dods_due_date_is_refused(dsp_analyst):
    product = make_product(dsp_analyst)
    with pytest.raises(RuleViolation) as exc:
        services.create_tasker(
            acting_user=dsp_analyst,
            product=product,
            received_on="2026-01-05",
            due_on="2026-01-20",
            office_due_on="2026-01-25",
            offices=["AF"],
        )
    assert exc.value.code == "PLN-002"
    assert exc.value.details["field"] == "office_due_on"


def test_adjudication_needs_at_least_one_comment(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="comments_due")
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="start_adjudication")
    assert exc.value.code == "PLN-006"


def test_transmittal_needs_every_comment_adjudicated_and_explained(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="adjudicating", comments=2)
    first, second = tasker.comments.order_by("number")
    with pytest.raises(RuleViolation) as exc:
        workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="transmit")
    assert exc.value.code == "PLN-007"
    assert exc.value.details["pending"] == [1, 2]
    services.adjudicate_comment(acting_user=dsp_analyst, comment=first, adjudication="accepted")
    with pytest.raises(InvalidInput) as missing:
        services.adjudicate_comment(acting_user=dsp_analyst, comment=second, adjudication="rejected")
    assert missing.value.details["field"] == "dod_response"
    services.adjudicate_comment(
        acting_user=dsp_analyst,
        comment=second,
        adjudication="rejected",
        dod_response="Out of scope for this plan; addressed in the posture plan.",
    )
    assert workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="transmit").status == "transmitted"


def test_reopening_comments_and_cancelling_need_a_note(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="adjudicating", comments=1)
    with pytest.raises(InvalidInput):
        workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="reopen_comments")
    tasker = workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="reopen_comments", note="ISN late")
    assert tasker.status == "comments_due"
    tasker = workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="cancel", note="DoD withdrew the draft")
    assert tasker.status == "closed"
    assert not ClearanceRequest.objects.filter(
        subject_id=str(tasker.pk), subject_type="plans.tasker", position="pending"
    ).exists()


@pytest.mark.parametrize(
    "state,action",
    [
        ("received", "call_for_comments"),
        ("received", "transmit"),
        ("tasked", "start_adjudication"),
        ("comments_due", "transmit"),
        ("closed", "cancel"),
        ("closed", "task"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused(dsp_analyst, state, action):
    tasker = make_tasker(dsp_analyst, state=state, comments=1 if state == "closed" else 0)
    with pytest.raises(TransitionNotAllowed) as exc:
        workflow.transition(acting_user=dsp_analyst, tasker=tasker, action=action, note="x")
    assert exc.value.details["current"] == state


def test_an_unknown_action_names_the_allowed_ones(dsp_analyst):
    tasker = make_tasker(dsp_analyst)
    with pytest.raises(InvalidInput) as exc:
        workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="approve")
    assert "task" in exc.value.details["allowed"]


@pytest.mark.parametrize("who", ["clearer_af", "viewer", "t10_analyst"])
def test_only_dsp_analysts_move_a_tasker(request, dsp_analyst, who):
    tasker = make_tasker(dsp_analyst)
    with pytest.raises(AccessDenied):
        workflow.transition(acting_user=request.getfixturevalue(who), tasker=tasker, action="task")
    assert Tasker.objects.get(pk=tasker.pk).status == "received"


def test_a_stale_copy_cannot_move_the_tasker_twice(dsp_analyst):
    tasker = make_tasker(dsp_analyst)
    stale = Tasker.objects.get(pk=tasker.pk)
    workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="task")
    with pytest.raises(TransitionNotAllowed):
        workflow.transition(acting_user=dsp_analyst, tasker=stale, action="task")
    assert TaskerHistory.objects.filter(tasker=tasker, action="task").count() == 1


def test_comments_are_closed_outside_tasked_and_comments_due(dsp_analyst, clearer_af):
    tasker = make_tasker(dsp_analyst)
    with pytest.raises(RuleViolation) as exc:
        add(clearer_af, tasker, "AF")
    assert exc.value.code == "PLN-004"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_transitions_exactly_one_wins(dsp_analyst):
    from django.db import connection

    tasker = make_tasker(dsp_analyst)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            workflow.transition(acting_user=dsp_analyst, tasker=Tasker.objects.get(pk=tasker.pk), action="task")
            results.append("won")
        except TransitionNotAllowed:
            results.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["lost", "won"]
    assert TaskerHistory.objects.filter(tasker=tasker, action="task").count() == 1
