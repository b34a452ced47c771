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


GREENBOOK_HEADER = (
    "country,ccode,iso3c,year,region,category,pubrow,agency,account,obligations_current_usd,"
    "obligations_constant_usd,current_as_published_text,constant_as_published_text\n"
)
JORDAN = (
    "Jordan,663,JOR,2019,Middle East,Military,Foreign Military Financing,Department of State,"
    "Foreign Military Financing Program,380000000.0,380000000.0,3.8e+08,3.8e+08\n"
)


def test_every_problem_of_every_row_is_named_and_all_are_counted(tmp_path):
    """A row with several faults gets one line per fault, in column order; past 200 they are counted."""
    two = JORDAN.replace("2019", "1945").replace("380000000.0,380000000.0", " 1.5.0 ,-")
    blank = JORDAN.replace("Foreign Military Financing,Department", ",Department")
    many = [JORDAN.replace("Jordan", f"Atlantis {i}") for i in range(250)]
    path = tmp_path / "many.csv"
    path.write_text(GREENBOOK_HEADER + JORDAN + two + blank + "".join(many))
    with pytest.raises(ImportRejected) as info:
        importers.import_greenbook(path)
    details = info.value.details
    assert details["problems"][:4] == [
        "line 3, column year: '1945' is not a fiscal year (1946–2100, or 1976tq)",
        "line 3, column obligations_current_usd: '1.5.0' is not a number of dollars",
        "line 3, column obligations_constant_usd: '-' is not a number of dollars",
        "line 4, column pubrow: blank; the publication line names the program",
    ]
    assert details["problems"][4] == "line 5, column country: 'Atlantis 0' is not a known country or regional recipient"
    assert len(details["problems"]) == 200 and details["problem_count"] == 3 + 1 + 250
    assert not HistoricalAmount.objects.exists() and not HistoryImport.objects.exists()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1", D("1.00")),
        ("-1.5", D("-1.50")),
        (" 12.345 ", D("12.35")),  # rounded to the cent (half away from zero on both engines)
        ("0.004", D("0.00")),
        ("9999999999999.99", D("9999999999999.99")),
        ("99999999999999", None),  # 14 integer digits (the ledger import's limit too)
        (".5", None),
        ("5.", None),
        ("+5", None),
        ("1e3", None),
        ("1,000", None),
        ("--1", None),
        ("1-", None),
        ("", None),
        ("NaN", None),
    ],
)
def test_amount_cells_as_typed(tmp_path, cell, expected):
    path = tmp_path / "amount.csv"
    path.write_text(GREENBOOK_HEADER + JORDAN.replace("380000000.0,380000000.0", f'"{cell}",NA'))
    if expected is None:
        with pytest.raises(ImportRejected) as info:
            importers.import_greenbook(path)
        assert info.value.details["problems"] == [
            f"line 2, column obligations_current_usd: {cell.strip()!r} is not a number of dollars"
        ]
        return
    importers.import_greenbook(path)
    row = HistoricalAmount.objects.get(source="greenbook")
    assert (row.amount_current, row.amount_constant, row.program, row.country.iso3) == (expected, None, "FMF", "JOR")


FA_HEADER = (
    "country_code,country_name,region_id,Region Name,income_roup,income_group_name,transaction_type_id,"
    "transaction_type_name,fiscal_year,current_amount,constant_amount\n"
)


def test_fa_country_names_duplicates_unknown_types_and_regions_by_code(tmp_path):
    jor = "JOR,Jordan,2,Middle East and North Africa,UMIC,Upper Middle Income Country,2,Obligations,2019,100,101\n"
    region = "OCN,Somewhere in Oceania,6,Oceania,,,2,Obligations,1976tq,5,\n"
    path = tmp_path / "fa.csv"
    path.write_text(FA_HEADER + jor + region)
    summary = importers.import_fa_country(path)
    assert (summary["rows"], summary["pseudo_region_rows"], summary["negative_rows"]) == (2, 1, 0)
    row = HistoricalAmount.objects.get(source="fa-country", line_no=3)
    assert (row.pseudo_region.code, row.fiscal_year, row.transition_quarter, row.amount_constant) == ("OCN", 1976, True, None)
    bad = tmp_path / "fa-bad.csv"
    bad.write_text(FA_HEADER + jor + jor.replace(",100,101", ",7,7") + jor.replace("Obligations", "Guesses"))
    with pytest.raises(ImportRejected) as info:
        importers.import_fa_country(bad)
    assert info.value.details["problems"] == [
        "line 3, column country_name: duplicate of line 2 (Jordan, Obligations, 2019)",
        "line 4, column transaction_type_name: 'Guesses' is not one of Appropriated and Planned, Disbursements, "
        "Initial Allocations, Obligations, President's Budget Requests",
    ]
    assert HistoricalAmount.objects.filter(source="fa-country").count() == 2  # the first file's rows stay


def test_one_audit_event_per_file_with_its_hash_rows_and_digest(tmp_path):
    from secassist.audit.models import AuditEvent

    path = tmp_path / "gb.csv"
    path.write_text(GREENBOOK_HEADER + JORDAN + JORDAN.replace("2019", "2018"))
    summary = importers.import_greenbook(path)
    event = AuditEvent.objects.get(action="budget.history.import")
    assert event.after["rows"] == 2 and event.after["sha256"] == importers.sha256_of(path)
    assert event.after["digest"] == summary["digest"] and event.after["current_total"] == "760000000.00"
    path.write_text(GREENBOOK_HEADER + JORDAN)
    again = importers.import_greenbook(path)
    assert again["replaced"] == 2 and HistoricalAmount.objects.filter(source="greenbook").count() == 1
    assert again["digest"] != summary["digest"] and AuditEvent.objects.filter(action="budget.history.import").count() == 2
