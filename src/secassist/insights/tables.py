"""Every table of the country page and the portfolio as header + rows, for CSV/XLSX downloads.

The rows come from the same dicts the pages render (country360.summary, portfolio.rows …), so a
download always matches the screen. Files are written by secassist.core.exports only (formula
injection neutralised); each file ends with its source and caveats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from secassist.core.errors import InvalidInput
from secassist.core.exports import check_format, content_type, marked_csv_bytes, table_bytes


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)

    def as_bytes(self, fmt: str) -> bytes:
        body = [*self.rows, *([f"# {n}"] for n in self.notes)]
        if fmt == "csv":  # the handling marking is the CSV's last line (ADR 0741); XLSX is marked by xlsx_bytes
            check_format(fmt)
            return marked_csv_bytes([self.header, *body])
        return table_bytes(fmt, self.header, body, title=self.title)


def _pick(rows: list[dict[str, Any]], keys: list[str]) -> list[list[Any]]:
    return [[r.get(k) for k in keys] for r in rows]


def _section_table(section: dict[str, Any], key: str, title: str, columns: list[tuple[str, str]]) -> Table:
    keys = [k for k, _ in columns]
    return Table(title, [h for _, h in columns], _pick(section[key], keys), [section["source"], *section["caveats"]])


# (table name, section, list key, title, columns)
COUNTRY_TABLES: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    (
        "funds-by-program",
        "funds",
        "by_program",
        "Title 22 by program and stage",
        [
            ("fiscal_year", "FY"),
            ("program", "Program"),
            ("lines", "Lines"),
            ("allocated", "Allocated"),
            ("obligated", "Obligated"),
            ("disbursed", "Disbursed"),
            ("notified", "Notified"),
        ],
    ),
    (
        "funds-lines",
        "funds",
        "lines",
        "Title 22 lines",
        [
            ("fiscal_year", "FY"),
            ("program", "Program"),
            ("purpose", "Purpose"),
            ("status", "Status"),
            ("allocated", "Allocated"),
            ("obligated", "Obligated"),
            ("disbursed", "Disbursed"),
            ("notified", "Notified"),
            ("notification_label", "Notification"),
        ],
    ),
    (
        "earmarks",
        "funds",
        "earmarks",
        "Earmarks",
        [
            ("fiscal_year", "FY"),
            ("program", "Program"),
            ("kind", "Kind"),
            ("amount", "Amount"),
            ("label", "Earmark"),
            ("citation", "Citation"),
        ],
    ),
    (
        "title10-by-authority",
        "title10",
        "by_authority_all_years",
        "Title 10 by authority",
        [
            ("fiscal_year", "FY"),
            ("authority", "Authority"),
            ("citation", "Citation"),
            ("proposals", "Proposals"),
            ("amount", "Proposed cost"),
        ],
    ),
    (
        "title10-proposals",
        "title10",
        "proposals",
        "Title 10 proposals",
        [
            ("reference", "Reference"),
            ("title", "Title"),
            ("authority", "Authority"),
            ("fiscal_year", "FY"),
            ("status_label", "Status"),
            ("amount", "Proposed cost"),
            ("leahy", "Units and Leahy status"),
        ],
    ),
    (
        "assurances",
        "title10",
        "assurances",
        "Assurances",
        [
            ("kind_label", "Kind"),
            ("instrument", "Instrument"),
            ("state_label", "State"),
            ("signed_on", "Signed"),
            ("expires_on", "Expires"),
        ],
    ),
    (
        "history-greenbook",
        "history",
        "greenbook",
        "Greenbook military obligations",
        [("fiscal_year", "FY"), ("program", "Program"), ("transaction_type", "Transaction type"), ("amount", "USD current")],
    ),
    (
        "history-foreignassistance",
        "history",
        "foreignassistance",
        "ForeignAssistance.gov",
        [("fiscal_year", "FY"), ("transaction_type", "Transaction type"), ("amount", "USD current")],
    ),
    (
        "verdicts",
        "restrictions",
        "verdicts",
        "Restriction verdict by program",
        [("program", "Program"), ("label", "Verdict"), ("rules", "Rules"), ("gaps", "Not assessed")],
    ),
    (
        "designations",
        "restrictions",
        "designations",
        "Designations",
        [
            ("restriction", "Restriction"),
            ("status", "Status"),
            ("effect", "Effect"),
            ("fiscal_year", "FY"),
            ("effective_from", "From"),
            ("ended_on", "Ended"),
            ("source_document", "Source"),
        ],
    ),
    (
        "waivers",
        "restrictions",
        "waivers",
        "Waivers",
        [
            ("restriction", "Restriction"),
            ("kind", "Kind"),
            ("scope", "Scope"),
            ("effective_from", "From"),
            ("expires_on", "Expires"),
            ("legal_authority", "Authority"),
        ],
    ),
    (
        "notifications",
        "notifications",
        "open",
        "Open congressional notifications",
        [
            ("number", "CN"),
            ("title", "Title"),
            ("stage", "Stage"),
            ("fiscal_year", "FY"),
            ("program", "Program"),
            ("amount", "Amount"),
            ("transmitted_on", "Transmitted"),
            ("wait_ends_on", "Wait ends"),
        ],
    ),
    (
        "holds",
        "notifications",
        "holds",
        "Holds",
        [("number", "CN"), ("committee", "Committee"), ("placed_on", "Placed"), ("reason", "Reason")],
    ),
    (
        "clocks",
        "notifications",
        "clocks",
        "Clocks running",
        [("date", "Date"), ("title", "What"), ("state", "State"), ("rule", "Rule"), ("citation", "Citation")],
    ),
    ("plans", "plans", "plans", "Plans", [("title", "Title"), ("type", "Type"), ("owner", "Owner"), ("marking", "Marking")]),
    (
        "taskers",
        "plans",
        "taskers",
        "Open review taskers",
        [("id", "Tasker"), ("product", "Product"), ("status", "Status"), ("due_on", "Due")],
    ),
    (
        "posture-changes",
        "plans",
        "posture_changes",
        "Posture changes",
        [("title", "Title"), ("coordination_status", "Coordination"), ("decision", "Decision")],
    ),
    (
        "engagements",
        "plans",
        "engagements",
        "Engagements",
        [("title", "Title"), ("kind", "Kind"), ("held_on", "Held"), ("ends_on", "Ends")],
    ),
    (
        "action-items",
        "plans",
        "action_items",
        "Open action items",
        [("description", "Action"), ("owner", "Owner"), ("due_on", "Due"), ("status", "Status"), ("engagement", "Engagement")],
    ),
]
COUNTRY_TABLE_NAMES = [name for name, *_ in COUNTRY_TABLES]


def _flatten(summary: dict[str, Any]) -> dict[str, Any]:
    """A copy of the summary with list cells made readable in one spreadsheet cell."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in summary.items()}
    out["title10"]["proposals"] = [
        {**p, "leahy": "; ".join(f"{u['name']}: {u['leahy_label']}" for u in p["units"])} for p in summary["title10"]["proposals"]
    ]
    out["restrictions"]["verdicts"] = [
        {**v, "rules": "; ".join(sorted({f["code"] for f in v["findings"]})), "gaps": len(v["not_assessed"])}
        for v in summary["restrictions"]["verdicts"]
    ]
    return out


def country_table(summary: dict[str, Any], name: str) -> Table:
    for table_name, section, key, title, columns in COUNTRY_TABLES:
        if table_name == name:
            flat = _flatten(summary)
            table = _section_table(flat[section], key, title, columns)
            heading = f"{summary['country']['name']} ({summary['country']['iso3']}) FY{summary['fiscal_year']}: {title}"
            return Table(heading[:120], table.header, table.rows, table.notes)
    raise InvalidInput(f"table {name!r} is not a table of the country page", field="table", allowed=COUNTRY_TABLE_NAMES)


PORTFOLIO_COLUMNS = [
    ("iso3", "ISO3"),
    ("country", "Country"),
    ("bureau", "Bureau"),
    ("cocom", "COCOM"),
    ("program", "Program"),
    ("lines", "Lines"),
    ("allocated", "Allocated"),
    ("obligated", "Obligated"),
    ("disbursed", "Disbursed"),
    ("notified", "Notified"),
    ("proposed", "Title 10 proposed"),
    ("verdict_label", "Restriction verdict"),
]
BUREAU_COLUMNS = [
    ("label", "Bureau"),
    ("allocated", "Allocated"),
    ("obligated", "Obligated"),
    ("disbursed", "Disbursed"),
    ("notified", "Notified"),
    ("proposed", "Title 10 proposed"),
]
RECONCILIATION_COLUMNS = [
    ("iso3", "ISO3"),
    ("country", "Country"),
    ("program", "Account"),
    ("product", "secassist obligated"),
    ("ledger_acts", "secassist ledger acts"),
    ("public", "ForeignAssistance.gov obligations"),
    ("difference", "Difference"),
    ("flagged", "Flagged"),
]


TITLE10_REPORTED_COLUMNS = [
    ("iso3", "ISO3"),
    ("country", "Country"),
    ("account", "DoD account"),
    ("fiscal_year", "FY"),
    ("reported_obligations", "Reported obligations"),
    ("source", "Source"),
]


def _portfolio(data: dict[str, Any]) -> dict[str, Callable[[], Table]]:
    fy = data["fiscal_year"]
    rec = data["reconciliation"]
    return {
        "portfolio": lambda: Table(
            f"Portfolio FY{fy}",
            [h for _, h in PORTFOLIO_COLUMNS],
            _pick(data["rows"], [k for k, _ in PORTFOLIO_COLUMNS]),
            [data["source"], *data["caveats"]],
        ),
        "by-bureau": lambda: Table(
            f"Portfolio FY{fy} by bureau",
            [h for _, h in BUREAU_COLUMNS],
            _pick(data["by_bureau"], [k for k, _ in BUREAU_COLUMNS]),
            [data["source"]],
        ),
        "reconciliation": lambda: Table(
            f"Reconciliation FY{fy}",
            [h for _, h in RECONCILIATION_COLUMNS],
            _pick(rec["rows"], [k for k, _ in RECONCILIATION_COLUMNS]),
            [rec["product_source"], rec["public_source"], f"threshold: {rec['threshold']}"],
        ),
        "title10-reported": lambda: Table(
            f"Title 10 reported obligations FY{fy}",
            [h for _, h in TITLE10_REPORTED_COLUMNS],
            _pick(data["title10_reported"]["rows"], [k for k, _ in TITLE10_REPORTED_COLUMNS]),
            [data["title10_reported"]["source"], *data["title10_reported"]["caveats"]],
        ),
        "expiring-funds": lambda: Table(
            "Funds expiring",
            ["Appropriation", "Event", "On", "Days left", "Amount"],
            [
                [str(r["appropriation"]), r["event"], r["on"], r["days_left"], r["amount"]]
                for r in data["alerts"]["expiring_funds"]
            ],
        ),
        "overdue-clocks": lambda: Table(
            "Overdue clocks",
            ["Date", "What", "Rule", "Citation", "Team"],
            [[i.date, i.title, i.rule, i.citation, i.team] for i in data["alerts"]["overdue_clocks"]],
        ),
        "overdue-clearances": lambda: Table(
            "Overdue clearances",
            ["Subject", "Office", "Due"],
            [[c.subject_label, c.office.code, c.due_on] for c in data["alerts"]["overdue_clearances"]],
        ),
    }


PORTFOLIO_TABLE_NAMES = [
    "portfolio",
    "by-bureau",
    "reconciliation",
    "title10-reported",
    "expiring-funds",
    "overdue-clocks",
    "overdue-clearances",
]


def portfolio_table(data: dict[str, Any], name: str) -> Table:
    tables = _portfolio(data)
    if name not in tables:
        raise InvalidInput(f"table {name!r} is not a table of the portfolio", field="table", allowed=PORTFOLIO_TABLE_NAMES)
    return tables[name]()


def download_format(fmt: str) -> tuple[str, str]:
    """The checked format and its content type (anything but csv/xlsx is refused with the allowed list)."""
    return check_format(fmt), content_type(fmt)


IMPACT_SHEETS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Programs",
        "programs",
        [
            ("program", "Program"),
            ("verdict_now", "Verdict now"),
            ("verdict_with_restriction", "With the restriction"),
            ("reached", "Reached"),
        ],
    ),
    (
        "At risk",
        "at_risk",
        [
            ("program", "Program"),
            ("allocated", "Allocated"),
            ("obligated", "Obligated"),
            ("disbursed", "Disbursed"),
            ("unobligated", "Unobligated"),
            ("undisbursed", "Undisbursed"),
            ("proposed", "Title 10 proposed"),
        ],
    ),
    (
        "Funds lines",
        "funds_lines",
        [
            ("id", "Line"),
            ("fiscal_year", "FY"),
            ("program", "Program"),
            ("purpose", "Purpose"),
            ("status", "Status"),
            ("allocated", "Allocated"),
            ("obligated", "Obligated"),
            ("disbursed", "Disbursed"),
        ],
    ),
    (
        "Title 10 proposals",
        "proposals",
        [
            ("reference", "Reference"),
            ("title", "Title"),
            ("authority", "Authority"),
            ("fiscal_year", "FY"),
            ("status", "Status"),
            ("amount", "Proposed cost"),
        ],
    ),
    (
        "Notifications",
        "notifications",
        [("number", "CN"), ("title", "Title"), ("status", "Status"), ("program", "Program"), ("amount", "Amount")],
    ),
    ("Plans", "plans", [("kind", "Kind"), ("title", "Title"), ("date", "Date")]),
    (
        "Clocks",
        "clocks",
        [
            ("what", "What"),
            ("days", "Days"),
            ("direction", "Direction"),
            ("from", "From"),
            ("date", "Date"),
            ("citation", "Citation"),
        ],
    ),
]


def impact_workbook(data: dict[str, Any]) -> bytes:
    """The impact analysis as one workbook, a sheet per list, the query and caveats on the first."""
    from openpyxl import Workbook

    from secassist.core.exports import sheet_title, xlsx_bytes

    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Query"
    r = data["restriction"]
    first.append(
        [f"Impact of {r['rule_code']} {r['name']} ({r['citation']}) on {data['country']['name']} from {data['effective_on']}"]
    )
    first.append(["Hypothetical: nothing is recorded as a designation."])
    for caveat in data["caveats"]:
        first.append([caveat])
    for title, key, columns in IMPACT_SHEETS:
        ws = wb.create_sheet(sheet_title(title))
        ws.append([h for _, h in columns])
        for row in _pick(data[key], [k for k, _ in columns]):
            ws.append(row)
    return xlsx_bytes(wb)
