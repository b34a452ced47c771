"""`secassist manage load_restrictions`: upsert the product's cited restrictions data.

Reads `data/restrictions/` (catalog.json, designations.csv, waivers.csv — the product's own cited
files) and the shared Powell & Thyne coup coding read in place. All-or-nothing (one transaction),
idempotent (natural `seed_key`s; a second run changes nothing) and audited. Rows an analyst has
edited in the product (`locally_edited`) are left as edited.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from secassist.audit.services import record
from secassist.core.errors import ImportRejected
from secassist.core.safe_url import SafeURLField, is_safe_url
from secassist.reference.models import Authority, Country, Title22Account
from secassist.reference.resolver import NameResolver

from .models import Coverage, DataVersion, Designation, Restriction, Waiver

COUP_FILE = "reference/powell_thyne_coups_v2022-11-29.csv"
COUP_FLAG_SINCE = 2012  # older coded coups cannot be in force under the review window below
COUP_REVIEW_DAYS = 3 * 365  # how long a coded coup flags "a determination may be needed"
COUP_SOURCE = (
    "Powell & Thyne coup dataset v2022-11-29 (research coding, not a §7008 determination), "
    "shared file reference/powell_thyne_coups_v2022-11-29.csv"
)
RESTRICTION_FIELDS = (
    "rule_code",
    "short_name",
    "name",
    "citation",
    "statute_url",
    "trigger",
    "trigger_kind",
    "recipient_scope",
    "duration",
    "covers_all_title10",
    "reaches_inheriting_title10",
    "exceptions",
    "has_waiver",
    "waiver_holder",
    "waiver_form",
    "congressional_step",
    "clock_days",
    "clock_direction",
    "confidence",
    "source",
    "notes",
    "order",
)
BOOL = {"true": True, "false": False}


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def add(self, bucket: dict[str, int], model: str, n: int = 1) -> None:
        if n:
            bucket[model] = bucket.get(model, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "skipped": self.skipped}


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise ImportRejected(f"restrictions data file not found: {path}", path=str(path))
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _date(value: str, path: Path, line: int, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImportRejected(
            f"{path.name} line {line}: {column} {value!r} is not a YYYY-MM-DD date",
            problems=[f"line {line} column {column}: {value!r} is not a date"],
        ) from None


def _check_lengths(model: type[models.Model], key: str, values: dict[str, Any]) -> None:
    """Refuse a value longer than its column (SQLite would store it; PostgreSQL would fail mid-load)."""
    for name, value in values.items():
        field = model._meta.get_field(name.removesuffix("_id"))
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ImportRejected(
                f"{model.__name__} {key}: {name} is {len(value)} characters; at most {limit} allowed",
                problems=[f"{key} column {name}: longer than {limit} characters"],
            )
        if isinstance(field, SafeURLField) and value and not is_safe_url(value):
            raise ImportRejected(
                f"{model.__name__} {key}: {name} {value[:80]!r} is not an https:// address or a relative path",
                problems=[f"{key} column {name}: not an https:// address"],
            )


def _sync(summary: Summary, model: type[models.Model], wanted: dict[str, dict[str, Any]]) -> None:
    """Create missing rows in bulk; update changed ones unless an analyst edited them."""
    for key, values in wanted.items():
        _check_lengths(model, key, values)
    existing = {o.seed_key: o for o in model._default_manager.filter(seed_key__in=wanted.keys())}  # type: ignore[attr-defined]
    new = [model(seed_key=key, **values) for key, values in wanted.items() if key not in existing]
    model._default_manager.bulk_create(new, batch_size=200)
    summary.add(summary.created, model.__name__, len(new))
    for key, obj in existing.items():
        if getattr(obj, "locally_edited", False):
            continue
        changed = [k for k, v in wanted[key].items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, wanted[key][k])
            obj.save(update_fields=changed)
            summary.add(summary.updated, model.__name__)


def load_catalog(summary: Summary, path: Path) -> dict[str, Restriction]:
    if not path.exists():
        raise ImportRejected(f"restrictions catalog not found: {path}", path=str(path))
    entries = json.loads(path.read_text(encoding="utf-8"))
    accounts = {a.code: a for a in Title22Account.objects.all()}
    authorities = {a.code: a for a in Authority.objects.all()}
    result: dict[str, Restriction] = {}
    for index, entry in enumerate(entries):
        unknown = [c for c in entry["accounts"] if c not in accounts] + [c for c in entry["authorities"] if c not in authorities]
        if unknown:
            raise ImportRejected(
                f"{path.name} entry {index} ({entry['key']}): unknown program code(s) {', '.join(unknown)}",
                problems=[f"entry {index}: unknown program {c}" for c in unknown],
            )
        values = {k: entry[k] for k in RESTRICTION_FIELDS}
        _check_lengths(Restriction, entry["key"], values)
        obj = Restriction.objects.filter(key=entry["key"]).first()
        if obj is None:
            obj = Restriction.objects.create(key=entry["key"], **values)
            summary.add(summary.created, "Restriction")
        elif not obj.locally_edited:
            changed = [k for k, v in values.items() if getattr(obj, k) != v]
            if changed:
                for k in changed:
                    setattr(obj, k, values[k])
                obj.save(update_fields=changed)
                summary.add(summary.updated, "Restriction")
        if not obj.locally_edited:
            if {a.code for a in obj.accounts.all()} != set(entry["accounts"]):
                obj.accounts.set([accounts[c] for c in entry["accounts"]])
            if {a.code for a in obj.authorities.all()} != set(entry["authorities"]):
                obj.authorities.set([authorities[c] for c in entry["authorities"]])
        result[obj.key] = obj
    return result


def _lookup(
    path: Path, line: int, countries: dict[str, int], restrictions: dict[str, Restriction], row: dict[str, str]
) -> tuple[int, int]:
    if row["iso3"] not in countries:
        raise ImportRejected(
            f"{path.name} line {line}: iso3 {row['iso3']!r} is not a country in the reference data",
            problems=[f"line {line} column iso3: unknown {row['iso3']!r}"],
        )
    if row["restriction"] not in restrictions:
        raise ImportRejected(
            f"{path.name} line {line}: restriction {row['restriction']!r} is not in the catalog; "
            f"allowed: {', '.join(sorted(restrictions))}",
            problems=[f"line {line} column restriction"],
        )
    return countries[row["iso3"]], restrictions[row["restriction"]].pk


def designation_rows(path: Path, countries: dict[str, int], restrictions: dict[str, Restriction]) -> dict[str, dict[str, Any]]:
    wanted = {}
    for line, row in enumerate(_read_csv(path), start=2):
        country_id, restriction_id = _lookup(path, line, countries, restrictions, row)
        wanted[row["seed_key"]] = {
            "restriction_id": restriction_id,
            "country_id": country_id,
            "status": row["status"],
            "effect": row["effect"],
            "fiscal_year": int(row["fiscal_year"]) if row["fiscal_year"] else None,
            "effective_from": _date(row["effective_from"], path, line, "effective_from"),
            "ended_on": _date(row["ended_on"], path, line, "ended_on"),
            "pd_number": row["pd_number"],
            "source_document": row["source_document"],
            "source_url": row["source_url"],
            "confidence": row["confidence"],
            "note": row["note"],
        }
    return wanted


def waiver_rows(
    path: Path, countries: dict[str, int], restrictions: dict[str, Restriction], programs: set[str]
) -> dict[str, dict[str, Any]]:
    wanted = {}
    for line, row in enumerate(_read_csv(path), start=2):
        country_id, restriction_id = _lookup(path, line, countries, restrictions, row)
        scope = [p for p in row["scope_programs"].split(";") if p]
        unknown = [p for p in scope if p not in programs]
        if unknown:
            raise ImportRejected(
                f"{path.name} line {line}: scope_programs {', '.join(unknown)} unknown; allowed: {', '.join(sorted(programs))}",
                problems=[f"line {line} column scope_programs: {p}" for p in unknown],
            )
        wanted[row["seed_key"]] = {
            "restriction_id": restriction_id,
            "country_id": country_id,
            "kind": row["kind"],
            "scope_all": BOOL[row["scope_all"]],
            "scope_programs": scope,
            "scope_text": row["scope_text"],
            "fiscal_year": int(row["fiscal_year"]) if row["fiscal_year"] else None,
            "effective_from": _date(row["effective_from"], path, line, "effective_from"),
            "expires_on": _date(row["expires_on"], path, line, "expires_on"),
            "legal_authority": row["legal_authority"],
            "signed_by": row["signed_by"],
            "signed_on": _date(row["signed_on"], path, line, "signed_on"),
            "pd_number": row["pd_number"],
            "cn_due_on": _date(row["cn_due_on"], path, line, "cn_due_on"),
            "public": BOOL[row["public"]],
            "source_document": row["source_document"],
            "source_url": row["source_url"],
            "confidence": row["confidence"],
            "justification": row["justification"],
        }
    return wanted


def coverage_rows(path: Path, restrictions: dict[str, Restriction]) -> dict[str, dict[str, Any]]:
    """Coverage claims: the period for which each restriction's designations are complete, and the source."""
    wanted = {}
    for line, row in enumerate(_read_csv(path), start=2):
        if row["restriction"] not in restrictions:
            raise ImportRejected(
                f"{path.name} line {line}: restriction {row['restriction']!r} is not in the catalog",
                problems=[f"line {line} column restriction"],
            )
        if row["status"] not in Coverage.Status.values:
            raise ImportRejected(
                f"{path.name} line {line}: status {row['status']!r}; allowed: {', '.join(Coverage.Status.values)}",
                problems=[f"line {line} column status"],
            )
        fy_from, fy_to = (int(row[c]) if row[c] else None for c in ("fy_from", "fy_to"))
        covered_from = _date(row["covered_from"], path, line, "covered_from")
        if (fy_from is None or fy_to is None) and covered_from is None:
            raise ImportRejected(
                f"{path.name} line {line}: give fy_from and fy_to, or covered_from", problems=[f"line {line}: no period"]
            )
        wanted[row["seed_key"]] = {
            "restriction_id": restrictions[row["restriction"]].pk,
            "list_name": row["list_name"],
            "status": row["status"],
            "fy_from": fy_from,
            "fy_to": fy_to,
            "covered_from": covered_from,
            "covered_to": _date(row["covered_to"], path, line, "covered_to"),
            "source_document": row["source_document"],
            "source_url": row["source_url"],
            "to_fill": row["to_fill"],
            "note": row["note"],
        }
    return wanted


def coup_flag_rows(
    summary: Summary, path: Path, coup: Restriction, determinations: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Successful coups in the research coding flag 'a determination may be needed' for a review window,
    unless a §7008 determination for the country was recorded within a year of the coup."""
    resolver = NameResolver.from_db()
    determined: dict[int, list[dt.date]] = {}
    for values in determinations.values():
        if values["restriction_id"] == coup.pk and values["effect"] == "prohibits" and values["effective_from"]:
            determined.setdefault(values["country_id"], []).append(values["effective_from"])
    wanted = {}
    for line, row in enumerate(_read_csv(path), start=2):
        if row["coup"] != "2" or int(row["year"]) < COUP_FLAG_SINCE:
            continue
        country = resolver.resolve(row["country"]).country
        if country is None:
            summary.skipped.append(f"{path.name} line {line}: country {row['country']!r} not resolved; not flagged")
            continue
        day = dt.date(int(row["year"]), int(row["month"]), int(row["day"]))
        if any(0 <= (d - day).days <= 365 for d in determined.get(country.pk, [])):
            continue
        wanted[f"coupflag:{country.iso3}:{day.isoformat()}"] = {
            "restriction_id": coup.pk,
            "country_id": country.pk,
            "status": "coded coup (research data): determination may be needed",
            "effect": Designation.Effect.CONDITION,
            "fiscal_year": None,
            "effective_from": day,
            "ended_on": day + dt.timedelta(days=COUP_REVIEW_DAYS),
            "pd_number": "",
            "source_document": COUP_SOURCE,
            "source_url": "https://github.com/andybega/ds-external-data",
            "confidence": "U",
            "note": (
                f"Powell & Thyne code a successful coup in {row['country']} on {day}. This is a research coding, not a "
                "U.S. Government determination: ask L and the regional bureau whether a §7008 determination is needed."
            ),
        }
    return wanted


@transaction.atomic
def load_restrictions(*, acting_user: Any = None, product_dir: Path | None = None, data_dir: Path | None = None) -> Summary:
    product = Path(product_dir or settings.PRODUCT_DATA_DIR) / "restrictions"
    shared = Path(data_dir or settings.DATA_DIR)
    summary = Summary()
    restrictions = load_catalog(summary, product / "catalog.json")
    countries = dict(Country.objects.values_list("iso3", "pk"))
    programs = set(Title22Account.objects.values_list("code", flat=True)) | set(Authority.objects.values_list("code", flat=True))
    designations = designation_rows(product / "designations.csv", countries, restrictions)
    designations.update(coup_flag_rows(summary, shared / COUP_FILE, restrictions["coup-7008"], designations))
    _sync(summary, Designation, designations)
    _sync(summary, Waiver, waiver_rows(product / "waivers.csv", countries, restrictions, programs))
    _sync(summary, Coverage, coverage_rows(product / "coverage.csv", restrictions))
    if summary.changed:
        DataVersion.bump()
        record(
            actor=acting_user,
            action="restrictions.load",
            object_type="restrictions",
            object_id="seed",
            object_repr="restrictions seed data",
            after=summary.as_dict(),
            reason=f"loaded from {product} and {shared / COUP_FILE}",
        )
    return summary
