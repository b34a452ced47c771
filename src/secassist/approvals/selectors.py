from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from secassist.accounts import scoping

from .models import ApprovalPolicy, ApprovalRequest, Status
from .services import subject_key


def visible_to(user: Any) -> QuerySet[ApprovalRequest]:
    """Approval requests follow their subject (accounts.scoping, ADR 0850): a request on a need-to-know
    record (its summary and label name it) is read by those who read the record and by its proposer;
    a request on a shared record by every signed-in user."""
    qs = ApprovalRequest.objects.select_related("proposed_by", "decided_by")
    if not scoping.signed_in(user):
        return qs.none()
    return qs.filter(scoping.subject_q(user) | Q(proposed_by_id=getattr(user, "pk", None)))


def awaiting(user: Any) -> QuerySet[ApprovalRequest]:
    """Pending requests this user may decide: an approving role for the act, and not their own."""
    role = getattr(user, "role", None)
    acts = [p.act for p in ApprovalPolicy.objects.all() if role in p.approver_roles]
    return (
        visible_to(user)
        .filter(status=Status.PENDING, act__in=acts)
        .exclude(proposed_by_id=getattr(user, "pk", None))
        .order_by("proposed_at", "id")
    )


def proposed_by(user: Any) -> QuerySet[ApprovalRequest]:
    """The user's own proposals. A proposer always reads their own requests (visible_to), so the
    subject scoping, which costs queries of its own, is not worked out for them."""
    qs = ApprovalRequest.objects.select_related("proposed_by", "decided_by")
    if not scoping.signed_in(user):
        return qs.none()
    return qs.filter(proposed_by_id=user.pk)


def for_subject(subject: models.Model) -> QuerySet[ApprovalRequest]:
    """The requests on a subject the caller has already loaded for its user (through a scoped selector)."""
    subject_type, subject_id = subject_key(subject)
    return (
        ApprovalRequest.objects.select_related("proposed_by", "decided_by")
        .filter(subject_type=subject_type, subject_id=subject_id)
        .order_by("-proposed_at", "-id")
    )


def may_decide(user: Any, request: ApprovalRequest) -> bool:
    if not request.is_pending or getattr(user, "pk", None) == request.proposed_by_id:
        return False
    policy = ApprovalPolicy.objects.filter(act=request.act).first()
    return bool(policy and getattr(user, "role", None) in policy.approver_roles and getattr(user, "role", None) != "read_only")


def policies() -> QuerySet[ApprovalPolicy]:
    return ApprovalPolicy.objects.select_related("updated_by").order_by("act")
