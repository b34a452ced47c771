"""The DoD proposal workbook (XLSX): the template the product provides, and the all-or-nothing,
idempotent import (`secassist import dod-proposals FILE`).

Sheet "Proposals": row 1 holds the column names of `intake.COLUMNS`, one proposal per row from
row 2. Sheet "Instructions" documents each column; sheet "Purposes" lists the purpose codes.
Every row is validated; all problems come back with row number and column letter; one problem
anywhere rejects the whole file. A row whose reference already exists is skipped when unchanged,
replaced while the proposal is still 'received', and a problem otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from secassist.core import clock
from secassist.core.errors import ImportRejected
from secassist.core.exports import write_workbook
from secassist.core.uploads import open_xlsx, read_upload, xlsx_rows

from . import services
from .intake import COLUMN_NAMES, COLUMNS, Lookups, as_raw, clean_proposal, comparable
from .models import Proposal, Status
from .purposes import GENERAL, S333

SHEET = "Proposals"
MAX_ROWS = 5000


def write_template(path: Path, rows: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """Write the template (optionally with rows, e.g. the demo sample) to `path`."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(COLUMN_NAMES)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in rows:
        ws.append([_cell(row.get(name)) for name in COLUMN_NAMES])
        count += 1
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 18 if not col.required else 22
    ws.freeze_panes = "A2"
    info = wb.create_sheet("Instructions")
    info.append(["column", "required", "what to enter"])
    for col in COLUMNS:
        info.append([col.name, "yes" if col.required else "no", col.help])
    purposes = wb.create_sheet("Purposes")
    purposes.append(["authority", "purpose code", "purpose", "citation"])
    for p in S333:
        purposes.append(["10USC333", p.code, p.label, p.citation])
    for p in GENERAL:
        purposes.append(["other authorities", p.code, p.label, p.citation])
    write_workbook(wb, path)
    return {"file": str(path), "rows": count}


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    with open(path, "rb") as fh:
        upload = read_upload(fh, kinds=("xlsx",))
    wb = open_xlsx(upload.data, name=path.name)
    if SHEET not in wb.sheetnames:
        raise ImportRejected(
            f"the workbook has no sheet named {SHEET!r} (sheets: {', '.join(wb.sheetnames)})", problems=[f"sheet {SHEET} missing"]
        )
    ws: Worksheet = wb[SHEET]  # type: ignore[assignment]
    rows = (values for _, values in xlsx_rows(ws, max_rows=MAX_ROWS + 1, max_columns=len(COLUMNS) + 10, name=path.name))
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    missing = [c.name for c in COLUMNS if c.required and c.name not in header]
    unknown = [h for h in header if h and h not in COLUMN_NAMES]
    if missing or unknown:
        problems = [f"row 1: required column {m!r} is missing" for m in missing] + [
            f"row 1: unknown column {u!r}" for u in unknown
        ]
        raise ImportRejected("the header row does not match the template", problems=problems)
    out = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise ImportRejected(f"more than {MAX_ROWS} rows; split the workbook", problems=[])
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append((number, {name: value for name, value in zip(header, values, strict=False) if name}))
    return out


def import_workbook(path: Path, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    """Validate every row, then write all or nothing. Returns created/updated/unchanged counts."""
    rows = read_rows(Path(path))
    header_pos = {name: i + 1 for i, name in enumerate(COLUMN_NAMES)}
    lookups = Lookups()
    today = clock.today()
    problems: list[str] = []
    plan: list[tuple[str, dict[str, Any], Proposal | None]] = []
    seen: dict[str, int] = {}
    existing = {
        p.reference: p for p in Proposal.objects.select_related("authority", "country").prefetch_related("elements", "units")
    }
    for number, raw in rows:
        clean, row_problems = clean_proposal(raw, lookups, today=today)
        ref = clean.get("reference", "")
        if ref in seen:
            row_problems.append(("reference", f"reference {ref} also on row {seen[ref]}"))
        seen.setdefault(ref, number)
        current = existing.get(ref)
        action = "create"
        if current is not None and not row_problems:
            old, _ = clean_proposal(as_raw(current), lookups, today=today)
            if comparable(old) == comparable(clean):
                action = "unchanged"
            elif current.status != Status.RECEIVED:
                row_problems.append(
                    (
                        "reference",
                        f"{ref} is already {current.get_status_display().lower()} and differs from this row; "
                        "it is not re-imported",
                    )
                )
            else:
                action = "update"
        for field, message in row_problems:
            column = header_pos.get(field.split("[")[0])
            where = f"row {number}, column {get_column_letter(column)} ({field})" if column else f"row {number} ({field})"
            problems.append(f"{where}: {message}")
        plan.append((action, clean, current))
    if problems:
        raise ImportRejected(f"{Path(path).name}: {len(problems)} problem(s); nothing was imported", problems=problems)
    return _apply(plan, acting_user)


@transaction.atomic
def _apply(plan: list[tuple[str, dict[str, Any], Proposal | None]], acting_user: Any) -> dict[str, Any]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    lookups = Lookups()
    for action, clean, current in plan:
        if action == "create":
            raw = {k: v for k, v in clean.items()}
            services.create_proposal(acting_user=acting_user, raw=_raw_from_clean(raw), lookups=lookups)
            counts["created"] += 1
        elif action == "update" and current is not None:
            services.replace_received_proposal(acting_user=acting_user, proposal=current, clean=clean)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def _raw_from_clean(clean: dict[str, Any]) -> dict[str, Any]:
    raw = dict(clean)
    raw["authority"] = clean["authority"].code
    raw["country"] = clean["country"].iso3
    raw["fiscal_year"] = str(clean["fiscal_year"])
    raw["elements"] = [{"kind": k, "description": d, "cost": str(c)} for k, d, c in clean["elements"]]
    raw["sustainment_cost"] = str(clean["sustainment_cost"])
    raw["sustainment_years"] = str(clean["sustainment_years"])
    return raw


def export_template(path: Path, *, acting_user: Any = None, progress: bool = False, **params: Any) -> dict[str, Any]:
    return write_template(Path(path))


def export_proposals(path: Path, *, acting_user: Any = None, progress: bool = False, **params: Any) -> dict[str, Any]:
    """The current proposals in the template's layout (round-trips through the import)."""
    qs = Proposal.objects.select_related("authority", "country").prefetch_related("elements", "units").order_by("reference")
    if params.get("country"):
        qs = qs.filter(country__iso3=str(params["country"]).upper())
    return write_template(Path(path), (as_raw(p) for p in qs))
