"""Two-person acts on the ledger (issue #11, ADR 0710): reversals above the policy's threshold and
earmark overrides are proposed, and carried out only when a second person approves."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from secassist.approvals import services as approvals
from secassist.approvals.models import ApprovalRequest
from secassist.audit.models import AuditEvent
from secassist.budget import services
from secassist.budget.models import LedgerEntry
from secassist.core.errors import AccessDenied, RuleViolation

pytestmark = pytest.mark.django_db


def _transfer(build: Any, amount: str) -> Any:
    appr = build.appropriation(amount="5000000000.00")
    line = build.line(appr, "JOR", amount)
    build.post(line, "apportion", amount)
    return line, build.post(line, "transfer_fms", amount)


@pytest.mark.parametrize(
    ("amount", "needs_second_person"),
    [
        ("999999.99", False),
        ("1000000.00", False),  # at the threshold: no approval ("above" the amount needs it)
        ("1000000.01", True),  # a cent above
        ("25000000.00", True),
    ],
)
def test_a_reversal_above_the_default_threshold_needs_a_second_person(
    build: Any, sa_analyst: Any, amount: str, needs_second_person: bool
) -> None:
    line, entry = _transfer(build, amount)
    result = services.reverse_entry(acting_user=sa_analyst, entry=entry, reason="wrong line")
    assert isinstance(result, ApprovalRequest) is needs_second_person
    reversed_now = LedgerEntry.objects.filter(reverses=entry).exists()
    assert reversed_now is not needs_second_person
    assert build.balance(line).disbursed == (D(amount) if needs_second_person else D("0.00"))


@pytest.mark.parametrize(("amount", "needs_second_person"), [("500.00", False), ("500.01", True)])
def test_the_threshold_is_data_an_administrator_edits(
    build: Any, sa_analyst: Any, admin_user: Any, amount: str, needs_second_person: bool
) -> None:
    approvals.set_policy(
        acting_user=admin_user,
        act=services.REVERSE_ACT,
        requires_approval=True,
        approver_roles=["budget_reviewer"],
        threshold="500.00",
        reason="test: office sets a lower threshold",
    )
    _, entry = _transfer(build, amount)
    result = services.reverse_entry(acting_user=sa_analyst, entry=entry, reason="typo")
    assert isinstance(result, ApprovalRequest) is needs_second_person


def test_a_second_person_approves_the_reversal_and_the_maker_cannot(
    build: Any, sa_analyst: Any, budget_reviewer: Any, admin_user: Any
) -> None:
    line, entry = _transfer(build, "2000000.00")
    request = services.reverse_entry(acting_user=sa_analyst, entry=entry, reason="posted to the wrong line")
    with pytest.raises(AccessDenied) as exc:
        approvals.approve(acting_user=sa_analyst, request=request)
    assert exc.value.code == "APR-001"
    approvals.approve(acting_user=budget_reviewer, request=request, comment="SF 1081 checked")
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert build.balance(line).disbursed == D("0.00")
    assert "approved by freview" in reversal.reason and "posted to the wrong line" in reversal.reason
    assert AuditEvent.objects.get(action="budget.reverse", object_id=str(reversal.pk)).actor_username == "freview"


def test_a_reversal_that_could_not_pass_is_refused_before_it_is_proposed(build: Any, sa_analyst: Any) -> None:
    appr = build.appropriation(amount="5000000000.00")
    line = build.line(appr, "JOR", "3000000.00")
    apportion = build.post(line, "apportion", "3000000.00")
    build.post(line, "transfer_fms", "3000000.00")
    with pytest.raises(RuleViolation) as exc:
        services.reverse_entry(acting_user=sa_analyst, entry=apportion, reason="typo")
    assert exc.value.code == "BUD-003"
    assert not ApprovalRequest.objects.exists()


def test_the_reverse_endpoint_answers_202_with_the_approval_above_the_threshold(
    build: Any, sa_analyst: Any, budget_reviewer: Any, api_as: Any
) -> None:
    _, entry = _transfer(build, "1000000.01")
    api = api_as(sa_analyst)
    response = api.post(f"/api/v1/funds/postings/{entry.pk}/reverse", {"reason": "wrong SF 132"}, content_type="application/json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending_approval" and body["act"] == "budget.reverse_entry"
    assert sorted(body["approver_roles"]) == ["admin", "budget_reviewer"]
    again = api.post(f"/api/v1/funds/postings/{entry.pk}/reverse", {"reason": "again"}, content_type="application/json")
    assert again.status_code == 409  # one pending request per entry
    decided = api_as(budget_reviewer).post(
        f"/api/v1/approvals/{body['approval_id']}/approve", {"comment": "ok"}, content_type="application/json"
    )
    assert decided.status_code == 200
    assert api.get("/api/v1/funds/postings", {"allocation_id": entry.allocation_id}).json()[0]["reverses"] == entry.pk


def test_an_earmark_override_through_the_api_is_proposed_and_posted_on_approval(
    build: Any, sa_analyst: Any, budget_reviewer: Any, api_as: Any
) -> None:
    appr = build.appropriation(amount="5000.00")
    services.add_earmark(
        acting_user=sa_analyst,
        appropriation=appr,
        kind="not_less_than",
        amount="3300.00",
        country="ISR",
        citation="FMF heading: not less than ... for Israel",
    )
    isr, egy = build.line(appr, "ISR", "3300.00"), build.line(appr, "EGY", "1000.00")
    body = {
        "allocation_id": isr.pk,
        "to_allocation_id": egy.pk,
        "entry_type": "reallocate",
        "amount": "1.00",
        "earmark_override": True,
        "reason": "statute superseded by a later act",
    }
    response = api_as(sa_analyst).post("/api/v1/funds/postings", body, content_type="application/json")
    assert response.status_code == 202 and response.json()["act"] == "budget.earmark_override"
    assert "BUD-008" in response.json()["summary"]
    assert build.balance(isr).allocated == D("3300.00")
    returned = api_as(budget_reviewer).post(
        f"/api/v1/approvals/{response.json()['approval_id']}/return",
        {"comment": "cite the later act"},
        content_type="application/json",
    )
    assert returned.status_code == 200 and build.balance(isr).allocated == D("3300.00")
    response = api_as(sa_analyst).post("/api/v1/funds/postings", body, content_type="application/json")
    api_as(budget_reviewer).post(
        f"/api/v1/approvals/{response.json()['approval_id']}/approve", {"comment": "ok"}, content_type="application/json"
    )
    assert build.balance(isr).allocated == D("3299.00") and build.balance(egy).allocated == D("1001.00")


def test_the_new_acts_are_listed_with_their_policies(api_as: Any, viewer: Any) -> None:
    policies = {p["act"]: p for p in api_as(viewer).get("/api/v1/approval-policies").json()}
    expected = {
        "congress.transmit_cn": ["admin", "sa_analyst", "t10_analyst"],
        "restrictions.record_waiver": ["admin", "sa_analyst", "t10_analyst"],
        "budget.earmark_override": ["admin", "budget_reviewer"],
        "budget.reverse_entry": ["admin", "budget_reviewer"],
        "title10.decide": ["admin", "t10_analyst"],
    }
    for act, roles in expected.items():
        assert policies[act]["requires_approval"] is True and sorted(policies[act]["approver_roles"]) == roles
    assert policies["budget.reverse_entry"]["threshold"] == "1000000.00"
    assert policies["congress.transmit_cn"]["threshold"] is None
