from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secassist.accounts.permissions import capability
from secassist.core.errors import InvalidInput

from . import forms, index
from .sources import SOURCES


@capability("view")
def search_page(request: HttpRequest) -> HttpResponse:
    error = None
    hits: list[index.Hit] = []
    params = forms.SearchParams("", None, 50)
    try:
        params = forms.parse(request.GET.get("q"), request.GET.get("kind"), 50)
        hits = index.search(request.user, params.q, kind=params.kind, limit=params.limit)
    except InvalidInput as exc:
        error = exc.message
    status = 422 if error else 200
    context = {"q": params.q, "kind": params.kind, "hits": hits, "error": error, "kinds": [(s.kind, s.label) for s in SOURCES]}
    return render(request, "search/results.html", context, status=status)
