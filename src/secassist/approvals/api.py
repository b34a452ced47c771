"""Approvals API: pending acts, approve/return/withdraw, and the administrator's policies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from secassist.core.errors import InvalidInput
from secassist.core.money import money_str

from . import access, selectors, services
from .models import ApprovalPolicy, ApprovalRequest, Status

router = Router(tags=["approvals"])


class ApprovalOut(Schema):
    id: int
    act: str
    summary: str
    subject_type: str
    subject_id: str
    subject_label: str
    subject_url: str
    version: str
    payload: dict[str, Any]
    reason: str
    proposed_by: str
    proposed_at: dt.datetime
    status: str
    decided_by: str | None
    decided_at: dt.datetime | None
    comment: str


class PendingApprovalOut(Schema):
    """What an endpoint answers (HTTP 202) when the act it was asked for now waits for a second person."""

    status: str = Field("pending_approval", description="always `pending_approval`: nothing was carried out yet")
    approval_id: int
    act: str
    summary: str
    approval_url: str = Field(..., description="the page where a second person approves or returns it")
    api_url: str = Field(..., description="GET it to follow the decision; POST …/approve or …/return to decide")
    approver_roles: list[str]
    message: str


def pending_out(approval: ApprovalRequest) -> dict[str, Any]:
    """The body of a 202 answer: the act was proposed, not done; who may approve it and where."""
    policy = services.policy_for(approval.act)
    roles = list(policy.approver_roles)
    return {
        "status": "pending_approval",
        "approval_id": approval.pk,
        "act": approval.act,
        "summary": approval.summary,
        "approval_url": f"/approvals/{approval.pk}/",
        "api_url": f"/api/v1/approvals/{approval.pk}",
        "approver_roles": roles,
        "message": (
            f"proposed, not yet done: approval request #{approval.pk} waits for a second person "
            f"({', '.join(roles)}; not {approval.proposed_by.username}) to approve it"
        ),
    }


class DecisionIn(Schema):
    comment: str = ""


class PolicyOut(Schema):
    act: str
    label: str
    requires_approval: bool
    approver_roles: list[str]
    threshold: str | None
    updated_by: str | None
    updated_at: dt.datetime | None


class PolicyIn(Schema):
    requires_approval: bool
    approver_roles: list[str]
    threshold: str | None = None
    reason: str


def _out(a: ApprovalRequest) -> dict[str, Any]:
    return {
        "id": a.pk,
        "act": a.act,
        "summary": a.summary,
        "subject_type": a.subject_type,
        "subject_id": a.subject_id,
        "subject_label": a.subject_label,
        "subject_url": a.subject_url,
        "version": a.version,
        "payload": a.payload,
        "reason": a.reason,
        "proposed_by": a.proposed_by.username,
        "proposed_at": a.proposed_at,
        "status": a.status,
        "decided_by": a.decided_by.username if a.decided_by else None,
        "decided_at": a.decided_at,
        "comment": a.comment,
    }


def _policy_out(p: ApprovalPolicy) -> dict[str, Any]:
    return {
        "act": p.act,
        "label": p.label,
        "requires_approval": p.requires_approval,
        "approver_roles": list(p.approver_roles),
        "threshold": money_str(p.threshold) if p.threshold is not None else None,
        "updated_by": p.updated_by.username if p.updated_by else None,
        "updated_at": p.updated_at,
    }


@router.get("/approvals", response=list[ApprovalOut], summary="Approval requests (default: those awaiting you)")
def list_approvals(
    request: HttpRequest,
    scope: str = "awaiting",
    status: str | None = None,
    act: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
) -> list[dict[str, Any]]:
    scopes = {"awaiting": selectors.awaiting, "mine": selectors.proposed_by, "all": selectors.visible_to}
    if scope not in scopes:
        raise InvalidInput(f"scope must be one of {', '.join(scopes)}", field="scope", value=scope, allowed=list(scopes))
    qs = scopes[scope](request.user)
    if status:
        if status not in Status.values:
            raise InvalidInput(
                f"status must be one of {', '.join(Status.values)}", field="status", value=status, allowed=Status.values
            )
        qs = qs.filter(status=status)
    if act:
        qs = qs.filter(act=act)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return [_out(a) for a in qs[:1000]]


@router.get("/approvals/{approval_id}", response=ApprovalOut, summary="One approval request")
def get_approval(request: HttpRequest, approval_id: int) -> dict[str, Any]:
    return _out(access.request_for(request.user, approval_id))


@router.post("/approvals/{approval_id}/approve", response=ApprovalOut, summary="Approve (a second person) and carry the act out")
def approve(request: HttpRequest, approval_id: int, payload: DecisionIn) -> dict[str, Any]:
    approval = access.request_for(request.user, approval_id)
    return _out(services.approve(acting_user=request.user, request=approval, comment=payload.comment))


@router.post("/approvals/{approval_id}/return", response=ApprovalOut, summary="Return to the proposer with a comment")
def return_approval(request: HttpRequest, approval_id: int, payload: DecisionIn) -> dict[str, Any]:
    approval = access.request_for(request.user, approval_id)
    return _out(services.return_request(acting_user=request.user, request=approval, comment=payload.comment))


@router.post("/approvals/{approval_id}/withdraw", response=ApprovalOut, summary="The proposer withdraws a pending request")
def withdraw(request: HttpRequest, approval_id: int, payload: DecisionIn) -> dict[str, Any]:
    approval = access.request_for(request.user, approval_id)
    return _out(services.withdraw(acting_user=request.user, request=approval, reason=payload.comment))


@router.get("/approval-policies", response=list[PolicyOut], summary="Which acts need approval and which roles approve")
def list_policies(request: HttpRequest) -> list[dict[str, Any]]:
    return [_policy_out(p) for p in selectors.policies()]


@router.put("/approval-policies/{act}", response=PolicyOut, summary="Change an act's approval policy (administrators)")
def put_policy(request: HttpRequest, act: str, payload: PolicyIn) -> dict[str, Any]:
    access.policy_for(request.user, act)
    policy = services.set_policy(
        acting_user=request.user,
        act=act,
        requires_approval=payload.requires_approval,
        approver_roles=payload.approver_roles,
        threshold=payload.threshold,
        reason=payload.reason,
    )
    return _policy_out(policy)
