"""State's decision on a proposal is a two-person act (maker-checker, ADR 0710): these helpers
propose it as the given analyst and approve it as a second Title 10 analyst."""

from __future__ import annotations

from typing import Any

from secassist.approvals import services as approvals
from secassist.approvals.models import ApprovalRequest
from secassist.title10 import services


def second_analyst() -> Any:
    from secassist.accounts.models import User
    from secassist.reference.models import Office

    user, _ = User.objects.get_or_create(
        username="t10b", defaults={"role": "t10_analyst", "office": Office.objects.get(code="PM/SA-T10")}
    )
    return user


def decide(**kwargs: Any) -> Any:
    """services.decide(...) by the maker, then approved by a second analyst; returns the decided proposal."""
    result = services.decide(**kwargs)
    if isinstance(result, ApprovalRequest):
        approvals.approve(acting_user=second_analyst(), request=result, comment="checked")
        proposal = kwargs["proposal"]
        proposal.refresh_from_db()
        return proposal
    return result
