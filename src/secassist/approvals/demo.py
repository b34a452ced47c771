"""Demo helper: a second demo user approves what the demo proposed (maker-checker, ADR 0700/0710).

The demo runs as the administrator; acts that need two people are proposed by it and approved by
the first demo user whose role the act's policy names and who is not the maker — so the demo ends
in the same visible state as before, reached by two people, and the approval trail shows who.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from secassist.accounts.demo import DEMO_USERS, create_demo_users

from . import services
from .models import ApprovalRequest


def second_person(request: ApprovalRequest) -> Any:
    """A demo user who may approve `request`: an approving role, not the maker."""
    roles = services.policy_for(request.act).approver_roles
    names = [name for name, role, _, _ in DEMO_USERS if role in roles]
    users = get_user_model().objects
    if not users.filter(username__in=names).exists():
        create_demo_users()
    for user in users.filter(username__in=names, is_active=True).order_by("username"):
        if user.pk != request.proposed_by_id:
            return user
    return None


def approve_if_proposed(result: Any, *, comment: str = "demo: checked by a second person") -> Any:
    """Approve `result` as a second demo user when it is a pending approval request; returns it as is otherwise."""
    if not isinstance(result, ApprovalRequest):
        return result
    checker = second_person(result)
    if checker is None:
        return result
    return services.approve(acting_user=checker, request=result, comment=comment)
