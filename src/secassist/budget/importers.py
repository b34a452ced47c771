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
from django.db import transaction
from tqdm import tqdm

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
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


def validate_greenbook(path: Path, rows: list[dict[str, str]], *, progress: bool) -> list[HistoricalAmount]:
    resolver = NameResolver.from_db()
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
            HistoricalAmount(
                source=HistorySource.GREENBOOK,
                line_no=line,
                fiscal_year=year[0],
                transition_quarter=year[1],
                program=GREENBOOK_PROGRAMS.get(pubrow, pubrow)[:80],
                account_name=(row.get("account") or "")[:200],
                transaction_type="Obligations",
                recipient_name=name[:160],
                country_id=_pk(who.country),
                pseudo_region_id=_pk(who.pseudo_region),
                amount_current=current,
                amount_constant=constant,
                rounded=abs(current) >= ROUNDING_THRESHOLD,
            )
        )
    problems.raise_if_any()
    return out


def validate_fa_country(path: Path, rows: list[dict[str, str]], *, progress: bool) -> list[HistoricalAmount]:
    resolver = NameResolver.from_db()
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
            HistoricalAmount(
                source=HistorySource.FA_COUNTRY,
                line_no=line,
                fiscal_year=year[0],
                transition_quarter=year[1],
                program="ALL",
                transaction_type=ttype,
                recipient_name=name[:160],
                country_id=_pk(who.country),
                pseudo_region_id=_pk(region),
                amount_current=current,
                amount_constant=constant,
                rounded=False,
            )
        )
    problems.raise_if_any()
    return out


def _load(
    source: str,
    path: Path,
    validate: Callable[..., list[HistoricalAmount]],
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
        removed, _ = HistoricalAmount.objects.filter(source=source).delete()
        HistoricalAmount.objects.bulk_create(objs, batch_size=2000)
        HistoryImport.objects.update_or_create(
            source=source, defaults={"file_name": path.name, "sha256": digest, "rows": len(objs), "imported_at": clock.now()}
        )
        imp = HistoryImport.objects.get(source=source)
        record(
            actor=acting_user,
            action="budget.history.import",
            obj=imp,
            before={"rows": previous.rows, "sha256": previous.sha256} if previous else None,
            after={"file": path.name, "rows": len(objs), "sha256": digest, "replaced": removed},
        )
    negative = sum(1 for o in objs if o.amount_current < 0)
    pseudo = sum(1 for o in objs if o.country_id is None)
    return {
        "source": source,
        "rows": len(objs),
        "created": len(objs),
        "replaced": removed,
        "negative_rows": negative,
        "pseudo_region_rows": pseudo,
    }


def import_greenbook(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    return _load(
        HistorySource.GREENBOOK, Path(path), validate_greenbook, GREENBOOK_COLUMNS, acting_user=acting_user, progress=progress
    )


def import_fa_country(path: Path | str, *, acting_user: Any = None, progress: bool = False) -> dict[str, Any]:
    return _load(
        HistorySource.FA_COUNTRY, Path(path), validate_fa_country, FA_COLUMNS, acting_user=acting_user, progress=progress
    )
