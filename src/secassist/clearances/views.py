from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from secassist.accounts.access import get_visible
from secassist.accounts.permissions import capability
from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.tables import Column, Table

from . import selectors, services, versions
from .models import DECIDED, Position

CLEARANCE_TABLE = Table(
    name="clearances",
    columns=(
        Column("subject", "Subject", "subject_label", sortable=False),
        Column("office", "Office", "office.code", order_by=("office__code",)),
        Column("reason", "Why asked", "reason"),
        Column("due", "Due", "due_on"),
        Column("position", "Position", lambda c: c.get_position_display(), order_by=("position",)),
    ),
    default_sort="due",
)


@capability("view")
def clearance_list(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "mine")
    qs = selectors.visible_to(request.user)
    if scope == "mine":
        qs = qs.filter(selectors.open_q(), office_id=getattr(request.user, "office_id", None) or 0)
    elif scope == "overdue":
        qs = qs.filter(position=Position.PENDING, due_on__lt=clock.today())
    table = CLEARANCE_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    page = table.page
    return render(request, "clearances/list.html", {"table": table, "page": page, "scope": scope, "today": clock.today()})


@capability("view", write="clearance.respond")
@require_http_methods(["GET", "POST"])
def clearance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clearance = get_visible(selectors.visible_to(request.user), pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.record_position(
                acting_user=request.user,
                clearance=clearance,
                position=request.POST.get("position", ""),
                comments=request.POST.get("comments", ""),
                version=request.POST.get("version") or None,
            )
            messages.success(request, f"{clearance.office.code}'s position was recorded.")
            return redirect("clearances:detail", pk=clearance.pk)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "clearances/detail.html",
        {
            "clearance": clearance,
            "positions": [(p.value, p.label) for p in DECIDED],
            "error": error,
            "can_respond": clearance.is_open and (request.user.role == "admin" or request.user.office_id == clearance.office_id),  # type: ignore[union-attr]
            "document": versions.provider(clearance.subject_type),
            "current_version": versions.versions_of(clearance.subject_type, clearance.subject_id).order_by("-number").first(),
            "positions_given": clearance.positions.select_related("version", "by"),
        },
        status=422 if error else 200,
    )


def _document(request: HttpRequest, subject_type: str, subject_id: str) -> tuple[Any, Any]:
    """(provider, subject) for a user; 404 for an unknown document type and for a record not theirs."""
    doc = versions.provider(subject_type)
    if doc is None:
        raise Http404("no versioned document of that type")
    return doc, doc.load(request.user, subject_id)


@capability("view")
def document_versions(request: HttpRequest, subject_type: str, subject_id: str) -> HttpResponse:
    """The version history of a cleared document, who cleared which version, and a diff of two versions."""
    doc, subject = _document(request, subject_type, subject_id)
    history = list(versions.versions_of(subject_type, subject_id).order_by("-number"))
    clearances = list(selectors.for_subject(subject).exclude(position=Position.WITHDRAWN))
    context: dict[str, Any] = {
        "doc": doc,
        "subject": subject,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "subject_url": doc.url(subject),
        "history": [{"v": v, "hash_ok": versions.hash_ok(v)} for v in history],
        "clearances": clearances,
        "error": None,
    }
    old, new = request.GET.get("from", ""), request.GET.get("to", "")
    if not old and not new and len(history) >= 2:
        old, new = str(history[1].number), str(history[0].number)
    if old and new:
        try:
            a = versions.get_version(subject_type, subject_id, old)
            b = versions.get_version(subject_type, subject_id, new)
            context.update(old=a, new=b, compared=True, diff=[d for d in versions.diff(a, b) if d.changed])
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "clearances/versions.html", context, status=422 if context["error"] else 200)


@capability("view")
def document_version(request: HttpRequest, subject_type: str, subject_id: str, number: int) -> HttpResponse:
    doc, subject = _document(request, subject_type, subject_id)
    try:
        version = versions.get_version(subject_type, subject_id, number)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    cleared = [c for c in selectors.for_subject(subject) if c.cleared_version_id == version.pk]
    return render(
        request,
        "clearances/version.html",
        {
            "doc": doc,
            "subject": subject,
            "subject_url": doc.url(subject),
            "version": version,
            "hash_ok": versions.hash_ok(version),
            "cleared": cleared,
            "subject_type": subject_type,
            "subject_id": subject_id,
        },
    )
