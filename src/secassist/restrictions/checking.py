"""The one entry point to the engine: validate the question, then evaluate it against the snapshot.

`check()` is registered as the cross-app service "restrictions.check" (docs/DEVELOPING.md);
`check_many()` serves the batch API and the CLI's --csv mode with one snapshot for all rows.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Mapping
from typing import Any

from secassist.core import clock
from secassist.core.dates import parse_date
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import MAX_FY, MIN_FY

from .engine import PURPOSES, RECIPIENTS, CheckResult, Query, Snapshot, evaluate
from .snapshot import get_snapshot


def parse_query(
    snapshot: Snapshot,
    *,
    country: Any,
    program: Any,
    fiscal_year: Any,
    on_date: Any = None,
    recipient: Any = "government",
    purpose: Any = "general",
    units: Iterable[Any] | None = None,
    today: dt.date | None = None,
    prefix: str = "",
) -> Query:
    """Turn raw inputs into a Query, or raise InvalidInput naming the field and the allowed values."""
    iso3 = str(country or "").strip().upper()
    if iso3 not in snapshot.countries:
        raise InvalidInput(
            f"{prefix}country {country!r} is not an ISO 3166-1 alpha-3 code of a country in the reference data "
            "(see GET /api/v1/countries)",
            field=f"{prefix}country",
            value=country,
            allowed="ISO3 codes listed by GET /api/v1/countries, e.g. SOM, TUR, CUB",
        )
    code = str(program or "").strip().upper()
    if code not in snapshot.programs:
        allowed = sorted(snapshot.programs)
        raise InvalidInput(
            f"{prefix}program {program!r} is not a known program; allowed: {', '.join(allowed)}",
            field=f"{prefix}program",
            value=program,
            allowed=allowed,
        )
    fy = _fiscal_year(fiscal_year, prefix)
    day = _date(on_date, prefix) if on_date not in (None, "") else (today or clock.today())
    recipient = recipient or "government"
    if recipient not in RECIPIENTS:
        raise InvalidInput(
            f"{prefix}recipient must be one of {', '.join(RECIPIENTS)}",
            field=f"{prefix}recipient",
            value=recipient,
            allowed=list(RECIPIENTS),
        )
    purpose = purpose or "general"
    if purpose not in PURPOSES:
        raise InvalidInput(
            f"{prefix}purpose must be one of {', '.join(PURPOSES)}",
            field=f"{prefix}purpose",
            value=purpose,
            allowed=list(PURPOSES),
        )
    unit_ids = _units(snapshot, units, iso3, prefix) if units else ()
    return Query(country=iso3, program=code, fiscal_year=fy, on_date=day, recipient=recipient, purpose=purpose, units=unit_ids)


def _fiscal_year(value: Any, prefix: str) -> int:
    text = str(value if value is not None else "").strip().upper().removeprefix("FY")
    if not text.isdigit() or not MIN_FY <= int(text) <= MAX_FY:
        raise InvalidInput(
            f"{prefix}fiscal_year must be a four-digit fiscal year between {MIN_FY} and {MAX_FY}, e.g. 2025",
            field=f"{prefix}fiscal_year",
            value=value,
            allowed=f"{MIN_FY}-{MAX_FY}",
        )
    return int(text)


def _date(value: Any, prefix: str) -> dt.date:
    day = parse_date(value, field=f"{prefix}on_date")
    assert day is not None  # required=True: parse_date raised on a blank
    return day


def _units(snapshot: Snapshot, raw: Iterable[Any], iso3: str, prefix: str) -> tuple[int, ...]:
    if not raw:
        return ()
    ids = []
    for value in raw:
        text = str(value).strip()
        unit = snapshot.units.get(int(text)) if text.isdigit() else None
        if unit is None or unit.country != iso3:
            allowed = sorted(u.id for u in snapshot.units.values() if u.country == iso3)
            raise InvalidInput(
                f"{prefix}units: {value!r} is not a registered security-force unit of {iso3}",
                field=f"{prefix}units",
                value=value,
                allowed=allowed,
            )
        ids.append(unit.id)
    return tuple(dict.fromkeys(ids))


def check(
    *,
    country: str,
    program: str,
    fiscal_year: int,
    on_date: dt.date | None = None,
    recipient: str = "government",
    purpose: str = "general",
    units: list[str] | list[int] | None = None,
) -> CheckResult:
    """The cross-app service "restrictions.check" (signature agreed in docs/DEVELOPING.md)."""
    snapshot = get_snapshot()
    query = parse_query(
        snapshot,
        country=country,
        program=program,
        fiscal_year=fiscal_year,
        on_date=on_date,
        recipient=recipient,
        purpose=purpose,
        units=units,
    )
    return evaluate(snapshot, query, evaluated_at=clock.now())


def check_many(rows: Iterable[Mapping[str, Any]], *, snapshot: Snapshot | None = None) -> list[CheckResult]:
    """Check every row against one snapshot. All rows are validated first: one bad row refuses the batch
    with every problem listed, so a partial answer is never mistaken for a full one."""
    snapshot = snapshot or get_snapshot()
    today = clock.today()
    queries: list[Query] = []
    problems: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        try:
            queries.append(
                parse_query(
                    snapshot,
                    country=row.get("country"),
                    program=row.get("program"),
                    fiscal_year=row.get("fiscal_year"),
                    on_date=row.get("on_date"),
                    recipient=row.get("recipient") or "government",
                    purpose=row.get("purpose") or "general",
                    units=row.get("units"),
                    today=today,
                    prefix=f"checks[{index}].",
                )
            )
        except InvalidInput as exc:
            problems.append(
                {"index": index, "field": exc.details.get("field"), "message": exc.message, "allowed": exc.details.get("allowed")}
            )
    if problems:
        raise InvalidInput(
            f"{len(problems)} of the checks are invalid; first: {problems[0]['message']}",
            field=str(problems[0]["field"]),
            problems=[p["message"] for p in problems],
            errors=problems,
        )
    now = clock.now()
    # The results are acyclic (frozen dataclasses, dicts, lists): reference counting frees them. Pausing
    # the cyclic collector for one batch avoids repeated full collections over the growing result list
    # (measured ~35 % of batch time at 100,000 rows); it is re-enabled whatever happens.
    paused = gc.isenabled() and len(queries) > 1000
    if paused:
        gc.disable()
    try:
        return [evaluate(snapshot, q, evaluated_at=now) for q in queries]
    finally:
        if paused:
            gc.enable()
