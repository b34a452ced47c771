"""Every table of the funds pages as plain rows, written as CSV or XLSX (pages and `secassist export`)
and the 653(a) report as XLSX and PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from secassist.core.errors import InvalidInput, NotFound
from secassist.core.exports import MarkedPDF, check_format, format_of, marked_csv_bytes, sheet_title, xlsx_bytes
from secassist.core.fiscal import FiscalYear
from secassist.core.money import fmt_money

from . import selectors
from .models import Allocation, AllocationStatus, Appropriation, HistorySource


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    filename: str = "table"


def to_csv_bytes(table: Table) -> bytes:
    return marked_csv_bytes([table.headers, *table.rows, *([f"# {note}"] for note in table.notes)])


def to_xlsx_bytes(table: Table) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title(table.title)
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(table.headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append(list(row))
    for col in range(1, len(table.headers) + 1):
        for (c,) in ws.iter_rows(min_row=3, min_col=col, max_col=col):
            if isinstance(c.value, Decimal):
                c.number_format = "#,##0.00"
    for note in table.notes:
        ws.append([note])
    return xlsx_bytes(wb)


def response(table: Table, fmt: str) -> HttpResponse:
    check_format(fmt)
    if fmt == "csv":
        resp = HttpResponse(to_csv_bytes(table), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(
            to_xlsx_bytes(table), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    resp["Content-Disposition"] = f'attachment; filename="{table.filename}.{fmt}"'
    return resp


# ---------------------------------------------------------------- the tables


def appropriations_table(fiscal_year: int | None = None) -> Table:
    apprs = list(selectors.appropriations(fiscal_year=fiscal_year))
    totals = selectors.totals_of([a.pk for a in apprs])
    rows = []
    for a in apprs:
        b = totals.get(a.pk)
        rows.append(
            [
                a.fiscal_year,
                a.account.code,
                a.public_law,
                a.section,
                a.get_kind_display(),
                a.enacted_on,
                a.amount,
                b.allocated if b else None,
                b.obligated if b else None,
                b.disbursed if b else None,
                a.obligation_period_end,
                a.reobligation_window_end,
                a.cancellation_date,
                a.program_code,
            ]
        )
    return Table(
        "Appropriations" + (f" FY{fiscal_year}" if fiscal_year else ""),
        [
            "FY",
            "Account",
            "Public law",
            "Section",
            "Kind",
            "Enacted",
            "Amount",
            "Allocated",
            "Obligated",
            "Disbursed",
            "Obligation period ends",
            "Reobligation window ends",
            "Cancels",
        ],
        rows,
        filename=f"appropriations{'-fy' + str(fiscal_year) if fiscal_year else ''}",
    )


def allocations_table(appropriation: Appropriation, *, status: str = "") -> Table:
    """Every line of the appropriation, or those in `status` (the page's filter) when it names one."""
    rows = []
    for a in selectors.allocation_rows(appropriation):  # with the notification state from CN packages
        if status in AllocationStatus.values and a.status != status:
            continue
        b = a.balance
        rows.append(
            [
                a.recipient_name,
                a.iso3,
                a.get_recipient_kind_display(),
                a.purpose,
                a.get_status_display(),
                b.allocated,
                b.apportioned,
                b.obligated,
                b.committed,
                b.disbursed,
                b.allocated - b.obligated,
                a.baseline_653a,
                "yes" if a.notification_required else "no",
                a.notification["label"],  # type: ignore[attr-defined]
            ]
        )
    return Table(
        f"Allocations {appropriation}",
        [
            "Recipient",
            "ISO3",
            "Kind",
            "Purpose",
            "Status",
            "Allocated",
            "Apportioned",
            "Obligated",
            "Committed",
            "Disbursed",
            "Unobligated",
            "653(a) level",
            "CN required",
            "Congressional notification (from CN packages)",
        ],
        rows,
        filename=f"allocations-fy{appropriation.fiscal_year}-{appropriation.account.code.lower()}-{appropriation.pk}",
    )


def ledger_table(*, appropriation: Appropriation | None = None, allocation: Allocation | None = None) -> Table:
    if allocation is not None:
        entries = selectors.line_entries(allocation)
        title, name = f"Ledger of {allocation}", f"ledger-line-{allocation.pk}"
    elif appropriation is not None:
        entries = selectors.appropriation_entries(appropriation)
        title, name = f"Ledger of {appropriation}", f"ledger-appropriation-{appropriation.pk}"
    else:
        raise InvalidInput("give an appropriation or an allocation", field="appropriation")
    rows = [
        [
            e.pk,
            e.posted_at.isoformat(timespec="seconds"),
            e.effective_on,
            e.entry_type,
            e.allocation.recipient_name if e.allocation else "",
            e.to_allocation.recipient_name if e.to_allocation else "",
            e.amount,
            f"{e.document_type} {e.document_ref}".strip(),
            e.actor_username,
            e.reason,
            e.reverses_id or "",
            "yes" if e.earmark_override else "",
            "; ".join(f.get("code", "") for f in e.flags),
        ]
        for e in entries
    ]
    return Table(
        title,
        [
            "Entry",
            "Posted",
            "Effective",
            "Type",
            "Line",
            "To line",
            "Amount",
            "Document",
            "Actor",
            "Reason",
            "Reverses",
            "Earmark override",
            "Flags",
        ],
        rows,
        filename=name,
    )


def expiring_table(days: int = selectors.EXPIRING_DAYS) -> Table:
    rows = [[r["on"], r["days_left"], r["event"], str(r["appropriation"]), r["amount"]] for r in selectors.expiring(days=days)]
    return Table(
        f"Funds expiring or cancelling in the next {days} days",
        ["Date", "Days left", "Event", "Appropriation", "Amount at stake"],
        rows,
        filename=f"expiring-{days}d",
    )


def history_table(*, source: str, program: str = "", fiscal_year: int | None = None, country: str = "") -> Table:
    rows = [
        [
            h.line_no,
            h.fiscal_year,
            "yes" if h.transition_quarter else "",
            h.program,
            h.account_name,
            h.transaction_type,
            h.recipient_name,
            h.country.iso3 if h.country else "",
            h.pseudo_region.name if h.pseudo_region else "",
            h.amount_current,
            h.amount_constant,
            "yes" if h.rounded else "",
        ]
        for h in selectors.history_rows(source=source, program=program, fiscal_year=fiscal_year, country=country)
    ]
    notes = [selectors.GREENBOOK_CAVEAT if source == HistorySource.GREENBOOK else selectors.FA_CAVEAT, selectors.PSEUDO_CAVEAT]
    return Table(
        f"History ({source})",
        [
            "Source line",
            "FY",
            "Transition quarter",
            "Program",
            "Account",
            "Transaction type",
            "Recipient",
            "ISO3",
            "Regional / former",
            "Current USD",
            "Constant USD",
            "Rounded (≥ $10M)",
        ],
        rows,
        notes,
        filename=f"history-{source}",
    )


def report_653a_table(appropriation: Appropriation) -> Table:
    deadline = selectors.deadline_653a(appropriation)
    rows = [
        [ln["recipient"], ln["iso3"], ln["kind"], ln["purpose"], ln["account"], ln["amount"]]
        for ln in selectors.lines_653a(appropriation)
    ]
    total = sum((r[5] for r in rows), Decimal("0"))
    rows.append(["Total", "", "", "", appropriation.account.code, total])
    notes = [
        f"Report under section 653(a) of the Foreign Assistance Act (22 U.S.C. 2413(a)) for {appropriation.public_law} "
        f"{appropriation.section}, enacted {appropriation.enacted_on:%Y-%m-%d}.",
        f"Statutory deadline: {deadline['due_on']:%Y-%m-%d} (enactment + 30 days); {deadline['status']}.",
    ]
    return Table(
        f"653(a) FY{appropriation.fiscal_year} {appropriation.account.code}",
        ["Country / recipient", "ISO3", "Kind", "Purpose", "Account", "Amount (USD)"],
        rows,
        notes,
        filename=f"653a-fy{appropriation.fiscal_year}-{appropriation.account.code.lower()}-{appropriation.pk}",
    )


def report_653a_pdf(appropriation: Appropriation) -> bytes:
    table = report_653a_table(appropriation)
    pdf = MarkedPDF(orientation="P", unit="mm", format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(table.title)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(
        0,
        7,
        _latin(f"Section 653(a) report: FY{appropriation.fiscal_year} {appropriation.account.name}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    for note in table.notes:
        pdf.multi_cell(0, 5, _latin(note), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = [80, 16, 50, 45]
    pdf.set_font("Helvetica", "B", 9)
    for w, h in zip(widths, ["Country / recipient", "ISO3", "Purpose", "Amount (USD)"], strict=True):
        pdf.cell(w, 7, h, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in table.rows:
        bold = row[0] == "Total"
        pdf.set_font("Helvetica", "B" if bold else "", 9)
        for w, v, align in zip(widths, [row[0], row[1], row[3], fmt_money(row[5])], ["L", "L", "L", "R"], strict=True):
            pdf.cell(w, 6, _latin(str(v))[:60], border=1, align=align)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        "Generated by secassist from the funds ledger (allocated balances).",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _latin(text: str) -> str:
    replacements = {"–": "-", "—": "-", "’": "'", "“": '"', "”": '"', "§": "Sec. ", "≥": ">=", "≤": "<="}
    for a, b in replacements.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


# ---------------------------------------------------------------- exporters for `secassist export`


def _appr_param(params: dict[str, str]) -> Appropriation:
    raw = params.get("appropriation", "")
    if not raw.isdigit():
        raise InvalidInput("--param appropriation=ID is required (the appropriation's number)", field="appropriation")
    appr = Appropriation.objects.select_related("account").filter(pk=int(raw)).first()
    if appr is None:
        raise NotFound(f"no appropriation {raw}", field="appropriation")
    return appr


def _fy_param(params: dict[str, str]) -> int | None:
    return FiscalYear.parse(params["fiscal_year"]).year if params.get("fiscal_year") else None


EXPORTS: dict[str, tuple[str, Callable[[dict[str, str]], Table]]] = {
    "budget-appropriations": ("appropriations [fiscal_year=YYYY]", lambda p: appropriations_table(_fy_param(p))),
    "budget-allocations": ("allocation table: appropriation=ID", lambda p: allocations_table(_appr_param(p))),
    "budget-ledger": ("ledger of an appropriation: appropriation=ID", lambda p: ledger_table(appropriation=_appr_param(p))),
    "budget-expiring": ("expiring funds [days=90]", lambda p: expiring_table(int(p.get("days", "90") or 90))),
    "budget-653a": ("653(a) table: appropriation=ID", lambda p: report_653a_table(_appr_param(p))),
    "budget-history": (
        "history rows: source=greenbook|fa-country [program=FMF] [fiscal_year=YYYY] [country=ISO3]",
        lambda p: history_table(
            source=p.get("source", "greenbook"),
            program=p.get("program", ""),
            fiscal_year=_fy_param(p),
            country=p.get("country", ""),
        ),
    ),
}


def run_export(kind: str) -> Callable[..., dict[str, Any]]:
    def run(path: Path, *, acting_user: Any = None, progress: bool = False, **params: str) -> dict[str, Any]:
        path = Path(path)
        suffix = format_of(path)
        table = EXPORTS[kind][1](params)
        path.write_bytes(to_csv_bytes(table) if suffix == "csv" else to_xlsx_bytes(table))
        return {"rows": len(table.rows), "file": str(path)}

    return run
