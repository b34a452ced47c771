"""`secassist import ledger FILE`: a whole ledger file through the bulk path (ADR 1001).

Columns (header row, any order; the user guide documents them):
    appropriation  the appropriation's id, `ACCOUNT FYyyyy` (e.g. `PKO FY2027`) when the account has one
                   appropriation that year, or `ACCOUNT FYyyyy PUBLIC LAW` (e.g. `PKO FY2027 P.L. 118-47`)
    recipient      the line's country (ISO3), regional program (code or name) or organisation/program name
    line           the line's purpose (blank for the recipient's main line)
    entry_type     allocate, reallocate (back to unallocated), apportion, obligate, deobligate, reobligate,
                   commit, disburse, transfer_fms
    amount         dollars, positive, at most two decimals
    date           the effective date, YYYY-MM-DD, not in the future
    document_ref   e.g. the MOA or LOA reference
    reason         free text
    document_type  optional; PKO and IMET obligations need `632(b) MOA` (BUD-012)

The file is staged (COPY / executemany), resolved and checked in set-based SQL: every funds rule a
posting obeys is evaluated for every row, the running totals of each line and appropriation in file
order included, and every bad row is reported with its line number. Then one INSERT … SELECT writes
the entries, one GROUP BY per level adds them to the balance rows (whose check constraints guard
the result once more), and one audit event records the file. All or nothing; the same bytes twice
change nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, connection, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import bulk, clock, dates
from secassist.core.errors import ImportRejected, RuleViolation
from secassist.core.money import fmt_money
from secassist.core.registry import registry
from secassist.reference.models import Country, PseudoRegion, Title22Account

from . import rules, workflow
from .models import Allocation, AllocationStatus, AllocationStatusChange, Appropriation, Balance, LedgerEntry, LedgerImport

REQUIRED = ["appropriation", "recipient", "line", "entry_type", "amount", "date", "document_ref", "reason"]
OPTIONAL = ["document_type"]
IMPORT_TYPES = (
    "allocate",
    "reallocate",
    "apportion",
    "obligate",
    "deobligate",
    "reobligate",
    "commit",
    "disburse",
    "transfer_fms",
)
MAX_SHOWN = 200
STAGE_DELTAS = ("allocated", "apportioned", "obligated", "committed", "disbursed", "deobligated", "reobligated")

# Each stage's change in cents, as SQL over the resolved row (the same effects as rules.effect_of).
DELTA_SQL = {
    "allocated": "CASE r.entry_type WHEN 'allocate' THEN r.cents WHEN 'reallocate' THEN -r.cents ELSE 0 END",
    "apportioned": "CASE WHEN r.entry_type = 'apportion' THEN r.cents ELSE 0 END",
    "obligated": (
        "CASE WHEN r.entry_type IN ('obligate', 'reobligate') OR (r.entry_type = 'apportion' AND r.account = 'FMF') "
        "THEN r.cents WHEN r.entry_type = 'deobligate' THEN -r.cents ELSE 0 END"
    ),
    "committed": "CASE WHEN r.entry_type = 'commit' THEN r.cents ELSE 0 END",
    "disbursed": "CASE WHEN r.entry_type IN ('disburse', 'transfer_fms') THEN r.cents ELSE 0 END",
    "deobligated": "CASE WHEN r.entry_type = 'deobligate' THEN r.cents ELSE 0 END",
    "reobligated": "CASE WHEN r.entry_type = 'reobligate' THEN r.cents ELSE 0 END",
}


def _amount_sql(raw: str) -> str:
    """Cents of a valid amount text, else NULL (positive, ≤ 13 integer digits, ≤ 2 decimals).

    `raw` is the staged column; surrounding blanks are allowed. The text is parsed as it is first and
    trimmed only when that fails (SQL has no common subexpressions: each mention is evaluated).
    No regular expressions: on PostgreSQL a match costs more than the rest of the row's typing."""

    if bulk.is_postgres():

        def parse(x: str) -> str:
            return (
                f"CASE WHEN {x} <> '' AND (translate({x}, '0123456789', '') = '' AND length({x}) <= 13 "
                f"OR translate({x}, '0123456789', '') = '.' AND strpos({x}, '.') BETWEEN 2 AND 14 "
                f"AND length({x}) - strpos({x}, '.') BETWEEN 1 AND 2) THEN CAST({x} AS numeric) * 100 END"
            )

        return f"COALESCE({parse(raw)}, {parse(f'trim({raw})')})"

    def parse_sqlite(x: str) -> str:
        return (
            f"CASE WHEN {x} <> '' AND {x} NOT GLOB '*[^0-9.]*' "
            f"AND (instr({x}, '.') = 0 AND length({x}) <= 13 OR instr({x}, '.') BETWEEN 2 AND 14 "
            f"AND length({x}) - instr({x}, '.') BETWEEN 1 AND 2 AND {x} NOT GLOB '*.*.*') THEN ROUND(CAST({x} AS REAL) * 100) END"
        )

    return f"COALESCE({parse_sqlite(raw)}, {parse_sqlite(f'trim({raw})')})"


def _date_sql(raw: str) -> str:
    """A valid YYYY-MM-DD date, else NULL (31 February is not a date on either engine)."""
    if bulk.is_postgres():

        def parse(x: str) -> str:
            y, m, d = (f"CAST(substr({x}, {i}, {n}) AS int)" for i, n in ((1, 4), (6, 2), (9, 2)))
            leap = f"(mod({y}, 4) = 0 AND mod({y}, 100) <> 0 OR mod({y}, 400) = 0)"
            days = f"CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END ELSE 31 END"
            # digits only (checked first), so comparing the two-digit texts in "C" order compares the numbers
            mm, dd = (f'substr({x}, {i}, 2) COLLATE "C"' for i in (6, 9))
            return (
                f"CASE WHEN length({x}) = 10 AND translate({x}, '0123456789', '') = '--' AND substr({x}, 5, 1) = '-' "
                f"AND substr({x}, 8, 1) = '-' AND substr({x}, 1, 4) <> '0000' AND {mm} BETWEEN '01' AND '12' THEN "
                f"CASE WHEN {dd} BETWEEN '01' AND '28' OR {d} <= {days} THEN CAST({x} AS date) END END"
            )

        return f"COALESCE({parse(raw)}, {parse(f'trim({raw})')})"

    def parse_sqlite(x: str) -> str:
        return f"CASE WHEN {x} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date({x}, '+0 days') = {x} THEN {x} END"

    return f"COALESCE({parse_sqlite(raw)}, {parse_sqlite(f'trim({raw})')})"


def _type_sql(raw: str) -> str:
    types = ", ".join(f"'{t}'" for t in IMPORT_TYPES)
    return f"CASE WHEN {raw} IN ({types}) THEN {raw} WHEN trim({raw}) IN ({types}) THEN trim({raw}) END"


def _temp(name: str, select: str) -> str:
    return f"CREATE TEMP TABLE {name} {'ON COMMIT DROP ' if bulk.is_postgres() else ''}AS {select}"


def _fetch(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _exec(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount or 0)


def _money_c(cents: Any) -> str:
    return fmt_money(Decimal(int(cents)) / 100)


def _cents(column: str) -> str:
    """A balance column (dollars) as integer cents: exact on PostgreSQL, and on SQLite's floats once rounded."""
    return f"CAST(ROUND({column} * 100) AS bigint)"


# ---------------------------------------------------------------- resolution


def _appropriation_keys() -> list[tuple[str, int]]:
    """Every accepted spelling of each appropriation; `ACCOUNT FYyyyy` only where it is unambiguous."""
    rows = list(Appropriation.objects.values_list("id", "account__code", "fiscal_year", "public_law"))
    per_year: dict[str, list[int]] = defaultdict(list)
    keys: list[tuple[str, int]] = []
    for pk, code, fy, law in rows:
        keys.append((str(pk), pk))
        keys.append((f"{code} FY{fy} {law}".upper(), pk))
        per_year[f"{code} FY{fy}".upper()].append(pk)
    keys += [(k, ids[0]) for k, ids in per_year.items() if len(ids) == 1]
    return list(dict(keys).items())


def _stage_keys(stage: bulk.Stage) -> None:
    """Resolve each distinct (appropriation, recipient, line) text of the file once.

    A file of a million rows names a few thousand lines: the names are matched (upper-cased,
    trimmed, by id, account and year, ISO3, region code or recipient name) once per distinct text
    in `ledger_keys`, with the line's status, account and periods of availability; the rows then
    find their key by one indexed lookup on the text as written."""
    a, c, p = Allocation._meta.db_table, Country._meta.db_table, PseudoRegion._meta.db_table
    appr, acct = Appropriation._meta.db_table, Title22Account._meta.db_table
    _exec(_temp("ledger_appr_keys", "SELECT CAST('' AS varchar(200)) AS k, CAST(0 AS bigint) AS appropriation_id WHERE 1 = 0"))
    bulk.load_rows("ledger_appr_keys", ["k", "appropriation_id"], _appropriation_keys())
    _exec("CREATE INDEX ledger_appr_keys_idx ON ledger_appr_keys (k)")
    _exec(
        _temp(
            "ledger_line_keys",
            f"SELECT appropriation_id, k, purpose, MIN(id) AS allocation_id FROM ("
            f" SELECT a.appropriation_id, upper(a.recipient_name) AS k, upper(a.purpose) AS purpose, a.id FROM {a} a"
            f" UNION ALL SELECT a.appropriation_id, upper(c.iso3), upper(a.purpose), a.id FROM {a} a"
            f"  JOIN {c} c ON c.id = a.country_id"
            f" UNION ALL SELECT a.appropriation_id, upper(p.code), upper(a.purpose), a.id FROM {a} a"
            f"  JOIN {p} p ON p.id = a.pseudo_region_id WHERE p.code <> ''"
            f") keys GROUP BY appropriation_id, k, purpose",
        )
    )
    _exec("CREATE INDEX ledger_line_keys_idx ON ledger_line_keys (appropriation_id, k, purpose)")
    raw = {name: f"COALESCE(s.{stage.col[name]}, '')" for name in ("appropriation", "recipient", "line")}
    _exec(
        _temp(
            "ledger_keys",
            # the casts give SQLite's columns a type, so the comparisons below can use their indexes
            f"SELECT CAST(ROW_NUMBER() OVER (ORDER BY f.a, f.r, f.l) AS bigint) AS key_id, f.a, f.r, f.l, ak.appropriation_id, "
            f" lk.allocation_id, ac.code AS account, al.status AS status, al.recipient_name AS name, "
            f" ap.obligation_period_end AS period_end, ap.reobligation_window_end AS window_end, "
            f" ap.cancellation_date AS cancel_on, ap.cancelled_recorded AS cancelled "
            f"FROM (SELECT DISTINCT CAST({raw['appropriation']} AS text) AS a, CAST({raw['recipient']} AS text) AS r, "
            f" CAST({raw['line']} AS text) AS l "
            f" FROM {stage.table} s) f "
            f"LEFT JOIN ledger_appr_keys ak ON ak.k = upper(trim(f.a)) "
            f"LEFT JOIN {appr} ap ON ap.id = ak.appropriation_id "
            f"LEFT JOIN {acct} ac ON ac.id = ap.account_id "
            f"LEFT JOIN ledger_line_keys lk ON lk.appropriation_id = ak.appropriation_id "
            f" AND lk.k = upper(trim(f.r)) AND lk.purpose = upper(trim(f.l)) "
            f"LEFT JOIN {a} al ON al.id = lk.allocation_id",
        )
    )
    _exec("CREATE UNIQUE INDEX ledger_keys_text ON ledger_keys (a, r, l)")
    _exec("CREATE UNIQUE INDEX ledger_keys_id ON ledger_keys (key_id)")


RESOLVED_COLUMNS = (
    ("line_no", "INTEGER PRIMARY KEY"),  # SQLite: the row id, so the rows stay in file order without a sort
    ("key_id", "INTEGER"),
    ("appropriation_id", "INTEGER"),
    ("allocation_id", "INTEGER"),
    ("account", "TEXT"),
    ("entry_type", "TEXT"),
    ("cents", "INTEGER"),
    ("effective_on", "TEXT"),
    ("document_type", "TEXT"),
    ("document_ref", "TEXT"),
    ("reason", "TEXT"),
)


def _resolve(stage: bulk.Stage) -> None:
    """One pass from text to typed, resolved rows; a NULL marks what did not parse or resolve."""
    col = stage.col
    text = {name: f"trim(COALESCE(s.{col[name]}, ''))" for name in ("document_ref", "reason")}
    text["document_type"] = f"trim(COALESCE(s.{col['document_type']}, ''))" if "document_type" in col else "''"
    raw = {name: f"CAST(COALESCE(s.{col[name]}, '') AS text)" for name in ("appropriation", "recipient", "line")}
    select = (
        f"SELECT s.line_no, k.key_id, k.appropriation_id, k.allocation_id, k.account, "
        f" {_type_sql('s.' + col['entry_type'])} AS entry_type, "
        f" CAST({_amount_sql('s.' + col['amount'])} AS bigint) AS cents, {_date_sql('s.' + col['date'])} AS effective_on, "
        f" {text['document_type']} AS document_type, {text['document_ref']} AS document_ref, {text['reason']} AS reason "
        # CROSS JOIN: SQLite walks the staged rows in file order and looks each key up by its index
        f"FROM {stage.table} s CROSS JOIN ledger_keys k "
        f"WHERE k.a = {raw['appropriation']} AND k.r = {raw['recipient']} AND k.l = {raw['line']}"
    )
    if bulk.is_postgres():
        _exec(_temp("ledger_resolved", select))
        return
    _exec(f"CREATE TEMP TABLE ledger_resolved ({', '.join(f'{n} {t}' for n, t in RESOLVED_COLUMNS)})")
    _exec(f"INSERT INTO ledger_resolved ({', '.join(n for n, _ in RESOLVED_COLUMNS)}) {select}")


def _summarise(today: Any) -> bool:
    """Count, cents, first line and dates per line and entry type: every later step that needs
    totals (balances, statuses, policy rules, the digest) reads this small table, not the rows.

    The same scan screens the rows for the per-row faults of `_row_faults` (ADR 1023): each group
    (one key, one entry type) keeps the extremes its rows' checks need (NULL counts, smallest
    amount, first and last date, longest document texts, smallest and largest document type), and
    `suspect` is set where any row of the group could fail one of them. Only then does
    `_row_faults` read the rows to name each bad one; a clean file is scanned once. Returns
    whether any group is suspect."""
    moa = rules.MOA_DOCUMENT
    expired_ok = ", ".join(f"'{t}'" for t in sorted(rules.EXPIRED_ALLOWED))
    suspect = (
        "CASE WHEN k.appropriation_id IS NULL OR k.allocation_id IS NULL OR g.entry_type IS NULL"
        " OR g.n_cents < g.n OR g.min_cents <= 0 OR g.n_on < g.n OR g.last_on > %s OR g.first_on < %s"
        " OR g.doc_type_len > 40 OR g.doc_ref_len > 120"
        " OR k.account = 'FMF' AND g.entry_type IN ('obligate', 'disburse')"
        " OR k.account <> 'FMF' AND g.entry_type = 'transfer_fms'"
        " OR k.account IN ('PKO', 'IMET') AND g.entry_type IN ('obligate', 'reobligate')"
        f"  AND (g.min_doc_type <> '{moa}' OR g.max_doc_type <> '{moa}' OR g.min_doc_ref = '')"
        " OR g.last_on > k.cancel_on OR k.cancelled"
        " OR g.last_on > k.period_end AND g.entry_type = 'reobligate' AND g.last_on > k.window_end"
        f" OR g.last_on > k.period_end AND g.entry_type NOT IN ({expired_ok})"
        " OR k.status IN ('planned', 'withdrawn')"
        "  AND g.entry_type IN ('apportion', 'obligate', 'reobligate', 'commit', 'disburse', 'transfer_fms')"
        " THEN 1 ELSE 0 END"
    )
    _exec(
        _temp(
            "ledger_summary",
            "SELECT k.appropriation_id, k.allocation_id, g.entry_type, k.account, g.n, g.cents, g.first_line, g.first_on, "
            f" g.last_on, {suspect} AS suspect FROM ("
            " SELECT r.key_id, r.entry_type, COUNT(*) AS n, SUM(r.cents) AS cents, MIN(r.line_no) AS first_line,"
            "  MIN(r.effective_on) AS first_on, MAX(r.effective_on) AS last_on, COUNT(r.cents) AS n_cents,"
            "  MIN(r.cents) AS min_cents, COUNT(r.effective_on) AS n_on, MAX(length(r.document_type)) AS doc_type_len,"
            "  MAX(length(r.document_ref)) AS doc_ref_len, MIN(r.document_type) AS min_doc_type,"
            "  MAX(r.document_type) AS max_doc_type, MIN(r.document_ref) AS min_doc_ref"
            " FROM ledger_resolved r GROUP BY r.key_id, r.entry_type"
            ") g JOIN ledger_keys k ON k.key_id = g.key_id",
        ),
        [today, dates.EARLIEST],
    )
    return bool(_fetch("SELECT 1 FROM ledger_summary WHERE suspect = 1 LIMIT 1"))


# ---------------------------------------------------------------- validation


def _row_faults(stage: bulk.Stage, today: Any) -> tuple[list[tuple[int, str]], int]:
    """What is wrong with each row on its own (format, resolution, account, dates, status)."""
    moa = rules.MOA_DOCUMENT
    expired_ok = ", ".join(f"'{t}'" for t in sorted(rules.EXPIRED_ALLOWED))
    col = stage.col
    rows = _fetch(
        f"""
        SELECT f.line_no, f.fault, k.a, k.r, k.l, s.{col["entry_type"]}, s.{col["amount"]}, s.{col["date"]}, k.account,
               k.name, k.status, k.period_end, k.window_end, k.cancel_on, f.document_type, f.total
        FROM (
          SELECT line_no, key_id, document_type, fault, COUNT(*) OVER () AS total FROM (
            SELECT r.line_no, r.key_id, r.document_type, CASE
              WHEN r.appropriation_id IS NULL THEN 'appropriation'
              WHEN r.allocation_id IS NULL THEN 'recipient'
              WHEN r.entry_type IS NULL THEN 'entry_type'
              WHEN r.cents IS NULL OR r.cents <= 0 THEN 'amount'
              WHEN r.effective_on IS NULL THEN 'date'
              WHEN r.effective_on > %s THEN 'future'
              WHEN r.effective_on < %s THEN 'date_range'
              WHEN length(r.document_type) > 40 OR length(r.document_ref) > 120 THEN 'document'
              WHEN r.account = 'FMF' AND r.entry_type = 'obligate' THEN 'BUD-010'
              WHEN r.account = 'FMF' AND r.entry_type = 'disburse' THEN 'BUD-011'
              WHEN r.account <> 'FMF' AND r.entry_type = 'transfer_fms' THEN 'BUD-011'
              WHEN r.account IN ('PKO', 'IMET') AND r.entry_type IN ('obligate', 'reobligate')
                   AND (r.document_type <> '{moa}' OR r.document_ref = '') THEN 'BUD-012'
              WHEN r.effective_on > k.cancel_on OR k.cancelled THEN 'BUD-005'
              WHEN r.effective_on > k.period_end AND r.entry_type = 'reobligate' AND r.effective_on > k.window_end
                   THEN 'BUD-004'
              WHEN r.effective_on > k.period_end AND r.entry_type NOT IN ({expired_ok})
                   AND r.entry_type IN ('obligate', 'apportion') THEN 'BUD-004'
              WHEN r.effective_on > k.period_end AND r.entry_type NOT IN ({expired_ok}) THEN 'BUD-005'
              WHEN k.status IN ('planned', 'withdrawn')
                   AND r.entry_type IN ('apportion', 'obligate', 'reobligate', 'commit', 'disburse', 'transfer_fms')
                   THEN 'BUD-016'
            END AS fault FROM ledger_resolved r CROSS JOIN ledger_keys k WHERE k.key_id = r.key_id
          ) x WHERE fault IS NOT NULL ORDER BY line_no LIMIT {MAX_SHOWN}
        ) f JOIN ledger_keys k ON k.key_id = f.key_id JOIN {stage.table} s ON s.line_no = f.line_no
        ORDER BY f.line_no
        """,
        [today, dates.EARLIEST],
    )
    total = int(rows[0][-1]) if rows else 0
    return [(int(r[0]), _fault_text(r)) for r in rows], total


def _fault_text(r: tuple[Any, ...]) -> str:
    (_, fault, appr, recipient, line, etype, amount, date, account, name, status, period_end, window_end, cancel_on, doc) = (
        v.strip() if isinstance(v, str) and i in range(2, 8) else ("" if v is None and i in range(2, 8) else v)
        for i, v in enumerate(r[:15])
    )
    texts = {
        "appropriation": f"column appropriation: {appr!r} is not a known appropriation "
        "(give its id, 'ACCOUNT FYyyyy', or 'ACCOUNT FYyyyy PUBLIC LAW' when the account has several that year)",
        "recipient": f"column recipient: {appr} has no line for {recipient!r}" + (f" with purpose {line!r}" if line else ""),
        "entry_type": f"column entry_type: {etype!r} must be one of {', '.join(IMPORT_TYPES)}",
        "amount": f"column amount: {amount!r} is not a positive amount of dollars (at most 13 digits and 2 decimals)",
        "date": f"column date: {date!r} is not a date as YYYY-MM-DD",
        "future": f"column date: {date} is in the future",
        "date_range": f"column date: {date} is before {dates.EARLIEST.isoformat()}, the earliest date secassist keeps",
        "document": "column document_type/document_ref: longer than 40/120 characters",
        "BUD-010": "BUD-010: FMF is obligated upon apportionment; post 'apportion' instead of 'obligate'",
        "BUD-011": f"BUD-011: {account} cannot take a '{etype}' entry "
        + ("(FMF is expended by transfer_fms)" if account == "FMF" else "(only FMF is transferred to the FMS Trust Fund)"),
        "BUD-012": f"BUD-012: {account} is obligated by the FAA §632(b) MOA: give document_type "
        f"'{rules.MOA_DOCUMENT}' and the MOA reference (got {doc or '(none)'!s})",
        "BUD-005": f"BUD-005: {appr} cancelled on {cancel_on} or accepts no '{etype}' after its period ended on "
        f"{period_end} (entry dated {date})",
        "BUD-004": f"BUD-004: {appr} expired for new obligations on {period_end} (reobligation window to {window_end}); "
        f"a '{etype}' dated {date} is not allowed",
        "BUD-016": f"BUD-016: {name} is {status}: money cannot be {rules.MOVES_MONEY.get(etype, etype)} on it; "
        "approve the line first",
    }
    return texts[fault] + f" [{rules.RULES[fault][1]}]" if fault.startswith("BUD-") else texts[fault]


def _running_faults() -> tuple[list[tuple[int, str]], int]:
    """Running totals per line and per appropriation, in file order, from the current balances.

    Each line's current balance enters its window as a row numbered 0, so the running sums start
    from it without a join per row."""
    bal = Balance._meta.db_table
    base = ", ".join(f"{_cents('b.' + s)} AS {s}" for s in STAGE_DELTAS)
    deltas = ", ".join(f"{DELTA_SQL[s]} AS {s}" for s in STAGE_DELTAS)
    sums = ", ".join(f"SUM(u.{s}) OVER w AS {s}" for s in STAGE_DELTAS)
    rows = _fetch(
        f"""
        SELECT f.line_no, f.fault, k.name, f.entry_type, f.cents, f.allocated, f.apportioned, f.obligated, f.committed,
               f.disbursed, f.deobligated, f.reobligated, f.total FROM (
          SELECT t.*, COUNT(*) OVER () AS total FROM (
            SELECT w.*, CASE
              WHEN entry_type = 'reallocate' AND allocated < obligated THEN 'BUD-002'
              WHEN entry_type = 'reallocate' AND allocated < apportioned THEN 'BUD-002'
              WHEN apportioned > allocated THEN 'BUD-013'
              WHEN obligated > allocated THEN 'BUD-002'
              WHEN account <> 'FMF' AND entry_type IN ('obligate', 'reobligate') AND obligated > apportioned THEN 'BUD-013'
              WHEN entry_type = 'deobligate' AND (obligated < 0 OR obligated < disbursed) THEN 'BUD-015'
              WHEN reobligated > deobligated THEN 'BUD-014'
              WHEN disbursed > obligated OR committed > obligated THEN 'BUD-003'
              WHEN allocated < 0 OR apportioned < 0 OR obligated < 0 OR committed < 0 OR disbursed < 0 THEN 'BUD-017'
            END AS fault FROM (
              SELECT u.line_no, u.key_id, u.entry_type, u.account, u.cents, {sums} FROM (
                SELECT 0 AS line_no, CAST(NULL AS bigint) AS key_id, b.allocation_id, '' AS entry_type, '' AS account,
                       0 AS cents, {base}
                FROM {bal} b WHERE b.allocation_id IN (SELECT allocation_id FROM ledger_keys)
                UNION ALL
                SELECT r.line_no, r.key_id, r.allocation_id, r.entry_type, r.account, r.cents, {deltas}
                FROM ledger_resolved r
              ) u WINDOW w AS (PARTITION BY u.allocation_id ORDER BY u.line_no ROWS UNBOUNDED PRECEDING)
            ) w WHERE w.line_no > 0
          ) t WHERE fault IS NOT NULL ORDER BY line_no LIMIT {MAX_SHOWN}
        ) f JOIN ledger_keys k ON k.key_id = f.key_id ORDER BY f.line_no
        """
    )
    out = [(int(r[0]), _running_text(r)) for r in rows]
    total = int(rows[0][-1]) if rows else 0
    over_rows, over_total = _appropriation_faults()
    return out + over_rows, total + over_total


def _appropriation_faults() -> tuple[list[tuple[int, str]], int]:
    """BUD-001 in file order, for the appropriations whose allocations could pass their total at all
    (the current allocations plus every allocation of the file, before any reallocation)."""
    bal = Balance._meta.db_table
    at_risk = [
        int(r[0])
        for r in _fetch(
            f"SELECT s.appropriation_id FROM ledger_summary s "
            f"JOIN {bal} b ON b.appropriation_id = s.appropriation_id AND b.allocation_id IS NULL "
            f"GROUP BY s.appropriation_id, b.allocated, b.appropriated "
            f"HAVING {_cents('b.allocated')} + SUM(CASE WHEN s.entry_type = 'allocate' THEN s.cents ELSE 0 END) "
            f" > {_cents('b.appropriated')}"
        )
    ]
    if not at_risk:
        return [], 0
    over = _fetch(
        f"""
        SELECT line_no, appropriated, allocated, cents, raw_appropriation, COUNT(*) OVER () FROM (
          SELECT r.line_no, r.cents, k.a AS raw_appropriation, {_cents("b.appropriated")} AS appropriated,
                 {_cents("b.allocated")} + SUM({DELTA_SQL["allocated"]}) OVER w AS allocated
          FROM ledger_resolved r JOIN {bal} b ON b.appropriation_id = r.appropriation_id AND b.allocation_id IS NULL
          JOIN ledger_keys k ON k.key_id = r.key_id
          WHERE r.entry_type IN ('allocate', 'reallocate') AND r.appropriation_id IN ({", ".join(["%s"] * len(at_risk))})
          WINDOW w AS (PARTITION BY r.appropriation_id ORDER BY r.line_no ROWS UNBOUNDED PRECEDING)
        ) t WHERE allocated > appropriated ORDER BY line_no LIMIT {MAX_SHOWN}
        """,
        at_risk,
    )
    out = [
        (
            int(line_no),
            f"BUD-001: allocating {_money_c(amount)} would bring allocations of {str(appr).strip()} to "
            f"{_money_c(allocated)}, more than the {_money_c(appropriated)} appropriated [{rules.RULES['BUD-001'][1]}]",
        )
        for line_no, appropriated, allocated, amount, appr, _ in over
    ]
    return out, int(over[0][-1]) if over else 0


def _running_text(r: tuple[Any, ...]) -> str:
    _, code, name, etype, amount, allocated, apportioned, obligated, committed, disbursed, deob, reob = r[:12]
    m = _money_c
    after = {
        "BUD-002": f"allocation {m(allocated)}, apportioned {m(apportioned)}, obligated {m(obligated)}",
        "BUD-013": f"allocation {m(allocated)}, apportioned {m(apportioned)}, obligated {m(obligated)}",
        "BUD-015": f"obligated {m(obligated)}, disbursed {m(disbursed)}",
        "BUD-014": f"reobligated {m(reob)}, deobligated {m(deob)}",
        "BUD-003": f"obligated {m(obligated)}, committed {m(committed)}, disbursed {m(disbursed)}",
        "BUD-017": "a stage would become negative",
    }[code]
    return f"{code}: {etype} of {m(amount)} on {name} would leave {after} ({rules.RULES[code][0]}) [{rules.RULES[code][1]}]"


def _policy_faults() -> list[tuple[int, str]]:
    """Rules that ask other apps or look across lines, once per line (not per row): CN gate,
    restrictions, earmarks. The strictest case of the file is asked: the line's whole obligating
    amount on its earliest obligating date."""
    from . import services

    out: list[tuple[int, str]] = []
    obligating = "(r.entry_type IN ('obligate', 'reobligate') OR (r.account = 'FMF' AND r.entry_type = 'apportion'))"
    rows = _fetch(
        f"SELECT r.allocation_id, MIN(r.first_line), MIN(r.first_on), MAX(r.last_on), "
        f" SUM(CASE WHEN {obligating} THEN r.cents ELSE 0 END), MIN(CASE WHEN {obligating} THEN r.first_on END), "
        f" MIN(CASE WHEN {obligating} THEN r.first_line END) "
        f"FROM ledger_summary r WHERE {obligating} OR r.entry_type = 'allocate' GROUP BY r.allocation_id"
    )
    if not rows:
        return out
    gate, check = registry.service("congress.obligation_gate"), registry.service("restrictions.check")
    if gate is None and check is None:  # nothing to ask: the rule on unknown notifications reads two fields
        lines: dict[int, Any] = {
            pk: SimpleNamespace(notification_required=required, recipient_name=name)
            for pk, required, name in Allocation.objects.filter(pk__in=[r[0] for r in rows]).values_list(
                "id", "notification_required", "recipient_name"
            )
        }
    else:
        lines = Allocation.objects.select_related("country", "appropriation__account").in_bulk([r[0] for r in rows])
    for alloc_id, first_line, first_on, last_on, oblig_cents, oblig_on, oblig_line in rows:
        line = lines[alloc_id]
        if oblig_cents:
            try:
                problems = services._cn_gate(line, Decimal(int(oblig_cents)) / 100, _as_date(oblig_on))
            except RuleViolation as exc:
                out.append((int(oblig_line), exc.message))
            else:
                out += [(int(oblig_line), f"{p.code}: {p.message}") for p in problems]
        if check is not None:
            for on in sorted({_as_date(first_on), _as_date(last_on)}):
                out += [(int(first_line), f"{p.code}: {p.message}") for p in services._restrictions(line, on)]
    return out + _earmark_faults()


def _earmark_faults() -> list[tuple[int, str]]:
    from .models import Earmark

    moved = _fetch(
        f"SELECT r.appropriation_id, r.allocation_id, MIN(r.first_line), SUM({DELTA_SQL['allocated']}) FROM ledger_summary r "
        "WHERE r.entry_type IN ('allocate', 'reallocate') GROUP BY r.appropriation_id, r.allocation_id"
    )
    by_appr: dict[int, dict[int, Decimal]] = defaultdict(dict)
    first: dict[int, int] = {}
    for appr_id, alloc_id, line_no, delta in moved:
        by_appr[appr_id][alloc_id] = Decimal(int(delta)) / 100
        first[appr_id] = min(first.get(appr_id, line_no), line_no)
    out = []
    with_earmarks = set(Earmark.objects.filter(appropriation_id__in=by_appr).values_list("appropriation_id", flat=True))
    from . import services

    for appr in Appropriation.objects.filter(pk__in=with_earmarks):
        before, after = services._line_views(appr, by_appr[appr.pk])
        total = Balance.objects.get(appropriation=appr, allocation__isnull=True)
        found = rules.check_earmarks(services._earmark_views(appr), before, after, total.appropriated, "import")
        out += [(first[appr.pk], f"{r.code}: {r.message}") for r in found]
    return out


def _as_date(value: Any) -> Any:
    import datetime as dt

    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _reject(path: Path, problems: list[tuple[int, str]], count: int) -> None:
    problems.sort(key=lambda p: p[0])
    items = [f"line {line}: {text}" for line, text in problems[:MAX_SHOWN]]
    raise ImportRejected(
        f"{path.name}: {count} problem(s); nothing was imported. First: {items[0]}",
        problems=items,
        problem_count=count,
        path=str(path),
    )


# ---------------------------------------------------------------- writing


def _insert_entries(now: Any, actor: Any) -> tuple[int, int, int]:
    entry = LedgerEntry._meta.db_table
    if bulk.is_postgres():  # keep the file's ids contiguous: postings wait the few seconds of the insert
        _exec(f"LOCK TABLE {entry} IN SHARE ROW EXCLUSIVE MODE")
    before = int(_fetch(f"SELECT COALESCE(MAX(id), 0) FROM {entry}")[0][0])
    amount = "CAST(r.cents AS numeric) / 100" if bulk.is_postgres() else "r.cents / 100.0"
    flags = "CAST('[]' AS jsonb)" if bulk.is_postgres() else "'[]'"
    inserted = _exec(
        f"INSERT INTO {entry} (appropriation_id, allocation_id, to_allocation_id, entry_type, amount, effective_on, posted_at, "
        f" document_type, document_ref, actor_id, actor_username, reason, reverses_id, earmark_override, flags) "
        f"SELECT r.appropriation_id, r.allocation_id, NULL, r.entry_type, {amount}, r.effective_on, %s, r.document_type, "
        f" r.document_ref, %s, %s, r.reason, NULL, %s, {flags} FROM ledger_resolved r ORDER BY r.line_no",
        [now, getattr(actor, "pk", None), getattr(actor, "username", "") or "system", False],
    )
    first, last = _fetch(f"SELECT MIN(id), MAX(id) FROM {entry} WHERE id > %s", [before])[0]
    return inserted, int(first or 0), int(last or 0)


def _add_to_balances(now: Any) -> None:
    """One GROUP BY per level (lines, then appropriation totals) of the summary, added to the balance rows."""
    bal = Balance._meta.db_table
    sums = ", ".join(f"SUM({DELTA_SQL[s]}) AS {s}" for s in STAGE_DELTAS)
    sets = ", ".join(f"{s} = ROUND({bal}.{s} + d.{s} / 100.0, 2)" for s in STAGE_DELTAS)
    if bulk.is_postgres():
        sets = ", ".join(f"{s} = {bal}.{s} + CAST(d.{s} AS numeric) / 100" for s in STAGE_DELTAS)
    try:
        with transaction.atomic():
            _exec(
                f"UPDATE {bal} SET {sets}, entries = {bal}.entries + d.n, updated_at = %s "
                f"FROM (SELECT r.allocation_id, SUM(r.n) AS n, {sums} FROM ledger_summary r GROUP BY r.allocation_id) d "
                f"WHERE {bal}.allocation_id = d.allocation_id",
                [now],
            )
            _exec(
                f"UPDATE {bal} SET {sets}, entries = {bal}.entries + d.n, updated_at = %s "
                f"FROM (SELECT r.appropriation_id, SUM(r.n) AS n, {sums} FROM ledger_summary r GROUP BY r.appropriation_id) d "
                f"WHERE {bal}.appropriation_id = d.appropriation_id AND {bal}.allocation_id IS NULL",
                [now],
            )
    except IntegrityError as exc:  # the constraints caught what the checks should have: refuse, never corrupt
        raise RuleViolation(
            f"BUD-017: the balances would break a ledger invariant ({exc}); nothing was imported", code="BUD-017"
        ) from None


def _advance_statuses(actor: Any, now: Any) -> int:
    """Lines move forward as postings would move them (apportioned, obligated, expended), in bulk."""
    reached: dict[int, str] = {}
    for alloc_id, etype in _fetch("SELECT DISTINCT allocation_id, entry_type FROM ledger_summary"):
        target = str(workflow.AFTER_POSTING.get(etype) or "")
        if target and (alloc_id not in reached or workflow.ORDER.index(target) > workflow.ORDER.index(reached[alloc_id])):
            reached[alloc_id] = target
    changes = []
    current = dict(Allocation.objects.filter(pk__in=reached).values_list("id", "status"))
    moves: dict[tuple[str, str], list[int]] = defaultdict(list)
    for alloc_id, target in reached.items():
        old = current[alloc_id]
        if (
            old != AllocationStatus.WITHDRAWN
            and old in workflow.ORDER
            and workflow.ORDER.index(target) > workflow.ORDER.index(old)
        ):
            moves[(old, target)].append(alloc_id)
    by = actor if getattr(actor, "pk", None) else None
    for (old, new), ids in moves.items():
        Allocation.objects.filter(pk__in=ids, status=old).update(status=new)
        changes += [
            AllocationStatusChange(allocation_id=i, from_status=old, to_status=new, at=now, by=by, reason="ledger import")
            for i in ids
        ]
    AllocationStatusChange.objects.bulk_create(changes, batch_size=2000)
    return len(changes)


def _digest() -> str:
    """SHA-256 of the file's control totals (count and cents per appropriation, line and entry type)."""
    rows = _fetch(
        "SELECT appropriation_id, allocation_id, entry_type, SUM(n), SUM(cents) FROM ledger_summary "
        "GROUP BY appropriation_id, allocation_id, entry_type ORDER BY appropriation_id, allocation_id, entry_type"
    )
    return hashlib.sha256(json.dumps([[int(a), int(b), t, int(n), int(c)] for a, b, t, n, c in rows]).encode()).hexdigest()


def import_ledger(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    if acting_user is not None:
        require(acting_user, "budget.edit")
    path = Path(path)
    header = bulk.read_header(path)
    bulk.require_columns(path, header, REQUIRED)
    sha = bulk.sha256_of(path)
    done = LedgerImport.objects.filter(sha256=sha).first()
    if done is not None:
        return {"rows": done.rows, "created": 0, "unchanged": done.rows, "sha256": sha}
    try:
        with transaction.atomic():
            return _import(path, sha, acting_user, progress)
    except IntegrityError:  # the same file committed meanwhile by another process
        done = LedgerImport.objects.filter(sha256=sha).first()
        if done is None:
            raise
        return {"rows": done.rows, "created": 0, "unchanged": done.rows, "sha256": sha}


TEMP_TABLES = ("ledger_stage", "ledger_appr_keys", "ledger_line_keys", "ledger_keys", "ledger_resolved", "ledger_summary")


def _import(path: Path, sha: str, actor: Any, progress: bool) -> dict[str, Any]:
    now = clock.now()
    for table in TEMP_TABLES:  # left by an import refused earlier on this connection (SQLite keeps them)
        bulk.drop_stage(table)
    with bulk.working_memory():
        stage = bulk.stage_csv(path, table="ledger_stage", progress=progress, desc=f"staging {path.name}")
        if stage.rows == 0:
            raise ImportRejected(f"{path.name} has no rows", problems=["the file has a header and no rows"], path=str(path))
        _stage_keys(stage)
        _resolve(stage)
        today = clock.today()
        problems, count = _row_faults(stage, today) if _summarise(today) else ([], 0)
        if not problems:
            problems, count = _running_faults()
        if not problems:
            problems = _policy_faults()
            count = len(problems)
        if problems:
            _reject(path, problems, count)
        inserted, first, last = _insert_entries(now, actor)
        _add_to_balances(now)
        status_changes = _advance_statuses(actor, now)
        digest = _digest()
    imp = LedgerImport.objects.create(
        sha256=sha,
        file_name=path.name[:300],
        rows=inserted,
        digest=digest,
        imported_at=now,
        first_entry_id=first,
        last_entry_id=last,
    )
    record(
        actor=actor,
        action="budget.ledger.import",
        obj=imp,
        after={
            "file": path.name,
            "sha256": sha,
            "rows": inserted,
            "digest": digest,
            "entries": [first, last],
            "status_changes": status_changes,
        },
    )
    for table in TEMP_TABLES:
        bulk.drop_stage(table)
    return {"rows": inserted, "created": inserted, "sha256": sha, "digest": digest, "status_changes": status_changes}
