from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from secassist.accounts.access import get_visible
from secassist.accounts.permissions import capability
from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.tables import Column, Table

from . import selectors, services
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
        qs = qs.filter(office_id=getattr(request.user, "office_id", None) or 0, position=Position.PENDING)
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
        },
        status=422 if error else 200,
    )
