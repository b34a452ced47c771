"""CSV/XLSX exports of the congress app: packages, holds outstanding, reconciliation.

Registered as `secassist export congress-packages|congress-holds|congress-reconciliation --out FILE`
and offered as downloads on the reports page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from secassist.core.errors import InvalidInput
from secassist.core.exports import check_format, format_of, table_bytes

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


def render(table: str, fmt: str) -> bytes:
    if table not in TABLES:
        raise InvalidInput(f"table must be one of {', '.join(TABLES)}", field="table", value=table, allowed=list(TABLES))
    check_format(fmt)
    header, rows = TABLES[table]()
    return table_bytes(fmt, header, rows, title=table)


def exporter(table: str) -> Any:
    def run(path: Path, *, acting_user: Any = None, progress: bool = False, **params: Any) -> dict[str, Any]:
        data = render(table, format_of(path))
        path.write_bytes(data)
        return {"file": str(path), "bytes": len(data), "rows": Package.objects.count() if table == "packages" else "see file"}

    return run
