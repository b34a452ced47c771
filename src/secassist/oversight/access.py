"""The one way an interface loads an oversight object for a user (404 for missing and not-yours).

Every signed-in role may read oversight records (clearing offices and F read results too)."""

from __future__ import annotations

from typing import Any

from secassist.accounts.access import get_visible
from secassist.accounts.roles import has_capability
from secassist.reference.models import Country

from . import selectors
from .models import Delivery, Evaluation, Indicator, Objective, ObjectiveLink


def _visible(user: Any) -> bool:
    return has_capability(user, "view")


def objective_for(user: Any, pk: int) -> Objective:
    qs = selectors.objective_detail_qs() if _visible(user) else Objective.objects.none()
    return get_visible(qs, pk=pk)


def link_for(user: Any, pk: int) -> ObjectiveLink:
    qs = ObjectiveLink.objects.select_related("objective__country") if _visible(user) else ObjectiveLink.objects.none()
    return get_visible(qs, pk=pk)


def indicator_for(user: Any, pk: int) -> Indicator:
    qs = selectors.indicators() if _visible(user) else Indicator.objects.none()
    return get_visible(qs, pk=pk)


def evaluation_for(user: Any, pk: int) -> Evaluation:
    qs = Evaluation.objects.select_related("indicator") if _visible(user) else Evaluation.objects.none()
    return get_visible(qs, pk=pk)


def delivery_for(user: Any, reference: str) -> Delivery:
    qs = selectors.deliveries() if _visible(user) else Delivery.objects.none()
    return get_visible(qs, reference=reference)


def country_for(user: Any, iso3: str) -> Country:
    return get_visible(Country.objects.all() if _visible(user) else Country.objects.none(), iso3=iso3.upper()[:3])
