"""Importers of the public history files (registered as `secassist import greenbook|fa-country`).

Both validate every row first and report every problem with its line number, then load all or
nothing. Loading the same bytes twice changes nothing (the file's SHA-256 is remembered); a
changed file replaces the source's rows in one transaction. Regional pseudo-recipients are kept
as such and negative rows (deobligations) are kept.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from tqdm import tqdm

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


@dataclass
class Problems:
    path: Path
    items: list[str]

    def add(self, line: int, column: str, text: str) -> None:
        self.items.append(f"line {line}, column {column}: {text}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(
                f"{self.path.name}: {len(self.items)} problem(s); nothing was imported. First: {self.items[0]}",
                problems=self.items[:MAX_PROBLEMS_SHOWN],
                problem_count=len(self.items),
                path=str(self.path),
            )


def parse_amount(text: str) -> Decimal:
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


def read_rows(path: Path, required: list[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise ImportRejected(f"file not found: {path}", path=str(path))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportRejected(
                f"{path.name} line 1: missing column(s) {', '.join(missing)}; required: {', '.join(required)}",
                problems=[f"line 1: missing column {c}" for c in missing],
                path=str(path),
            )
        return list(reader)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _progress(rows: list[dict[str, str]], progress: bool, desc: str) -> Iterable[tuple[int, dict[str, str]]]:
    items: Iterable[tuple[int, dict[str, str]]] = enumerate(rows, start=2)
    if progress:
        return tqdm(items, total=len(rows), desc=desc, unit="rows")
    return items


def _amounts(row: dict[str, str], line: int, cols: tuple[str, str], problems: Problems) -> tuple[Decimal | None, Decimal | None]:
    out: list[Decimal | None] = []
    for col in cols:
        text = (row.get(col) or "").strip()
        if col == cols[1] and text in ("", "NA"):
            out.append(None)
            continue
        try:
            out.append(parse_amount(text))
        except (InvalidOperation, ValueError):
            problems.add(line, col, f"{text!r} is not a number of dollars")
            out.append(None)
    return out[0], out[1]


def _year(row: dict[str, str], line: int, col: str, problems: Problems) -> tuple[int, bool] | None:
    try:
        return parse_fiscal_year(row.get(col) or "")
    except ValueError:
        problems.add(line, col, f"{row.get(col)!r} is not a fiscal year (1946–2100, or 1976tq)")
        return None


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


# The columns of HistoricalAmount the importers fill, in the order of their tuples.
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
Row = tuple[Any, ...]
CURRENT, COUNTRY = COLUMNS.index("amount_current"), COLUMNS.index("country_id")


class CachedResolver:
    """The name resolver, asked once per distinct name (a file names a few hundred recipients)."""

    def __init__(self) -> None:
        self.resolver = NameResolver.from_db()
        self.seen: dict[str, Any] = {}

    def resolve(self, name: str) -> Any:
        if name not in self.seen:
            self.seen[name] = self.resolver.resolve(name)
        return self.seen[name]


def validate_greenbook(path: Path, rows: list[dict[str, str]], *, progress: bool) -> list[Row]:
    resolver = CachedResolver()
    problems = Problems(path, [])
    out = []
    for line, row in _progress(rows, progress, "validating greenbook"):
        year = _year(row, line, "year", problems)
        current, constant = _amounts(row, line, ("obligations_current_usd", "obligations_constant_usd"), problems)
        pubrow = (row.get("pubrow") or "").strip()
        if not pubrow:
            problems.add(line, "pubrow", "blank; the publication line names the program")
        name = (row.get("country") or "").strip()
        who = resolver.resolve(name)
        if not who.resolved:
            problems.add(line, "country", f"{name!r} is not a known country or regional recipient")
        if year is None or current is None or not pubrow or not who.resolved:
            continue
        out.append(
            (
                HistorySource.GREENBOOK.value,
                line,
                year[0],
                year[1],
                GREENBOOK_PROGRAMS.get(pubrow, pubrow)[:80],
                (row.get("account") or "")[:200],
                "Obligations",
                name[:160],
                _pk(who.country),
                _pk(who.pseudo_region),
                current,
                constant,
                abs(current) >= ROUNDING_THRESHOLD,
            )
        )
    problems.raise_if_any()
    return out


def validate_fa_country(path: Path, rows: list[dict[str, str]], *, progress: bool) -> list[Row]:
    resolver = CachedResolver()
    by_code = {p.code: p for p in PseudoRegion.objects.exclude(code="")}
    problems = Problems(path, [])
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for line, row in _progress(rows, progress, "validating fa-country"):
        year = _year(row, line, "fiscal_year", problems)
        current, constant = _amounts(row, line, ("current_amount", "constant_amount"), problems)
        ttype = (row.get("transaction_type_name") or "").strip()
        if ttype not in FA_TYPES:
            problems.add(line, "transaction_type_name", f"{ttype!r} is not one of {', '.join(sorted(FA_TYPES))}")
        name = (row.get("country_name") or "").strip()
        key = (name, ttype, (row.get("fiscal_year") or "").strip())
        if key in seen:
            problems.add(line, "country_name", f"duplicate of line {seen[key]} ({name}, {ttype}, {key[2]})")
        seen.setdefault(key, line)
        who = resolver.resolve(name)
        region = who.pseudo_region
        if not who.resolved:  # regional rows the name list does not know are matched by their region code
            region = by_code.get((row.get("country_code") or "").strip().upper())
            if region is None:
                problems.add(line, "country_name", f"{name!r} is not a known country or regional recipient")
        if year is None or current is None or ttype not in FA_TYPES or (who.country is None and region is None):
            continue
        out.append(
            (
                HistorySource.FA_COUNTRY.value,
                line,
                year[0],
                year[1],
                "ALL",
                "",
                ttype,
                name[:160],
                _pk(who.country),
                _pk(region),
                current,
                constant,
                False,
            )
        )
    problems.raise_if_any()
    return out


def _load(
    source: str,
    path: Path,
    validate: Callable[..., list[Row]],
    required: list[str],
    *,
    acting_user: Any,
    progress: bool,
) -> dict[str, Any]:
    if acting_user is not None:
        require(acting_user, "data.import")
    path = Path(path)
    digest = sha256_of(path) if path.exists() else ""
    previous = HistoryImport.objects.filter(source=source).first()
    rows = read_rows(path, required)
    if previous is not None and previous.sha256 == digest:
        return {"source": source, "rows": previous.rows, "created": 0, "unchanged": previous.rows}
    objs = validate(path, rows, progress=progress)
    with transaction.atomic():
        removed = _replace_rows(source, lambda: bulk.load_rows(HistoricalAmount._meta.db_table, COLUMNS, objs))
        _remember(source, path, digest, len(objs), previous, removed, acting_user)
    negative = sum(1 for o in objs if o[CURRENT] < 0)
    pseudo = sum(1 for o in objs if o[COUNTRY] is None)
    return {
        "source": source,
        "rows": len(objs),
        "created": len(objs),
        "replaced": removed,
        "negative_rows": negative,
        "pseudo_region_rows": pseudo,
    }


def _replace_rows(source: str, load: Callable[[], Any]) -> int:
    """Delete the source's rows in one statement, then load the new ones (plain tuples, no model objects)."""
    removed, _ = HistoricalAmount.objects.filter(source=source).delete()
    load()
    return removed


def _remember(source: str, path: Path, digest: str, rows: int, previous: Any, removed: int, acting_user: Any) -> None:
    HistoryImport.objects.update_or_create(
        source=source, defaults={"file_name": path.name, "sha256": digest, "rows": rows, "imported_at": clock.now()}
    )
    imp = HistoryImport.objects.get(source=source)
    record(
        actor=acting_user,
        action="budget.history.import",
        obj=imp,
        before={"rows": previous.rows, "sha256": previous.sha256} if previous else None,
        after={"file": path.name, "rows": rows, "sha256": digest, "replaced": removed},
    )


def import_greenbook(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    return _load(
        HistorySource.GREENBOOK, Path(path), validate_greenbook, GREENBOOK_COLUMNS, acting_user=acting_user, progress=progress
    )


def import_fa_country(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    return _load(
        HistorySource.FA_COUNTRY, Path(path), validate_fa_country, FA_COLUMNS, acting_user=acting_user, progress=progress
    )


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


def _signed_amount_sql(x: str) -> str:
    """Dollars with an optional sign and any decimals (the file has cents and whole dollars), else NULL."""
    if bulk.is_postgres():
        return f"CASE WHEN {x} ~ '^-?[0-9]{{1,13}}(\\.[0-9]+)?$' THEN ROUND(CAST({x} AS numeric), 2) END"
    body = f"ltrim({x}, '-')"
    return (
        f"CASE WHEN {body} <> '' AND {body} NOT GLOB '*[^0-9.]*' AND {body} NOT GLOB '*.*.*' AND {body} NOT GLOB '.*' "
        f"AND {body} NOT GLOB '*.' AND length({x}) - length({body}) <= 1 AND length({body}) <= 30 "
        f"THEN ROUND(CAST({x} AS REAL), 2) END"
    )


def _fa_complete_resolve(stage: bulk.Stage) -> None:
    from secassist.reference.models import Country

    col = {name: f"trim(COALESCE(s.{stage.col[name]}, ''))" for name in FA_COMPLETE_COLUMNS}
    program = "CASE " + " ".join(f"WHEN {col['Funding Account Name']} LIKE '{p}' THEN '{c}'" for p, c in FA_COMPLETE_PROGRAMS)
    program += f" ELSE substr({col['Funding Account Name']}, 1, 80) END"
    year, code = col["Fiscal Year"], col["Country Code"]
    current, constant = col["Current Dollar Amount"], col["Constant Dollar Amount"]
    tq = f"lower({year}) = '1976tq'"  # the FY1976 transition quarter, kept apart as in the other files
    digits = f"{year} ~ '^[0-9]{{4}}$'" if bulk.is_postgres() else f"{year} GLOB '[0-9][0-9][0-9][0-9]'"
    year_ok = f"({digits} OR {tq})"
    temp = "CREATE TEMP TABLE fa_resolved ON COMMIT DROP AS" if bulk.is_postgres() else "CREATE TEMP TABLE fa_resolved AS"
    bulk.drop_stage("fa_resolved")
    with connection.cursor() as cur:
        cur.execute(
            f"{temp} SELECT s.line_no, {col['Country Code']} AS code, {col['Country Name']} AS name, c.id AS country_id, "
            f" p.id AS pseudo_region_id, {program} AS program, substr({col['Funding Account Name']}, 1, 200) AS account_name, "
            f" substr({col['Transaction Type Name']}, 1, 40) AS transaction_type, "
            f" CASE WHEN {year_ok} THEN CAST(substr({year}, 1, 4) AS integer) END AS fiscal_year, {year} AS raw_year, "
            f" {tq} AS transition_quarter, "
            f" {_signed_amount_sql(current)} AS amount_current, {current} AS raw_current, "
            f" {_signed_amount_sql(constant)} AS amount_constant, {constant} AS raw_constant "
            f"FROM {stage.table} s "
            f"LEFT JOIN {Country._meta.db_table} c ON c.iso3 = upper({code}) "
            f"LEFT JOIN {PseudoRegion._meta.db_table} p ON c.id IS NULL AND p.code <> '' AND p.code = upper({code})"
        )


def _fa_complete_problems(path: Path) -> None:
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT line_no, CASE
                 WHEN country_id IS NULL AND pseudo_region_id IS NULL THEN 'Country Code'
                 WHEN fiscal_year IS NULL OR fiscal_year < 1946 OR fiscal_year > 2100 THEN 'Fiscal Year'
                 WHEN transaction_type = '' THEN 'Transaction Type Name'
                 WHEN amount_current IS NULL THEN 'Current Dollar Amount'
                 WHEN amount_constant IS NULL AND raw_constant NOT IN ('', 'NA') THEN 'Constant Dollar Amount' END AS fault,
                 code, name, raw_year, raw_current, raw_constant, COUNT(*) OVER ()
               FROM fa_resolved WHERE country_id IS NULL AND pseudo_region_id IS NULL OR fiscal_year IS NULL
                 OR fiscal_year < 1946 OR fiscal_year > 2100 OR transaction_type = '' OR amount_current IS NULL
                 OR (amount_constant IS NULL AND raw_constant NOT IN ('', 'NA'))
               ORDER BY line_no LIMIT {MAX_PROBLEMS_SHOWN}"""
        )
        rows = cur.fetchall()
    if not rows:
        return
    why = {
        "Country Code": lambda r: f"{r[2]!r} ({r[3]}) is not a known country (ISO3) or regional code",
        "Fiscal Year": lambda r: f"{r[4]!r} is not a fiscal year (1946–2100, or 1976tq)",
        "Transaction Type Name": lambda r: "blank",
        "Current Dollar Amount": lambda r: f"{r[5]!r} is not a number of dollars",
        "Constant Dollar Amount": lambda r: f"{r[6]!r} is not a number of dollars",
    }
    problems = [f"line {r[0]}, column {r[1]}: {why[r[1]](r)}" for r in rows]
    raise ImportRejected(
        f"{path.name}: {rows[0][-1]} problem(s); nothing was imported. First: {problems[0]}",
        problems=problems,
        problem_count=int(rows[0][-1]),
        path=str(path),
    )


def import_fa_complete(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    """The ForeignAssistance.gov complete-schema file, staged and checked in SQL, inserted in one statement."""
    if acting_user is not None:
        require(acting_user, "data.import")
    path, source = Path(path), HistorySource.FA_COMPLETE.value
    bulk.require_columns(path, bulk.read_header(path), FA_COMPLETE_COLUMNS)
    digest = bulk.sha256_of(path)
    previous = HistoryImport.objects.filter(source=source).first()
    if previous is not None and previous.sha256 == digest:
        return {"source": source, "rows": previous.rows, "created": 0, "unchanged": previous.rows}
    table = HistoricalAmount._meta.db_table
    with transaction.atomic():
        stage = bulk.stage_csv(path, table="fa_stage", progress=progress, desc=f"staging {path.name}")
        _fa_complete_resolve(stage)
        _fa_complete_problems(path)
        cols = ", ".join(COLUMNS)

        def load() -> None:
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {table} ({cols}) SELECT %s, line_no, fiscal_year, transition_quarter, program, account_name, "
                    f" transaction_type, "
                    f" substr(name, 1, 160), country_id, pseudo_region_id, amount_current, amount_constant, %s "
                    f"FROM fa_resolved ORDER BY line_no",
                    [source, False],
                )

        removed = _replace_rows(source, load)
        _remember(source, path, digest, stage.rows, previous, removed, acting_user)
        for name in ("fa_stage", "fa_resolved"):
            bulk.drop_stage(name)
    return {"source": source, "rows": stage.rows, "created": stage.rows, "replaced": removed}
