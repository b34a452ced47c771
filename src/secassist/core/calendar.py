"""Business days around U.S. federal holidays (the `holidays` package), for clearance SLAs.

Both functions are total (issue #12 item 2): a date stored before the domain rule (year 1 or 9999)
gets an answer, not an OverflowError or a loop over thousands of years of holiday tables.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from .dates import EARLIEST, LATEST, add_days


@lru_cache(maxsize=64)
def _federal(year: int) -> holidays.HolidayBase:
    return holidays.US(years=year)  # the U.S. federal (OPM) holidays, observed dates


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _federal(day.year)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The date `days` business days after `start` (start itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining and day < dt.date.max:
        day = add_days(day, 1)
        if is_business_day(day):
            remaining -= 1
    return day


def _weekdays_after(start: dt.date, end: dt.date) -> int:
    """Monday–Friday days after `start` up to and including `end` (end ≥ start), in constant time."""
    span = (end - start).days
    weeks, rest = divmod(span, 7)
    extra = sum(1 for n in range(1, rest + 1) if (start.weekday() + n) % 7 < 5)
    return weeks * 5 + extra


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after `start` up to and including `end` (negative if end is earlier)."""
    if end < start:
        return -business_days_between(end, start)
    if start < EARLIEST or end > LATEST:
        return _weekdays_after(start, end)  # outside the domain there are no holiday tables to consult
    return sum(1 for n in range(1, (end - start).days + 1) if is_business_day(start + dt.timedelta(days=n)))
