from __future__ import annotations

from typing import Any

from django.http import Http404

from secassist.accounts.access import get_visible
from secassist.core.registry import registry

from . import selectors, services
from .models import ApprovalPolicy, ApprovalRequest


def request_for(user: Any, pk: int) -> ApprovalRequest:
    return get_visible(selectors.visible_to(user), pk=pk)


def policy_for(user: Any, act: str) -> ApprovalPolicy:
    """The policy of a registered act (created from its defaults when first asked); 404 otherwise."""
    if act not in registry.approval_acts:
        raise Http404("No such act.")
    return services.policy_for(act)
