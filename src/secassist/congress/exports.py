"""CSV/XLSX exports of the congress app: packages, holds outstanding, reconciliation.

Registered as `secassist export congress-packages|congress-holds|congress-reconciliation --out FILE`
and offered as downloads on the reports page.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from secassist.core.errors import InvalidInput

from . import selectors
from .models import Package


def packages_table() -> tuple[list[str], list[list[Any]]]:
    header = [
        "number",
        "title",
        "status",
        "stage",
        "team",
        "fiscal_year",
        "recipient",
        "program",
        "account",
        "amount",
        "cbj_amount",
        "bases",
        "transmitted_on",
        "wait_ends_on",
        "cleared_to_obligate_on",
        "open_holds",
        "created_at",
    ]
    rows = []
    for p in selectors.visible_packages(None).order_by("-fiscal_year", "number"):
        rows.append(
            [
                p.number,
                p.title,
                p.status,
                selectors.stage_of(p),
                p.team.code,
                p.fiscal_year,
                p.recipient_name,
                p.program,
                p.account.code if p.account else "",
                p.amount,
                p.cbj_amount,
                "; ".join(r.code for r in p.rules.all()),
                p.transmitted_on,
                p.wait_ends_on,
                selectors.computed_clear_date(p),
                " ".join(h.committee.code for h in selectors.open_holds(p)),
                p.created_at.date(),
            ]
        )
    return header, rows


def holds_table() -> tuple[list[str], list[list[Any]]]:
    header = ["number", "title", "committee", "placed_on", "days_held", "reason", "questions", "unanswered"]
    return header, [
        [h["number"], h["title"], h["committee"], h["placed_on"], h["days_held"], h["reason"], h["questions"], h["unanswered"]]
        for h in selectors.holds_outstanding()
    ]


def reconciliation_table(fiscal_year: int | None = None) -> tuple[list[str], list[list[Any]]]:
    header = ["recipient", "program", "fiscal_year", "notified", "cleared", "obligated", "uncovered", "cns", "flag"]
    return header, [
        [
            r["recipient"],
            r["program"],
            r["fiscal_year"],
            r["notified"],
            r["cleared"],
            r["obligated"],
            r["uncovered"],
            " ".join(r["cns"]),
            r["flag"],
        ]
        for r in selectors.reconciliation(fiscal_year=fiscal_year)
    ]


TABLES = {"packages": packages_table, "holds": holds_table, "reconciliation": reconciliation_table}


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render(table: str, fmt: str) -> bytes:
    if table not in TABLES:
        raise InvalidInput(f"table must be one of {', '.join(TABLES)}", field="table", value=table, allowed=list(TABLES))
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("format must be csv or xlsx", field="format", value=fmt, allowed=["csv", "xlsx"])
    header, rows = TABLES[table]()
    return to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, table)


def exporter(table: str) -> Any:
    def run(path: Path, *, acting_user: Any = None, progress: bool = False, **params: Any) -> dict[str, Any]:
        fmt = path.suffix.lower().lstrip(".")
        data = render(table, fmt)
        path.write_bytes(data)
        return {"file": str(path), "bytes": len(data), "rows": Package.objects.count() if table == "packages" else "see file"}

    return run
