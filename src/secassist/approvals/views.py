from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from secassist.accounts.permissions import capability
from secassist.accounts.roles import Role, has_capability
from secassist.core.errors import DomainError
from secassist.core.tables import Column, Table

from . import access, selectors, services
from .models import Status

SCOPES = {"awaiting": "Awaiting my approval", "mine": "Proposed by me", "all": "All requests"}


APPROVAL_TABLE = Table(
    name="approvals",
    columns=(
        Column("summary", "What approving does", "summary", sortable=False),
        Column("subject", "Concerns", "subject_label", sortable=False),
        Column("proposed_by", "Proposed by", "proposed_by", order_by=("proposed_by__username",)),
        Column("proposed", "Proposed", "proposed_at"),
        Column("status", "Status", lambda a: a.get_status_display(), order_by=("status",)),
    ),
    default_sort="-proposed",
)


@capability("view")
def approval_list(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "awaiting")
    if scope not in SCOPES:
        scope = "awaiting"
    if scope == "awaiting":
        qs = selectors.awaiting(request.user)
    elif scope == "mine":
        qs = selectors.proposed_by(request.user)
    else:
        qs = selectors.visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    table = APPROVAL_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    page = table.page
    return render(
        request,
        "approvals/list.html",
        {"table": table, "page": page, "scope": scope, "scopes": SCOPES, "status": status, "statuses": Status.choices},
    )


@capability("view", write="approvals.decide")
@require_http_methods(["GET", "POST"])
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    approval = access.request_for(request.user, pk)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        try:
            if action == "approve":
                services.approve(acting_user=request.user, request=approval, comment=comment)
                messages.success(request, "Approved; the act was carried out.")
            elif action == "return":
                services.return_request(acting_user=request.user, request=approval, comment=comment)
                messages.success(request, "Returned to the proposer with your comment.")
            elif action == "withdraw":
                services.withdraw(acting_user=request.user, request=approval, reason=comment)
                messages.success(request, "Your proposal was withdrawn.")
            else:
                error = "Choose approve, return or withdraw."
            if error is None:
                return redirect("approvals:detail", pk=approval.pk)
        except DomainError as exc:
            error = exc.message
            approval.refresh_from_db()
    policy = services.policy_for(approval.act)
    return render(
        request,
        "approvals/detail.html",
        {
            "approval": approval,
            "policy": policy,
            "error": error,
            "can_decide": selectors.may_decide(request.user, approval),
            "can_withdraw": approval.is_pending
            and (request.user.pk == approval.proposed_by_id or getattr(request.user, "role", None) == Role.ADMIN),
        },
        status=422 if error else 200,
    )


@capability("view")
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "approvals/policies.html",
        {"policies": selectors.policies(), "can_configure": has_capability(request.user, "approvals.configure")},
    )


@capability("approvals.configure")
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, act: str) -> HttpResponse:
    policy = access.policy_for(request.user, act)
    error = None
    if request.method == "POST":
        try:
            services.set_policy(
                acting_user=request.user,
                act=policy.act,
                requires_approval=request.POST.get("requires_approval") == "on",
                approver_roles=request.POST.getlist("approver_roles"),
                threshold=request.POST.get("threshold", "").strip() or None,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, f"The policy for '{policy.label}' was changed.")
            return redirect("approvals:policies")
        except DomainError as exc:
            error = exc.message
    roles = [(value, label) for value, label in Role.choices if value in services.APPROVER_ROLES]
    return render(
        request,
        "approvals/policy_edit.html",
        {"policy": policy, "roles": roles, "error": error},
        status=422 if error else 200,
    )
