"""The one source of 'now' so tests can freeze time (time-machine patches these calls)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.now().date()
