"""The Congressional Budget Justification tables of a request cycle, as XLSX and DOCX.

One table per program, the CBJ's customary three columns — FY-2 actual (obligations in the funds
ledger), FY-1 estimate (allocations in the ledger), FY request (the CBJ stage, or the latest stage
until there is one) — by regional bureau with subtotals. Every file carries the site marking.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font

from secassist.budget import selectors as budget_selectors
from secassist.core.errors import InvalidInput
from secassist.core.exports import DOCX_TYPE, XLSX_TYPE, check_format, docx_bytes, format_of, sheet_title, xlsx_bytes
from secassist.core.fiscal import FiscalYear
from secassist.reference.models import Bureau

from .models import RequestCycle, RequestLine, RequestStage, StageKind

ZERO = Decimal("0.00")
CBJ_FORMATS = ("xlsx", "docx")
NO_BUREAU = "Global and other"


def cbj_stage(cycle: RequestCycle) -> RequestStage | None:
    """The newest CBJ version; before there is one, the newest version of any stage."""
    return (
        cycle.stages.filter(kind=StageKind.CBJ).order_by("-version").first() or cycle.stages.order_by("-opened_at", "-id").first()
    )


def _bureau(line: RequestLine) -> str:
    place = line.country or line.pseudo_region
    code = place.bureau if place is not None else ""
    return code or NO_BUREAU


def tables(cycle: RequestCycle) -> dict[str, Any]:
    fy = cycle.budget_fiscal_year
    stage = cbj_stage(cycle)
    actual = budget_selectors.line_amounts(fiscal_year=fy - 2, measure="obligated")
    estimate = budget_selectors.line_amounts(fiscal_year=fy - 1, measure="allocated")
    lines = list(stage.lines.select_related("account", "country", "pseudo_region")) if stage else []
    by_account: dict[str, list[RequestLine]] = defaultdict(list)
    for ln in lines:
        by_account[ln.account.code].append(ln)
    programs = []
    for code in sorted(by_account):
        groups: dict[str, list[list[Any]]] = defaultdict(list)
        for ln in sorted(by_account[code], key=lambda x: x.recipient_name):
            key = (ln.recipient_key, code)
            groups[_bureau(ln)].append([ln.recipient_name, actual.get(key, ZERO), estimate.get(key, ZERO), ln.amount])
        bureaus = [
            {"bureau": b, "label": Bureau(b).label if b in Bureau.values else b, "rows": rows, "subtotal": _sum(rows)}
            for b, rows in sorted(groups.items(), key=lambda kv: (kv[0] == NO_BUREAU, kv[0]))
        ]
        programs.append(
            {
                "code": code,
                "name": by_account[code][0].account.name,
                "bureaus": bureaus,
                "total": _sum([r for b in bureaus for r in b["rows"]]),
            }
        )
    return {
        "cycle": cycle,
        "stage": stage,
        "columns": [f"FY {fy - 2} Actual", f"FY {fy - 1} Estimate", f"FY {fy} Request"],
        "programs": programs,
        "title": f"FY {fy} Congressional Budget Justification — Title 22 security assistance"
        + ("" if stage is None or stage.kind == StageKind.CBJ else f" (draft from {stage})")
        + (" — DEMO DATA" if cycle.demo else ""),
        "marking": settings.SECASSIST_MARKING,
        "sources": "FY-2 actual: obligations in the funds ledger; FY-1 estimate: allocations in the funds ledger; "
        "request: the stage named in the title.",
    }


def _sum(rows: list[Any]) -> list[Decimal]:
    return [sum((r[i] for r in rows), ZERO) for i in (1, 2, 3)]


def xlsx(cycle: RequestCycle) -> bytes:
    data = tables(cycle)
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for program in data["programs"] or [{"code": "Request", "name": "no lines", "bureaus": [], "total": [ZERO] * 3}]:
        ws = wb.create_sheet(sheet_title(program["code"]))
        ws.append([data["marking"]])
        ws.append([data["title"]])
        ws.append([f"{program['code']} — {program['name']}"])
        ws.append(["Bureau", "Country or program", *data["columns"]])
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for group in program["bureaus"]:
            for row in group["rows"]:
                ws.append([group["bureau"], *row])
            ws.append([group["bureau"], f"Subtotal, {group['label']}", *group["subtotal"]])
        ws.append(["", f"Total, {program['code']}", *program["total"]])
        ws.append([data["sources"]])
        ws.append([data["marking"]])
        for col, width in zip("ABCDE", (18, 44, 18, 18, 18), strict=True):
            ws.column_dimensions[col].width = width
    return xlsx_bytes(wb)


def docx(cycle: RequestCycle) -> bytes:
    from docx import Document

    data = tables(cycle)
    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = data["marking"]
    section.footer.paragraphs[0].text = data["marking"]
    doc.add_heading(data["title"], level=1)
    for program in data["programs"]:
        doc.add_heading(f"{program['code']} — {program['name']}", level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["Country or program", *data["columns"]], strict=True):
            cell.text = text
        for group in program["bureaus"]:
            for row in [*group["rows"], [f"Subtotal, {group['label']}", *group["subtotal"]]]:
                _docx_row(table, row)
        _docx_row(table, [f"Total, {program['code']}", *program["total"]])
    doc.add_paragraph(data["sources"])
    return docx_bytes(doc)


def _docx_row(table: Any, row: list[Any]) -> None:
    cells = table.add_row().cells
    cells[0].text = str(row[0])
    for cell, amount in zip(cells[1:], row[1:], strict=True):
        cell.text = f"{amount:,.0f}"


def render(cycle: RequestCycle, fmt: str) -> tuple[bytes, str]:
    check_format(fmt, allowed=CBJ_FORMATS)
    return (xlsx(cycle), XLSX_TYPE) if fmt == "xlsx" else (docx(cycle), DOCX_TYPE)


def file_name(cycle: RequestCycle, fmt: str) -> str:
    return f"cbj-fy{cycle.budget_fiscal_year}.{fmt}"


def run_export(path: Path, *, acting_user: Any, progress: bool = False, fy: str = "", **_: Any) -> dict[str, Any]:
    """`secassist export cbj --out FILE.xlsx|.docx --param fy=YYYY` (the cycle's budget fiscal year)."""
    fmt = format_of(path, allowed=CBJ_FORMATS)
    year = FiscalYear.parse(fy, field="fy").year
    found = RequestCycle.objects.filter(budget_fiscal_year=year).first()
    if found is None:
        raise InvalidInput(f"there is no FY{year} request cycle", field="fy", value=fy)
    body, _ctype = render(found, fmt)
    Path(path).write_bytes(body)
    return {"cycle": found.pk, "fiscal_year": found.budget_fiscal_year, "format": fmt, "bytes": len(body)}
