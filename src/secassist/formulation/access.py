"""The only way an interface loads formulation records: pre-decisional, so 404 for every role
that does not read budget requests (SA, F, administrators)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from secassist.accounts.access import get_visible
from secassist.accounts.roles import has_capability

from .models import RequestCycle, RequestLine, RequestStage

VIEW = "budget.request.view"


def may_view(user: Any) -> bool:
    return has_capability(user, VIEW)


def cycles_for(user: Any) -> QuerySet[RequestCycle]:
    return RequestCycle.objects.all() if may_view(user) else RequestCycle.objects.none()


def cycle_for(user: Any, pk: int) -> RequestCycle:
    return get_visible(cycles_for(user), pk=pk)


def stage_for(user: Any, cycle: RequestCycle, pk: int) -> RequestStage:
    if not may_view(user):
        raise Http404("No such record, or you may not see it.")
    return get_visible(RequestStage.objects.filter(cycle=cycle).select_related("cycle", "based_on"), pk=pk)


def line_for(user: Any, pk: int) -> RequestLine:
    if not may_view(user):
        raise Http404("No such record, or you may not see it.")
    return get_visible(RequestLine.objects.select_related("stage__cycle", "account", "country"), pk=pk)
