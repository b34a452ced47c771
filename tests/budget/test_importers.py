"""The history importers on the real shared files (read in place from settings.DATA_DIR)."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Sum

from secassist.budget import importers
from secassist.budget.models import HistoricalAmount, HistoryImport
from secassist.core.errors import ImportRejected

pytestmark = pytest.mark.django_db
GREENBOOK = Path(settings.DATA_DIR) / importers.GREENBOOK_FILE
FA_COUNTRY = Path(settings.DATA_DIR) / importers.FA_COUNTRY_FILE
needs_files = pytest.mark.skipif(not (GREENBOOK.exists() and FA_COUNTRY.exists()), reason="shared history files not present")


def csv_total(path: Path, amount_col: str, **match: str) -> D:
    """Sum straight from the CSV, independent of the importer."""
    with path.open(newline="", encoding="utf-8") as fh:
        return sum((D(r[amount_col]) for r in csv.DictReader(fh) if all(r[k] == v for k, v in match.items())), D(0))


def db_total(source: str, **flt: object) -> D:
    return HistoricalAmount.objects.filter(source=source, **flt).aggregate(s=Sum("amount_current"))["s"] or D(0)


@needs_files
def test_greenbook_loads_every_row_with_programs_regions_and_negative_rows_and_twice_changes_nothing():
    summary = importers.import_greenbook(GREENBOOK)
    assert summary["rows"] == 14381 == HistoricalAmount.objects.filter(source="greenbook").count()
    assert summary["negative_rows"] == 10
    programs = Counter(HistoricalAmount.objects.filter(source="greenbook").values_list("program", flat=True))
    assert (programs["FMF"], programs["IMET"], programs["PKO"]) == (2589, 5840, 174)  # FMF = both FMF accounts
    assert programs["Other Military Assistance"] == 4288 and programs["Drug Interdiction and Counter-Drug"] == 1228
    for program, pubrow in (
        ("FMF", "Foreign Military Financing"),
        ("IMET", "International Military Education and Training"),
        ("PKO", "Peace Keeping Operations"),
    ):
        for fy in (1990, 2010, 2019):
            assert db_total("greenbook", program=program, fiscal_year=fy) == csv_total(
                GREENBOOK, "obligations_current_usd", pubrow=pubrow, year=str(fy)
            )
    assert db_total("greenbook", program="FMF", fiscal_year=2019) == D("6529569361.27")
    world = HistoricalAmount.objects.filter(source="greenbook", recipient_name="World (not specified)")
    assert world.count() == 205 and not world.filter(country__isnull=False).exists()
    assert world.first().pseudo_region.name == "World (not specified)"
    rounded = HistoricalAmount.objects.filter(source="greenbook", rounded=True)
    assert rounded.exists() and not rounded.filter(amount_current__lt=10_000_000, amount_current__gt=-10_000_000).exists()
    ids = list(HistoricalAmount.objects.filter(source="greenbook").order_by("pk").values_list("pk", flat=True)[:5])
    again = importers.import_greenbook(GREENBOOK)
    assert again["created"] == 0 and again["unchanged"] == 14381
    assert list(HistoricalAmount.objects.filter(source="greenbook").order_by("pk").values_list("pk", flat=True)[:5]) == ids
    assert HistoryImport.objects.get(source="greenbook").rows == 14381


@needs_files
def test_fa_country_keeps_transaction_types_apart_and_the_transition_quarter_explicit():
    summary = importers.import_fa_country(FA_COUNTRY)
    assert summary["rows"] == 21973 and summary["negative_rows"] == 80
    types = Counter(HistoricalAmount.objects.filter(source="fa-country").values_list("transaction_type", flat=True))
    assert types == {
        "Obligations": 11121,
        "Disbursements": 4657,
        "Appropriated and Planned": 2220,
        "President's Budget Requests": 2216,
        "Initial Allocations": 1759,
    }
    tq = HistoricalAmount.objects.filter(source="fa-country", transition_quarter=True)
    assert tq.count() == 98 and set(tq.values_list("fiscal_year", flat=True)) == {1976}
    assert db_total("fa-country", transaction_type="Obligations", fiscal_year=2019, country__iso3="JOR") == csv_total(
        FA_COUNTRY, "current_amount", country_code="JOR", transaction_type_name="Obligations", fiscal_year="2019"
    )
    regions = HistoricalAmount.objects.filter(source="fa-country", country__isnull=True)
    assert regions.filter(recipient_name="Oceania Region", pseudo_region__code="OCN").count() == 106
    assert not regions.filter(pseudo_region__isnull=True).exists()


def test_a_file_with_a_broken_row_is_rejected_whole_with_its_line_number(tmp_path):
    header = (
        GREENBOOK.open(encoding="utf-8").readline()
        if GREENBOOK.exists()
        else (
            "country,ccode,iso3c,year,region,category,pubrow,agency,account,obligations_current_usd,"
            "obligations_constant_usd,current_as_published_text,constant_as_published_text\n"
        )
    )
    good = (
        "Jordan,663,JOR,2019,Middle East,Military,Foreign Military Financing,Department of State,"
        "Foreign Military Financing Program,380000000.0,380000000.0,3.8e+08,3.8e+08\n"
    )
    bad_amount = good.replace("380000000.0,380000000.0", "lots,380000000.0")
    bad_country = good.replace("Jordan", "Atlantis")
    path = tmp_path / "broken.csv"
    path.write_text(header + good + bad_amount + good.replace("2019", "20x9") + bad_country)
    with pytest.raises(ImportRejected) as info:
        importers.import_greenbook(path)
    problems = info.value.details["problems"]
    assert problems == [
        "line 3, column obligations_current_usd: 'lots' is not a number of dollars",
        "line 4, column year: '20x9' is not a fiscal year (1946–2100, or 1976tq)",
        "line 5, column country: 'Atlantis' is not a known country or regional recipient",
    ]
    assert HistoricalAmount.objects.count() == 0 and not HistoryImport.objects.exists()


def test_a_file_missing_a_column_is_rejected(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("country,year\nJordan,2019\n")
    with pytest.raises(ImportRejected, match="missing column"):
        importers.import_greenbook(path)


@pytest.mark.parametrize(("text", "expected"), [("1976tq", (1976, True)), ("2019", (2019, False)), (" 1976TQ ", (1976, True))])
def test_fiscal_years_and_the_transition_quarter(text, expected):
    assert importers.parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["1977tq", "1899", "tq", ""])
def test_bad_fiscal_years_are_refused(text):
    with pytest.raises(ValueError):
        importers.parse_fiscal_year(text)


def test_the_cli_import_uses_the_registry(tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "cols.csv"
    path.write_text("country,year\nJordan,2019\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_data", "greenbook", str(path), "--no-progress")
