"""Confirm before an irreversible act (issue #11 item "confirm and retract").

A page form whose act cannot be undone (transmit, withdraw, supersede, decide, close comments) is
answered first with a page that says what will happen, repeating the posted fields in a form that
adds `confirmed=yes`; only that second POST reaches the service. It works without JavaScript (strict
CSP: no inline script) and the API is unchanged (API clients say exactly what they want).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Consequence:
    """What an irreversible act will do, in the words the confirmation page shows."""

    title: str
    will_happen: list[str] = field(default_factory=list)
    cannot_undo: str = "This cannot be undone."
    button: str = "Yes, go ahead"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "yes"


def ask(request: HttpRequest, consequence: Consequence, *, cancel_url: str) -> HttpResponse:
    """The confirmation page: what will happen, and a form that posts the same fields again, confirmed."""
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in request.POST.getlist(name)
    ]
    context = {"consequence": consequence, "fields": fields, "action_url": request.path, "cancel_url": cancel_url}
    return render(request, "core/confirm.html", context)
