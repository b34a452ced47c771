from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from secassist.accounts.permissions import capability
from secassist.core.tables import Column, Table

from . import selectors, services
from .models import AlertKind

ALERT_TABLE = Table(
    name="alerts",
    columns=(
        Column("when", "When", "created_at"),
        Column("title", "Alert", "title"),
        Column("kind", "Kind", lambda a: a.get_kind_display(), order_by=("kind",)),
        Column("status", "Status", lambda a: "read" if a.read_at else "unread", order_by=("read_at",)),
        Column("body", "Detail", "body", shown=False),
        Column("url", "Link", "url", shown=False),
    ),
    default_sort="-when",
)


@capability("view")
def alert_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        n = services.mark_read(acting_user=request.user)
        messages.success(request, f"{n} alert{'s' if n != 1 else ''} marked read.")
        return redirect("alerts:list")
    table = ALERT_TABLE.bind(request, selectors.alerts_for(request.user))
    if table.export_format:
        return table.export_response()
    return render(request, "alerts/list.html", {"table": table})


@capability("view")
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        choices = {
            kind: (request.POST.get(f"{kind}-in_app") == "on", request.POST.get(f"{kind}-email") == "on")
            for kind in AlertKind.values
        }
        services.set_preferences(acting_user=request.user, choices=choices)
        messages.success(request, "Your alert choices are saved.")
        return redirect("alerts:preferences")
    rows = [(kind, label, services.channels_for(request.user, kind)) for kind, label in AlertKind.choices]
    return render(request, "alerts/preferences.html", {"rows": rows})
