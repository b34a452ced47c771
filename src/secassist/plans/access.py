"""The only way an interface loads one plans object for a user: 404 for missing and not-yours."""

from __future__ import annotations

from typing import Any

from secassist.accounts.access import get_visible

from . import selectors
from .models import ActionItem, Comment, Engagement, PlanLink, PlanningProduct, PostureChangeRequest, Tasker


def product(user: Any, pk: Any) -> PlanningProduct:
    return get_visible(selectors.products(user), pk=pk)


def tasker(user: Any, pk: Any) -> Tasker:
    return get_visible(selectors.taskers(user), pk=pk)


def comment(user: Any, pk: Any) -> Comment:
    obj = get_visible(Comment.objects.select_related("tasker", "office", "merged_into"), pk=pk)
    tasker(user, obj.tasker_id)  # a comment is visible exactly when its tasker is
    return obj


def link(user: Any, pk: Any) -> PlanLink:
    return get_visible(PlanLink.objects.select_related("product"), pk=pk)


def posture(user: Any, pk: Any) -> PostureChangeRequest:
    return get_visible(selectors.posture_changes(user), pk=pk)


def engagement(user: Any, pk: Any) -> Engagement:
    return get_visible(selectors.engagements(user), pk=pk)


def action_item(user: Any, pk: Any) -> ActionItem:
    return get_visible(ActionItem.objects.select_related("engagement", "owner"), pk=pk)
