"""Importers of the public history files (registered as `secassist import greenbook|fa-country|fa-complete`).

All three take the bulk path of ADR 1001/1022: the file is staged as text (`COPY` on PostgreSQL,
`executemany` on SQLite), each distinct recipient name is resolved once in Python and joined back as
a small key table, every row is typed and checked by one set-based query (every problem of every
row reported with its line number and column, first 200 listed, all counted), and one
`INSERT … SELECT` writes the rows; no model object and no per-row Python. All or nothing: the
whole import is one transaction (a killed import leaves nothing). Loading the same bytes twice
changes nothing (the file's SHA-256 is remembered); a changed file replaces the source's rows in one
transaction, with one audit event carrying the file's SHA-256, row count and a digest of its
control totals. Regional pseudo-recipients are kept as such and negative rows (deobligations) are kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import bulk, clock
from secassist.core.errors import ImportRejected
from secassist.core.money import CENT, MAX_AMOUNT
from secassist.reference.models import PseudoRegion
from secassist.reference.resolver import NameResolver

from .models import HistoricalAmount, HistoryImport, HistorySource

GREENBOOK_FILE = "history/greenbook_military_1946_2019.csv"
FA_COUNTRY_FILE = "history/us_foreign_aid_country.csv"
ROUNDING_THRESHOLD = Decimal("10000000")
MAX_PROBLEMS_SHOWN = 200
# At most 13 integer digits, as in the ledger import: exact to the cent in SQLite's floats too.
INTEGER_DIGITS = 13
YEAR_TEXT = "is not a fiscal year (1946–2100, or 1976tq)"
AMOUNT_TEXT = "is not a number of dollars"

# Greenbook publication lines: the three Title 22 programs get their codes, the rest keep their names.
GREENBOOK_PROGRAMS = {
    "Foreign Military Financing": "FMF",  # both FMF accounts: the grant program and the direct loan account
    "International Military Education and Training": "IMET",
    "Peace Keeping Operations": "PKO",
}
GREENBOOK_COLUMNS = ["country", "iso3c", "year", "pubrow", "account", "obligations_current_usd", "obligations_constant_usd"]
FA_COLUMNS = ["country_code", "country_name", "transaction_type_name", "fiscal_year", "current_amount", "constant_amount"]
FA_TYPES = {"Obligations", "Disbursements", "Appropriated and Planned", "President's Budget Requests", "Initial Allocations"}


def greenbook_path() -> Path:
    return Path(settings.DATA_DIR) / GREENBOOK_FILE


def fa_country_path() -> Path:
    return Path(settings.DATA_DIR) / FA_COUNTRY_FILE


def parse_amount(text: str) -> Decimal:
    """Dollars as a cell may hold them, to the cent (the SQL of `_dollars_ok`/`_dollars` is its set-based twin)."""
    value = Decimal(text.strip())
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise InvalidOperation
    return value.quantize(CENT)


def parse_fiscal_year(text: str) -> tuple[int, bool]:
    """'1976tq' is the 1976 transition quarter (1 Jul–30 Sep 1976): FY1976 with its own flag."""
    text = text.strip().lower()
    tq = text.endswith("tq")
    year = int(text.removesuffix("tq"))
    if not 1946 <= year <= 2100 or (tq and year != 1976):
        raise ValueError(text)
    return year, tq


sha256_of = bulk.sha256_of


# ---------------------------------------------------------------- typing in SQL (both engines)
# Each helper takes an SQL expression of a cell already trimmed. No regular expressions: on
# PostgreSQL a match costs more than the rest of a row's typing (ADR 1020).


def _dollars_ok(t: str) -> str:
    """True when `t` is dollars: an optional leading minus, 1–13 integer digits, optionally a point
    and at least one decimal (rounded to the cent on loading)."""
    if bulk.is_postgres():
        return (
            f"(translate({t}, '0123456789', '') IN ('', '.', '-', '-.') AND strpos({t}, '-') <= 1 "
            f"AND length({t}) > strpos({t}, '-') "
            f"AND (strpos({t}, '.') = 0 AND length({t}) - strpos({t}, '-') <= {INTEGER_DIGITS} "
            f"OR strpos({t}, '.') - strpos({t}, '-') BETWEEN 2 AND {INTEGER_DIGITS + 1} AND strpos({t}, '.') < length({t})))"
        )
    return (
        f"(({t} GLOB '[0-9]*' OR {t} GLOB '-[0-9]*') AND substr({t}, 2) NOT GLOB '*[^0-9.]*' AND {t} NOT GLOB '*.*.*' "
        f"AND {t} NOT GLOB '*.' AND (CASE instr({t}, '.') WHEN 0 THEN length({t}) ELSE instr({t}, '.') - 1 END) "
        f"- (substr({t}, 1, 1) = '-') <= {INTEGER_DIGITS})"
    )


def _dollars(t: str) -> str:
    """The value of a cell `_dollars_ok` accepted, to the cent (a float on SQLite, as its decimals are)."""
    if bulk.is_postgres():
        return f"ROUND(CAST({t} AS numeric), 2)"
    return f"ROUND(CAST({t} AS REAL), 2)"


def _year_ok(t: str) -> str:
    """True when `t` (trimmed, lower-cased) is a fiscal year 1946–2100 or '1976tq'."""
    if bulk.is_postgres():
        digits = f"length({t}) = 4 AND translate({t}, '0123456789', '') = ''"
        return f"(CASE WHEN {digits} THEN CAST({t} AS integer) BETWEEN 1946 AND 2100 ELSE {t} = '1976tq' END)"
    return f"({t} GLOB '[0-9][0-9][0-9][0-9]' AND CAST({t} AS integer) BETWEEN 1946 AND 2100 OR {t} = '1976tq')"


def _year(t: str) -> str:
    return f"CAST(substr({t}, 1, 4) AS integer)"


def _fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _exec(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount or 0)


def _temp(name: str, columns: str) -> None:
    bulk.drop_stage(name)
    _exec(f"CREATE TEMP TABLE {name} ({columns}){' ON COMMIT DROP' if bulk.is_postgres() else ''}")


# ---------------------------------------------------------------- one file, one path


@dataclass(frozen=True)
class Check:
    """One per-row check: `bad` is true for a row at fault; `message` turns the row's cells into the text."""

    column: str
    bad: str
    message: Callable[[dict[str, Any]], str]
    cells: tuple[str, ...] = ()
    per_row: bool = True  # False for a check across rows (a window): the insert cannot filter on it


@dataclass(frozen=True)
class HistoryFile:
    """How one kind of history file is staged, resolved, checked and inserted.

    `cells` maps names to SQL expressions over the staged row `s` (which carries its key's
    `country_id` and `pseudo_region_id`); `checks` run in their order on every row; `insert` gives,
    per column of HistoricalAmount, its SQL; `resolve` turns the distinct key texts into key rows."""

    source: str
    required: list[str]
    key_columns: tuple[str, ...]  # the file's columns whose distinct values the resolver sees
    resolve: Callable[[list[tuple[str, ...]]], list[tuple[Any, ...]]]
    cells: Callable[[bulk.Stage], dict[str, str]]
    checks: Callable[[dict[str, str]], list[Check]]
    insert: Callable[[dict[str, str]], dict[str, str]]
    window: Callable[[dict[str, str]], dict[str, str]] = lambda cells: {}
    unique_by: tuple[str, ...] = ()  # cells whose combination must not repeat (checked by a window on refusal)


STAGE, KEYS = "history_stage", "history_keys"


def _load_keys(spec: HistoryFile, stage: bulk.Stage) -> None:
    """Each distinct (name[, code]) text of the file, resolved once in Python, as a small key table."""
    raw = [f"COALESCE(s.{stage.col[c]}, '')" for c in spec.key_columns]
    distinct = [tuple(r) for r in _fetch(f"SELECT DISTINCT {', '.join(raw)} FROM {stage.table} s")]
    names = ", ".join(f"k{i} text" for i in range(len(spec.key_columns)))
    _temp(KEYS, f"{names}, country_id bigint, pseudo_region_id bigint")
    key_cols = [f"k{i}" for i in range(len(spec.key_columns))]
    bulk.load_rows(KEYS, [*key_cols, "country_id", "pseudo_region_id"], spec.resolve(distinct))
    _exec(f"CREATE UNIQUE INDEX {KEYS}_idx ON {KEYS} ({', '.join(key_cols)})")
    if bulk.is_postgres():
        _exec(f"ANALYZE {KEYS}")


def _join(spec: HistoryFile, stage: bulk.Stage) -> str:
    """The staged rows with their key's ids, as `s` (country_id, pseudo_region_id beside the cells).

    On PostgreSQL the join is kept apart from the checks (`OFFSET 0`): the planner, multiplying the
    checks' selectivities, would expect one row and join each staged row to every key."""
    on = " AND ".join(f"k.k{i} = COALESCE(s.{stage.col[c]}, '')" for i, c in enumerate(spec.key_columns))
    barrier = " OFFSET 0" if bulk.is_postgres() else ""
    return f"FROM (SELECT s.*, k.country_id, k.pseudo_region_id FROM {stage.table} s JOIN {KEYS} k ON {on}{barrier}) s"


def _problems(spec: HistoryFile, stage: bulk.Stage, path: Path) -> None:
    """Every check on every row in one query; the rows at fault come back in file order with their
    cells, at most MAX_PROBLEMS_SHOWN of them, and the count of every problem of the file."""
    cells = spec.cells(stage)
    checks = spec.checks(cells)
    window = spec.window(cells)
    flags = ", ".join(f"CASE WHEN {c.bad} THEN 1 ELSE 0 END AS f{i}" for i, c in enumerate(checks))
    shown = sorted({name for c in checks for name in c.cells})
    inner = ", ".join(["s.line_no", flags, *(f"{cells[n]} AS {n}" for n in shown if n not in window)])
    inner += "".join(f", {sql} AS {n}" for n, sql in window.items() if n in shown)
    any_bad = " + ".join(f"f{i}" for i in range(len(checks)))
    rows = _fetch(
        f"SELECT line_no, {', '.join(f'f{i}' for i in range(len(checks)))}{''.join(f', {n}' for n in shown)}, "
        f" SUM({any_bad}) OVER () AS total "
        f"FROM (SELECT {inner} {_join(spec, stage)}) x WHERE {any_bad} > 0 ORDER BY line_no LIMIT {MAX_PROBLEMS_SHOWN}"
    )
    if not rows:
        return
    problems: list[str] = []
    for r in rows:
        values = dict(zip(shown, r[1 + len(checks) : 1 + len(checks) + len(shown)], strict=True))
        values = {k: "" if v is None else v for k, v in values.items()}
        for i, check in enumerate(checks):
            if r[1 + i]:
                problems.append(f"line {r[0]}, column {check.column}: {check.message(values)}")
    total = int(rows[0][-1])
    raise ImportRejected(
        f"{path.name}: {total} problem(s); nothing was imported. First: {problems[0]}",
        problems=problems[:MAX_PROBLEMS_SHOWN],
        problem_count=total,
        path=str(path),
    )


# The columns of HistoricalAmount the importers fill.
COLUMNS = (
    "source",
    "line_no",
    "fiscal_year",
    "transition_quarter",
    "program",
    "account_name",
    "transaction_type",
    "recipient_name",
    "country_id",
    "pseudo_region_id",
    "amount_current",
    "amount_constant",
    "rounded",
)


def _insert(spec: HistoryFile, stage: bulk.Stage) -> int:
    """Every row that passes every per-row check, typed, in one statement; the caller compares the
    count with the file's rows (a row left out means the file has a problem: nothing is kept)."""
    cells = spec.cells(stage)
    values = spec.insert(cells)
    valid = " AND ".join(f"NOT ({c.bad})" for c in spec.checks(cells) if c.per_row)
    table = HistoricalAmount._meta.db_table
    select = ", ".join(["%s", "s.line_no", *(values[c] for c in COLUMNS[2:])])
    return _exec(
        f"INSERT INTO {table} ({', '.join(COLUMNS)}) SELECT {select} {_join(spec, stage)} WHERE {valid} ORDER BY s.line_no",
        [spec.source],
    )


def _duplicates(spec: HistoryFile, stage: bulk.Stage) -> bool:
    """Whether two rows of the file share the key that must be unique (one grouped pass)."""
    if not spec.unique_by:
        return False
    cells = spec.cells(stage)
    key = ", ".join(cells[n] for n in spec.unique_by)
    return bool(_fetch(f"SELECT 1 FROM {stage.table} s GROUP BY {key} HAVING COUNT(*) > 1 LIMIT 1"))


def _totals(source: str) -> dict[str, Any]:
    """Control totals of the rows just written, per program and transaction type, and their digest."""
    table = HistoricalAmount._meta.db_table
    cents = "CAST(ROUND({} * 100) AS bigint)"
    rows = _fetch(
        f"SELECT program, transaction_type, COUNT(*), SUM({cents.format('amount_current')}), "
        f" SUM(CASE WHEN amount_current < 0 THEN 1 ELSE 0 END), SUM(CASE WHEN country_id IS NULL THEN 1 ELSE 0 END) "
        f"FROM {table} WHERE source = %s GROUP BY program, transaction_type ORDER BY program, transaction_type",
        [source],
    )
    control = [[p, t, int(n), int(c)] for p, t, n, c, _, _ in rows]
    return {
        "digest": hashlib.sha256(json.dumps(control).encode()).hexdigest(),
        "current_cents": sum(int(r[3]) for r in rows),
        "negative_rows": sum(int(r[4]) for r in rows),
        "pseudo_region_rows": sum(int(r[5]) for r in rows),
    }


def _import(spec: HistoryFile, path: Path | str, *, acting_user: Any, progress: bool) -> dict[str, Any]:
    if acting_user is not None:
        require(acting_user, "data.import")
    path, source = Path(path), spec.source
    bulk.require_columns(path, bulk.read_header(path), spec.required)
    digest = bulk.sha256_of(path)
    previous = HistoryImport.objects.filter(source=source).first()
    if previous is not None and previous.sha256 == digest:
        return {"source": source, "rows": previous.rows, "created": 0, "unchanged": previous.rows}
    with transaction.atomic():
        for name in (STAGE, KEYS):  # left by an import refused earlier on this connection (SQLite keeps them)
            bulk.drop_stage(name)
        stage = bulk.stage_csv(path, table=STAGE, progress=progress, desc=f"staging {path.name}")
        _load_keys(spec, stage)
        if _duplicates(spec, stage):
            _problems(spec, stage, path)
        removed = _exec(f"DELETE FROM {HistoricalAmount._meta.db_table} WHERE source = %s", [source])
        created = _insert(spec, stage)
        if created != stage.rows:  # some row failed a check: find and name every problem, keep nothing
            _problems(spec, stage, path)
            raise ImportRejected(f"{path.name}: {stage.rows - created} row(s) refused; nothing was imported", path=str(path))
        totals = _totals(source)
        _remember(source, path, digest, created, previous, removed, acting_user, totals)
        for name in (STAGE, KEYS):
            bulk.drop_stage(name)
    return {
        "source": source,
        "rows": created,
        "created": created,
        "replaced": removed,
        "negative_rows": totals["negative_rows"],
        "pseudo_region_rows": totals["pseudo_region_rows"],
        "digest": totals["digest"],
    }


def _remember(
    source: str, path: Path, digest: str, rows: int, previous: Any, removed: int, acting_user: Any, totals: dict[str, Any]
) -> None:
    imp, _ = HistoryImport.objects.update_or_create(
        source=source, defaults={"file_name": path.name, "sha256": digest, "rows": rows, "imported_at": clock.now()}
    )
    record(
        actor=acting_user,
        action="budget.history.import",
        obj=imp,
        before={"rows": previous.rows, "sha256": previous.sha256} if previous else None,
        after={
            "file": path.name,
            "rows": rows,
            "sha256": digest,
            "replaced": removed,
            "digest": totals["digest"],
            "current_total": str(Decimal(totals["current_cents"]).scaleb(-2)),
        },
    )


def _trim(stage: bulk.Stage, column: str) -> str:
    return f"trim(COALESCE(s.{stage.col[column]}, ''))"


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


# ---------------------------------------------------------------- USAID Greenbook (military)


def _greenbook_resolve(distinct: list[tuple[str, ...]]) -> list[tuple[Any, ...]]:
    resolver = NameResolver.from_db()
    out = []
    for (name,) in distinct:
        who = resolver.resolve(name.strip())
        out.append((name, _pk(who.country), _pk(who.pseudo_region)))
    return out


def _greenbook_cells(stage: bulk.Stage) -> dict[str, str]:
    return {
        "year": f"lower({_trim(stage, 'year')})",
        "raw_year": f"COALESCE(s.{stage.col['year']}, '')",
        "current": _trim(stage, "obligations_current_usd"),
        "constant": _trim(stage, "obligations_constant_usd"),
        "pubrow": _trim(stage, "pubrow"),
        "name": _trim(stage, "country"),
        "account": f"COALESCE(s.{stage.col['account']}, '')",
    }


def _greenbook_checks(c: dict[str, str]) -> list[Check]:
    return [
        Check("year", f"NOT {_year_ok(c['year'])}", lambda v: f"{v['raw_year']!r} {YEAR_TEXT}", ("raw_year",)),
        Check(
            "obligations_current_usd",
            f"NOT {_dollars_ok(c['current'])}",
            lambda v: f"{v['current']!r} {AMOUNT_TEXT}",
            ("current",),
        ),
        Check(
            "obligations_constant_usd",
            f"{c['constant']} NOT IN ('', 'NA') AND NOT {_dollars_ok(c['constant'])}",
            lambda v: f"{v['constant']!r} {AMOUNT_TEXT}",
            ("constant",),
        ),
        Check("pubrow", f"{c['pubrow']} = ''", lambda v: "blank; the publication line names the program"),
        Check(
            "country",
            "s.country_id IS NULL AND s.pseudo_region_id IS NULL",
            lambda v: f"{v['name']!r} is not a known country or regional recipient",
            ("name",),
        ),
    ]


def _greenbook_insert(c: dict[str, str]) -> dict[str, str]:
    programs = " ".join(f"WHEN '{name}' THEN '{code}'" for name, code in GREENBOOK_PROGRAMS.items())
    current = _dollars(c["current"])
    return {
        "fiscal_year": _year(c["year"]),
        "transition_quarter": f"{c['year']} = '1976tq'",
        "program": f"CASE {c['pubrow']} {programs} ELSE substr({c['pubrow']}, 1, 80) END",
        "account_name": f"substr({c['account']}, 1, 200)",
        "transaction_type": "'Obligations'",
        "recipient_name": f"substr({c['name']}, 1, 160)",
        "country_id": "s.country_id",
        "pseudo_region_id": "s.pseudo_region_id",
        "amount_current": current,
        "amount_constant": f"CASE WHEN {c['constant']} NOT IN ('', 'NA') THEN {_dollars(c['constant'])} END",
        "rounded": f"abs({current}) >= {ROUNDING_THRESHOLD}",
    }


GREENBOOK = HistoryFile(
    source=HistorySource.GREENBOOK.value,
    required=GREENBOOK_COLUMNS,
    key_columns=("country",),
    resolve=_greenbook_resolve,
    cells=_greenbook_cells,
    checks=_greenbook_checks,
    insert=_greenbook_insert,
)


# ---------------------------------------------------------------- ForeignAssistance.gov country summary


def _fa_resolve(distinct: list[tuple[str, ...]]) -> list[tuple[Any, ...]]:
    """By name; regional rows the name list does not know are matched by their region code."""
    resolver = NameResolver.from_db()
    by_code = {p.code: p.pk for p in PseudoRegion.objects.exclude(code="")}
    out = []
    for name, code in distinct:
        who = resolver.resolve(name.strip())
        region = _pk(who.pseudo_region) if who.resolved else by_code.get(code.strip().upper())
        out.append((name, code, _pk(who.country), region))
    return out


def _fa_cells(stage: bulk.Stage) -> dict[str, str]:
    return {
        "year": f"lower({_trim(stage, 'fiscal_year')})",
        "raw_year": f"COALESCE(s.{stage.col['fiscal_year']}, '')",
        "year_text": _trim(stage, "fiscal_year"),
        "current": _trim(stage, "current_amount"),
        "constant": _trim(stage, "constant_amount"),
        "ttype": _trim(stage, "transaction_type_name"),
        "name": _trim(stage, "country_name"),
    }


def _fa_window(c: dict[str, str]) -> dict[str, str]:
    """The first line of each (name, transaction type, fiscal year): a later one is a duplicate."""
    return {"first_line": f"MIN(s.line_no) OVER (PARTITION BY {c['name']}, {c['ttype']}, {c['year_text']})"}


def _fa_checks(c: dict[str, str]) -> list[Check]:
    types = ", ".join("'" + t.replace("'", "''") + "'" for t in sorted(FA_TYPES))
    return [
        Check("fiscal_year", f"NOT {_year_ok(c['year'])}", lambda v: f"{v['raw_year']!r} {YEAR_TEXT}", ("raw_year",)),
        Check("current_amount", f"NOT {_dollars_ok(c['current'])}", lambda v: f"{v['current']!r} {AMOUNT_TEXT}", ("current",)),
        Check(
            "constant_amount",
            f"{c['constant']} NOT IN ('', 'NA') AND NOT {_dollars_ok(c['constant'])}",
            lambda v: f"{v['constant']!r} {AMOUNT_TEXT}",
            ("constant",),
        ),
        Check(
            "transaction_type_name",
            f"{c['ttype']} NOT IN ({types})",
            lambda v: f"{v['ttype']!r} is not one of {', '.join(sorted(FA_TYPES))}",
            ("ttype",),
        ),
        Check(
            "country_name",
            f"MIN(s.line_no) OVER (PARTITION BY {c['name']}, {c['ttype']}, {c['year_text']}) < s.line_no",
            lambda v: f"duplicate of line {v['first_line']} ({v['name']}, {v['ttype']}, {v['year_text']})",
            ("first_line", "name", "ttype", "year_text"),
            per_row=False,
        ),
        Check(
            "country_name",
            "s.country_id IS NULL AND s.pseudo_region_id IS NULL",
            lambda v: f"{v['name']!r} is not a known country or regional recipient",
            ("name",),
        ),
    ]


def _fa_common(c: dict[str, str]) -> dict[str, str]:
    """The columns both ForeignAssistance.gov files fill the same way (year, recipient, dollars)."""
    return {
        "fiscal_year": _year(c["year"]),
        "transition_quarter": f"{c['year']} = '1976tq'",
        "recipient_name": f"substr({c['name']}, 1, 160)",
        "country_id": "s.country_id",
        "pseudo_region_id": "s.pseudo_region_id",
        "amount_current": _dollars(c["current"]),
        "amount_constant": f"CASE WHEN {c['constant']} NOT IN ('', 'NA') THEN {_dollars(c['constant'])} END",
        "rounded": "1 = 0",
    }


def _fa_insert(c: dict[str, str]) -> dict[str, str]:
    return {**_fa_common(c), "program": "'ALL'", "account_name": "''", "transaction_type": c["ttype"]}


FA_COUNTRY = HistoryFile(
    source=HistorySource.FA_COUNTRY.value,
    required=FA_COLUMNS,
    key_columns=("country_name", "country_code"),
    resolve=_fa_resolve,
    cells=_fa_cells,
    checks=_fa_checks,
    insert=_fa_insert,
    window=_fa_window,
    unique_by=("name", "ttype", "year_text"),
)


def import_greenbook(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    return _import(GREENBOOK, path, acting_user=acting_user, progress=progress)


def import_fa_country(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    return _import(FA_COUNTRY, path, acting_user=acting_user, progress=progress)


# ---------------------------------------------------------------- ForeignAssistance.gov complete schema

FA_COMPLETE_COLUMNS = [
    "Country Code",
    "Country Name",
    "Funding Account Name",
    "Transaction Type Name",
    "Fiscal Year",
    "Current Dollar Amount",
    "Constant Dollar Amount",
]
# Funding accounts of the three Title 22 programs get their codes; the rest keep their names.
FA_COMPLETE_PROGRAMS = (
    ("%Foreign Military Financing%", "FMF"),
    ("%International Military Education%", "IMET"),
    ("%Peacekeeping Operations%", "PKO"),
)


def fa_complete_path() -> Path:
    return Path(settings.DATA_DIR) / "history/complete_schema_sample_taiwan_dod.csv"


def _fa_complete_resolve(distinct: list[tuple[str, ...]]) -> list[tuple[Any, ...]]:
    """By the country's ISO3 code, else a regional pseudo-recipient's code (the name is only shown)."""
    from secassist.reference.models import Country

    countries = dict(Country.objects.values_list("iso3", "pk"))
    regions = dict(PseudoRegion.objects.exclude(code="").values_list("code", "pk"))
    out = []
    for (code,) in distinct:
        key = code.strip().upper()
        country = countries.get(key)
        out.append((code, country, None if country is not None else regions.get(key)))
    return out


def _fa_complete_cells(stage: bulk.Stage) -> dict[str, str]:
    return {
        "code": _trim(stage, "Country Code"),
        "name": _trim(stage, "Country Name"),
        "account": _trim(stage, "Funding Account Name"),
        "ttype": _trim(stage, "Transaction Type Name"),
        "year_text": _trim(stage, "Fiscal Year"),
        "year": f"lower({_trim(stage, 'Fiscal Year')})",
        "current": _trim(stage, "Current Dollar Amount"),
        "constant": _trim(stage, "Constant Dollar Amount"),
    }


def _fa_complete_checks(c: dict[str, str]) -> list[Check]:
    return [
        Check(
            "Country Code",
            "s.country_id IS NULL AND s.pseudo_region_id IS NULL",
            lambda v: f"{v['code']!r} ({v['name']}) is not a known country (ISO3) or regional code",
            ("code", "name"),
        ),
        Check("Fiscal Year", f"NOT {_year_ok(c['year'])}", lambda v: f"{v['year_text']!r} {YEAR_TEXT}", ("year_text",)),
        Check("Transaction Type Name", f"{c['ttype']} = ''", lambda v: "blank"),
        Check(
            "Current Dollar Amount", f"NOT {_dollars_ok(c['current'])}", lambda v: f"{v['current']!r} {AMOUNT_TEXT}", ("current",)
        ),
        Check(
            "Constant Dollar Amount",
            f"{c['constant']} NOT IN ('', 'NA') AND NOT {_dollars_ok(c['constant'])}",
            lambda v: f"{v['constant']!r} {AMOUNT_TEXT}",
            ("constant",),
        ),
    ]


def _fa_complete_insert(c: dict[str, str]) -> dict[str, str]:
    # the insert takes parameters: a pattern's % is written %%
    likes = ((p.replace("%", "%%"), code) for p, code in FA_COMPLETE_PROGRAMS)
    program = "CASE " + " ".join(f"WHEN {c['account']} LIKE '{p}' THEN '{code}'" for p, code in likes)
    program += f" ELSE substr({c['account']}, 1, 80) END"
    return {
        **_fa_common(c),
        "program": program,
        "account_name": f"substr({c['account']}, 1, 200)",
        "transaction_type": f"substr({c['ttype']}, 1, 40)",
    }


FA_COMPLETE = HistoryFile(
    source=HistorySource.FA_COMPLETE.value,
    required=FA_COMPLETE_COLUMNS,
    key_columns=("Country Code",),
    resolve=_fa_complete_resolve,
    cells=_fa_complete_cells,
    checks=_fa_complete_checks,
    insert=_fa_complete_insert,
)


def import_fa_complete(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    """The ForeignAssistance.gov complete-schema file (its columns as in the Taiwan DoD sample)."""
    return _import(FA_COMPLETE, path, acting_user=acting_user, progress=progress)
