"""`secassist import deliveries FILE` and the page/API upload: delivery status from a CSV or XLSX extract.

Every row is validated first and every problem reported with its row and column; then all rows are
written in one transaction, or none. The same bytes a second time change nothing (SHA-256 kept);
a later extract updates the elements by their `reference`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import Conflict, DomainError, ImportRejected
from secassist.core.uploads import open_xlsx, xlsx_rows

from . import programs, services
from .models import DeliveryImport

COLUMNS = ["reference", "program", "kind", "description", "quantity", "planned_on", "actual_on"]
REQUIRED = ["reference", "program", "kind", "description", "planned_on"]
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 200


def read_table(name: str, data: bytes) -> list[dict[str, str]]:
    """Rows as dicts of text, header normalised to lower case; CSV (UTF-8) or XLSX by the file name."""
    if len(data) > MAX_BYTES:
        raise ImportRejected(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB", path=name)
    if name.lower().endswith(".xlsx"):
        wb = open_xlsx(data, name=name)  # zip-bomb and size checks, then read-only streaming
        ws = wb.worksheets[0]
        values = [
            ["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)) for v in row]
            for _, row in xlsx_rows(ws, max_rows=MAX_ROWS + 2, max_columns=len(COLUMNS) + 10, name=name)
        ]
        wb.close()
    elif name.lower().endswith(".csv"):
        try:
            values = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        except UnicodeDecodeError:
            raise ImportRejected(f"{name}: not UTF-8 text", path=name) from None
    else:
        raise ImportRejected(f"{name}: the file must be .csv or .xlsx", path=name, allowed=[".csv", ".xlsx"])
    if not values:
        raise ImportRejected(f"{name}: the file is empty; the first row must be the header {', '.join(COLUMNS)}", path=name)
    header = [h.strip().lower() for h in values[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRejected(
            f"{name} row 1: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}",
            problems=[f"row 1, column {c}: missing" for c in missing],
            path=name,
        )
    rows = [
        dict(zip(header, (str(v).strip() for v in row), strict=False)) for row in values[1:] if any(str(v).strip() for v in row)
    ]
    if len(rows) > MAX_ROWS:
        raise ImportRejected(f"{name}: {len(rows)} rows; at most {MAX_ROWS} per file", path=name)
    return rows


def validate(rows: list[dict[str, str]]) -> tuple[list[tuple[str, programs.Program, dict[str, Any]]], list[str]]:
    good: list[tuple[str, programs.Program, dict[str, Any]]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    cache: dict[str, programs.Program] = {}
    for line, raw in enumerate(rows, start=2):
        try:
            reference = services.text(raw.get("reference"), "reference", max_length=80)
            if reference in seen:
                raise DomainError(f"reference {reference} repeats row {seen[reference]}", field="reference")
            seen[reference] = line
            key = raw.get("program", "")
            program = cache.get(key) or programs.resolve(key)
            cache[key] = program
            good.append((reference, program, services.delivery_fields(raw, program)))
        except DomainError as exc:
            problems.append(f"row {line}, column {exc.details.get('field', '?')}: {exc.message}")
    return good, problems


def import_bytes(name: str, data: bytes, *, acting_user: Any) -> dict[str, Any]:
    if acting_user is not None:  # None: the CLI's system user
        require(acting_user, "data.import")
        require(acting_user, "oversight.edit")
    digest = hashlib.sha256(data).hexdigest()
    done = DeliveryImport.objects.filter(sha256=digest).first()
    if done is not None:
        return {
            "file": name,
            "rows": done.rows,
            "created": 0,
            "updated": 0,
            "unchanged": done.rows,
            "first_imported": done.imported_at.isoformat(),
        }
    rows = read_table(name, data)
    good, problems = validate(rows)
    if problems:
        raise ImportRejected(
            f"{name}: {len(problems)} problem(s); nothing was imported. First: {problems[0]}",
            problems=problems[:MAX_PROBLEMS_SHOWN],
            problem_count=len(problems),
            path=name,
        )
    try:
        return _write(name, digest, good, acting_user)
    except IntegrityError:  # another import committed first (nothing of this one was written)
        if DeliveryImport.objects.filter(sha256=digest).exists():
            return {"file": name, "rows": len(good), "created": 0, "updated": 0, "unchanged": len(good)}
        raise Conflict(
            f"{name}: another import changed the same elements at the same moment; nothing was imported, try again"
        ) from None


@transaction.atomic
def _write(name: str, digest: str, good: list[tuple[str, programs.Program, dict[str, Any]]], acting_user: Any) -> dict[str, Any]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for reference, program, fields in good:
        _, outcome = services.upsert_delivery(acting_user=acting_user, reference=reference, fields=fields, program=program)
        counts[outcome] += 1
    created, updated = counts["created"], counts["updated"]
    log = DeliveryImport.objects.create(
        sha256=digest,
        file_name=name[:300],
        rows=len(good),
        created=created,
        updated=updated,
        imported_at=clock.now(),
        imported_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record(
        actor=acting_user,
        action="oversight.delivery_import",
        obj=log,
        after={"file": name, "sha256": digest, "rows": len(good), **counts},
    )
    return {"file": name, "rows": len(good), **counts}


def import_deliveries(path: Path, *, acting_user: Any, progress: bool = False) -> dict[str, Any]:
    """The registry importer (`secassist import deliveries FILE`)."""
    path = Path(path)
    if not path.exists():
        raise ImportRejected(f"file not found: {path}", path=str(path))
    return import_bytes(path.name, path.read_bytes(), acting_user=acting_user)
