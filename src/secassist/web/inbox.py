"""The work inbox: what waits for this person today, composed from each app's selectors.

An item leaves the inbox when the work is done (the clearance answered, the approval decided, the
question answered, the action item closed), because each source reads open work only."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.urls import reverse

from secassist.accounts.roles import has_capability
from secassist.audit import statecache
from secassist.core import clock

CLOCK_HORIZON_DAYS = 14


@dataclass(frozen=True)
class InboxItem:
    kind: str  # clearance, approval, approval_returned, clock, hold_question, tasker, action_item
    kind_label: str
    title: str
    due_on: dt.date | None
    url: str
    detail: str = ""

    def state(self, today: dt.date) -> str:
        if self.due_on is None:
            return "open"
        return "overdue" if self.due_on < today else ("due today" if self.due_on == today else "due")

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        return {**asdict(self), "state": self.state(today)}


def _clearances(user: Any) -> list[InboxItem]:
    from secassist.clearances.selectors import for_office

    if not user.office_id:
        return []
    return [
        InboxItem(
            "clearance",
            "Clearance my office owes",
            c.subject_label,
            c.due_on,
            reverse("clearances:detail", args=[c.pk]),
            c.reason,
        )
        for c in for_office(user.office_id).order_by("due_on")[:50]
    ]


def _approvals(user: Any, today: dt.date) -> list[InboxItem]:
    from secassist.approvals import selectors as approvals
    from secassist.approvals.models import Status

    items = [
        InboxItem(
            "approval",
            "Approval waiting for me",
            r.summary,
            None,
            reverse("approvals:detail", args=[r.pk]),
            f"proposed by {r.proposed_by} on {r.proposed_at:%d %b %Y}",
        )
        for r in approvals.awaiting(user)[:50]
    ]
    since = clock.now() - dt.timedelta(days=14)
    items += [
        InboxItem("approval_returned", "Returned to me", r.summary, None, reverse("approvals:detail", args=[r.pk]), r.comment)
        for r in approvals.proposed_by(user).filter(status=Status.RETURNED, decided_at__gte=since)[:20]
    ]
    return items


def _clocks(user: Any, today: dt.date) -> list[InboxItem]:
    from secassist.congress import deadlines

    if not user.office_id:
        return []
    team = user.office.code
    end = today + dt.timedelta(days=CLOCK_HORIZON_DAYS)
    return [
        InboxItem("clock", "Statutory clock", i.title, i.date, i.url, f"{i.detail} {i.citation}".strip())
        for i in deadlines.calendar(start=today, end=end, today=today, team=team, cached=True)
        if i.state in (deadlines.DUE, deadlines.WAITING)
    ]


def _hold_questions(user: Any) -> list[InboxItem]:
    from secassist.congress.models import HoldQuestion

    if not (user.office_id and has_capability(user, "congress.edit")):
        return []
    open_questions = HoldQuestion.objects.filter(
        answered_on__isnull=True, hold__lifted_on__isnull=True, hold__package__team_id=user.office_id
    ).select_related("hold__package", "hold__committee")
    return [
        InboxItem(
            "hold_question",
            "Hold question to answer",
            f"{q.hold.package.number}: {q.question[:120]}",
            None,
            reverse("congress:detail", args=[q.hold.package_id]),
            f"{q.hold.committee.code}, asked {q.asked_on:%d %b %Y}",
        )
        for q in open_questions[:50]
    ]


def _plans(user: Any) -> list[InboxItem]:
    from secassist.plans import selectors as plans

    items = [
        InboxItem(
            "action_item",
            "Action item assigned to me",
            a.description,
            a.due_on,
            reverse("plans:engagement", args=[a.engagement_id]),
            a.engagement.title,
        )
        for a in plans.open_action_items(user)[:50]
    ]
    if user.office_id:
        items += [
            InboxItem(
                "tasker",
                "Plan review: my office's comments",
                t.product.title,
                t.office_due_on or t.due_on,
                reverse("plans:tasker", args=[t.pk]),
                f"{getattr(t, 'office_comments', 0)} comment(s) entered",
            )
            for t in plans.taskers_awaiting_office(user.office_id)[:50]
        ]
    return items


def items_for(user: Any, *, today: dt.date | None = None) -> list[InboxItem]:
    """Everything waiting for `user`, soonest first (undated items after the dated ones of the same day).

    Cached per person until the next write (ADR 1003): done work leaves it on the next request."""
    if not has_capability(user, "view"):
        return []
    today = today or clock.today()
    return statecache.cached("web.inbox", lambda: _items_for(user, today), user.pk, today)


def _items_for(user: Any, today: dt.date) -> list[InboxItem]:
    items = [*_clearances(user), *_approvals(user, today), *_clocks(user, today), *_hold_questions(user), *_plans(user)]
    return sorted(items, key=lambda i: (i.due_on or today + dt.timedelta(days=CLOCK_HORIZON_DAYS + 1), i.kind, i.title))


def badge_count(user: Any) -> int:
    """The header badge: the inbox's length, from the same cache (so badge and inbox never disagree)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return len(items_for(user))
