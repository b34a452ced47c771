"""The domain of dates: the one rule for what a date in secassist may be, and arithmetic that never fails.

Every date the product keeps is about U.S. foreign-assistance law and money: statutes from the
twentieth century on, fiscal years up to `fiscal.MAX_FY`. A date outside [EARLIEST, LATEST] is a
typing mistake (`0001-01-01`, `9999-12-31`), and letting it in once broke every page that computed
a deadline from it (issue #12 item 2). So:

- `check_domain_date` / `parse_date` refuse such a date where it enters, naming the field and the range;
- `guard_model_dates` (connected in `CoreConfig.ready`) refuses it on every model save, whatever
  interface the save came through;
- `add_days` is total: arithmetic on a date stored before the rule clamps at the calendar's ends
  instead of raising OverflowError while a page renders.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import InvalidInput

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _range_text(earliest: dt.date, latest: dt.date) -> str:
    return f"between {earliest.isoformat()} and {latest.isoformat()}"


def check_domain_date(
    value: dt.date, *, field: str, earliest: dt.date = EARLIEST, latest: dt.date = LATEST, why: str = ""
) -> dt.date:
    """`value` if it lies in [earliest, latest]; otherwise InvalidInput naming the field and the range."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not earliest <= day <= latest:
        reason = f" ({why})" if why else ""
        raise InvalidInput(
            f"{field} must be a date {_range_text(earliest, latest)}{reason}; got {day.isoformat()}",
            field=field,
            value=day.isoformat(),
            allowed={"from": earliest.isoformat(), "to": latest.isoformat()},
        )
    return value


def parse_date(
    value: Any, *, field: str, earliest: dt.date = EARLIEST, latest: dt.date = LATEST, required: bool = True
) -> dt.date | None:
    """A date typed by a user (YYYY-MM-DD or a date), checked against the domain range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{field} is required: a date as YYYY-MM-DD", field=field)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value).strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(
                f"{field} must be a date YYYY-MM-DD",
                field=field,
                value=text[:40],
                allowed={"from": earliest.isoformat(), "to": latest.isoformat()},
            ) from None
    return check_domain_date(value, field=field, earliest=earliest, latest=latest)


def add_days(day: dt.date, days: int) -> dt.date:
    """`day + days` that never raises: clamps at date.min/date.max (only a bad stored row gets there)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def guard_model_dates(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """pre_save guard for every secassist model: no DateField or DateTimeField value outside the domain.

    A guard, not a change: it refuses (InvalidInput, so the service's transaction rolls back and the
    interfaces answer 422 / a form error / exit 2) and never alters the instance.
    """
    if raw or not sender.__module__.startswith("secassist."):
        return
    update_fields = kwargs.get("update_fields")
    for model_field in sender._meta.concrete_fields:
        if update_fields is not None and model_field.name not in update_fields:
            continue  # a row stored before the rule can still have its other fields corrected
        if model_field.get_internal_type() not in ("DateField", "DateTimeField"):
            continue
        value = getattr(instance, model_field.attname, None)
        if isinstance(value, dt.date):
            check_domain_date(value, field=model_field.name)
