"""The DSP events calendar and analysis product pages (list, detail, create and the actions on them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from secassist.clearances.models import ClearanceRequest
from secassist.clearances.services import record_position
from secassist.plans.models import AnalysisProduct, Engagement

pytestmark = pytest.mark.django_db


def test_a_dsp_analyst_records_an_exercise_with_participants_and_an_after_action_item(
    client_as: Any, dsp_analyst: Any, admin_user: Any
) -> None:
    client = client_as(dsp_analyst)
    assert client.get("/plans/events/").status_code == 200
    past = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    resp = client.post(
        "/plans/events/",
        {
            "kind": "exercise",
            "title": "African Lion",
            "held_on": past,
            "cocom": "AFRICOM",
            "countries": "MAR, TUN",
            "location": "Agadir",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    event = Engagement.objects.get(title="African Lion")
    url = f"/plans/events/{event.pk}/"
    assert client.post(url, {"op": "request", "note": "DSP and POLAD"}).status_code == 302
    own = client.post(url, {"op": "approve", "note": ""})
    assert own.status_code == 422 and "PLN-021" in own.content.decode()
    assert client_as(admin_user).post(url, {"op": "approve", "note": ""}).status_code == 302
    assert client.post(url, {"op": "attendee", "name": "J. Smith", "office": "AF", "role": "observer"}).status_code == 302
    assert client.post(url, {"op": "after_action", "notes": "Host nation asked for a follow-on seminar."}).status_code == 302
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    assert (
        client.post(url, {"op": "action_item", "description": "Plan the seminar", "owner": "dsp", "due_on": due}).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert "J. Smith" in page and "Plan the seminar" in page and "follow-on seminar" in page and "Approved" in page
    listing = client.get("/plans/events/?kind=exercise").content.decode()
    assert "African Lion" in listing and "<caption>1 event in date order</caption>" in listing


def test_a_bad_event_is_refused_on_the_form_naming_the_field(client_as: Any, dsp_analyst: Any) -> None:
    resp = client_as(dsp_analyst).post(
        "/plans/events/", {"kind": "exercise", "title": "X", "held_on": "2026-11-10", "ends_on": "2026-11-01"}
    )
    html = resp.content.decode()
    assert resp.status_code == 422 and "PLN-020" in html and 'id="ends_on-error"' in html
    assert not Engagement.objects.exists()


def test_an_issue_paper_is_cleared_and_delivered_from_its_page(client_as: Any, dsp_analyst: Any, clearer: Any) -> None:
    client = client_as(dsp_analyst)
    resp = client.post(
        "/plans/analyses/",
        {
            "kind": "issue_paper",
            "title": "Coastal security options",
            "issue": "Options after the posture change.",
            "addressee": "PM Assistant Secretary",
            "countries": "KEN",
            "clearing_offices": "DRL",
        },
    )
    analysis = AnalysisProduct.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/plans/analyses/{analysis.pk}/"
    url = resp["Location"]
    refused = client.post(url, {"op": "transition", "action": "submit"})
    assert refused.status_code == 422 and "PLN-023" in refused.content.decode()
    assert client.post(url, {"op": "version", "text": "Options A, B, C. Recommend B."}).status_code == 302
    assert client.post(url, {"op": "transition", "action": "submit"}).status_code == 302
    drl = ClearanceRequest.objects.get(subject_id=str(analysis.pk), office__code="DRL")
    assert client_as(clearer).get(url).status_code == 200  # the office asked may read it
    record_position(acting_user=clearer, clearance=drl, position="clear")
    assert client.post(url, {"op": "transition", "action": "mark_cleared"}).status_code == 302
    today = dt.date.today().isoformat()
    done = client.post(url, {"op": "deliver", "delivered_on": today, "decision": "Option B approved", "decided_by": "PM A/S"})
    assert done.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == "delivered" and analysis.decision == "Option B approved"
    assert "Option B approved" in client.get("/plans/analyses/").content.decode()


def test_analyses_are_not_shown_to_offices_not_asked(client_as: Any, dsp_analyst: Any, clearer_af: Any) -> None:
    from secassist.plans import analyses

    a = analyses.create_analysis(acting_user=dsp_analyst, kind="issue_paper", title="T", issue="I", addressee="A")
    assert client_as(clearer_af).get(f"/plans/analyses/{a.pk}/").status_code == 404
    assert "T</a>" not in client_as(clearer_af).get("/plans/analyses/").content.decode()


def test_viewers_read_events_but_cannot_record_them(client_as: Any, viewer: Any) -> None:
    assert client_as(viewer).get("/plans/events/").status_code == 200
    assert client_as(viewer).post("/plans/events/", {"kind": "exercise"}).status_code == 403
