"""The ForeignAssistance.gov complete-schema importer: staged, checked in SQL, one INSERT."""

from __future__ import annotations

import csv
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db.models import Sum

from secassist.audit.models import AuditEvent
from secassist.budget import importers
from secassist.budget.models import HistoricalAmount, HistoryImport
from secassist.core.errors import ImportRejected

pytestmark = pytest.mark.django_db
SAMPLE = importers.fa_complete_path()
needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason="shared complete-schema sample not present")


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@needs_sample
def test_the_sample_loads_every_row_with_its_amounts_country_and_transaction_type_and_twice_changes_nothing():
    expected = rows_of(SAMPLE)
    summary = importers.import_fa_complete(SAMPLE)
    assert summary["rows"] == len(expected) == HistoricalAmount.objects.filter(source="fa-complete").count()
    loaded = HistoricalAmount.objects.filter(source="fa-complete")
    assert set(loaded.values_list("country__iso3", flat=True)) == {"TWN"}
    tq = [r for r in expected if r["Fiscal Year"] == "1976tq"]
    assert tq and loaded.filter(transition_quarter=True, fiscal_year=1976).count() == len(tq)
    for ttype in {r["Transaction Type Name"] for r in expected}:
        want = sum((D(r["Current Dollar Amount"]) for r in expected if r["Transaction Type Name"] == ttype), D(0))
        got = loaded.filter(transaction_type=ttype).aggregate(s=Sum("amount_current"))["s"]
        assert got == want
    first = loaded.get(line_no=2)
    assert (first.fiscal_year, first.amount_current, first.amount_constant) == (2019, D("740.00"), D("749.00"))
    assert first.account_name.startswith("Department of Defense, Operation and Maintenance")
    events = AuditEvent.objects.filter(action="budget.history.import").count()
    again = importers.import_fa_complete(SAMPLE)
    assert again["created"] == 0 and AuditEvent.objects.filter(action="budget.history.import").count() == events


@needs_sample
def test_a_complete_schema_file_with_bad_rows_is_rejected_whole_with_line_numbers(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    good = lines[1]
    bad_year = good.replace(",2019,740,749", ",20x9,740,749")
    bad_amount = good.replace(",2019,740,749", ",2019,lots,749")
    bad_country = good.replace("158,TWN,Taiwan", "158,XXX,Atlantis")
    path = tmp_path / "complete.csv"
    path.write_text(lines[0] + good + bad_year + bad_amount + bad_country)
    with pytest.raises(ImportRejected) as info:
        importers.import_fa_complete(path)
    assert info.value.details["problems"] == [
        "line 3, column Fiscal Year: '20x9' is not a fiscal year (1946–2100, or 1976tq)",
        "line 4, column Current Dollar Amount: 'lots' is not a number of dollars",
        "line 5, column Country Code: 'XXX' (Atlantis) is not a known country (ISO3) or regional code",
    ]
    assert not HistoricalAmount.objects.exists() and not HistoryImport.objects.exists()


def test_a_complete_schema_file_missing_a_column_is_rejected(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("Country Code,Fiscal Year\nTWN,2019\n")
    with pytest.raises(ImportRejected, match="missing column"):
        importers.import_fa_complete(path)


@needs_sample
def test_title22_funding_accounts_get_their_program_codes(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    account = '"Department of Defense, Operation and Maintenance, Defense-Wide"'
    assert account in lines[1]
    fmf = lines[1].replace(account, "Foreign Military Financing Program")
    path = tmp_path / "fmf.csv"
    path.write_text(lines[0] + lines[1] + fmf)
    importers.import_fa_complete(path)
    programs = dict(HistoricalAmount.objects.filter(source="fa-complete").values_list("line_no", "program"))
    assert programs[3] == "FMF" and programs[2].startswith("Department of Defense")
