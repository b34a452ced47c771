"""Factories for the plans tests: a product, a tasker at any state, comments, an engagement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from secassist.core import clock
from secassist.core.calendar import add_business_days
from secassist.plans import services, workflow
from secassist.plans.models import Comment, Tasker
from secassist.reference.models import Office
from tests.conftest import _user


@pytest.fixture
def clearer_nea(db: Any) -> Any:
    """A clearing officer of an office the default tasker does not task: an outsider to it."""
    return _user("neac", "clearing_officer", "NEA")


def make_product(user: Any, **over: Any) -> Any:
    data = {
        "product_type": "tcp",
        "owner_kind": "ccmd",
        "owner_ccmd": "AFRICOM",
        "title": "U.S. Africa Command Theater Campaign Plan",
        "version": "draft 1",
        "classification": "SECRET",
        "dissemination": "NOFORN",
        "classified_text_location": "SIPRNet J5 library",
        "countries": ["KEN", "GHA"],
        "regions": ["AF"],
    }
    data.update(over)
    return services.create_product(acting_user=user, **data)


def make_tasker(
    user: Any, product: Any = None, *, offices: tuple[str, ...] = ("AF", "DRL"), state: str = "received", comments: int = 0
) -> Tasker:
    """A tasker driven through the real workflow up to `state`."""
    product = product or make_product(user)
    today = clock.today()
    tasker = services.create_tasker(
        acting_user=user,
        product=product,
        received_on=today - dt.timedelta(days=2),
        due_on=add_business_days(today, 15),
        office_due_on=add_business_days(today, 5),
        state_lead=user.pk,
        offices=list(offices),
        requested_by="Joint Staff J5",
    )
    path = ["task", "call_for_comments", "start_adjudication", "transmit", "close"]
    targets = {"tasked": 1, "comments_due": 2, "adjudicating": 3, "transmitted": 4, "closed": 5}
    steps = path[: targets.get(state, 0)]
    for action in steps:
        if action == "task":
            workflow.transition(acting_user=user, tasker=tasker, action=action)
            for n in range(comments):
                add(
                    user,
                    tasker,
                    offices[n % len(offices)],
                    comment=f"Comment number {n + 1} on the campaign objectives.",
                    page=str(n + 1),
                )
            continue
        if action == "transmit":
            for c in Comment.objects.filter(tasker=tasker, merged_into__isnull=True):
                services.adjudicate_comment(acting_user=user, comment=c, adjudication="accepted")
        workflow.transition(acting_user=user, tasker=tasker, action=action)
    tasker.refresh_from_db()
    return tasker


def add(user: Any, tasker: Tasker, office: str, **over: Any) -> Comment:
    data = {
        "page": "12",
        "paragraph": "3.b",
        "line": "4",
        "comment_type": "substantive",
        "comment": "Link partner governance activities to the Integrated Country Strategy objectives.",
        "rationale": "Chief of Mission priorities.",
        "proposed_change": "Add a sentence.",
    }
    data.update(over)
    return services.add_comment(acting_user=user, tasker=tasker, office=Office.objects.get(code=office), **data)
