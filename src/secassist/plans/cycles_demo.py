"""Demo step (order 510): an exercise on the events calendar with participation approved, attendees,
after-action notes and an action item; an issue paper cleared by AF and DRL and delivered with the
decision taken. Labelled DEMO; wording illustrative. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from secassist.clearances.models import ClearanceRequest
from secassist.clearances.services import record_position
from secassist.core import clock

from . import analyses, events, services
from .models import AnalysisProduct

EXERCISE = "DEMO — Exercise tabletop with East African partners (illustrative)"


def run(*, acting_user: Any = None, stdout: Any = None) -> None:
    if AnalysisProduct.objects.filter(is_demo=True).exists():
        return
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["dsp.analyst", "admin", "af.clearer", "drl.clearer"])
    }
    dsp = users.get("dsp.analyst") or acting_user
    admin = users.get("admin") or acting_user
    today = clock.today()
    event = events.create_event(
        acting_user=dsp,
        kind="exercise",
        title=EXERCISE,
        held_on=today - dt.timedelta(days=10),
        ends_on=today - dt.timedelta(days=8),
        location="Nairobi (illustrative)",
        cocom="AFRICOM",
        countries=["KEN"],
    )
    events.request_participation(acting_user=dsp, event=event, note="DSP lead and a DRL adviser")
    if admin is not None and admin != dsp:
        events.decide_participation(acting_user=admin, event=event, approve=True)
    events.add_attendee(acting_user=dsp, event=event, username=dsp.username, role="State lead")
    events.record_after_action(
        acting_user=dsp, event=event, notes="DEMO — partners asked for a follow-on seminar on civilian harm mitigation."
    )
    services.add_action_item(
        acting_user=dsp,
        engagement=event,
        description="DEMO — scope the follow-on seminar",
        owner=dsp.username,
        due_on=today + dt.timedelta(days=21),
    )
    paper = analyses.create_analysis(
        acting_user=dsp,
        kind="issue_paper",
        title="DEMO — Partner request for accelerated deliveries (illustrative)",
        issue="DEMO — options and risks for leadership after a partner's request.",
        addressee="PM Assistant Secretary",
        countries=["KEN"],
        clearing_offices=["AF", "DRL"],
        is_demo=True,
    )
    analyses.add_version(acting_user=dsp, analysis=paper, text="DEMO — Options A, B and C; recommend B.")
    analyses.transition(acting_user=dsp, analysis=paper, action="submit")
    for c in ClearanceRequest.objects.filter(subject_type="plans.analysisproduct", subject_id=str(paper.pk)).select_related(
        "office"
    ):
        record_position(acting_user=users.get(f"{c.office.code.lower()}.clearer") or admin, clearance=c, position="clear")
    analyses.transition(acting_user=dsp, analysis=paper, action="mark_cleared")
    analyses.deliver(
        acting_user=dsp,
        analysis=paper,
        delivered_on=today,
        decision="DEMO — option B approved",
        decided_by="DEMO — PM Assistant Secretary",
    )
    if stdout:
        stdout.write("  plans: demo exercise and delivered issue paper")
