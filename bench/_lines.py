"""Shared set-up of the benchmarks that open funds lines needing no congressional notification."""

from __future__ import annotations

from typing import Any


def lines_need_no_notification_approval() -> None:
    """The benchmarks' synthetic lines carry no notifications. Marking a line so needs a second
    person by default (budget.notification_not_required); an administrator's policy switches that
    off here, as an office could, so the runs measure the funds path and not thousands of requests."""
    from django.contrib.auth import get_user_model

    from secassist.approvals.services import set_policy
    from secassist.budget.services import NOT_REQUIRED_ACT

    admin: Any = get_user_model().objects.create_user(username="bench-admin", password=None, role="admin")
    set_policy(
        acting_user=admin,
        act=NOT_REQUIRED_ACT,
        requires_approval=False,
        approver_roles=[],
        reason="benchmark: the synthetic lines carry no notifications",
    )
