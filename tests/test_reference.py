import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from secassist.core.errors import ImportRejected
from secassist.reference.loader import load_reference
from secassist.reference.models import Authority, Country, CountryAlias, Office
from secassist.reference.resolver import NameResolver


def test_loading_reference_twice_creates_and_changes_nothing_the_second_time(db):
    before = (Country.objects.count(), CountryAlias.objects.count(), Authority.objects.count(), Office.objects.count())
    summary = load_reference()
    assert summary.created == {}
    assert summary.updated == {}
    assert (Country.objects.count(), CountryAlias.objects.count(), Authority.objects.count(), Office.objects.count()) == before


@pytest.mark.parametrize(
    ("iso3", "bureau", "cocom"),
    [
        ("KEN", "AF", "AFRICOM"),
        ("EGY", "NEA", "CENTCOM"),
        ("ISR", "NEA", "CENTCOM"),
        ("UKR", "EUR", "EUCOM"),
        ("PAK", "SCA", "CENTCOM"),
        ("IND", "SCA", "INDOPACOM"),
        ("COL", "WHA", "SOUTHCOM"),
        ("MEX", "WHA", "NORTHCOM"),
        ("XKX", "EUR", "EUCOM"),
    ],
)
def test_countries_carry_their_bureau_and_combatant_command(db, iso3, bureau, cocom):
    country = Country.objects.get(iso3=iso3)
    assert (country.bureau, country.cocom) == (bureau, cocom)


def _history_names():
    data = Path(settings.DATA_DIR) / "history"
    names = set()
    for fname, column in [
        ("greenbook_military_1946_2019.csv", "country"),
        ("us_foreign_aid_country.csv", "country_name"),
        ("complete_schema_sample_taiwan_dod.csv", "Country Name"),
    ]:
        path = data / fname
        if not path.exists():
            pytest.skip(f"shared data file missing: {path}")
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if column in (reader.fieldnames or []):
                names |= {row[column] for row in reader if row[column]}
    return names


def test_every_recipient_name_in_the_shared_history_files_resolves(db):
    names = _history_names()
    assert len(names) > 200
    resolver = NameResolver.from_db()
    assert resolver.unresolved(names) == []


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Burma (Myanmar)", "MMR"),
        ("Burma", "MMR"),
        ("Myanmar", "MMR"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Korea, Democratic Republic", "PRK"),
        ("Congo (Kinshasa)", "COD"),
        ("Congo (Brazzaville)", "COG"),
        ("West Bank/Gaza", "PSE"),
        ("Kosovo", "XKX"),
        ("Bolivia, Plurinational State of", "BOL"),
        ("ken", "KEN"),
    ],
)
def test_aliases_resolve_to_one_country(db, name, iso3):
    resolution = NameResolver.from_db().resolve(name)
    assert resolution.country is not None and resolution.country.iso3 == iso3


@pytest.mark.parametrize(
    ("name", "kind"),
    [("World (not specified)", "world"), ("Sub-Saharan Africa (not specified)", "region"), ("Soviet Union (former)", "former")],
)
def test_pseudo_regions_stay_apart_from_countries(db, name, kind):
    resolution = NameResolver.from_db().resolve(name)
    assert resolution.country is None
    assert resolution.pseudo_region.kind == kind


def test_an_unknown_name_is_reported_not_guessed(db):
    resolver = NameResolver.from_db()
    assert resolver.unresolved({"Atlantis", "Kenya"}) == ["Atlantis"]
    assert resolver.unresolved({"Keny"}) == ["Keny"]


def test_title10_catalog_holds_at_least_nineteen_coordinated_authorities(db):
    assert Authority.objects.filter(coordinated_by_title10_team=True).count() >= 19
    s333 = Authority.objects.get(code="10USC333")
    assert s333.requires_secstate_concurrence
    assert s333.cn_days_before == 15
    assert s333.inherits_title22_bars


def test_clearing_offices_are_loaded(db):
    codes = set(Office.objects.filter(is_clearing_office=True).values_list("code", flat=True))
    assert {
        "AF",
        "EAP",
        "EUR",
        "NEA",
        "SCA",
        "WHA",
        "DRL",
        "ISN",
        "INL",
        "CT",
        "PM/RSAT",
        "PM/SA",
        "PM/DDTC",
        "L",
        "F",
        "H",
    } <= codes


def test_a_reference_file_missing_a_column_is_rejected_naming_it_and_changes_nothing(db, tmp_path):
    product = tmp_path / "data"
    shutil.copytree(settings.PRODUCT_DATA_DIR, product)
    path = product / "reference" / "committees.csv"
    rows = path.read_text().splitlines()
    path.write_text("\n".join([rows[0].replace("chamber", "house_or_senate"), *rows[1:]]) + "\n")
    kenya = Country.objects.get(iso3="KEN")
    kenya.name = "Kenya (changed)"
    kenya.save()
    with pytest.raises(ImportRejected) as exc:
        load_reference(product_dir=product)
    assert "chamber" in exc.value.message
    kenya.refresh_from_db()
    assert kenya.name == "Kenya (changed)"  # the failed load rolled back: nothing was rewritten


def test_a_bad_choice_in_a_reference_file_names_the_line_and_allowed_values(db, tmp_path):
    product = tmp_path / "data"
    shutil.copytree(settings.PRODUCT_DATA_DIR, product)
    path = product / "reference" / "country_bureau_overrides.csv"
    path.write_text(path.read_text() + 'ATA,XYZ,"bad"\n')
    with pytest.raises(ImportRejected) as exc:
        load_reference(product_dir=product)
    assert "bureau 'XYZ'" in exc.value.message and "AF" in exc.value.message
