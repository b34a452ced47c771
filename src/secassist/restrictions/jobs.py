"""Recurring restrictions work: warn before a waiver or determination in the register expires."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from secassist.accounts.roles import CAPABILITIES
from secassist.alerts.models import AlertKind
from secassist.alerts.services import deliver
from secassist.core import clock
from secassist.core.jobs import job

from .models import Waiver

# Waivers are usually renewed in the annual cycle: warn earlier than for clocks.
WAIVER_LEAD_DAYS = (60, 30, 14, 7, 1)


def _register_keepers() -> list[Any]:
    """The analysts who keep the register (restrictions.edit), not administrators."""
    roles = set(CAPABILITIES["restrictions.edit"]) - {"admin"}
    return list(get_user_model().objects.filter(role__in=roles, is_active=True))


def alert_expiring_waivers(*, today: dt.date) -> dict[str, int]:
    leads = set(WAIVER_LEAD_DAYS) | set(settings.SECASSIST_ALERT_LEAD_DAYS)
    horizon = today + dt.timedelta(days=max(leads))
    expiring = Waiver.objects.filter(expires_on__gte=today, expires_on__lte=horizon).select_related("restriction", "country")
    keepers = _register_keepers()
    sent = 0
    for waiver in expiring:
        assert waiver.expires_on is not None  # filtered on above
        left = (waiver.expires_on - today).days
        if left not in leads:
            continue
        url = reverse("restrictions:country", args=[waiver.country.iso3])
        for user in keepers:
            alert = deliver(
                user=user,
                kind=AlertKind.WAIVER_EXPIRY,
                key=f"waiver:{waiver.pk}:expires:{left}",
                title=f"Expires in {left} day{'s' if left != 1 else ''}: {waiver}",
                body=f"Last day in force {waiver.expires_on:%d %b %Y}. {waiver.legal_authority}",
                url=url,
            )
            sent += alert is not None
    return {"alerts": sent}


@job()
def waiver_expiry_alerts() -> dict[str, int]:
    return alert_expiring_waivers(today=clock.today())
