"""Hot-path writes without the ORM's query compiler (ADR 1021).

Django compiles every queryset again on every call; on the posting path that compiling cost more
CPU than the database did. These helpers send fixed SQL, built once per model and column list,
with each value prepared by its own model field (`get_db_prep_save`: the same adaptation the ORM
applies, so a row written here reads back exactly as one written by `save()`), and run the
`pre_save` guards the ORM would have run (the date-domain rule of ADR 0810).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # a concrete column, not a reverse relation
    return field


@cache
def _insert_sql(model: type[models.Model], columns: tuple[str, ...], rows: int) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(_field(model, c).column)) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    pk = connection.ops.quote_name(str(model._meta.pk.column))  # type: ignore[union-attr]
    return f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * rows)} RETURNING {pk}"


_TEXT, _INT, _BOOL = (str,), (int,), (bool,)
PLAIN: dict[str, tuple[type, ...]] = {
    "CharField": _TEXT,
    "TextField": _TEXT,
    "ForeignKey": _INT,
    "OneToOneField": _INT,
    "IntegerField": _INT,
    "BigIntegerField": _INT,
    "PositiveIntegerField": _INT,
    "PositiveSmallIntegerField": _INT,
    "SmallIntegerField": _INT,
    "BooleanField": _BOOL,
}


@cache
def _preparers(
    model: type[models.Model], columns: tuple[str, ...]
) -> tuple[tuple[models.Field[Any, Any], tuple[type, ...]], ...]:
    """Each column's field, and the Python types that go to the driver as they are (what
    `get_db_prep_save` would return for them); anything else (dates, decimals, JSON, an int for a
    boolean) is prepared by the field."""
    return tuple((f, PLAIN.get(f.get_internal_type(), ())) for f in (_field(model, c) for c in columns))


def _prepared(model: type[models.Model], columns: Sequence[str], values: Sequence[Any], conn: Any = None) -> list[Any]:
    conn = conn or connections[DEFAULT_DB_ALIAS]
    return [
        v if v is None or type(v) in plain else f.get_db_prep_save(v, conn)
        for (f, plain), v in zip(_preparers(model, tuple(columns)), values, strict=True)
    ]


def guard(instance: models.Model) -> None:
    """The checks `save()` would run before writing (the pre_save receivers that refuse, never alter)."""
    from .dates import guard_model_dates

    guard_model_dates(type(instance), instance)


def insert(instance: models.Model, columns: Sequence[str]) -> models.Model:
    """INSERT one new instance's `columns` (attribute names, e.g. `actor_id`) and set its primary key."""
    guard(instance)
    model = type(instance)
    values = [getattr(instance, _field(model, c).attname) for c in columns]
    with connection.cursor() as cur:
        cur.execute(_insert_sql(model, tuple(columns), 1), _prepared(model, columns, values))
        instance.pk = cur.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def insert_many(instances: Sequence[models.Model], columns: Sequence[str], chunk: int = 500) -> None:
    """INSERT many new instances of one model, `chunk` rows a statement, and set their primary keys.

    The keys come back in any order: they are handed out in insertion order within a statement (one
    sequence or row id counter per table), so the sorted keys are the rows' keys in VALUES order."""
    if not instances:
        return
    model = type(instances[0])
    attnames = [_field(model, c).attname for c in columns]
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cur:
        for start in range(0, len(instances), chunk):
            part = instances[start : start + chunk]
            params: list[Any] = []
            for obj in part:
                guard(obj)
                params += _prepared(model, columns, [getattr(obj, a) for a in attnames], conn)
            cur.execute(_insert_sql(model, tuple(columns), len(part)), params)
            ids = sorted(r[0] for r in cur.fetchall())
            for obj, pk in zip(part, ids, strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
