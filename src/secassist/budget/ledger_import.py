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
from typing import Any

from django.db import IntegrityError, connection, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import bulk, clock
from secassist.core.errors import ImportRejected, RuleViolation
from secassist.core.money import fmt_money
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


def _amount_sql(x: str) -> str:
    """Cents of a valid amount text, else NULL (positive, ≤ 13 integer digits, ≤ 2 decimals)."""
    if bulk.is_postgres():
        return f"CASE WHEN {x} ~ '^[0-9]{{1,13}}(\\.[0-9]{{1,2}})?$' THEN CAST({x} AS numeric) * 100 END"
    return (
        f"CASE WHEN {x} <> '' AND {x} NOT GLOB '*[^0-9.]*' AND {x} NOT GLOB '*.*.*' AND {x} NOT GLOB '.*' "
        f"AND (instr({x}, '.') = 0 AND length({x}) <= 13 OR instr({x}, '.') BETWEEN 2 AND 14 "
        f"AND length({x}) - instr({x}, '.') BETWEEN 1 AND 2) THEN ROUND(CAST({x} AS REAL) * 100) END"
    )


def _date_sql(x: str) -> str:
    """A valid YYYY-MM-DD date, else NULL (31 February is not a date on either engine)."""
    if bulk.is_postgres():
        pattern = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        first = f"CAST(substr({x}, 1, 8) || '01' AS date) + (CAST(substr({x}, 9, 2) AS int) - 1)"
        return f"CASE WHEN {x} ~ '{pattern}' THEN CASE WHEN to_char({first}, 'YYYY-MM-DD') = {x} THEN CAST({x} AS date) END END"
    return f"CASE WHEN {x} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date({x}, '+0 days') = {x} THEN {x} END"


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


def _stage_keys() -> None:
    for table in ("ledger_appr_keys", "ledger_line_keys"):
        bulk.drop_stage(table)
    _exec(_temp("ledger_appr_keys", "SELECT CAST('' AS varchar(200)) AS k, CAST(0 AS bigint) AS appropriation_id WHERE 1 = 0"))
    bulk.load_rows("ledger_appr_keys", ["k", "appropriation_id"], _appropriation_keys())
    a, c, p = Allocation._meta.db_table, Country._meta.db_table, PseudoRegion._meta.db_table
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


def _resolve(stage: bulk.Stage) -> None:
    """One pass from text to typed, resolved rows; a NULL marks what did not parse or resolve."""
    col = stage.col
    text = {name: f"trim(COALESCE(s.{col[name]}, ''))" for name in REQUIRED}
    text["document_type"] = f"trim(COALESCE(s.{col['document_type']}, ''))" if "document_type" in col else "''"
    types = ", ".join(f"'{t}'" for t in IMPORT_TYPES)
    alloc, acct, appr = Allocation._meta.db_table, Title22Account._meta.db_table, Appropriation._meta.db_table
    bulk.drop_stage("ledger_resolved")
    _exec(
        _temp(
            "ledger_resolved",
            f"SELECT s.line_no, ak.appropriation_id, lk.allocation_id, ac.code AS account, "
            f" CASE WHEN {text['entry_type']} IN ({types}) THEN {text['entry_type']} END AS entry_type, "
            f" CAST({_amount_sql(text['amount'])} AS bigint) AS cents, {_date_sql(text['date'])} AS effective_on, "
            f" {text['document_type']} AS document_type, {text['document_ref']} AS document_ref, {text['reason']} AS reason, "
            f" {text['appropriation']} AS raw_appropriation, {text['recipient']} AS raw_recipient, {text['line']} AS raw_line, "
            f" {text['entry_type']} AS raw_type, {text['amount']} AS raw_amount, {text['date']} AS raw_date, "
            f" al.status AS status, al.recipient_name AS name, ap.obligation_period_end AS period_end, "
            f" ap.reobligation_window_end AS window_end, ap.cancellation_date AS cancel_on, ap.cancelled_recorded AS cancelled "
            f"FROM {stage.table} s "
            f"LEFT JOIN ledger_appr_keys ak ON ak.k = upper({text['appropriation']}) "
            f"LEFT JOIN {appr} ap ON ap.id = ak.appropriation_id "
            f"LEFT JOIN {acct} ac ON ac.id = ap.account_id "
            f"LEFT JOIN ledger_line_keys lk ON lk.appropriation_id = ak.appropriation_id "
            f" AND lk.k = upper({text['recipient']}) AND lk.purpose = upper({text['line']}) "
            f"LEFT JOIN {alloc} al ON al.id = lk.allocation_id",
        )
    )


# ---------------------------------------------------------------- validation


def _row_faults(today: Any) -> tuple[list[tuple[int, str]], int]:
    """What is wrong with each row on its own (format, resolution, account, dates, status)."""
    moa = rules.MOA_DOCUMENT
    expired_ok = ", ".join(f"'{t}'" for t in sorted(rules.EXPIRED_ALLOWED))
    rows = _fetch(
        f"""
        SELECT line_no, fault, raw_appropriation, raw_recipient, raw_line, raw_type, raw_amount, raw_date, account,
               name, status, period_end, window_end, cancel_on, document_type, COUNT(*) OVER () FROM (
          SELECT r.*, CASE
            WHEN r.appropriation_id IS NULL THEN 'appropriation'
            WHEN r.allocation_id IS NULL THEN 'recipient'
            WHEN r.entry_type IS NULL THEN 'entry_type'
            WHEN r.cents IS NULL OR r.cents <= 0 THEN 'amount'
            WHEN r.effective_on IS NULL THEN 'date'
            WHEN r.effective_on > %s THEN 'future'
            WHEN length(r.document_type) > 40 OR length(r.document_ref) > 120 THEN 'document'
            WHEN r.account = 'FMF' AND r.entry_type = 'obligate' THEN 'BUD-010'
            WHEN r.account = 'FMF' AND r.entry_type = 'disburse' THEN 'BUD-011'
            WHEN r.account <> 'FMF' AND r.entry_type = 'transfer_fms' THEN 'BUD-011'
            WHEN r.account IN ('PKO', 'IMET') AND r.entry_type IN ('obligate', 'reobligate')
                 AND (r.document_type <> '{moa}' OR r.document_ref = '') THEN 'BUD-012'
            WHEN r.effective_on > r.cancel_on OR r.cancelled THEN 'BUD-005'
            WHEN r.effective_on > r.period_end AND r.entry_type = 'reobligate' AND r.effective_on > r.window_end THEN 'BUD-004'
            WHEN r.effective_on > r.period_end AND r.entry_type NOT IN ({expired_ok})
                 AND r.entry_type IN ('obligate', 'apportion') THEN 'BUD-004'
            WHEN r.effective_on > r.period_end AND r.entry_type NOT IN ({expired_ok}) THEN 'BUD-005'
            WHEN r.status IN ('planned', 'withdrawn')
                 AND r.entry_type IN ('apportion', 'obligate', 'reobligate', 'commit', 'disburse', 'transfer_fms') THEN 'BUD-016'
          END AS fault FROM ledger_resolved r
        ) f WHERE fault IS NOT NULL ORDER BY line_no LIMIT {MAX_SHOWN}
        """,
        [today],
    )
    total = int(rows[0][-1]) if rows else 0
    return [(int(r[0]), _fault_text(r)) for r in rows], total


def _fault_text(r: tuple[Any, ...]) -> str:
    (_, fault, appr, recipient, line, etype, amount, date, account, name, status, period_end, window_end, cancel_on, doc) = r[:15]
    texts = {
        "appropriation": f"column appropriation: {appr!r} is not a known appropriation "
        "(give its id, 'ACCOUNT FYyyyy', or 'ACCOUNT FYyyyy PUBLIC LAW' when the account has several that year)",
        "recipient": f"column recipient: {appr} has no line for {recipient!r}" + (f" with purpose {line!r}" if line else ""),
        "entry_type": f"column entry_type: {etype!r} must be one of {', '.join(IMPORT_TYPES)}",
        "amount": f"column amount: {amount!r} is not a positive amount of dollars (at most 13 digits and 2 decimals)",
        "date": f"column date: {date!r} is not a date as YYYY-MM-DD",
        "future": f"column date: {date} is in the future",
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
        "BUD-016": f"BUD-016: {name} is {status}: money cannot be {etype}d on it; approve the line first",
    }
    return texts[fault] + f" [{rules.RULES[fault][1]}]" if fault.startswith("BUD-") else texts[fault]


def _running_faults() -> tuple[list[tuple[int, str]], int]:
    """Running totals per line and per appropriation, in file order, from the current balances."""
    bal = Balance._meta.db_table
    cents = {s: f"CAST(ROUND(b.{s} * 100) AS bigint)" for s in (*STAGE_DELTAS, "appropriated")}
    line_sums = ", ".join(f"{cents[s]} + SUM({DELTA_SQL[s]}) OVER w AS {s}" for s in STAGE_DELTAS)
    rows = _fetch(
        f"""
        SELECT line_no, fault, name, entry_type, cents, allocated, apportioned, obligated, committed, disbursed,
               deobligated, reobligated, COUNT(*) OVER () FROM (
          SELECT t.*, CASE
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
            SELECT r.line_no, r.name, r.entry_type, r.account, r.cents, {line_sums}
            FROM ledger_resolved r JOIN {bal} b ON b.allocation_id = r.allocation_id
            WHERE r.cents > 0 AND r.entry_type IS NOT NULL AND r.effective_on IS NOT NULL
            WINDOW w AS (PARTITION BY r.allocation_id ORDER BY r.line_no ROWS UNBOUNDED PRECEDING)
          ) t
        ) f WHERE fault IS NOT NULL ORDER BY line_no LIMIT {MAX_SHOWN}
        """
    )
    out = [(int(r[0]), _running_text(r)) for r in rows]
    total = int(rows[0][-1]) if rows else 0
    over = _fetch(
        f"""
        SELECT line_no, appropriated, allocated, cents, raw_appropriation, COUNT(*) OVER () FROM (
          SELECT r.line_no, r.cents, r.raw_appropriation, {cents["appropriated"]} AS appropriated,
                 {cents["allocated"]} + SUM({DELTA_SQL["allocated"]}) OVER w AS allocated
          FROM ledger_resolved r JOIN {bal} b ON b.appropriation_id = r.appropriation_id AND b.allocation_id IS NULL
          WHERE r.cents > 0 AND r.entry_type IN ('allocate', 'reallocate') AND r.allocation_id IS NOT NULL
          WINDOW w AS (PARTITION BY r.appropriation_id ORDER BY r.line_no ROWS UNBOUNDED PRECEDING)
        ) t WHERE allocated > appropriated ORDER BY line_no LIMIT {MAX_SHOWN}
        """
    )
    for line_no, appropriated, allocated, amount, appr, _ in over:
        out.append(
            (
                int(line_no),
                f"BUD-001: allocating {_money_c(amount)} would bring allocations of {appr} to {_money_c(allocated)}, "
                f"more than the {_money_c(appropriated)} appropriated [{rules.RULES['BUD-001'][1]}]",
            )
        )
    return out, total + (int(over[0][-1]) if over else 0)


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
    out: list[tuple[int, str]] = []
    obligating = "(r.entry_type IN ('obligate', 'reobligate') OR (r.account = 'FMF' AND r.entry_type = 'apportion'))"
    rows = _fetch(
        f"SELECT r.allocation_id, MIN(r.line_no), MIN(r.effective_on), MAX(r.effective_on), "
        f" SUM(CASE WHEN {obligating} THEN r.cents ELSE 0 END), MIN(CASE WHEN {obligating} THEN r.effective_on END), "
        f" MIN(CASE WHEN {obligating} THEN r.line_no END) "
        f"FROM ledger_resolved r WHERE r.allocation_id IS NOT NULL AND r.cents > 0 AND r.effective_on IS NOT NULL "
        f" AND ({obligating} OR r.entry_type = 'allocate') GROUP BY r.allocation_id"
    )
    if not rows:
        return out
    from . import services

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
        for on in sorted({_as_date(first_on), _as_date(last_on)}):
            out += [(int(first_line), f"{p.code}: {p.message}") for p in services._restrictions(line, on)]
    return out + _earmark_faults()


def _earmark_faults() -> list[tuple[int, str]]:
    from .models import Earmark

    moved = _fetch(
        f"SELECT r.appropriation_id, r.allocation_id, MIN(r.line_no), SUM({DELTA_SQL['allocated']}) FROM ledger_resolved r "
        "WHERE r.entry_type IN ('allocate', 'reallocate') AND r.cents > 0 AND r.allocation_id IS NOT NULL "
        "GROUP BY r.appropriation_id, r.allocation_id"
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
    """One GROUP BY per level (lines, then appropriation totals) added to the balance rows."""
    bal = Balance._meta.db_table
    sums = ", ".join(f"SUM({DELTA_SQL[s]}) AS {s}" for s in STAGE_DELTAS)
    sets = ", ".join(f"{s} = ROUND({bal}.{s} + d.{s} / 100.0, 2)" for s in STAGE_DELTAS)
    if bulk.is_postgres():
        sets = ", ".join(f"{s} = {bal}.{s} + CAST(d.{s} AS numeric) / 100" for s in STAGE_DELTAS)
    try:
        with transaction.atomic():
            _exec(
                f"UPDATE {bal} SET {sets}, entries = {bal}.entries + d.n, updated_at = %s "
                f"FROM (SELECT r.allocation_id, COUNT(*) AS n, {sums} FROM ledger_resolved r GROUP BY r.allocation_id) d "
                f"WHERE {bal}.allocation_id = d.allocation_id",
                [now],
            )
            _exec(
                f"UPDATE {bal} SET {sets}, entries = {bal}.entries + d.n, updated_at = %s "
                f"FROM (SELECT r.appropriation_id, COUNT(*) AS n, {sums} FROM ledger_resolved r GROUP BY r.appropriation_id) d "
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
    for alloc_id, etype in _fetch("SELECT DISTINCT allocation_id, entry_type FROM ledger_resolved"):
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
        "SELECT appropriation_id, allocation_id, entry_type, COUNT(*), SUM(cents) FROM ledger_resolved "
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


def _import(path: Path, sha: str, actor: Any, progress: bool) -> dict[str, Any]:
    now = clock.now()
    stage = bulk.stage_csv(path, table="ledger_stage", progress=progress, desc=f"staging {path.name}")
    if stage.rows == 0:
        raise ImportRejected(f"{path.name} has no rows", problems=["the file has a header and no rows"], path=str(path))
    _stage_keys()
    _resolve(stage)
    problems, count = _row_faults(clock.today())
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
    for table in ("ledger_stage", "ledger_resolved", "ledger_appr_keys", "ledger_line_keys"):
        bulk.drop_stage(table)
    return {"rows": inserted, "created": inserted, "sha256": sha, "digest": digest, "status_changes": status_changes}
