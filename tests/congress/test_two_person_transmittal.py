"""Transmitting a CN is a two-person act (issue #11, ADR 0710): proposed by one analyst, carried out
when a second person approves; the reallocation form says live whether a move needs a new CN."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from secassist.approvals import services as approvals
from secassist.approvals.models import ApprovalRequest
from secassist.audit.models import AuditEvent
from secassist.budget import services as budget
from secassist.congress import workflow
from secassist.congress.models import Package
from secassist.core.errors import AccessDenied, RuleViolation

pytestmark = pytest.mark.django_db
D = dt.date
NOON = dt.datetime(2026, 2, 2, 12, tzinfo=dt.UTC)


def _post(api, url, body):
    return api.post(url, body, content_type="application/json")


def _cleared(make_package, walk, **fields):
    package = make_package(drafted_on=D(2026, 1, 2), **fields)
    return walk(package, "cleared")


def test_transmitting_through_the_api_answers_202_and_changes_nothing_until_a_second_analyst_approves(
    api_as, sa_analyst, sa_analyst_2, make_package, walk
) -> None:
    with time_machine.travel(NOON, tick=False):
        package = _cleared(make_package, walk)
        api = api_as(sa_analyst)
        url = f"/api/v1/notifications/{package.pk}"
        response = _post(api, f"{url}/transition", {"action": "transmit", "transmitted_on": "2026-02-02"})
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["status"] == "pending_approval" and body["act"] == "congress.transmit_cn"
        assert body["approval_url"] == f"/approvals/{body['approval_id']}/" and "sa_analyst" in body["approver_roles"]
        shown = api.get(url).json()
        assert shown["status"] == "cleared" and shown["transmitted_on"] is None
        assert shown["pending_approval"]["id"] == body["approval_id"]

        own = _post(api, f"/api/v1/approvals/{body['approval_id']}/approve", {"comment": "mine"})
        assert own.status_code == 403 and own.json()["code"] == "APR-001"
        assert "cannot also approve" in own.json()["message"]

        done = _post(api_as(sa_analyst_2), f"/api/v1/approvals/{body['approval_id']}/approve", {"comment": "letter read"})
        assert done.status_code == 200 and done.json()["decided_by"] == "sa2"
        shown = api.get(url).json()
    assert shown["status"] == "waiting" and shown["transmitted_on"] == "2026-02-02"
    assert shown["wait_ends_on"] == "2026-02-17" and shown["pending_approval"] is None
    transmit = AuditEvent.objects.get(action="congress.transmit", object_id=str(package.pk))
    assert transmit.actor_username == "sa2"
    approval_actions = AuditEvent.objects.filter(object_type="approvals.approvalrequest", object_id=str(body["approval_id"]))
    assert set(approval_actions.values_list("action", flat=True)) == {"approval.propose", "approval.approve"}


def test_the_maker_can_never_transmit_alone_even_as_an_administrator(make_package, walk, admin_user) -> None:
    with time_machine.travel(NOON, tick=False):
        package = _cleared(make_package, walk)
        request = workflow.transition(acting_user=admin_user, package=package, action="transmit")
        assert isinstance(request, ApprovalRequest)
        with pytest.raises(AccessDenied) as exc:
            approvals.approve(acting_user=admin_user, request=request)
    assert exc.value.code == "APR-001"
    assert Package.objects.get(pk=package.pk).status == "cleared"


def test_a_cn_changed_after_the_proposal_cannot_be_approved_apr_003(make_package, walk, sa_analyst, sa_analyst_2) -> None:
    with time_machine.travel(NOON, tick=False):
        package = _cleared(make_package, walk)
        request = workflow.transition(acting_user=sa_analyst, package=package, action="transmit")
        Package.objects.filter(pk=package.pk).update(amount=Decimal("26000000.00"))  # behind the service's back
        with pytest.raises(RuleViolation) as exc:
            approvals.approve(acting_user=sa_analyst_2, request=request)
    assert exc.value.code == "APR-003"
    assert Package.objects.get(pk=package.pk).status == "cleared"


def test_a_bad_transmittal_date_is_refused_before_anything_is_proposed(make_package, walk, sa_analyst) -> None:
    with time_machine.travel(NOON, tick=False):
        package = _cleared(make_package, walk)
        with pytest.raises(RuleViolation) as exc:
            workflow.transition(acting_user=sa_analyst, package=package, action="transmit", transmitted_on="2026-03-01")
    assert exc.value.code == "CN-021"
    assert not ApprovalRequest.objects.filter(act="congress.transmit_cn").exists()


def test_with_the_policy_turned_off_by_an_administrator_the_transmittal_is_immediate(
    make_package, walk, sa_analyst, admin_user
) -> None:
    approvals.set_policy(
        acting_user=admin_user,
        act="congress.transmit_cn",
        requires_approval=False,
        approver_roles=["admin"],
        reason="test: office practice changed",
    )
    with time_machine.travel(NOON, tick=False):
        package = _cleared(make_package, walk)
        moved = workflow.transition(acting_user=sa_analyst, package=package, action="transmit")
    assert moved.status == "waiting"
    change = AuditEvent.objects.get(action="approval.policy_change")
    assert change.before["requires_approval"] is True and change.after["requires_approval"] is False


def test_the_detail_page_shows_the_pending_transmittal(client_as, make_package, walk, sa_analyst) -> None:
    with time_machine.travel(NOON, tick=False):
        package = _cleared(make_package, walk)
        client = client_as(sa_analyst)
        url = reverse("congress:transition", args=[package.pk])
        asked = client.post(url, {"action": "transmit", "transmitted_on": "2026-02-02", "addressees": ["SFRC", "HFAC"]})
        text = asked.content.decode()
        assert asked.status_code == 200 and "Confirm: record the transmittal" in text
        assert "transmitted to SFRC, HFAC on 2026-02-02" in text and "needs a second person" in text
        assert not ApprovalRequest.objects.exists()
        response = client.post(
            url, {"action": "transmit", "transmitted_on": "2026-02-02", "addressees": ["SFRC", "HFAC"], "confirmed": "yes"}
        )
        assert response.status_code == 302
        page = client.get(reverse("congress:detail", args=[package.pk])).content.decode()
    assert "Awaiting a second person" in page and "Nothing is done until it is approved" in page


# ------------------------------------------------------------ the live hint on reallocation


@pytest.fixture
def egypt_line(admin_user, fmf_allocation, fill_restriction_gaps):
    """A second FY2026 FMF line in the same appropriation, the source of the moves."""
    fill_restriction_gaps("EGY", 2026)
    line = budget.create_allocation(
        acting_user=admin_user,
        appropriation=fmf_allocation.appropriation,
        recipient_kind="country",
        recipient="EGY",
        amount=Decimal("30000000.00"),
        reason="test line",
    )
    return budget.change_status(acting_user=admin_user, allocation=line, to_status="approved", reason="test")


@pytest.mark.parametrize(
    ("moved", "expected"),
    [
        ("5000000.00", "covered"),  # JOR 55,000,000 of a 60,000,000 cleared CN
        ("10000000.00", "covered"),  # exactly the cleared amount (FMF: no tolerance)
        ("10000000.01", "needs-cn"),  # a cent above: a new or amended CN (CN-004)
    ],
)
def test_reallocation_into_a_notified_line_says_live_whether_a_new_cn_is_needed(
    client_as, sa_analyst, make_package, walk, fmf_allocation, egypt_line, moved, expected
) -> None:
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC), tick=False):
        package = make_package(allocations=[fmf_allocation.pk], amount="60000000.00", drafted_on=D(2026, 1, 2))
        walk(package, "cleared_to_obligate", transmitted_on=D(2026, 1, 5))
        response = client_as(sa_analyst).post(
            reverse("budget:posting-check", args=[egypt_line.pk]),
            {"entry_type": "reallocate", "amount": moved, "to_allocation": str(fmf_allocation.pk), "reason": "move"},
            HTTP_HX_REQUEST="true",
        )
    html = response.content.decode()
    assert response.status_code == 200 and f'data-cn-hint="{expected}"' in html
    if expected == "needs-cn":
        assert "a new or amended CN for the increase" in html and "CN-004" in html
    else:
        assert "no new CN is needed" in html and "60,000,000.00" in html


def test_reallocation_into_a_line_without_any_cn_says_a_notification_is_needed(
    client_as, sa_analyst, fmf_allocation, egypt_line
) -> None:
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC), tick=False):
        response = client_as(sa_analyst).post(
            reverse("budget:posting-check", args=[egypt_line.pk]),
            {"entry_type": "reallocate", "amount": "1.00", "to_allocation": str(fmf_allocation.pk), "reason": "move"},
        )
    html = response.content.decode()
    assert 'data-cn-hint="needs-cn"' in html and "a congressional notification cleared first" in html and "CN-001" in html


def test_a_posting_that_moves_no_money_into_another_line_shows_no_hint(client_as, sa_analyst, egypt_line) -> None:
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC), tick=False):
        response = client_as(sa_analyst).post(
            reverse("budget:posting-check", args=[egypt_line.pk]), {"entry_type": "obligate", "amount": "1.00"}
        )
    assert "data-cn-hint" not in response.content.decode()


def test_withdrawing_a_cn_through_the_page_asks_first_and_says_what_will_happen(client_as, make_package, sa_analyst) -> None:
    package = make_package()
    client = client_as(sa_analyst)
    url = reverse("congress:transition", args=[package.pk])
    asked = client.post(url, {"action": "withdraw", "reason": "program cancelled"})
    text = asked.content.decode()
    assert asked.status_code == 200 and f"Confirm: withdraw {package.number}" in text
    assert "no longer covers any funds line" in text and "This cannot be undone." in text
    assert 'name="reason" value="program cancelled"' in text
    assert Package.objects.get(pk=package.pk).status == "drafting"
    done = client.post(url, {"action": "withdraw", "reason": "program cancelled", "confirmed": "yes"})
    assert done.status_code == 302 and Package.objects.get(pk=package.pk).status == "withdrawn"


def test_a_reversible_step_is_not_asked_twice(client_as, make_package, sa_analyst) -> None:
    package = make_package()
    response = client_as(sa_analyst).post(
        reverse("congress:transition", args=[package.pk]), {"action": "submit", "clearing_offices": ["DRL"]}
    )
    assert response.status_code == 302 and Package.objects.get(pk=package.pk).status == "in_clearance"
