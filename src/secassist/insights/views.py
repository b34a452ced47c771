from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secassist.accounts.permissions import capability

from . import selectors

TEAMS = [
    ("", "All teams"),
    ("PM/SA-SAT", "Security Assistance"),
    ("PM/SA-T10", "Title 10"),
    ("PM/SA-DSP", "Defense Sector Plans"),
]


@capability("view")
def dashboard(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("team", "")
    if team not in dict(TEAMS):
        team = ""
    return render(request, "insights/dashboard.html", {**selectors.dashboard(team=team), "teams": TEAMS})
