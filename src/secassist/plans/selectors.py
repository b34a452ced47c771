"""Reads of the plans app, already scoped to the user (see access.py for the one-object door)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from secassist.accounts import scoping
from secassist.core import clock

from . import rules
from .models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    AnalysisProduct,
    Comment,
    Engagement,
    EventAttendee,
    PlanningProduct,
    PostureChangeRequest,
    Tasker,
    TaskerStatus,
)

# Plan reviews are need-to-know (DOMAIN.md §8): who reads every tasker and analysis product is the one
# written policy in accounts.scoping (the DSP team and the oversight seats); everyone else sees those
# that task their own office. Products, posture changes and engagements are shared records.
TASKER_TYPE = "plans.tasker"


def reads_all_taskers(user: Any) -> bool:
    return scoping.reads_all(user, TASKER_TYPE)


def products(user: Any) -> QuerySet[PlanningProduct]:
    return PlanningProduct.objects.prefetch_related("countries")


def taskers(user: Any) -> QuerySet[Tasker]:
    qs = Tasker.objects.select_related("product", "state_lead").prefetch_related("offices")
    if reads_all_taskers(user):
        return qs
    office_id = scoping.office_id(user)
    if not office_id:
        return qs.none()
    return qs.filter(offices__id=office_id).distinct()


def comments(tasker: Tasker) -> QuerySet[Comment]:
    return Comment.objects.filter(tasker=tasker).select_related("office", "merged_into", "entered_by").order_by("number")


def posture_changes(user: Any) -> QuerySet[PostureChangeRequest]:
    return PostureChangeRequest.objects.select_related("country", "product")


def engagements(user: Any) -> QuerySet[Engagement]:
    return Engagement.objects.select_related("product").prefetch_related(
        "countries", Prefetch("action_items", queryset=ActionItem.objects.select_related("owner"))
    )


def open_action_items(user: Any) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(owner=user, status__in=OPEN_ACTION_STATUSES)
        .select_related("engagement")
        .order_by("due_on", "id")
    )


def taskers_awaiting_office(office_id: int | None) -> QuerySet[Tasker]:
    """Taskers open for comments that task the office (for its clearing officers' home page)."""
    if not office_id:
        return Tasker.objects.none()
    return (
        Tasker.objects.filter(offices__id=office_id, status__in=[TaskerStatus.TASKED, TaskerStatus.COMMENTS_DUE])
        .select_related("product")
        .annotate(office_comments=Count("comments", filter=Q(comments__office_id=office_id)))
        .order_by("office_due_on", "due_on", "id")
    )


def page_marking(markings: list[tuple[str, str]]) -> tuple[str | None, str]:
    """(the banner text for request.page_marking, the highest product marking referenced).
    The page itself never holds classified text, so the banner keeps the site marking and names
    the highest marking of the products it references."""
    highest = rules.highest_marking(markings) or ""
    site = settings.SECASSIST_MARKING
    level = highest.split("//")[0]
    if not highest or rules.LEVELS.index(level) <= rules.LEVELS.index("CUI"):
        return None, highest
    return f"{site} · references products marked up to {highest}", highest


def reminders_today(user: Any, today: dt.date | None = None) -> list[tuple[Tasker, rules.Reminder]]:
    today = today or clock.today()
    out = []
    for tasker in taskers(user).exclude(status=TaskerStatus.CLOSED):
        for reminder in rules.reminders_due(
            status=tasker.status, office_due_on=tasker.office_due_on, due_on=tasker.due_on, today=today
        ):
            out.append((tasker, reminder))
    return out


# ---- events calendar and analysis products (issue #17) --------------------------------------------


def events(
    user: Any, *, date_from: dt.date | None = None, date_to: dt.date | None = None, kind: str = "", cocom: str = ""
) -> QuerySet[Engagement]:
    """The events calendar in date order (engagements are readable by every signed-in role)."""
    qs = Engagement.objects.select_related("product", "participation_requested_by", "participation_decided_by").prefetch_related(
        "countries",
        Prefetch("attendees", queryset=EventAttendee.objects.select_related("office")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
    )
    if date_from:
        qs = qs.filter(Q(ends_on__gte=date_from) | Q(ends_on__isnull=True, held_on__gte=date_from))
    if date_to:
        qs = qs.filter(held_on__lte=date_to)
    if kind:
        qs = qs.filter(kind=kind)
    if cocom:
        qs = qs.filter(cocom=cocom)
    return qs.order_by("held_on", "id")


ANALYSIS_SUBJECT = "plans.analysisproduct"


def analyses(user: Any) -> QuerySet[AnalysisProduct]:
    """Pre-decisional (accounts.scoping): the DSP team and the oversight seats read all; others read the
    products their office is asked to clear."""
    qs = AnalysisProduct.objects.prefetch_related("countries", "products", "posture_changes", "clearing_offices", "versions")
    if scoping.reads_all(user, ANALYSIS_SUBJECT):
        return qs
    office_id = scoping.office_id(user)
    if not office_id:
        return qs.none()
    from secassist.clearances.models import ClearanceRequest

    asked = ClearanceRequest.objects.filter(subject_type=ANALYSIS_SUBJECT, office_id=office_id).values_list(
        "subject_id", flat=True
    )
    return qs.filter(pk__in=[int(x) for x in asked])
