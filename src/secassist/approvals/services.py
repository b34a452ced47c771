"""Writes on approvals: propose, approve, return, withdraw, and the administrator's policy edits.

The owning app's service decides that an act needs approval (`needs_approval`), calls `propose`
instead of acting, and registers an `ApprovalAct` whose `on_approve` carries the act out inside
the approving transaction. Maker != checker is enforced here, not only in views (and by a
database constraint). Every step is audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, transaction

from secassist.accounts.access import require
from secassist.accounts.roles import Role
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import AccessDenied, InvalidInput, NotFound, RuleViolation, TransitionNotAllowed
from secassist.core.money import to_money
from secassist.core.registry import ApprovalAct, registry
from secassist.core.safe_url import clean_url

from .models import ApprovalPolicy, ApprovalRequest, Status

APPROVER_ROLES = sorted(set(Role.values) - {Role.READ_ONLY})


def subject_key(subject: models.Model) -> tuple[str, str]:
    return f"{subject._meta.app_label}.{subject._meta.model_name}", str(subject.pk)


def act_definition(act: str) -> ApprovalAct:
    definition = registry.approval_acts.get(act)
    if definition is None:
        raise NotFound(f"no act {act!r} is registered for approval", field="act", allowed=sorted(registry.approval_acts))
    return definition


def policy_for(act: str) -> ApprovalPolicy:
    """The administrator's policy for `act`, created from the registered defaults the first time."""
    definition = act_definition(act)
    policy, _ = ApprovalPolicy.objects.get_or_create(
        act=act,
        defaults={
            "label": definition.label,
            "approver_roles": list(definition.default_roles),
            "threshold": definition.default_threshold,
        },
    )
    return policy


def needs_approval(act: str, *, amount: Decimal | None = None) -> bool:
    """Whether `act` (on `amount`, for acts with a threshold) must go through a second person."""
    policy = policy_for(act)
    if not policy.requires_approval:
        return False
    if policy.threshold is not None and amount is not None:
        return abs(amount) > policy.threshold
    return True


def pending_for(subject: models.Model, act: str | None = None) -> ApprovalRequest | None:
    subject_type, subject_id = subject_key(subject)
    qs = ApprovalRequest.objects.filter(subject_type=subject_type, subject_id=subject_id, status=Status.PENDING)
    return (qs.filter(act=act) if act else qs).first()


@transaction.atomic
def propose(
    *,
    acting_user: Any,
    act: str,
    subject: models.Model,
    summary: str,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    version: str = "",
    subject_url: str = "",
) -> ApprovalRequest:
    """Open a pending request for `act` on `subject`; the owning service has checked the maker's rights."""
    policy_for(act)  # the policy row exists from the first proposal on, so approvers find it
    if not getattr(acting_user, "pk", None):
        raise AccessDenied("a proposal needs a signed-in maker")
    if not summary.strip():
        raise InvalidInput("say what approving will do", field="summary")
    if pending_for(subject, act) is not None:
        raise TransitionNotAllowed(
            f"{subject} already has a pending request for this act; withdraw it or wait for the decision",
            act=act,
        )
    subject_type, subject_id = subject_key(subject)
    request = ApprovalRequest.objects.create(
        act=act,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=str(subject)[:300],
        subject_url=clean_url(subject_url[:300], field="subject_url"),
        version=str(version)[:64],
        payload=payload or {},
        summary=summary.strip()[:500],
        reason=reason.strip(),
        proposed_by=acting_user,
        proposed_at=clock.now(),
    )
    record(
        actor=acting_user,
        action="approval.propose",
        obj=request,
        after={"act": act, "subject": f"{subject_type}:{subject_id}", "version": request.version, "payload": request.payload},
        reason=request.reason,
    )
    return request


def _may_decide(user: Any, request: ApprovalRequest) -> ApprovalPolicy:
    require(user, "approvals.decide")
    policy = policy_for(request.act)
    if getattr(user, "pk", None) == request.proposed_by_id:
        raise AccessDenied(
            "the person who proposed an act cannot also approve or return it (maker-checker)",
            code="APR-001",
            act=request.act,
        )
    if getattr(user, "role", None) not in policy.approver_roles:
        raise AccessDenied(
            f"your role may not decide '{policy.label}'; approvers: {', '.join(policy.approver_roles) or 'none configured'}",
            code="APR-002",
            act=request.act,
            allowed=policy.approver_roles,
        )
    return policy


def _close(request: ApprovalRequest, *, status: str, acting_user: Any, comment: str) -> ApprovalRequest:
    # Conditional update on the old status: of two concurrent decisions exactly one wins.
    updated = ApprovalRequest.objects.filter(pk=request.pk, status=Status.PENDING).update(
        status=status, decided_by=acting_user, decided_at=clock.now(), comment=comment
    )
    if not updated:
        request.refresh_from_db()
        raise TransitionNotAllowed(f"this request is no longer pending ({request.get_status_display()})", current=request.status)
    request.refresh_from_db()
    return request


@transaction.atomic
def approve(*, acting_user: Any, request: ApprovalRequest, comment: str = "") -> ApprovalRequest:
    """Approve and carry the act out (the owning app's handler), all in one transaction."""
    _may_decide(acting_user, request)
    definition = act_definition(request.act)
    if definition.current_version is not None and request.version:
        current = str(definition.current_version(request))
        if current != request.version:
            raise RuleViolation(
                f"the document changed since it was proposed (proposed version {request.version}, now {current}); "
                "return it so the maker proposes the current version",
                code="APR-003",
                proposed_version=request.version,
                current_version=current,
            )
    request = _close(request, status=Status.APPROVED, acting_user=acting_user, comment=comment.strip())
    record(
        actor=acting_user,
        action="approval.approve",
        obj=request,
        before={"status": Status.PENDING},
        after={"status": Status.APPROVED, "act": request.act, "version": request.version},
        reason=request.comment,
    )
    definition.on_approve(request=request, acting_user=acting_user)
    return request


@transaction.atomic
def return_request(*, acting_user: Any, request: ApprovalRequest, comment: str) -> ApprovalRequest:
    """Send the proposal back to the maker with a comment; nothing is carried out."""
    if not comment.strip():
        raise InvalidInput("say why you return it (the maker reads this)", field="comment")
    _may_decide(acting_user, request)
    request = _close(request, status=Status.RETURNED, acting_user=acting_user, comment=comment.strip())
    record(
        actor=acting_user,
        action="approval.return",
        obj=request,
        before={"status": Status.PENDING},
        after={"status": Status.RETURNED, "act": request.act},
        reason=request.comment,
    )
    definition = act_definition(request.act)
    if definition.on_return is not None:
        definition.on_return(request=request, acting_user=acting_user)
    return request


@transaction.atomic
def withdraw(*, acting_user: Any, request: ApprovalRequest, reason: str = "") -> ApprovalRequest:
    """The maker (or an administrator) takes a pending proposal back."""
    if getattr(acting_user, "pk", None) != request.proposed_by_id and getattr(acting_user, "role", None) != Role.ADMIN:
        raise AccessDenied("only the proposer or an administrator may withdraw a proposal")
    request = _close(request, status=Status.WITHDRAWN, acting_user=acting_user, comment=reason.strip())
    record(
        actor=acting_user,
        action="approval.withdraw",
        obj=request,
        before={"status": Status.PENDING},
        after={"status": Status.WITHDRAWN, "act": request.act},
        reason=request.comment,
    )
    definition = act_definition(request.act)
    if definition.on_return is not None:
        definition.on_return(request=request, acting_user=acting_user)
    return request


@transaction.atomic
def withdraw_pending_for(*, acting_user: Any, subject: models.Model, reason: str, act: str | None = None) -> int:
    """Withdraw every pending proposal on `subject` (e.g. the document changed); returns how many."""
    subject_type, subject_id = subject_key(subject)
    qs = ApprovalRequest.objects.filter(subject_type=subject_type, subject_id=subject_id, status=Status.PENDING)
    if act:
        qs = qs.filter(act=act)
    count = 0
    for request in list(qs):
        ApprovalRequest.objects.filter(pk=request.pk, status=Status.PENDING).update(
            status=Status.WITHDRAWN, decided_by=None, decided_at=clock.now(), comment=reason
        )
        record(
            actor=acting_user,
            action="approval.withdraw",
            obj=request,
            before={"status": Status.PENDING},
            after={"status": Status.WITHDRAWN, "act": request.act},
            reason=reason,
        )
        count += 1
    return count


@transaction.atomic
def set_policy(
    *,
    acting_user: Any,
    act: str,
    requires_approval: bool,
    approver_roles: list[str],
    threshold: Any = None,
    reason: str,
) -> ApprovalPolicy:
    """An administrator changes which acts need approval and who approves them (audited)."""
    require(acting_user, "approvals.configure")
    if not reason.strip():
        raise InvalidInput("say why the policy changes", field="reason")
    roles = sorted(set(approver_roles))
    bad = [r for r in roles if r not in APPROVER_ROLES]
    if bad:
        raise InvalidInput(f"unknown or read-only role(s): {', '.join(bad)}", field="approver_roles", allowed=APPROVER_ROLES)
    if requires_approval and not roles:
        raise InvalidInput("an act that needs approval needs at least one approving role", field="approver_roles")
    amount = None if threshold in (None, "") else to_money(threshold, field="threshold")
    if amount is not None and amount < 0:
        raise InvalidInput("the threshold cannot be negative", field="threshold", value=str(amount))
    policy = ApprovalPolicy.objects.select_for_update().get(pk=policy_for(act).pk)
    before = _policy_dict(policy)
    policy.requires_approval = requires_approval
    policy.approver_roles = roles
    policy.threshold = amount
    policy.updated_by = acting_user
    policy.updated_at = clock.now()
    policy.save()
    record(
        actor=acting_user, action="approval.policy_change", obj=policy, before=before, after=_policy_dict(policy), reason=reason
    )
    return policy


def _policy_dict(policy: ApprovalPolicy) -> dict[str, Any]:
    return {
        "requires_approval": policy.requires_approval,
        "approver_roles": list(policy.approver_roles),
        "threshold": policy.threshold,
    }


def ensure_policies(*, acting_user: Any = None) -> dict[str, int]:
    """Reference step: a policy row for every registered act (existing rows are left as edited)."""
    before = ApprovalPolicy.objects.count()
    for act in registry.approval_acts:
        policy_for(act)
    return {"created": ApprovalPolicy.objects.count() - before}
