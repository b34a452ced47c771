from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from secassist.accounts.access import get_visible
from secassist.accounts.permissions import capability
from secassist.core import clock
from secassist.core.errors import DomainError

from . import selectors, services
from .models import DECIDED, Position


@capability("view")
def clearance_list(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "mine")
    qs = selectors.visible_to(request.user)
    if scope == "mine":
        qs = qs.filter(office_id=getattr(request.user, "office_id", None) or 0, position=Position.PENDING)
    elif scope == "overdue":
        qs = qs.filter(position=Position.PENDING, due_on__lt=clock.today())
    page = Paginator(qs.order_by("due_on", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "clearances/list.html", {"page": page, "scope": scope, "today": clock.today()})


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
            "can_respond": services.may_respond(request.user, clearance),
        },
        status=422 if error else 200,
    )
