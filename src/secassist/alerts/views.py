from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from secassist.accounts.permissions import capability

from . import selectors, services
from .models import AlertKind


@capability("view")
def alert_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        n = services.mark_read(acting_user=request.user)
        messages.success(request, f"{n} alert{'s' if n != 1 else ''} marked read.")
        return redirect("alerts:list")
    alerts = list(selectors.alerts_for(request.user)[:100])
    return render(request, "alerts/list.html", {"alerts": alerts})


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
