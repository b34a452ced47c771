"""Historical CN records (issue #11): a CN sent outside the workbench counts only once a second
person approves it; the line's notification state is computed from CN packages only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from secassist.approvals import services as approvals
from secassist.approvals.models import ApprovalRequest
from secassist.budget import services as budget
from secassist.congress import coverage, historical, integrations, workflow
from secassist.congress.models import Package
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation, TransitionNotAllowed

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
SENT = dt.date(2026, 2, 2)  # the 15-day wait ended 2026-02-17


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def _record(sa_analyst: Any, allocation: Any, **over: Any) -> Package:
    fields: dict[str, Any] = {
        "title": "CN 26-014 Jordan FMF (sent on paper)",
        "fiscal_year": 2026,
        "account": "FMF",
        "country": "JOR",
        "amount": "50000000.00",
        "allocations": [allocation.pk],
        "rules": ["SFOPS7015", "FMF-HEADING", "FAA634A"],
        "transmitted_on": SENT,
        "addressees": ["SACFO", "HACFO"],
        "document_reference": "State letter H-2026-0142",
        "copy_location": "https://records.example.gov/cn/26-014.pdf",
    }
    fields.update(over)
    return historical.record_historical(acting_user=sa_analyst, **fields)


def _gate(allocation: Any, amount: str) -> None:
    integrations.gate(allocation=allocation, amount=Decimal(amount), on_date=TODAY.date())


def test_a_historical_record_does_not_count_until_a_second_person_approves_it(
    fmf_allocation: Any, sa_analyst: Any, budget_reviewer: Any
) -> None:
    package = _record(sa_analyst, fmf_allocation)
    assert (package.kind, package.status, package.transmitted_on) == ("historical", "drafting", None)
    with pytest.raises(RuleViolation) as refused:
        _gate(fmf_allocation, "1.00")
    assert refused.value.code == "CN-005" and package.number in refused.value.message
    assert coverage.line_states([fmf_allocation])[fmf_allocation.pk].state == "historical_pending"

    request = historical.propose_historical(acting_user=sa_analyst, package=package, reason="paper CN")
    with pytest.raises(AccessDenied):
        approvals.approve(acting_user=sa_analyst, request=request)
    _gate_refused = pytest.raises(RuleViolation)
    with _gate_refused:
        _gate(fmf_allocation, "1.00")

    approvals.approve(acting_user=budget_reviewer, request=request, comment="matches the letter")
    package.refresh_from_db()
    assert package.status == "cleared_to_obligate"
    assert (package.transmitted_on, package.wait_ends_on, package.cleared_to_obligate_on) == (
        SENT,
        dt.date(2026, 2, 17),
        dt.date(2026, 2, 17),
    )
    assert [h.action for h in package.history.all()] == ["historical_approve", "historical_clear"]
    _gate(fmf_allocation, "50000000.00")
    with pytest.raises(RuleViolation) as over:
        _gate(fmf_allocation, "50000000.01")
    assert over.value.code == "CN-004"
    fmf_allocation.refresh_from_db()
    assert fmf_allocation.status == "notified"
    state = coverage.line_states([fmf_allocation])[fmf_allocation.pk]
    assert (state.state, state.cleared, state.ceiling) == ("cleared_to_obligate", True, Decimal("50000000.00"))


def test_a_record_whose_wait_has_not_ended_is_waiting_after_approval(
    fmf_allocation: Any, sa_analyst: Any, t10_analyst: Any
) -> None:
    package = _record(sa_analyst, fmf_allocation, transmitted_on=dt.date(2026, 2, 20))
    request = historical.propose_historical(acting_user=sa_analyst, package=package)
    approvals.approve(acting_user=t10_analyst, request=request)
    package.refresh_from_db()
    assert (package.status, package.wait_ends_on, package.cleared_to_obligate_on) == ("waiting", dt.date(2026, 3, 7), None)
    with pytest.raises(RuleViolation) as refused:
        _gate(fmf_allocation, "1.00")
    assert refused.value.code == "CN-002"


def test_changing_the_record_withdraws_the_pending_proposal(fmf_allocation: Any, sa_analyst: Any, budget_reviewer: Any) -> None:
    package = _record(sa_analyst, fmf_allocation)
    request = historical.propose_historical(acting_user=sa_analyst, package=package)
    historical.update_historical(acting_user=sa_analyst, package=package, amount="60000000.00", reason="letter says 60M")
    request.refresh_from_db()
    assert request.status == "withdrawn"
    with pytest.raises(TransitionNotAllowed):
        approvals.approve(acting_user=budget_reviewer, request=request)
    fresh = historical.propose_historical(acting_user=sa_analyst, package=package)
    assert fresh.payload["amount"] == "60000000.00"


def test_approving_a_proposal_whose_record_changed_behind_it_is_refused(
    fmf_allocation: Any, sa_analyst: Any, budget_reviewer: Any
) -> None:
    package = _record(sa_analyst, fmf_allocation)
    request = historical.propose_historical(acting_user=sa_analyst, package=package)
    Package.objects.filter(pk=package.pk).update(document_reference="another letter")  # a change outside the services
    with pytest.raises(RuleViolation) as exc:
        approvals.approve(acting_user=budget_reviewer, request=request)
    assert exc.value.code == "APR-003"
    package.refresh_from_db()
    assert package.status == "drafting"


def test_a_historical_record_is_not_sent_through_the_drafting_workflow(fmf_allocation: Any, sa_analyst: Any) -> None:
    package = _record(sa_analyst, fmf_allocation)
    with pytest.raises(TransitionNotAllowed):
        workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL"])
    assert [t.action for t in workflow.available_actions(package)] == ["withdraw"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transmitted_on", dt.date(2026, 3, 3)),  # tomorrow
        ("transmitted_on", dt.date(1961, 9, 3)),  # before the FAA
        ("addressees", ["NOPE"]),
        ("document_reference", ""),
        ("copy_location", "http://records.example.gov/cn.pdf"),
        ("copy_location", "javascript:alert(1)"),
    ],
)
def test_bad_historical_facts_are_refused_naming_the_field(fmf_allocation: Any, sa_analyst: Any, field: str, value: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        _record(sa_analyst, fmf_allocation, **{field: value})
    assert exc.value.details["field"] == field
    assert not Package.objects.filter(kind="historical").exists()


def test_the_edges_of_the_transmittal_date_are_accepted(fmf_allocation: Any, sa_analyst: Any) -> None:
    _record(sa_analyst, fmf_allocation, transmitted_on=TODAY.date())
    _record(sa_analyst, fmf_allocation, transmitted_on=dt.date(1961, 9, 4), title="old", copy_location="records/cn/1961.pdf")


def test_the_api_serves_a_historical_cn_and_the_allocation_state_from_packages(
    fmf_allocation: Any, sa_analyst: Any, budget_reviewer: Any, api_as: Any
) -> None:
    api = api_as(sa_analyst)
    body = {
        "title": "CN 26-014 Jordan FMF",
        "fiscal_year": 2026,
        "account": "FMF",
        "country": "JOR",
        "amount": "50000000.00",
        "allocations": [fmf_allocation.pk],
        "rules": ["SFOPS7015", "FAA634A"],
        "transmitted_on": SENT.isoformat(),
        "addressees": ["SACFO", "HACFO"],
        "document_reference": "H-2026-0142",
        "copy_location": "records/cn/26-014.pdf",
    }
    created = api.post("/api/v1/notifications/historical", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pkg = created.json()
    assert (pkg["kind"], pkg["cleared_to_obligate_on"], pkg["allocations"], pkg["amount"]) == (
        "historical",
        None,
        [fmf_allocation.pk],
        "50000000.00",
    )
    line = api.get(f"/api/v1/funds/allocations/{fmf_allocation.pk}").json()
    assert (line["notification_cleared"], line["notification_state"]) == (False, "historical_pending")
    proposed = api.post(
        f"/api/v1/notifications/{pkg['id']}/propose-approval", {"reason": "paper"}, content_type="application/json"
    )
    assert proposed.status_code == 200 and proposed.json()["approval"]["status"] == "pending"
    approval_id = proposed.json()["approval"]["id"]
    assert api.post(f"/api/v1/approvals/{approval_id}/approve", {}, content_type="application/json").status_code == 403
    checker = api_as(budget_reviewer)
    assert checker.post(f"/api/v1/approvals/{approval_id}/approve", {}, content_type="application/json").status_code == 200
    listed = [p for p in checker.get("/api/v1/notifications?status=cleared_to_obligate").json() if p["id"] == pkg["id"]]
    assert listed and listed[0]["cleared_to_obligate_on"] == "2026-02-17" and listed[0]["approval"]["decided_by"] == "freview"
    line = checker.get(f"/api/v1/funds/allocations/{fmf_allocation.pk}").json()
    assert (line["notification_cleared"], line["notification_state"]) == (True, "cleared_to_obligate")


def test_the_funds_page_shows_the_state_from_packages(fmf_allocation: Any, sa_analyst: Any, client_as: Any) -> None:
    package = _record(sa_analyst, fmf_allocation)
    page = client_as(sa_analyst).get(f"/funds/allocations/{fmf_allocation.pk}/").content.decode()
    assert "historical CN record awaiting a second person" in page and package.number in page
    assert "notification_cleared" not in page


def test_marking_a_line_as_needing_no_notification_needs_a_second_person(
    fmf_allocation: Any, sa_analyst: Any, budget_reviewer: Any
) -> None:
    request = budget.set_notification(acting_user=sa_analyst, allocation=fmf_allocation, required=False, reason="exempt")
    assert isinstance(request, ApprovalRequest)
    fmf_allocation.refresh_from_db()
    assert fmf_allocation.notification_required is True
    with pytest.raises(AccessDenied):
        approvals.approve(acting_user=sa_analyst, request=request)
    approvals.approve(acting_user=budget_reviewer, request=request)
    fmf_allocation.refresh_from_db()
    assert fmf_allocation.notification_required is False


def test_the_notification_page_completes_and_proposes_a_historical_record(
    fmf_allocation: Any, sa_analyst: Any, budget_reviewer: Any, client_as: Any
) -> None:
    package = _record(sa_analyst, fmf_allocation)
    analyst = client_as(sa_analyst)
    page = analyst.get(f"/notifications/{package.pk}/").content.decode()
    assert "Historical CN record" in page and "Propose for approval" in page and "H-2026-0142" in page
    saved = analyst.post(
        f"/notifications/{package.pk}/historical/", {"document_reference": "H-2026-0143", "reason": "typo in the letter number"}
    )
    assert saved.status_code == 302
    package.refresh_from_db()
    assert package.document_reference == "H-2026-0143"
    bad = analyst.post(f"/notifications/{package.pk}/historical/", {"copy_location": "http://insecure.example/cn.pdf"})
    assert bad.status_code == 422 and "https" in bad.content.decode()
    assert analyst.post(f"/notifications/{package.pk}/historical/propose/", {"reason": "please check"}).status_code == 302
    request = ApprovalRequest.objects.get(subject_id=str(package.pk), status="pending")
    assert f"/approvals/{request.pk}/" in client_as(budget_reviewer).get("/").content.decode()
    assert client_as(budget_reviewer).post(f"/approvals/{request.pk}/", {"action": "approve"}).status_code == 302
    package.refresh_from_db()
    assert package.status == "cleared_to_obligate"
