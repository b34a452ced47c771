"""The one way an interface loads a Title 10 object for a user (404 for missing and not-yours).

Every signed-in role may read proposals (State's clearing offices must see what they clear)."""

from __future__ import annotations

from typing import Any

from secassist.accounts.access import get_visible
from secassist.accounts.roles import has_capability
from secassist.reference.models import Country

from . import selectors
from .models import Assurance, Proposal


def _visible(user: Any) -> bool:
    return has_capability(user, "view")


def proposal_for(user: Any, reference: str) -> Proposal:
    qs = selectors.proposal_detail_qs() if _visible(user) else Proposal.objects.none()
    return get_visible(qs, reference=reference)


def assurance_for(user: Any, pk: int) -> Assurance:
    qs = selectors.assurances() if _visible(user) else Assurance.objects.none()
    return get_visible(qs, pk=pk)


def country_for(user: Any, iso3: str) -> Country:
    return get_visible(Country.objects.all() if _visible(user) else Country.objects.none(), iso3=iso3.upper())
