"""Load data/determinations/types.csv (cited statutory dates, notice clocks, routing) into
DeterminationType. Idempotent (keyed by `key`), all-or-nothing, audited; rows edited in the product
(`locally_edited`) are left as edited. Runs as a reference step after the restrictions catalog."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from secassist.audit.services import record
from secassist.core.errors import ImportRejected
from secassist.reference.models import Office
from secassist.restrictions.models import Restriction

from .models import DeterminationType, NoticeDirection

FILE = "determinations/types.csv"
FIELDS = (
    "title",
    "recurring",
    "due_month",
    "due_day",
    "offset_min_days",
    "offset_max_days",
    "fy_offset",
    "due_citation",
    "due_source_url",
    "due_confidence",
    "due_note",
    "notice_direction",
    "notice_days",
    "notice_citation",
    "notice_confidence",
    "clearing_offices",
    "federal_register",
    "federal_register_citation",
    "reminder_days",
)


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


def _parse(row: dict[str, str], line: int, problems: list[dict[str, Any]]) -> dict[str, Any]:
    def bad(column: str, message: str) -> None:
        problems.append({"line": line, "column": column, "message": message})

    offices = [c.strip() for c in row["clearing_offices"].split(";") if c.strip()]
    known = set(Office.objects.filter(code__in=offices).values_list("code", flat=True)) | {"REGIONAL"}
    for code in offices:
        if code not in known:
            bad("clearing_offices", f"office {code!r} is not in the reference offices")
    if row["notice_direction"] and row["notice_direction"] not in NoticeDirection.values:
        bad("notice_direction", f"must be one of {', '.join(NoticeDirection.values)}")
    try:
        values: dict[str, Any] = {
            "title": row["title"].strip(),
            "recurring": row["recurring"].strip().lower() == "true",
            "due_month": _int(row["due_month"]),
            "due_day": _int(row["due_day"]),
            "offset_min_days": _int(row["offset_min_days"]),
            "offset_max_days": _int(row["offset_max_days"]),
            "fy_offset": _int(row["fy_offset"]) or 0,
            "notice_days": _int(row["notice_days"]),
            "reminder_days": [int(d) for d in row["reminder_days"].split(";") if d.strip()],
        }
    except ValueError as exc:
        bad("numbers", f"not a whole number ({exc})")
        return {}
    for name in ("due_citation", "due_source_url", "due_confidence", "due_note", "notice_direction", "notice_citation"):
        values[name] = row[name].strip()
    values["notice_confidence"] = row["notice_confidence"].strip()
    values["clearing_offices"] = offices
    values["federal_register"] = row["federal_register"].strip().lower() == "true"
    values["federal_register_citation"] = row["federal_register_citation"].strip()
    if values["recurring"] and not values["due_citation"]:
        bad("due_citation", "a recurring date needs its citation")
    if values["notice_direction"] and not values["notice_citation"]:
        bad("notice_citation", "a notice clock needs its citation")
    return values


@transaction.atomic
def load_types(*, acting_user: Any = None, path: Path | None = None) -> dict[str, int]:
    path = path or Path(settings.PRODUCT_DATA_DIR) / FILE
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    problems: list[dict[str, Any]] = []
    parsed = []
    restrictions = {r.key: r for r in Restriction.objects.all()}
    for line, row in enumerate(rows, start=2):
        values = _parse(row, line, problems)
        key = row["restriction"].strip()
        if key and key not in restrictions:
            problems.append({"line": line, "column": "restriction", "message": f"{key!r} is not in the restrictions catalog"})
        parsed.append((row["key"].strip(), restrictions.get(key), row["anchor"].strip(), values))
    if problems:
        raise ImportRejected(f"{path.name}: {len(problems)} problem(s); nothing loaded", problems=problems)
    created = updated = 0
    for key, restriction, _anchor, values in parsed:
        obj = DeterminationType.objects.filter(key=key).first()
        if obj is not None and obj.locally_edited:
            continue
        fields = {**values, "restriction": restriction}
        if obj is None:
            obj = DeterminationType.objects.create(key=key, **fields)
            created += 1
            record(actor=acting_user, action="determinations.type.load", obj=obj, after={"key": key, **values})
        elif any(getattr(obj, k) != v for k, v in fields.items()):
            DeterminationType.objects.filter(pk=obj.pk).update(**fields)
            updated += 1
            record(actor=acting_user, action="determinations.type.load", obj=obj, after={"key": key, **values})
    by_key = {t.key: t for t in DeterminationType.objects.all()}
    for key, _r, anchor, _v in parsed:
        target = by_key[key].pk
        DeterminationType.objects.filter(pk=target).update(anchor=by_key.get(anchor))
    return {"created": created, "updated": updated, "rows": len(parsed)}


def load_reference_step(*, acting_user: Any = None) -> dict[str, int]:
    return load_types(acting_user=acting_user)
