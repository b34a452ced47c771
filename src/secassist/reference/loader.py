"""`secassist load-reference`: upsert reference data from the product's own cited files and the
shared public files read in place. Idempotent: a second run changes nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from django.conf import settings
from django.db import models, transaction

from secassist.audit.services import record
from secassist.core.errors import ImportRejected

from .models import Authority, Bureau, Cocom, Committee, Country, CountryAlias, Office, PseudoRegion, Title22Account
from .resolver import normalise_name

ISO_FILE = "reference/iso3166_countries_with_regional_codes.csv"
BUREAU_FILE = "reference/fa_gov_country_region_bureau.csv"
BOOL = {"true": True, "false": False, "": False}


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, model: str, created: bool, changed: bool) -> None:
        if created:
            self.created[model] = self.created.get(model, 0) + 1
        elif changed:
            self.updated[model] = self.updated.get(model, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated}


def read_csv(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise ImportRejected(f"reference file not found: {path}", path=str(path))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = set(reader.fieldnames or [])
        missing = [c for c in required if c not in columns]
        if missing:
            raise ImportRejected(
                f"{path.name} is missing column(s) {', '.join(missing)}; required columns are {', '.join(required)}",
                path=str(path),
                missing=missing,
                required=list(required),
            )
        return list(reader)


def upsert(summary: LoadSummary, model: type[models.Model], key: dict[str, Any], values: dict[str, Any]) -> Any:
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        obj = model._default_manager.create(**key, **values)
        summary.count(model.__name__, True, False)
        return obj
    if getattr(obj, "locally_edited", False):
        return obj  # an administrator's correction wins over the shipped file
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if changed:
        for k, v in changed.items():
            setattr(obj, k, v)
        obj.save(update_fields=list(changed))
        summary.count(model.__name__, False, True)
    return obj


def _choice(value: str, choices: type[models.TextChoices], field_name: str, path: Path, line: int) -> str:
    if value and value not in choices.values:
        raise ImportRejected(
            f"{path.name} line {line}: {field_name} {value!r} is not one of {', '.join(choices.values)}",
            path=str(path),
            line=line,
            field=field_name,
        )
    return value


def load_countries(summary: LoadSummary, data_dir: Path, product_dir: Path) -> None:
    iso_path = data_dir / ISO_FILE
    iso_rows = read_csv(iso_path, ["name", "alpha-2", "alpha-3", "region", "sub-region"])
    bureau_rows = read_csv(data_dir / BUREAU_FILE, ["country_code", "state_bureau_code_derived", "is_aggregate_or_former"])
    bureaus = {
        r["country_code"]: r["state_bureau_code_derived"]
        for r in bureau_rows
        if r["is_aggregate_or_former"].strip().lower() == "false" and r["country_code"]
    }
    overrides_path = product_dir / "reference/country_bureau_overrides.csv"
    for line, r in enumerate(read_csv(overrides_path, ["iso3", "bureau"]), start=2):
        bureaus[r["iso3"]] = _choice(r["bureau"], Bureau, "bureau", overrides_path, line)
    cocom_path = product_dir / "reference/country_cocom.csv"
    cocoms = {r["iso3"]: r["cocom"] for r in read_csv(cocom_path, ["iso3", "cocom"])}
    extra = read_csv(product_dir / "reference/country_extra.csv", ["iso3", "iso2", "name", "un_region", "un_subregion", "source"])
    rows = [
        {
            "iso3": r["alpha-3"],
            "iso2": r["alpha-2"],
            "name": r["name"],
            "un_region": r["region"],
            "un_subregion": r["sub-region"],
            "source": "ISO 3166-1 via lukes/ISO-3166-Countries-with-Regional-Codes (shared data)",
        }
        for r in iso_rows
    ] + [dict(r) for r in extra]
    for line, r in enumerate(rows, start=2):
        iso3 = r["iso3"].strip().upper()
        bureau = bureaus.get(iso3, "")
        if bureau not in Bureau.values:
            bureau = ""
        cocom = _choice(cocoms.get(iso3, ""), Cocom, "cocom", cocom_path, line)
        upsert(
            summary,
            Country,
            {"iso3": iso3},
            {
                "iso2": r["iso2"],
                "name": r["name"],
                "un_region": r["un_region"],
                "un_subregion": r["un_subregion"],
                "bureau": bureau,
                "cocom": cocom,
                "source": r["source"],
            },
        )


def load_pseudo_regions(summary: LoadSummary, product_dir: Path) -> None:
    path = product_dir / "reference/pseudo_regions.csv"
    for line, r in enumerate(read_csv(path, ["name", "kind", "code", "bureau", "note", "source"]), start=2):
        upsert(
            summary,
            PseudoRegion,
            {"name": r["name"]},
            {
                "kind": _choice(r["kind"], PseudoRegion.Kind, "kind", path, line),
                "code": r["code"],
                "bureau": _choice(r["bureau"], Bureau, "bureau", path, line),
                "note": r["note"],
                "source": r["source"],
            },
        )


def load_aliases(summary: LoadSummary, data_dir: Path, product_dir: Path) -> None:
    countries = {c.iso3: c for c in Country.objects.all()}
    pseudo = {p.name: p for p in PseudoRegion.objects.all()}
    path = product_dir / "reference/country_aliases.csv"
    wanted: dict[str, tuple[str, Country | None, PseudoRegion | None, str]] = {}
    # Other official spellings that pycountry knows (e.g. "Bolivia, Plurinational State of").
    for pc in pycountry.countries:
        country = countries.get(pc.alpha_3)
        for attr in ("official_name", "common_name", "name"):
            name = getattr(pc, attr, None)
            if country and name and normalise_name(name) != normalise_name(country.name):
                wanted.setdefault(normalise_name(name), (name, country, None, "pycountry (ISO 3166-1)"))
    # ForeignAssistance.gov spellings of countries, read in place.
    for r in read_csv(data_dir / BUREAU_FILE, ["country_code", "country_name", "is_aggregate_or_former"]):
        country = countries.get(r["country_code"])
        if country and normalise_name(r["country_name"]) != normalise_name(country.name):
            wanted.setdefault(
                normalise_name(r["country_name"]), (r["country_name"], country, None, "ForeignAssistance.gov spelling")
            )
    for line, r in enumerate(read_csv(path, ["alias", "iso3", "pseudo_region", "source"]), start=2):
        country = countries.get(r["iso3"]) if r["iso3"] else None
        region = pseudo.get(r["pseudo_region"]) if r["pseudo_region"] else None
        if (country is None) == (region is None):
            raise ImportRejected(
                f"{path.name} line {line}: alias {r['alias']!r} must name exactly one known iso3 or pseudo_region",
                path=str(path),
                line=line,
                field="iso3",
            )
        wanted[normalise_name(r["alias"])] = (r["alias"], country, region, r["source"])
    for key, (alias, country, region, source) in wanted.items():
        upsert(
            summary,
            CountryAlias,
            {"normalized": key},
            {"alias": alias, "country": country, "pseudo_region": region, "source": source},
        )


def load_simple(summary: LoadSummary, product_dir: Path) -> None:
    path = product_dir / "reference/title22_accounts.csv"
    cols = [
        "code",
        "name",
        "treasury_symbol",
        "years_available",
        "reobligation_years",
        "cancellation_years",
        "obligating_event",
        "administering_bureau",
        "citation",
        "notes",
        "source",
    ]
    for r in read_csv(path, cols):
        values: dict[str, Any] = {k: r[k] for k in cols if k != "code"}
        for k in ("years_available", "reobligation_years", "cancellation_years"):
            values[k] = int(values[k])
        upsert(summary, Title22Account, {"code": r["code"]}, values)
    load_authorities(summary, product_dir)
    load_offices(summary, product_dir)
    path = product_dir / "reference/committees.csv"
    for r in read_csv(path, ["code", "name", "chamber", "parent", "jurisdiction", "chair_title", "ranking_title"]):
        parent = Committee.objects.get(code=r["parent"]) if r["parent"] else None
        upsert(
            summary,
            Committee,
            {"code": r["code"]},
            {
                "name": r["name"],
                "chamber": r["chamber"],
                "parent": parent,
                "jurisdiction": r["jurisdiction"],
                "chair_title": r["chair_title"],
                "ranking_title": r["ranking_title"],
            },
        )


def load_authorities(summary: LoadSummary, product_dir: Path) -> None:
    path = product_dir / "reference/title10_authorities.csv"
    cols = [
        "code",
        "citation",
        "name",
        "state_role",
        "requires_secstate_concurrence",
        "role_detail",
        "cn_days_before",
        "cn_clock",
        "caps",
        "reporting",
        "program_codes",
        "inherits_title22_bars",
        "inherits_citation",
        "coordinated_by_title10_team",
        "confidence",
        "source",
    ]
    for line, r in enumerate(read_csv(path, cols), start=2):
        values: dict[str, Any] = {k: r[k] for k in cols if k != "code"}
        values["state_role"] = _choice(r["state_role"], Authority.StateRole, "state_role", path, line)
        for k in ("requires_secstate_concurrence", "inherits_title22_bars", "coordinated_by_title10_team"):
            values[k] = BOOL[r[k].strip().lower()]
        values["cn_days_before"] = int(r["cn_days_before"]) if r["cn_days_before"] else None
        upsert(summary, Authority, {"code": r["code"]}, values)


def load_offices(summary: LoadSummary, product_dir: Path) -> None:
    path = product_dir / "reference/offices.csv"
    cols = ["code", "name", "kind", "parent", "is_clearing_office", "is_regional_bureau", "description", "source"]
    for line, r in enumerate(read_csv(path, cols), start=2):
        parent = Office.objects.get(code=r["parent"]) if r["parent"] else None
        upsert(
            summary,
            Office,
            {"code": r["code"]},
            {
                "name": r["name"],
                "kind": _choice(r["kind"], Office.Kind, "kind", path, line),
                "parent": parent,
                "is_clearing_office": BOOL[r["is_clearing_office"]],
                "is_regional_bureau": BOOL[r["is_regional_bureau"]],
                "description": r["description"],
                "source": r["source"],
            },
        )


def load_reference(*, acting_user: Any = None, data_dir: Path | None = None, product_dir: Path | None = None) -> LoadSummary:
    data_dir = Path(data_dir or settings.DATA_DIR)
    product_dir = Path(product_dir or settings.PRODUCT_DATA_DIR)
    summary = LoadSummary()
    with transaction.atomic():
        load_countries(summary, data_dir, product_dir)
        load_pseudo_regions(summary, product_dir)
        load_aliases(summary, data_dir, product_dir)
        load_simple(summary, product_dir)
        if summary.created or summary.updated:
            record(
                actor=acting_user,
                action="reference.load",
                object_type="reference",
                object_id="all",
                object_repr="reference data",
                after=summary.as_dict(),
                reason=f"loaded from {product_dir} and {data_dir}",
            )
    return summary
