"""API of the DSP events calendar and analysis products (issue #17): /api/v1/plans/events and
/api/v1/plans/analyses. Mounted next to the plans router; reads are scoped, writes go through
plans.events and plans.analyses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from secassist.accounts.access import get_visible
from secassist.clearances import selectors as clearance_selectors
from secassist.core.errors import InvalidInput

from . import access, analyses, events, selectors, services
from .models import ActionItem, AnalysisProduct, Engagement, EngagementKind

router = Router(tags=["plans"])


class EventIn(Schema):
    kind: str
    title: str
    held_on: dt.date
    ends_on: dt.date | None = None
    location: str = ""
    cocom: str = ""
    product: int | None = None
    countries: list[str] = []
    participants: str = ""
    outputs: str = ""


class DecisionIn(Schema):
    note: str = ""


class AttendeeIn(Schema):
    name: str = ""
    username: str = ""
    office: str = ""
    role: str = ""


class AfterActionIn(Schema):
    notes: str


class ActionItemIn(Schema):
    description: str
    owner: str
    due_on: dt.date


class AnalysisIn(Schema):
    kind: str
    title: str
    issue: str
    addressee: str
    countries: list[str] = []
    products: list[int] = []
    posture_changes: list[int] = []
    clearing_offices: list[str] = []


class VersionIn(Schema):
    text: str
    change_note: str = ""


class TransitionIn(Schema):
    action: str
    note: str = ""


class DeliverIn(Schema):
    delivered_on: dt.date
    decision: str
    decided_by: str
    decision_on: dt.date | None = None


def _action(a: ActionItem) -> dict[str, Any]:
    return {"id": a.pk, "description": a.description, "owner": a.owner.username, "due_on": a.due_on, "status": a.status}


def event_out(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "title": e.title,
        "held_on": e.held_on,
        "ends_on": e.ends_on,
        "location": e.location,
        "cocom": e.cocom,
        "product": e.product_id,
        "countries": [c.iso3 for c in e.countries.all()],
        "participation": {
            "status": e.participation,
            "requested_by": e.participation_requested_by.username if e.participation_requested_by else None,
            "requested_on": e.participation_requested_on,
            "decided_by": e.participation_decided_by.username if e.participation_decided_by else None,
            "decided_on": e.participation_decided_on,
            "note": e.participation_note,
        },
        "attendees": [
            {"id": a.pk, "name": a.name, "office": a.office.code if a.office else None, "role": a.role} for a in e.attendees.all()
        ],
        "participants": e.participants,
        "outputs": e.outputs,
        "after_action_notes": e.after_action_notes,
        "after_action_on": e.after_action_on,
        "action_items": [_action(a) for a in e.action_items.all()],
    }


def analysis_out(a: AnalysisProduct, *, with_text: bool = False) -> dict[str, Any]:
    versions = list(a.versions.all())
    out = {
        "id": a.pk,
        "kind": a.kind,
        "title": a.title,
        "issue": a.issue,
        "addressee": a.addressee,
        "status": a.status,
        "is_demo": a.is_demo,
        "countries": [c.iso3 for c in a.countries.all()],
        "products": [p.pk for p in a.products.all()],
        "posture_changes": [p.pk for p in a.posture_changes.all()],
        "clearing_offices": [o.code for o in a.clearing_offices.all()],
        "latest_version": versions[-1].number if versions else None,
        "delivered_on": a.delivered_on,
        "decision": a.decision,
        "decided_by": a.decided_by,
        "decision_on": a.decision_on,
        "available_actions": analyses.available(a),
    }
    if with_text:
        out["versions"] = [
            {"number": v.number, "text": v.text, "change_note": v.change_note, "created_at": v.created_at} for v in versions
        ]
    return out


def _event(user: Any, pk: int) -> Engagement:
    return get_visible(selectors.events(user), pk=pk)


def _analysis(user: Any, pk: int) -> AnalysisProduct:
    return get_visible(selectors.analyses(user), pk=pk)


# ---- events ---------------------------------------------------------------------------------------


@router.get("/plans/events", response=list[dict[str, Any]], summary="The DSP events calendar (date order)")
def list_events(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: str | None = None,
    cocom: str | None = None,
) -> list[dict[str, Any]]:
    if kind and kind not in EngagementKind.values:
        raise InvalidInput(f"kind must be one of {', '.join(EngagementKind.values)}", field="kind", allowed=EngagementKind.values)
    if date_from and date_to and date_to < date_from:
        raise InvalidInput("date_to is before date_from", field="date_to")
    qs = selectors.events(request.user, date_from=date_from, date_to=date_to, kind=kind or "", cocom=cocom or "")
    return [event_out(e) for e in qs[:500]]


@router.post("/plans/events", response={201: dict[str, Any]}, summary="Record an event (plans.edit)")
def create_event(request: HttpRequest, payload: EventIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    data["product"] = access.product(request.user, data["product"]) if data["product"] is not None else None
    event = events.create_event(acting_user=request.user, **data)
    return Status(201, event_out(_event(request.user, event.pk)))


@router.get("/plans/events/{event_id}", response=dict[str, Any])
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return event_out(_event(request.user, event_id))


@router.post("/plans/events/{event_id}/participation/request", response=dict[str, Any])
def request_participation(request: HttpRequest, event_id: int, payload: DecisionIn) -> dict[str, Any]:
    events.request_participation(acting_user=request.user, event=_event(request.user, event_id), note=payload.note)
    return event_out(_event(request.user, event_id))


@router.post("/plans/events/{event_id}/participation/approve", response=dict[str, Any])
def approve_participation(request: HttpRequest, event_id: int, payload: DecisionIn) -> dict[str, Any]:
    events.decide_participation(acting_user=request.user, event=_event(request.user, event_id), approve=True, note=payload.note)
    return event_out(_event(request.user, event_id))


@router.post("/plans/events/{event_id}/participation/decline", response=dict[str, Any])
def decline_participation(request: HttpRequest, event_id: int, payload: DecisionIn) -> dict[str, Any]:
    events.decide_participation(acting_user=request.user, event=_event(request.user, event_id), approve=False, note=payload.note)
    return event_out(_event(request.user, event_id))


@router.post("/plans/events/{event_id}/attendees", response={201: dict[str, Any]})
def add_attendee(request: HttpRequest, event_id: int, payload: AttendeeIn) -> Status[dict[str, Any]]:
    events.add_attendee(acting_user=request.user, event=_event(request.user, event_id), **payload.dict())
    return Status(201, event_out(_event(request.user, event_id)))


@router.delete("/plans/events/{event_id}/attendees/{attendee_id}", response={204: None})
def remove_attendee(request: HttpRequest, event_id: int, attendee_id: int) -> Status[None]:
    event = _event(request.user, event_id)
    attendee = event.attendees.filter(pk=attendee_id).first()
    if attendee is None:
        raise Http404("No such attendee.")
    events.remove_attendee(acting_user=request.user, attendee=attendee)
    return Status(204, None)


@router.post("/plans/events/{event_id}/after-action", response=dict[str, Any])
def after_action(request: HttpRequest, event_id: int, payload: AfterActionIn) -> dict[str, Any]:
    events.record_after_action(acting_user=request.user, event=_event(request.user, event_id), notes=payload.notes)
    return event_out(_event(request.user, event_id))


@router.post("/plans/events/{event_id}/action-items", response={201: dict[str, Any]})
def add_action_item(request: HttpRequest, event_id: int, payload: ActionItemIn) -> Status[dict[str, Any]]:
    item = services.add_action_item(acting_user=request.user, engagement=_event(request.user, event_id), **payload.dict())
    return Status(201, _action(item))


# ---- analyses -------------------------------------------------------------------------------------


@router.get("/plans/analyses", response=list[dict[str, Any]], summary="Analysis products you may see")
def list_analyses(request: HttpRequest, status: str | None = None, country: str | None = None) -> list[dict[str, Any]]:
    qs = selectors.analyses(request.user)
    if status:
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(countries__iso3=country.upper()).distinct()
    return [analysis_out(a) for a in qs[:500]]


@router.post("/plans/analyses", response={201: dict[str, Any]}, summary="Open an issue paper or recommendation")
def create_analysis(request: HttpRequest, payload: AnalysisIn) -> Status[dict[str, Any]]:
    a = analyses.create_analysis(acting_user=request.user, **payload.dict())
    return Status(201, analysis_out(_analysis(request.user, a.pk)))


@router.get("/plans/analyses/{analysis_id}", response=dict[str, Any])
def get_analysis(request: HttpRequest, analysis_id: int) -> dict[str, Any]:
    return analysis_out(_analysis(request.user, analysis_id), with_text=True)


@router.post("/plans/analyses/{analysis_id}/versions", response={201: dict[str, Any]})
def add_analysis_version(request: HttpRequest, analysis_id: int, payload: VersionIn) -> Status[dict[str, Any]]:
    a = _analysis(request.user, analysis_id)
    v = analyses.add_version(acting_user=request.user, analysis=a, **payload.dict())
    return Status(201, {"number": v.number, "change_note": v.change_note})


@router.get("/plans/analyses/{analysis_id}/clearances", response=list[dict[str, Any]])
def analysis_clearances(request: HttpRequest, analysis_id: int) -> list[dict[str, Any]]:
    a = _analysis(request.user, analysis_id)
    return [
        {"id": c.pk, "office": c.office.code, "position": c.position, "comments": c.comments, "due_on": c.due_on}
        for c in clearance_selectors.for_subject(a)
    ]


@router.post("/plans/analyses/{analysis_id}/transition", response=dict[str, Any])
def analysis_transition(request: HttpRequest, analysis_id: int, payload: TransitionIn) -> dict[str, Any]:
    a = analyses.transition(
        acting_user=request.user, analysis=_analysis(request.user, analysis_id), action=payload.action, note=payload.note
    )
    return analysis_out(a)


@router.post("/plans/analyses/{analysis_id}/delivery", response=dict[str, Any], summary="Record delivery and the decision")
def deliver(request: HttpRequest, analysis_id: int, payload: DeliverIn) -> dict[str, Any]:
    a = analyses.deliver(acting_user=request.user, analysis=_analysis(request.user, analysis_id), **payload.dict())
    return analysis_out(a)
