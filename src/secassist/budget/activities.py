"""Writes of Title 22 activities — what a funds line pays for, structured for deconfliction
(issue #18): recipient units, capability categories, platforms, a free description and years.

Kept beside `services.py` (which is past the size the house splits at) with the same conventions:
keyword-only, `acting_user`, atomic, permission check, audit event in the same transaction.
Capabilities and platforms are codes of the taxonomy in `data/reference/`; a platform may be
given by any of its names ("Super Hercules" → `c-130j`). Unit names are kept as written and
resolved against the security-force unit registry when deconfliction reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import ImportRejected, InvalidInput
from secassist.reference import taxonomy as tx

from .models import Allocation, Appropriation, Title22Activity, Title22ActivityUnit

MAX_DESCRIPTION = 10_000
MAX_UNITS = 20
MAX_YEARS_SPAN = 10
ACTIVITY_FIELDS = ("units", "capabilities", "platforms", "description", "first_fiscal_year", "last_fiscal_year")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def capability_codes(values: Iterable[str]) -> list[str]:
    """Codes (or labels) of capability categories -> codes; an unknown one is refused, naming the allowed."""
    taxonomy = tx.taxonomy()
    by_key = {_key(c.code): c.code for c in taxonomy.capabilities.values()}
    by_key.update({_key(c.label): c.code for c in taxonomy.capabilities.values()})
    out: list[str] = []
    for value in values:
        code = by_key.get(_key(str(value)))
        if code is None:
            raise InvalidInput(
                f"unknown capability category {value!r}", field="capabilities", allowed=tx.valid_capability_codes()
            )
        if code not in out:
            out.append(code)
    return out


def platform_codes(values: Iterable[str]) -> list[str]:
    """Codes, names or designations of platforms ("UH-60", "Black Hawk", "S-70") -> codes."""
    taxonomy = tx.taxonomy()
    by_key: dict[str, str] = {}
    for p in taxonomy.platforms.values():
        for name in (p.code, p.name, *p.aliases):
            by_key.setdefault(_key(name), p.code)
    out: list[str] = []
    for value in values:
        code = by_key.get(_key(str(value)))
        if code is None:
            raise InvalidInput(f"unknown platform {value!r}", field="platforms", allowed=tx.valid_platform_codes())
        if code not in out:
            out.append(code)
    return out


def unit_names(values: Iterable[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        name = " ".join(str(value).split())
        if not name:
            continue
        if len(name) > 200:
            raise InvalidInput("a unit name has at most 200 characters", field="units")
        if name not in names:
            names.append(name)
    if len(names) > MAX_UNITS:
        raise InvalidInput(f"at most {MAX_UNITS} units per activity", field="units")
    return names


def _years(appropriation: Appropriation, first: int | None, last: int | None) -> tuple[int, int]:
    fy = appropriation.fiscal_year
    first = fy if first is None else int(first)
    last = fy + max(appropriation.years_available, 1) - 1 if last is None else int(last)
    if first < fy:
        raise InvalidInput(f"first_fiscal_year must be FY{fy} (the funds' fiscal year) or later", field="first_fiscal_year")
    if last < first:
        raise InvalidInput("last_fiscal_year must not be before first_fiscal_year", field="last_fiscal_year")
    if last - first >= MAX_YEARS_SPAN:
        raise InvalidInput(f"an activity spans at most {MAX_YEARS_SPAN} fiscal years", field="last_fiscal_year")
    return first, last


def _description(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(f"the description has at most {MAX_DESCRIPTION} characters", field="description")
    return text


def _snapshot(activity: Title22Activity) -> dict[str, Any]:
    return {
        "reference": activity.reference,
        "description": activity.description,
        "units": [u.name for u in activity.units.all()],
        "capabilities": activity.capabilities,
        "platforms": activity.platforms,
        "first_fiscal_year": activity.first_fiscal_year,
        "last_fiscal_year": activity.last_fiscal_year,
    }


@transaction.atomic
def save_activity(
    *,
    acting_user: Any,
    allocation: Allocation,
    reference: str = "main",
    description: str | None = "",
    units: Sequence[str] = (),
    capabilities: Sequence[str] = (),
    platforms: Sequence[str] = (),
    first_fiscal_year: int | None = None,
    last_fiscal_year: int | None = None,
) -> Title22Activity:
    """Record (or replace) the activity `reference` of a Title 22 line."""
    require(acting_user, "budget.edit")
    reference = " ".join(str(reference or "").split())
    if not reference or len(reference) > 60:
        raise InvalidInput("reference: 1 to 60 characters", field="reference")
    values = {
        "description": _description(description),
        "capabilities": capability_codes(capabilities),
        "platforms": platform_codes(platforms),
    }
    first, last = _years(allocation.appropriation, first_fiscal_year, last_fiscal_year)
    names = unit_names(units)
    existing = Title22Activity.objects.filter(allocation=allocation, reference=reference).first()
    before = _snapshot(existing) if existing else None
    now = clock.now()
    activity, _ = Title22Activity.objects.update_or_create(
        allocation=allocation,
        reference=reference,
        defaults={**values, "first_fiscal_year": first, "last_fiscal_year": last, "updated_at": now},
        create_defaults={**values, "first_fiscal_year": first, "last_fiscal_year": last, "updated_at": now, "created_at": now},
    )
    kept = {u.name: u.registry_unit_id for u in activity.units.all()}
    activity.units.all().delete()
    Title22ActivityUnit.objects.bulk_create(
        [Title22ActivityUnit(activity=activity, name=n, registry_unit_id=kept.get(n)) for n in names]
    )
    record(
        actor=acting_user,
        action="budget.activity.save",
        obj=activity,
        before=before,
        after=_snapshot(activity),
    )
    return activity


def activity_given(data: dict[str, Any]) -> bool:
    return any(data.get(k) not in (None, "", [], ()) for k in ACTIVITY_FIELDS)


@transaction.atomic
def create_allocation_with_activity(
    *, acting_user: Any, appropriation: Appropriation, activity: dict[str, Any], **line: Any
) -> Allocation:
    """Open a line and, when any activity field is given, record its activity — all or nothing."""
    from .services import create_allocation

    allocation = create_allocation(acting_user=acting_user, appropriation=appropriation, **line)
    if activity_given(activity):
        save_activity(
            acting_user=acting_user,
            allocation=allocation,
            description=activity.get("description") or "",
            units=activity.get("units") or (),
            capabilities=activity.get("capabilities") or (),
            platforms=activity.get("platforms") or (),
            first_fiscal_year=activity.get("first_fiscal_year"),
            last_fiscal_year=activity.get("last_fiscal_year"),
        )
    return allocation


# ---------------------------------------------------------------------------------------------
# XLSX import: `secassist import title22-activities FILE.xlsx`
# ---------------------------------------------------------------------------------------------

XLSX_COLUMNS = [
    "allocation_id",
    "reference",
    "description",
    "units",
    "capabilities",
    "platforms",
    "first_fiscal_year",
    "last_fiscal_year",
]


def _cells(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").replace("\n", ";").split(";") if x.strip()]


MAX_XLSX_ROWS = 50_000  # a year's activities are a few thousand rows


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, Any]]]:
    from secassist.core.uploads import open_xlsx, xlsx_rows

    book = open_xlsx(path, name=path.name)  # zip-bomb and size checks, then read-only streaming
    sheet = book.worksheets[0]
    rows = [values for _, values in xlsx_rows(sheet, max_rows=MAX_XLSX_ROWS, name=path.name)]
    if not rows:
        raise ImportRejected(f"{path.name}: the first sheet is empty", problems=[])
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in ("allocation_id", "description") if c not in header]
    if missing:
        raise ImportRejected(
            f"{path.name}: missing column(s) {', '.join(missing)}; expected {', '.join(XLSX_COLUMNS)}",
            problems=[f"line 1: missing column {c}" for c in missing],
        )
    return [
        (n, dict(zip(header, r, strict=False))) for n, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)
    ]


def _validate_row(line: int, row: dict[str, Any], problems: list[str]) -> dict[str, Any] | None:
    try:
        allocation = Allocation.objects.select_related("appropriation").get(pk=int(row.get("allocation_id") or 0))
    except (Allocation.DoesNotExist, ValueError, TypeError):
        problems.append(f"line {line}, column allocation_id: no allocation line {row.get('allocation_id')!r}")
        return None
    try:
        first, last = _years(
            allocation.appropriation,
            int(row["first_fiscal_year"]) if row.get("first_fiscal_year") not in (None, "") else None,
            int(row["last_fiscal_year"]) if row.get("last_fiscal_year") not in (None, "") else None,
        )
        clean = {
            "allocation": allocation,
            "reference": " ".join(str(row.get("reference") or "main").split())[:60] or "main",
            "description": _description(str(row.get("description") or "")),
            "units": unit_names(_cells(row.get("units"))),
            "capabilities": capability_codes(_cells(row.get("capabilities"))),
            "platforms": platform_codes(_cells(row.get("platforms"))),
            "first_fiscal_year": first,
            "last_fiscal_year": last,
        }
    except InvalidInput as exc:
        problems.append(f"line {line}, column {exc.details.get('field', '?')}: {exc.message}")
        return None
    except ValueError:
        problems.append(f"line {line}: fiscal years must be whole numbers")
        return None
    return clean


def import_activities(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    """Validate every row, report every problem with its line, then save all or nothing. Saving the
    same rows again changes nothing but the audit trail's record of the re-import."""
    require(acting_user, "budget.edit")
    path = Path(path)
    problems: list[str] = []
    cleaned = [c for line, row in _read_xlsx(path) if (c := _validate_row(line, row, problems)) is not None]
    if problems:
        raise ImportRejected(f"{path.name}: {len(problems)} problem(s); nothing was imported", problems=problems)
    seen: set[tuple[int, str]] = set()
    for c in cleaned:
        if (c["allocation"].pk, c["reference"]) in seen:
            raise ImportRejected(
                f"{path.name}: allocation {c['allocation'].pk} lists reference {c['reference']!r} twice; nothing was imported",
                problems=[f"duplicate reference {c['reference']!r} for allocation {c['allocation'].pk}"],
            )
        seen.add((c["allocation"].pk, c["reference"]))
    with transaction.atomic():
        changed = sum(_save_if_changed(acting_user, c) for c in cleaned)
    return {"rows": len(cleaned), "changed": changed, "unchanged": len(cleaned) - changed}


def _save_if_changed(acting_user: Any, clean: dict[str, Any]) -> bool:
    existing = Title22Activity.objects.filter(allocation=clean["allocation"], reference=clean["reference"]).first()
    wanted = {k: v for k, v in clean.items() if k != "allocation"}
    if existing is not None and _snapshot(existing) == wanted:
        return False
    save_activity(acting_user=acting_user, **clean)
    return True
