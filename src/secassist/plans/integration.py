"""What plans contributes to other apps' pages and services (registered in apps.ready())."""

from __future__ import annotations

from typing import Any

from secassist.accounts.roles import Role

from . import selectors
from .models import LinkKind, PlanLink, TaskerStatus


def home_panel(user: Any) -> dict[str, Any] | None:
    """The signed-in user's open action items; for a clearing officer, the plan-review taskers
    waiting on their office's comments; for a State lead, the PLN-009 deadlines of their taskers.
    Hidden when there is nothing to show."""
    actions = list(selectors.open_action_items(user)[:15])
    awaiting = []
    if getattr(user, "role", None) == Role.CLEARING_OFFICER and getattr(user, "office_id", None):
        awaiting = list(selectors.taskers_awaiting_office(user.office_id)[:15])
    deadlines = [(t, r) for t, r in selectors.reminders_today(user) if t.state_lead_id == getattr(user, "pk", None)]
    if not actions and not awaiting and not deadlines:
        return None
    from secassist.core import clock

    return {
        "plan_actions": actions,
        "plan_taskers": awaiting,
        "plan_deadlines": deadlines[:15],
        "today": clock.today(),
        "plans_office_code": getattr(getattr(user, "office", None), "code", ""),
    }


def open_tasker_count(user: Any) -> int:
    return selectors.taskers(user).exclude(status=TaskerStatus.CLOSED).count()


def elements_for(*, subject_type: str, subject_id: Any) -> list[dict[str, Any]]:
    """Service "plans.elements_for": the plans (and the plan elements) a Title 10 proposal or a
    Title 22 program is linked to — what a §333(e) CN cites as the campaign-plan elements a program
    advances. `subject_type` is the app_label.model of the caller's record."""
    links = (
        PlanLink.objects.filter(
            subject_type=subject_type, subject_id=str(subject_id), kind__in=[LinkKind.TITLE10, LinkKind.TITLE22]
        )
        .select_related("product")
        .order_by("product__title", "id")
    )
    return [
        {
            "product_id": link.product_id,
            "product": str(link.product),
            "product_type": link.product.get_product_type_display(),
            "owner": link.product.owner_label,
            "marking": link.product.marking,
            "element": link.element,
            "label": link.label,
        }
        for link in links
    ]
