"""The generic maker-checker app: propose, approve/return by a second person, policies as data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from secassist.approvals import selectors, services
from secassist.approvals.models import ApprovalPolicy, ApprovalRequest, Status
from secassist.audit.models import AuditEvent
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.core.registry import ApprovalAct, registry
from secassist.reference.models import Country

ACT = "tests.rename_country"


@pytest.fixture
def carried_out() -> Any:
    """Register a test act whose handler records what it was asked to do."""
    calls: list[tuple[str, int, str]] = []
    versions = {"current": "1"}

    def on_approve(*, request: ApprovalRequest, acting_user: Any) -> None:
        calls.append(("approve", request.pk, acting_user.username))

    def on_return(*, request: ApprovalRequest, acting_user: Any) -> None:
        calls.append(("return", request.pk, acting_user.username))

    registry.add_approval_act(
        ApprovalAct(
            ACT,
            "Rename a country (test act)",
            ("budget_reviewer", "sa_analyst"),
            on_approve,
            on_return,
            current_version=lambda request: versions["current"],
            default_threshold=Decimal("1000.00"),
        )
    )
    yield calls, versions
    registry.approval_acts.pop(ACT, None)


@pytest.fixture
def country(db: Any) -> Country:
    return Country.objects.order_by("iso3").first()  # type: ignore[return-value]


def _propose(user: Any, country: Country, version: str = "1") -> ApprovalRequest:
    return services.propose(
        acting_user=user, act=ACT, subject=country, summary=f"rename {country}", reason="typo", version=version
    )


def test_a_second_person_with_an_approving_role_approves_and_the_act_is_carried_out(
    carried_out: Any, country: Country, sa_analyst: Any, budget_reviewer: Any
) -> None:
    calls, _ = carried_out
    request = _propose(sa_analyst, country)
    assert calls == []
    services.approve(acting_user=budget_reviewer, request=request, comment="checked")
    request.refresh_from_db()
    assert request.status == Status.APPROVED and request.decided_by == budget_reviewer
    assert calls == [("approve", request.pk, "freview")]
    actions = list(
        AuditEvent.objects.filter(object_type="approvals.approvalrequest", object_id=str(request.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["approval.propose", "approval.approve"]


def test_the_maker_can_never_approve_their_own_proposal_even_with_an_approving_role(
    carried_out: Any, country: Country, sa_analyst: Any
) -> None:
    calls, _ = carried_out
    request = _propose(sa_analyst, country)
    with pytest.raises(AccessDenied) as exc:
        services.approve(acting_user=sa_analyst, request=request)
    assert exc.value.code == "APR-001"
    with pytest.raises(AccessDenied):
        services.return_request(acting_user=sa_analyst, request=request, comment="no")
    request.refresh_from_db()
    assert request.status == Status.PENDING and calls == []


def test_a_user_whose_role_is_not_an_approver_for_the_act_is_refused(
    carried_out: Any, country: Country, sa_analyst: Any, t10_analyst: Any, viewer: Any
) -> None:
    request = _propose(sa_analyst, country)
    with pytest.raises(AccessDenied) as exc:
        services.approve(acting_user=t10_analyst, request=request)
    assert exc.value.code == "APR-002"
    with pytest.raises(AccessDenied):
        services.approve(acting_user=viewer, request=request)


def test_returning_needs_a_comment_and_carries_nothing_out(
    carried_out: Any, country: Country, sa_analyst: Any, budget_reviewer: Any
) -> None:
    calls, _ = carried_out
    request = _propose(sa_analyst, country)
    with pytest.raises(InvalidInput):
        services.return_request(acting_user=budget_reviewer, request=request, comment="  ")
    services.return_request(acting_user=budget_reviewer, request=request, comment="cite the source")
    request.refresh_from_db()
    assert request.status == Status.RETURNED and request.comment == "cite the source"
    assert calls == [("return", request.pk, "freview")]
    with pytest.raises(TransitionNotAllowed):
        services.approve(acting_user=budget_reviewer, request=request)


def test_approving_a_proposal_whose_document_changed_since_is_refused(
    carried_out: Any, country: Country, sa_analyst: Any, budget_reviewer: Any
) -> None:
    calls, versions = carried_out
    request = _propose(sa_analyst, country, version="1")
    versions["current"] = "2"
    with pytest.raises(RuleViolation) as exc:
        services.approve(acting_user=budget_reviewer, request=request)
    assert exc.value.code == "APR-003"
    request.refresh_from_db()
    assert request.status == Status.PENDING and calls == []


def test_only_one_pending_request_per_act_and_subject(carried_out: Any, country: Country, sa_analyst: Any) -> None:
    _propose(sa_analyst, country)
    with pytest.raises(TransitionNotAllowed):
        _propose(sa_analyst, country)


def test_the_proposer_may_withdraw_but_another_analyst_may_not(
    carried_out: Any, country: Country, sa_analyst: Any, t10_analyst: Any
) -> None:
    request = _propose(sa_analyst, country)
    with pytest.raises(AccessDenied):
        services.withdraw(acting_user=t10_analyst, request=request)
    services.withdraw(acting_user=sa_analyst, request=request, reason="wrong country")
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


def test_threshold_decides_whether_an_amount_needs_approval_a_cent_either_side(carried_out: Any, db: Any) -> None:
    assert services.needs_approval(ACT, amount=Decimal("1000.00")) is False
    assert services.needs_approval(ACT, amount=Decimal("1000.01")) is True
    assert services.needs_approval(ACT, amount=Decimal("-1000.01")) is True
    assert services.needs_approval(ACT) is True


def test_an_administrator_edits_the_policy_and_the_change_is_audited(carried_out: Any, admin_user: Any, sa_analyst: Any) -> None:
    with pytest.raises(AccessDenied):
        services.set_policy(acting_user=sa_analyst, act=ACT, requires_approval=False, approver_roles=[], reason="x")
    with pytest.raises(InvalidInput):
        services.set_policy(acting_user=admin_user, act=ACT, requires_approval=True, approver_roles=["read_only"], reason="x")
    with pytest.raises(InvalidInput):
        services.set_policy(acting_user=admin_user, act=ACT, requires_approval=True, approver_roles=[], reason="x")
    services.set_policy(
        acting_user=admin_user, act=ACT, requires_approval=False, approver_roles=["admin"], threshold=None, reason="pilot"
    )
    assert services.needs_approval(ACT, amount=Decimal("5000")) is False
    event = AuditEvent.objects.filter(action="approval.policy_change").latest("id")
    assert event.before["requires_approval"] is True and event.after["requires_approval"] is False
    assert event.reason == "pilot"


def test_awaiting_lists_only_what_the_user_may_decide(
    carried_out: Any, country: Country, sa_analyst: Any, budget_reviewer: Any, t10_analyst: Any
) -> None:
    request = _propose(sa_analyst, country)
    assert list(selectors.awaiting(budget_reviewer)) == [request]
    assert list(selectors.awaiting(sa_analyst)) == []  # the maker
    assert list(selectors.awaiting(t10_analyst)) == []  # not an approving role


def test_the_database_refuses_an_approval_by_the_maker(carried_out: Any, country: Country, sa_analyst: Any) -> None:
    from django.db import IntegrityError, transaction

    request = _propose(sa_analyst, country)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.filter(pk=request.pk).update(status=Status.APPROVED, decided_by=sa_analyst)


# --- pages and API -------------------------------------------------------------------------------


def test_the_approvers_home_page_lists_the_pending_request(
    carried_out: Any, country: Country, sa_analyst: Any, budget_reviewer: Any, client_as: Any
) -> None:
    request = _propose(sa_analyst, country)
    body = client_as(budget_reviewer).get("/").content.decode()
    assert "Awaiting your approval" in body and f"/approvals/{request.pk}/" in body
    assert f"/approvals/{request.pk}/" not in client_as(sa_analyst).get("/").content.decode()


def test_the_detail_page_approves_for_a_checker_and_refuses_the_maker(
    carried_out: Any, country: Country, sa_analyst: Any, budget_reviewer: Any, client_as: Any
) -> None:
    calls, _ = carried_out
    request = _propose(sa_analyst, country)
    maker = client_as(sa_analyst)
    page = maker.get(f"/approvals/{request.pk}/").content.decode()
    assert "Approve and carry out" not in page and "Withdraw my proposal" in page
    response = maker.post(f"/approvals/{request.pk}/", {"action": "approve"})
    assert response.status_code == 422 and calls == []
    checker = client_as(budget_reviewer)
    assert "Approve and carry out" in checker.get(f"/approvals/{request.pk}/").content.decode()
    response = checker.post(f"/approvals/{request.pk}/", {"action": "approve", "comment": "ok"})
    assert response.status_code == 302 and calls == [("approve", request.pk, "freview")]


def test_read_only_users_cannot_post_decisions(
    carried_out: Any, country: Country, sa_analyst: Any, viewer: Any, client_as: Any
) -> None:
    request = _propose(sa_analyst, country)
    assert client_as(viewer).post(f"/approvals/{request.pk}/", {"action": "approve"}).status_code == 403


def test_api_lists_awaiting_approvals_and_approves_with_maker_checker(
    carried_out: Any, country: Country, sa_analyst: Any, budget_reviewer: Any, api_as: Any
) -> None:
    request = _propose(sa_analyst, country)
    checker = api_as(budget_reviewer)
    rows = checker.get("/api/v1/approvals").json()
    assert [r["id"] for r in rows] == [request.pk] and rows[0]["status"] == "pending" and rows[0]["proposed_by"] == "sa"
    refused = api_as(sa_analyst).post(f"/api/v1/approvals/{request.pk}/approve", {"comment": ""}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "APR-001"
    done = checker.post(f"/api/v1/approvals/{request.pk}/approve", {"comment": "ok"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "approved" and done.json()["decided_by"] == "freview"
    assert checker.get("/api/v1/approvals?scope=bogus").status_code == 422


def test_api_policy_change_is_for_administrators(carried_out: Any, admin_user: Any, sa_analyst: Any, api_as: Any) -> None:
    body = {
        "requires_approval": True,
        "approver_roles": ["admin", "budget_reviewer"],
        "threshold": "2500.00",
        "reason": "F asked",
    }
    assert api_as(sa_analyst).put(f"/api/v1/approval-policies/{ACT}", body, content_type="application/json").status_code == 403
    response = api_as(admin_user).put(f"/api/v1/approval-policies/{ACT}", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["threshold"] == "2500.00"
    assert ApprovalPolicy.objects.get(act=ACT).approver_roles == ["admin", "budget_reviewer"]


def test_policy_pages_show_and_edit_the_policy(carried_out: Any, admin_user: Any, sa_analyst: Any, client_as: Any) -> None:
    services.policy_for(ACT)
    assert ACT in client_as(sa_analyst).get("/approvals/policies/").content.decode()
    assert client_as(sa_analyst).get(f"/approvals/policies/{ACT}/").status_code == 403
    response = client_as(admin_user).post(
        f"/approvals/policies/{ACT}/",
        {"requires_approval": "on", "approver_roles": ["admin"], "threshold": "", "reason": "tighten"},
    )
    assert response.status_code == 302
    assert ApprovalPolicy.objects.get(act=ACT).approver_roles == ["admin"]
