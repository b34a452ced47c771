"""Pages of the DSP events calendar and analysis products (issue #17): parse → access → service → render.
Kept apart from views.py (already past the module-size guideline), like cycles_api.py beside api.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from secassist.accounts.access import get_visible
from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.clearances import selectors as clearance_selectors
from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.tables import Column, Table

from . import analyses, cycle_forms, events, selectors, services
from .forms import ActionItemForm
from .models import AnalysisProduct, AnalysisStatus, Engagement

EDIT = "plans.edit"
ACTION_LABELS = {
    "submit": "Send for clearance",
    "mark_cleared": "Mark cleared (all offices cleared)",
    "return_to_draft": "Return to draft",
    "withdraw": "Withdraw",
}


def _event(user: Any, pk: int) -> Engagement:
    return get_visible(selectors.events(user), pk=pk)


def _analysis(user: Any, pk: int) -> AnalysisProduct:
    return get_visible(selectors.analyses(user), pk=pk)


def _try(form: Any, save: Callable[[], Any], request: HttpRequest, message: str, url: str, *args: Any) -> HttpResponse | None:
    """Run a service with a bound form; on a refusal put it back on the form and return None."""
    if not form.is_valid():
        return None
    try:
        save()
    except DomainError as exc:
        form.attach_error(exc)
        return None
    messages.success(request, message)
    return redirect(url, *args)


# ---- events -----------------------------------------------------------------------------------------


EVENT_TABLE = Table(
    name="events",
    columns=(
        Column("held_on", "Starts", "held_on", order_by=("held_on", "ends_on")),
        Column("ends_on", "Ends", "ends_on", shown=False),
        Column("title", "Event", "title"),
        Column("kind", "Kind", lambda e: e.get_kind_display(), order_by=("kind",)),
        Column("cocom", "COCOM", "cocom"),
        Column(
            "participation", "Department's participation", lambda e: e.get_participation_display(), order_by=("participation",)
        ),
        Column("attendees", "Attendees", lambda e: len(e.attendees.all()), sortable=False),
        Column("actions", "Open actions", lambda e: len(e.action_items.all()), sortable=False),
    ),
    default_sort="held_on",
)

ANALYSIS_TABLE = Table(
    name="analyses",
    columns=(
        Column("title", "Title", "title"),
        Column("kind", "Kind", lambda a: a.get_kind_display(), order_by=("kind",)),
        Column("addressee", "For", "addressee"),
        Column("countries", "Countries", lambda a: ", ".join(c.iso3 for c in a.countries.all()), sortable=False),
        Column("status", "Status", lambda a: a.get_status_display(), order_by=("status",)),
        Column("decision", "Decision", "decision"),
        Column("created_at", "Opened", "created_at"),
    ),
    default_sort="-created_at",
)


@capability("view", write=EDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    form = cycle_forms.EventForm(request.POST or None)
    if request.method == "POST":
        done = _try(form, lambda: _create_event(request, form), request, "Event recorded.", "plans:events")
        if done:
            return done
    filters = cycle_forms.EventFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.events(request.user, **{k: v for k, v in criteria.items() if v})
    table = EVENT_TABLE.bind(request, rows)
    if table.export_format and request.method == "GET":
        return table.export_response()
    return render(
        request,
        "plans/events.html",
        {"table": table, "form": form, "filters": filters, "can_edit": has_capability(request.user, EDIT)},
        status=422 if request.method == "POST" else 200,
    )


def _create_event(request: HttpRequest, form: cycle_forms.EventForm) -> Engagement:
    return events.create_event(acting_user=request.user, **form.service_data())


EventWrite = tuple[type[django_forms.Form], Callable[[HttpRequest, Engagement, dict[str, Any]], Any], str]
EVENT_WRITES: dict[str, EventWrite] = {
    "request": (
        cycle_forms.NoteForm,
        lambda r, e, d: events.request_participation(acting_user=r.user, event=e, note=d["note"]),
        "Participation requested; a second person decides.",
    ),
    "approve": (
        cycle_forms.NoteForm,
        lambda r, e, d: events.decide_participation(acting_user=r.user, event=e, approve=True, note=d["note"]),
        "Participation approved.",
    ),
    "decline": (
        cycle_forms.NoteForm,
        lambda r, e, d: events.decide_participation(acting_user=r.user, event=e, approve=False, note=d["note"]),
        "Participation declined.",
    ),
    "attendee": (
        cycle_forms.AttendeeForm,
        lambda r, e, d: events.add_attendee(acting_user=r.user, event=e, **d),
        "Attendee added.",
    ),
    "after_action": (
        cycle_forms.AfterActionForm,
        lambda r, e, d: events.record_after_action(acting_user=r.user, event=e, notes=d["notes"]),
        "After-action notes recorded.",
    ),
    "action_item": (
        ActionItemForm,
        lambda r, e, d: services.add_action_item(acting_user=r.user, engagement=e, **d),
        "Action item added.",
    ),
}


@capability("view", write=EDIT)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request.user, pk)
    bound: dict[str, Any] = {}
    op = request.POST.get("op", "")
    if request.method == "POST" and op == "remove_attendee":
        attendee = event.attendees.filter(pk=request.POST.get("attendee", "0") or 0).first()
        if attendee is None:
            raise Http404("No such attendee.")
        events.remove_attendee(acting_user=request.user, attendee=attendee)
        messages.success(request, f"{attendee.name} removed.")
        return redirect("plans:event", event.pk)
    if request.method == "POST" and op in EVENT_WRITES:
        form_class, call, message = EVENT_WRITES[op]
        form = form_class(request.POST)
        done = _try(form, lambda: call(request, event, form.cleaned_data), request, message, "plans:event", event.pk)
        if done:
            return done
        bound[op] = form
    event = _event(request.user, pk)
    return render(
        request,
        "plans/event.html",
        {
            "event": event,
            "today": clock.today(),
            "can_edit": has_capability(request.user, EDIT),
            "note_form": bound.get("request") or bound.get("approve") or bound.get("decline") or cycle_forms.NoteForm(),
            "attendee_form": bound.get("attendee") or cycle_forms.AttendeeForm(),
            "after_form": bound.get("after_action") or cycle_forms.AfterActionForm(initial={"notes": event.after_action_notes}),
            "item_form": bound.get("action_item") or ActionItemForm(),
        },
        status=422 if bound else 200,
    )


# ---- analyses ---------------------------------------------------------------------------------------


@capability("view", write=EDIT)
def analysis_list(request: HttpRequest) -> HttpResponse:
    form = cycle_forms.AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = analyses.create_analysis(acting_user=request.user, **form.service_data())
            messages.success(request, "Analysis opened: add its first version.")
            return redirect("plans:analysis", created.pk)
        except DomainError as exc:
            form.attach_error(exc)
    status = request.GET.get("status", "")
    qs = selectors.analyses(request.user)
    if status in AnalysisStatus.values:
        qs = qs.filter(status=status)
    table = ANALYSIS_TABLE.bind(request, qs)
    if table.export_format and request.method == "GET":
        return table.export_response()
    return render(
        request,
        "plans/analyses.html",
        {
            "table": table,
            "statuses": AnalysisStatus.choices,
            "status": status,
            "form": form,
            "can_edit": has_capability(request.user, EDIT),
        },
        status=422 if request.method == "POST" else 200,
    )


@capability("view", write=EDIT)
def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request.user, pk)
    version_form = cycle_forms.VersionForm(request.POST if request.POST.get("op") == "version" else None)
    transition_form = cycle_forms.TransitionForm(request.POST if request.POST.get("op") == "transition" else None)
    delivery_form = cycle_forms.DeliveryForm(request.POST if request.POST.get("op") == "deliver" else None)
    writes: dict[str, tuple[Any, Callable[[], Any], str]] = {
        "version": (
            version_form,
            lambda: analyses.add_version(acting_user=request.user, analysis=analysis, **version_form.cleaned_data),
            "Version saved.",
        ),
        "transition": (
            transition_form,
            lambda: analyses.transition(acting_user=request.user, analysis=analysis, **transition_form.cleaned_data),
            "Status changed.",
        ),
        "deliver": (
            delivery_form,
            lambda: analyses.deliver(acting_user=request.user, analysis=analysis, **delivery_form.cleaned_data),
            "Delivery and decision recorded.",
        ),
    }
    op = request.POST.get("op", "")
    if request.method == "POST" and op in writes:
        form, save, message = writes[op]
        done = _try(form, save, request, message, "plans:analysis", analysis.pk)
        if done:
            return done
    analysis = _analysis(request.user, pk)
    return render(
        request,
        "plans/analysis.html",
        {
            "analysis": analysis,
            "versions": list(analysis.versions.order_by("-number")),
            "clearances": clearance_selectors.for_subject(analysis),
            "history": list(analysis.history.select_related("actor").order_by("at", "id")),
            "actions": [(a, ACTION_LABELS[a]) for a in analyses.available(analysis) if a in ACTION_LABELS],
            "can_deliver": "deliver" in analyses.available(analysis),
            "can_edit": has_capability(request.user, EDIT),
            "version_form": version_form,
            "transition_form": transition_form,
            "delivery_form": delivery_form,
        },
        status=422 if request.method == "POST" else 200,
    )
