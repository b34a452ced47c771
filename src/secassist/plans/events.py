"""DSP events calendar (issue #17): exercises, war games, planning conferences, seminars and training
events are engagements with dates, a COCOM, the Department's participation (requested, then approved
or declined by a second person), attendees and after-action notes; action items reuse
`ActionItem` (services.add_action_item)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.reference.models import Cocom, Office

from . import services
from .models import Engagement, EventAttendee, Participation

EDIT = "plans.edit"
MAX_EVENT_DAYS = 366


def _event_fields(data: dict[str, Any], held_on: dt.date) -> dict[str, Any]:
    ends_on = services.date_(data.get("ends_on"), "ends_on", required=False)
    if ends_on is not None and ends_on < held_on:
        raise RuleViolation(f"the event ends ({ends_on}) before it starts ({held_on})", code="PLN-020", field="ends_on")
    if ends_on is not None and (ends_on - held_on).days > MAX_EVENT_DAYS:
        raise InvalidInput(f"an event lasts at most {MAX_EVENT_DAYS} days", field="ends_on")
    return {"ends_on": ends_on, "cocom": services.choice(data.get("cocom", ""), Cocom, "cocom", blank=True)}


@transaction.atomic
def create_event(*, acting_user: Any, countries: Iterable[str] = (), **data: Any) -> Engagement:
    require(acting_user, EDIT)
    base = services._engagement_fields({k: v for k, v in data.items() if k not in ("ends_on", "cocom")})
    extra = _event_fields(data, base["held_on"])
    country_objs = services.countries_from(countries)
    event = Engagement.objects.create(**base, **extra, created_by=acting_user, created_at=clock.now())
    event.countries.set(country_objs)
    record(
        actor=acting_user,
        action="plans.event.create",
        obj=event,
        after={**base, **extra, "product": getattr(base["product"], "pk", None), "countries": [c.iso3 for c in country_objs]},
    )
    return event


@transaction.atomic
def request_participation(*, acting_user: Any, event: Engagement, note: str = "") -> Engagement:
    require(acting_user, EDIT)
    note = services.text(note, "note", max_length=1000)
    services.unclassified(note=note)
    old = event.participation
    if old not in (Participation.NOT_REQUESTED, Participation.DECLINED):
        raise TransitionNotAllowed(f"participation is already {event.get_participation_display().lower()}", current=old)
    if not Engagement.objects.filter(pk=event.pk, participation=old).update(
        participation=Participation.REQUESTED,
        participation_requested_by=acting_user,
        participation_requested_on=clock.today(),
        participation_decided_by=None,
        participation_decided_on=None,
        participation_note=note,
    ):
        raise TransitionNotAllowed("the event changed meanwhile; reload it", current=old)
    record(
        actor=acting_user,
        action="plans.event.participation_request",
        obj=event,
        before={"participation": old},
        after={"participation": "requested", "note": note},
    )
    event.refresh_from_db()
    return event


@transaction.atomic
def decide_participation(*, acting_user: Any, event: Engagement, approve: bool, note: str = "") -> Engagement:
    """A second person approves or declines the Department's participation (PLN-021)."""
    require(acting_user, EDIT)
    note = services.text(note, "note", max_length=1000)
    services.unclassified(note=note)
    if event.participation != Participation.REQUESTED:
        raise TransitionNotAllowed("participation has not been requested", current=event.participation)
    if getattr(acting_user, "pk", None) == event.participation_requested_by_id:
        raise RuleViolation("the person who requested participation cannot also approve or decline it", code="PLN-021")
    if not approve and not note:
        raise InvalidInput("say why participation is declined", field="note")
    target = Participation.APPROVED if approve else Participation.DECLINED
    if not Engagement.objects.filter(pk=event.pk, participation=Participation.REQUESTED).update(
        participation=target,
        participation_decided_by=acting_user,
        participation_decided_on=clock.today(),
        participation_note=note or event.participation_note,
    ):
        raise TransitionNotAllowed("the event changed meanwhile; reload it")
    record(
        actor=acting_user,
        action="plans.event.participation_decide",
        obj=event,
        before={"participation": "requested"},
        after={"participation": target, "note": note},
    )
    event.refresh_from_db()
    return event


@transaction.atomic
def add_attendee(
    *, acting_user: Any, event: Engagement, name: str = "", username: str = "", office: str = "", role: str = ""
) -> EventAttendee:
    require(acting_user, EDIT)
    user = None
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise InvalidInput("username must be an active user", field="username", value=username)
    label = services.text(name, "name", max_length=200) or (user.get_full_name() or user.username if user else "")
    if not label:
        raise InvalidInput("give the attendee's name or username", field="name")
    office_obj = None
    if office:
        office_obj = Office.objects.filter(code=office).first()
        if office_obj is None:
            raise InvalidInput(f"office {office!r} is not in the reference offices", field="office", value=office)
    elif user is not None:
        office_obj = user.office
    role_text = services.text(role, "role", max_length=200)
    services.unclassified(name=label, role=role_text)
    if EventAttendee.objects.filter(engagement=event, name=label).exists():
        raise InvalidInput(f"{label} is already listed", field="name")
    attendee = EventAttendee.objects.create(engagement=event, name=label, user=user, office=office_obj, role=role_text)
    record(
        actor=acting_user,
        action="plans.event.attendee_add",
        obj=event,
        after={"name": label, "office": getattr(office_obj, "code", None), "role": role_text},
    )
    return attendee


@transaction.atomic
def remove_attendee(*, acting_user: Any, attendee: EventAttendee) -> None:
    require(acting_user, EDIT)
    event = attendee.engagement
    record(actor=acting_user, action="plans.event.attendee_remove", obj=event, before={"name": attendee.name})
    attendee.delete()


@transaction.atomic
def record_after_action(*, acting_user: Any, event: Engagement, notes: str) -> Engagement:
    """After-action notes, once the event has begun (PLN-022)."""
    require(acting_user, EDIT)
    body = services.text(notes, "notes", max_length=20_000, required=True)
    services.unclassified(notes=body)
    if event.held_on > clock.today():
        raise RuleViolation(f"the event starts on {event.held_on}; after-action notes come after it", code="PLN-022")
    before = event.after_action_notes
    Engagement.objects.filter(pk=event.pk).update(after_action_notes=body, after_action_on=clock.today())
    record(actor=acting_user, action="plans.event.after_action", obj=event, before={"notes": before}, after={"notes": body})
    event.refresh_from_db()
    return event
