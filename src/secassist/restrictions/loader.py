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

from . import coups
from .models import Coverage, DataVersion, Designation, Restriction, Waiver

COUP_FILE = "reference/powell_thyne_coups_v2022-11-29.csv"
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


def _sync(summary: Summary, model: type[models.Model], wanted: dict[str, dict[str, Any]], *, prune: bool = False) -> None:
    """Create missing rows in bulk; update changed ones unless an analyst edited them. With `prune`, seed rows
    no longer in the files (and never edited in the product) are removed: the cited files are the truth."""
    if prune:
        stale = model._default_manager.exclude(seed_key__isnull=True).exclude(seed_key__in=wanted.keys())  # type: ignore[attr-defined]
        removed, _ = stale.filter(locally_edited=False).delete()
        summary.add(summary.updated, f"{model.__name__} removed", removed)
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
        values |= _in_force(path, index, entry)
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


def _in_force(path: Path, index: int, entry: dict[str, Any]) -> dict[str, Any]:
    """The statute's first day in force and its enacted citation (optional; both or neither)."""
    day, citation = entry.get("in_force_from") or "", entry.get("in_force_citation") or ""
    if bool(day) != bool(citation):
        raise ImportRejected(
            f"{path.name} entry {index} ({entry['key']}): give in_force_from together with in_force_citation",
            problems=[f"entry {index}: in_force_from without its citation, or the reverse"],
        )
    try:
        first = dt.date.fromisoformat(day) if day else None
    except ValueError:
        raise ImportRejected(
            f"{path.name} entry {index} ({entry['key']}): in_force_from {day!r} is not a YYYY-MM-DD date",
            problems=[f"entry {index} in_force_from: {day!r} is not a date"],
        ) from None
    return {"in_force_from": first, "in_force_citation": citation}


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


RESCISSION_PATHS = ("c1_leadership_change", "c2_45_day_report", "before_2371c")
RESCISSION_NOTICE = dt.timedelta(days=45)  # 22 U.S.C. 2371(c)(2)


def rescission_end(row: dict[str, Any]) -> dt.date | None:
    """The first day an SST designation is no longer in force, computed under 22 U.S.C. 2371(c): by the
    45-day path a rescission reported on day D takes effect no earlier than D + 45, and a revocation
    before then means the designation never lapsed (Cuba, January 2025)."""
    path, report, rescinded, revoked = row["path"], row["report_on"], row["rescinded_on"], row["revoked_on"]
    if path == "c2_45_day_report":
        earliest = report + RESCISSION_NOTICE
        end = max(rescinded or earliest, earliest)
        return None if revoked is not None and revoked < end else end
    end = rescinded
    return None if revoked is not None and end is not None and revoked < end else end


def apply_rescissions(path: Path, designations: dict[str, dict[str, Any]]) -> None:
    """Set each rescinded SST designation's `ended_on` from its rescission record (never typed)."""
    for line, row in enumerate(_read_csv(path), start=2):
        key = row["designation_seed_key"]
        if key not in designations:
            raise ImportRejected(
                f"{path.name} line {line}: no designation {key!r}", problems=[f"line {line} designation_seed_key"]
            )
        if row["path"] not in RESCISSION_PATHS:
            raise ImportRejected(
                f"{path.name} line {line}: path {row['path']!r}; allowed: {', '.join(RESCISSION_PATHS)}",
                problems=[f"line {line} column path"],
            )
        parsed = {c: _date(row[c], path, line, c) for c in ("report_on", "rescinded_on", "revoked_on")}
        if row["path"] == "c2_45_day_report" and parsed["report_on"] is None:
            raise ImportRejected(f"{path.name} line {line}: the 45-day path needs report_on", problems=[f"line {line} report_on"])
        end = rescission_end({"path": row["path"], **parsed})
        target = designations[key]
        target["ended_on"] = end
        how = {
            "c2_45_day_report": f"rescission reported to Congress {parsed['report_on']}; under 22 U.S.C. 2371(c)(2) it "
            f"could take effect no earlier than {parsed['report_on'] and parsed['report_on'] + RESCISSION_NOTICE}",
            "c1_leadership_change": "rescission on a change-of-leadership certification under 22 U.S.C. 2371(c)(1)",
            "before_2371c": "removed before the 22 U.S.C. 2371(c) procedure existed",
        }[row["path"]]
        outcome = (
            f"; revoked {parsed['revoked_on']}, before it took effect: the designation never lapsed"
            if end is None
            else f"; no longer in force from {end}"
        )
        target["note"] = f"{target['note']} Computed: {how}{outcome} ({row['source_document']}).".strip()


def coup_rows(
    shared: Path, product: Path, restriction_id: int, countries: dict[str, int], summary: Summary
) -> dict[str, dict[str, Any]]:
    pt_path = shared / COUP_FILE
    record_path = product / "coups_7008.csv"
    coded = coups.coded_coups(_read_csv(pt_path), pt_path, summary)
    record = coups._parse_record(_read_csv(record_path), record_path, _date)
    return coups.designation_rows(coded, record, restriction_id=restriction_id, countries=countries)


@transaction.atomic
def load_restrictions(*, acting_user: Any = None, product_dir: Path | None = None, data_dir: Path | None = None) -> Summary:
    product = Path(product_dir or settings.PRODUCT_DATA_DIR) / "restrictions"
    shared = Path(data_dir or settings.DATA_DIR)
    summary = Summary()
    restrictions = load_catalog(summary, product / "catalog.json")
    countries = dict(Country.objects.values_list("iso3", "pk"))
    programs = set(Title22Account.objects.values_list("code", flat=True)) | set(Authority.objects.values_list("code", flat=True))
    designations = designation_rows(product / "designations.csv", countries, restrictions)
    apply_rescissions(product / "sst_rescissions.csv", designations)
    designations.update(coup_rows(shared, product, restrictions["coup-7008"].pk, countries, summary))
    _sync(summary, Designation, designations, prune=True)
    _sync(summary, Waiver, waiver_rows(product / "waivers.csv", countries, restrictions, programs))
    _sync(summary, Coverage, coverage_rows(product / "coverage.csv", restrictions), prune=True)
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
