"""The domain of dates: the one rule for what a date in secassist may be, and arithmetic that never fails.

Every date the product keeps is about U.S. foreign-assistance law and money: statutes from the
twentieth century on, fiscal years up to `fiscal.MAX_FY`. A date outside [EARLIEST, LATEST] is a
typing mistake (`0001-01-01`, `9999-12-31`), and letting it in once broke every page that computed
a deadline from it (issue #12 item 2). So:

- `check_domain_date` / `parse_date` refuse such a date where it enters, naming the field and the range;
- `guard_model_dates` (connected in `CoreConfig.ready`) refuses it on every model save, whatever
  interface the save came through, and `install_bulk_guard` does the same for the writes that bypass
  `save()` (`QuerySet.update`, `bulk_create`, `bulk_update`; ADR 0851);
- `add_days` is total: arithmetic on a date stored before the rule clamps at the calendar's ends
  instead of raising OverflowError while a page renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist

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


DATE_TYPES = ("DateField", "DateTimeField")


def _guarded(model: Any) -> bool:
    return bool(getattr(model, "__module__", "").startswith("secassist."))


def _date_fields(model: Any, names: Iterable[str] | None = None) -> list[Any]:
    if names is None:
        fields = list(model._meta.concrete_fields)
    else:
        fields = []
        for name in names:
            try:
                fields.append(model._meta.get_field(name))
            except FieldDoesNotExist:  # an unknown name is Django's error to raise, not ours
                continue
    return [f for f in fields if getattr(f, "concrete", False) and f.get_internal_type() in DATE_TYPES]


def check_instance_dates(model: Any, instances: Iterable[Any], names: Iterable[str] | None = None) -> None:
    """Every date/datetime value of each of `instances` (or only the fields `names`) lies in the domain."""
    fields = _date_fields(model, names)
    if not fields:
        return
    for instance in instances:
        for model_field in fields:
            value = getattr(instance, model_field.attname, None)
            if isinstance(value, dt.date):
                check_domain_date(value, field=model_field.name)


def check_update_dates(model: Any, values: dict[str, Any]) -> None:
    """The date values of a `QuerySet.update(**values)` lie in the domain (expressions are the database's)."""
    for model_field in _date_fields(model, values):
        for key in (model_field.name, model_field.attname):
            value = values.get(key)
            if isinstance(value, dt.date):
                check_domain_date(value, field=model_field.name)


def install_bulk_guard() -> None:
    """Wrap `QuerySet.update`, `bulk_create` and `bulk_update` so that, on secassist models, they refuse a
    date outside the domain before any SQL is sent, as `guard_model_dates` does for `save()` (ADR 0851).

    Installed once from `CoreConfig.ready`; idempotent. Other apps' models (Django's, historical
    models in migrations) pass through untouched. A refused bulk write raises InvalidInput, which
    rolls back the service's transaction: nothing of the batch is saved.
    """
    from django.db.models.query import QuerySet

    if getattr(QuerySet.update, "secassist_date_guard", False):
        return
    original_update: Callable[..., Any] = QuerySet.update
    original_bulk_create: Callable[..., Any] = QuerySet.bulk_create
    original_bulk_update: Callable[..., Any] = QuerySet.bulk_update

    def update(self: Any, **kwargs: Any) -> Any:
        if _guarded(self.model):
            check_update_dates(self.model, kwargs)
        return original_update(self, **kwargs)

    def bulk_create(self: Any, objs: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        if _guarded(self.model):
            check_instance_dates(self.model, objs)
        return original_bulk_create(self, objs, *args, **kwargs)

    def bulk_update(self: Any, objs: Iterable[Any], fields: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        if _guarded(self.model):
            fields = list(fields)
            check_instance_dates(self.model, objs, fields)
        return original_bulk_update(self, objs, fields, *args, **kwargs)

    wrappers: list[tuple[str, Any, Any]] = [
        ("update", update, original_update),
        ("bulk_create", bulk_create, original_bulk_create),
        ("bulk_update", bulk_update, original_bulk_update),
    ]
    for name, wrapper, original in wrappers:
        wrapper.__wrapped__ = original
        wrapper.__doc__ = original.__doc__
        wrapper.secassist_date_guard = True
        setattr(QuerySet, name, wrapper)


def guard_model_dates(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """pre_save guard for every secassist model: no DateField or DateTimeField value outside the domain.

    A guard, not a change: it refuses (InvalidInput, so the service's transaction rolls back and the
    interfaces answer 422 / a form error / exit 2) and never alters the instance.
    """
    if raw or not sender.__module__.startswith("secassist."):
        return
    update_fields = kwargs.get("update_fields")
    # With update_fields, only the named fields: a row stored before the rule can still have its other
    # fields corrected.
    check_instance_dates(sender, [instance], update_fields)
