"""Recurring plans work: the PLN-009 review reminders, sent once each (plans.services.send_reminders)."""

from __future__ import annotations

from typing import Any

from secassist.core.jobs import job

from . import services


@job()
def plan_reminders() -> dict[str, Any]:
    return {"sent": len(services.send_reminders(acting_user=None))}
