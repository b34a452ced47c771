"""XLSX import of request lines into a stage: every row validated first, then all rows written in
one transaction, or nothing; the same file loaded again into the same stage changes nothing.

Layout (first sheet; the header row is the first row whose first cell reads "recipient", within
the first 10 rows, so a marking line may sit above it):
    recipient | program | amount | priority | justification
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import DomainError, ImportRejected
from secassist.core.exports import xlsx_bytes
from secassist.core.uploads import open_xlsx, xlsx_rows

from . import services
from .models import RequestImport, RequestStage

COLUMNS = ("recipient", "program", "amount", "priority", "justification")
REQUIRED = COLUMNS[:4]
MAX_ROWS = 5000
MAX_PROBLEMS = 200


def _rows(data: bytes, name: str) -> tuple[int, list[str], list[tuple[int, tuple[Any, ...]]]]:
    book = open_xlsx(data, name=name)  # zip-bomb and size checks, then read-only streaming (ADR 0811)
    sheet = book.worksheets[0]
    rows = [values for _, values in xlsx_rows(sheet, max_rows=MAX_ROWS + 11, max_columns=len(COLUMNS) + 10, name=name)]
    for index, row in enumerate(rows[:10]):
        if row and str(row[0] or "").strip().lower() == "recipient":
            header = [str(h or "").strip().lower() for h in row]
            body = [(index + 2 + n, r) for n, r in enumerate(rows[index + 1 :]) if any(v not in (None, "") for v in r)]
            return index + 1, header, body
    raise ImportRejected(
        f"{name}: no header row found; the first row of the table must read {', '.join(COLUMNS)}",
        problems=[{"row": 1, "column": "recipient", "message": "header row not found in the first 10 rows"}],
    )


def _check_row(row_no: int, values: dict[str, Any], problems: list[dict[str, Any]]) -> dict[str, Any] | None:
    cleaned: dict[str, Any] = {}
    parsers: dict[str, Callable[[Any, str], Any]] = {
        "recipient": services.resolve_recipient,
        "program": services.resolve_program,
        "amount": lambda v, f: services.to_money(v if v is not None else "", field=f),
        "priority": services.parse_priority,
        "justification": lambda v, f: services.clean_text(v, f, max_length=10000),
    }
    for column, parse in parsers.items():
        try:
            cleaned[column] = parse(values.get(column), column)
        except DomainError as exc:
            problems.append({"row": row_no, "column": column, "message": exc.message})
    return cleaned if len(cleaned) == len(parsers) else None


def validate(data: bytes, name: str) -> list[dict[str, Any]]:
    """Every row checked; raises ImportRejected listing each row and column at fault."""
    header_row, header, body = _rows(data, name)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRejected(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}",
            problems=[{"row": header_row, "column": c, "message": "missing column"} for c in missing],
        )
    if len(body) > MAX_ROWS:
        raise ImportRejected(f"{name}: {len(body)} rows; at most {MAX_ROWS} per file", problems=[])
    problems: list[dict[str, Any]] = []
    cleaned: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for row_no, row in body:
        values = {h: row[i] if i < len(row) else None for i, h in enumerate(header) if h in COLUMNS}
        line = _check_row(row_no, values, problems)
        if line is None:
            continue
        key = (line["recipient"]["recipient_name"], line["program"].code)
        if key in seen:
            problems.append({"row": row_no, "column": "recipient", "message": f"{key[0]} {key[1]} is already on row {seen[key]}"})
            continue
        seen[key] = row_no
        cleaned.append(line)
    if problems:
        raise ImportRejected(f"{name}: {len(problems)} problem(s); nothing was imported", problems=problems[:MAX_PROBLEMS])
    return cleaned


@transaction.atomic
def import_lines(*, acting_user: Any, stage: RequestStage, data: bytes, file_name: str) -> dict[str, Any]:
    services.require_stage_editor(acting_user, stage.kind)
    stage = RequestStage.objects.select_for_update().get(pk=stage.pk)
    services.require_working(stage)
    digest = hashlib.sha256(data).hexdigest()
    if RequestImport.objects.filter(stage=stage, sha256=digest).exists():
        return {"rows": 0, "created": 0, "updated": 0, "unchanged": True}
    lines = validate(data, file_name)
    outcomes = {"created": 0, "updated": 0, "unchanged": 0}
    for line in lines:
        fields = {**line.pop("recipient"), "account": line.pop("program"), **line}
        outcomes[services.upsert_line(acting_user, stage, fields, f"import of {file_name}")[1]] += 1
    RequestImport.objects.create(
        stage=stage, sha256=digest, file_name=file_name[:300], rows=len(lines), imported_at=clock.now(), imported_by=acting_user
    )
    summary = {"rows": len(lines), "created": outcomes["created"], "updated": outcomes["updated"], "unchanged": False}
    record(
        actor=acting_user, action="formulation.stage.import", obj=stage, after={**summary, "file": file_name, "sha256": digest}
    )
    return summary


def template_bytes(stage: RequestStage) -> bytes:
    """The stage's lines in the import layout, so an office can edit and load them back."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "Request lines"
    ws.append(list(COLUMNS))
    for ln in stage.lines.select_related("account", "country"):
        ws.append([ln.recipient_key, ln.account.code, ln.amount, ln.priority, ln.justification])
    return xlsx_bytes(wb)
