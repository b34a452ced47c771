"""Issue #12 item 6: formula injection neutralised by the one export helper, in CSV and XLSX, and
`--out X.csv` writes CSV (never XLSX bytes under a .csv name)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from secassist.core.errors import InvalidInput
from secassist.core.exports import csv_bytes, format_of, neutralise, write_workbook, xlsx_bytes

ATTACKS = ['=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "+3", "-0.5e3", "Kenya", "", Decimal("-5.00"), -7, None])
def test_plain_numbers_and_ordinary_text_are_left_alone(value):
    assert neutralise(value) == value


def test_csv_cells_are_neutralised_and_numbers_kept():
    rows = list(csv.reader(io.StringIO(csv_bytes([["title", "amount"], ["=1+2", Decimal("-10.00")]]).decode())))
    assert rows == [["title", "amount"], ["'=1+2", "-10.00"]]


def test_xlsx_formula_text_is_stored_as_plain_text_whoever_filled_the_sheet():
    wb = Workbook()
    ws = wb.active
    ws.append(["=1+2", "@cmd", "Kenya", 5])
    loaded = load_workbook(io.BytesIO(xlsx_bytes(wb)))
    cells = next(iter(loaded.active.iter_rows()))
    assert [c.data_type for c in cells] == ["s", "s", "s", "n"]
    assert cells[0].value == "=1+2" and cells[0].quotePrefix


def test_an_unknown_suffix_is_refused_and_csv_means_csv(tmp_path):
    with pytest.raises(InvalidInput):
        format_of(tmp_path / "out.txt")
    wb = Workbook()
    wb.active.append(["=evil()"])
    path = tmp_path / "out.csv"
    write_workbook(wb, path)
    assert path.read_bytes() == b"'=evil()\r\n"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_export_command_neutralises_a_hostile_title(db, sa_analyst, tmp_path, suffix):
    from secassist.congress import services

    services.create_package(
        acting_user=sa_analyst,
        title='=HYPERLINK("https://evil.example","click")',
        fiscal_year=2026,
        program="FMF",
        amount="25000000.00",
    )
    out = tmp_path / f"packages.{suffix}"
    call_command("export_data", "congress-packages", "--out", str(out))
    if suffix == "csv":
        assert not out.read_bytes().startswith(b"PK")
        titles = [r[1] for r in csv.reader(io.StringIO(out.read_text()))]
        assert '\'=HYPERLINK("https://evil.example","click")' in titles
    else:
        ws = load_workbook(out).active
        cell = next(c for c in ws["B"] if c.value and str(c.value).startswith("=HYPERLINK"))
        assert cell.data_type == "s"


@pytest.mark.parametrize("kind", ["title10-template", "title10-proposals"])
def test_workbook_exporters_write_csv_for_a_csv_name(db, tmp_path, kind):
    out = tmp_path / "x.csv"
    call_command("export_data", kind, "--out", str(out))
    data = out.read_bytes()
    assert not data.startswith(b"PK"), "XLSX bytes under a .csv name"
    assert data.decode().splitlines()[0].startswith("reference") or "," in data.decode().splitlines()[0]


def test_the_budget_export_neutralises_a_hostile_public_law(db, sa_analyst, tmp_path):
    import datetime as dt

    from secassist.budget import services

    services.create_appropriation(
        acting_user=sa_analyst,
        account="FMF",
        fiscal_year=2027,
        amount="100.00",
        enacted_on=dt.date(2026, 11, 17),
        public_law="@SUM(A1)",
    )
    out = tmp_path / "a.csv"
    call_command("export_data", "budget-appropriations", "--out", str(out))
    assert "'@SUM(A1)" in out.read_text()
