"""The generated reports read back: the §333(f)-style semiannual status and the FMF pipeline (XLSX and
PDF), the CSV/XLSX exports, and the `secassist export` kinds."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from secassist.oversight import reports, services

pytestmark = pytest.mark.django_db


def _sheet(body: bytes, name: str) -> list[tuple[Any, ...]]:
    wb = load_workbook(io.BytesIO(body))
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def _is_pdf(body: bytes) -> bool:
    return body.startswith(b"%PDF-1.") and body.rstrip().endswith(b"%%EOF") and b"/Type /Page" in body


@pytest.fixture
def kenya_program(proposal: Any, t10_analyst: Any, program_of: Any) -> Any:
    prog = program_of(proposal)
    services.record_title10_execution(
        acting_user=t10_analyst,
        program=prog,
        as_of="2026-11-20",
        obligated="6000000.00",
        disbursed="2000000.00",
        source="DSCA semiannual data call",
    )
    services.save_delivery(
        acting_user=t10_analyst,
        reference="KE-1",
        program=prog,
        raw={"kind": "articles", "description": '=HYPERLINK("http://x")', "planned_on": "2026-11-01"},
    )
    return prog


def test_the_333f_report_carries_each_element_and_reads_back(client_as: Any, viewer: Any, kenya_program: Any) -> None:
    resp = client_as(viewer).get("/oversight/reports/333f.xlsx?country=KEN")

    assert resp.status_code == 200 and resp["Content-Disposition"] == 'attachment; filename="333f-status-fy2027h1-ken.xlsx"'
    rows = _sheet(resp.content, "Programs")
    assert rows[1][:9] == (
        "Proposal",
        "Country",
        "FY of funds",
        "Status",
        "Cost",
        "Obligated",
        "Unobligated",
        "Unliquidated",
        "Disbursed",
    )
    assert rows[2][:9] == (
        "AFRICOM-333-FY27-901",
        "KEN",
        2027,
        "ready_to_execute",
        7350000.5,
        6000000,
        1350000.5,
        4000000,
        2000000,
    )
    assert rows[2][10:14] == (1, 0, 0, 1)  # one element due, none delivered, late
    deliveries = _sheet(resp.content, "Deliveries")
    assert deliveries[2][0] == "KE-1" and deliveries[2][7] == 26  # 26 days late on 27 Nov
    assert deliveries[2][4] == '=HYPERLINK("http://x")'
    cell = load_workbook(io.BytesIO(resp.content))["Deliveries"].cell(row=3, column=5)
    assert cell.data_type == "s" and cell.quotePrefix  # a formula in a cell is written as text (core.exports)


def test_the_333f_report_is_a_real_pdf(client_as: Any, viewer: Any, kenya_program: Any) -> None:
    resp = client_as(viewer).get("/oversight/reports/333f.pdf?period=FY2027H1")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf" and _is_pdf(resp.content)


def test_the_fmf_pipeline_report_reads_back_with_totals_and_age(funds: Any, client_as: Any, viewer: Any) -> None:
    line = funds.line("FMF", "JOR", "3000000.00")
    funds.post(line, "apportion", "3000000.00", on=dt.date(2026, 11, 2), document_type="SF 132")
    funds.post(line, "transfer_fms", "500000.00", on=dt.date(2026, 11, 5), document_type="DSCA")
    funds.line("IMET", "JOR", "1000.00")  # not FMF: not in the report

    body = client_as(viewer).get("/oversight/reports/fmf-pipeline.xlsx").content

    rows = _sheet(body, "Pipeline")
    assert rows[2][:9] == (2027, "Jordan", "JOR", "expended", 3000000, 3000000, 500000, 2500000, 0)
    assert rows[3][0] == "Total" and rows[3][7] == 2500000
    age = _sheet(body, "Pipeline age")
    assert age[2] == (2027, "Jordan", 2500000, 0, 0, 0, 0)
    assert _is_pdf(client_as(viewer).get("/oversight/reports/fmf-pipeline.pdf?country=JOR").content)


@pytest.mark.parametrize("query", ["period=FY27H1", "period=FY2027H3", "country=ZZZ"])
def test_a_bad_report_parameter_is_refused_with_a_message_not_a_500(client_as: Any, viewer: Any, query: str) -> None:
    resp = client_as(viewer).get(f"/oversight/reports/333f.xlsx?{query}", follow=True)
    assert resp.status_code == 200 and resp.redirect_chain and "must" in resp.content.decode()


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("FY2027H1", dt.date(2026, 10, 1), dt.date(2027, 3, 31)),
        ("fy2027h2", dt.date(2027, 4, 1), dt.date(2027, 9, 30)),
    ],
)
def test_half_years_split_the_fiscal_year_at_the_end_of_march(period: str, start: dt.date, end: dt.date) -> None:
    assert reports.half_year(period, dt.date(2026, 11, 27))[1:] == (start, end)


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (dt.date(2026, 10, 1), "FY2027H1"),
        (dt.date(2027, 3, 31), "FY2027H1"),
        (dt.date(2027, 4, 1), "FY2027H2"),
        (dt.date(2027, 9, 30), "FY2027H2"),
    ],
)
def test_the_default_period_is_the_half_year_holding_today(today: dt.date, label: str) -> None:
    assert reports.half_year(None, today)[0] == label


@pytest.mark.parametrize("kind", ["execution", "deliveries", "indicators", "objectives"])
def test_every_oversight_table_exports_as_csv_and_xlsx(client_as: Any, viewer: Any, kenya_program: Any, kind: str) -> None:
    csv_resp = client_as(viewer).get(f"/oversight/export/{kind}.csv")
    xlsx_resp = client_as(viewer).get(f"/oversight/export/{kind}.xlsx")
    assert csv_resp.status_code == 200 and xlsx_resp.status_code == 200
    assert load_workbook(io.BytesIO(xlsx_resp.content)).active is not None


def test_the_cli_exports_the_reports(tmp_path: Path, kenya_program: Any) -> None:
    call_command("export_data", "oversight-333f", "--out", str(tmp_path / "r.pdf"))
    call_command("export_data", "oversight-fmf-pipeline", "--out", str(tmp_path / "p.xlsx"))
    call_command("export_data", "oversight-deliveries", "--out", str(tmp_path / "d.csv"))
    assert _is_pdf((tmp_path / "r.pdf").read_bytes())
    assert _sheet((tmp_path / "p.xlsx").read_bytes(), "Pipeline")[1][0] == "FY"
    assert "KE-1" in (tmp_path / "d.csv").read_text()


@pytest.mark.parametrize(
    "path",
    [
        "/oversight/reports/333f.docx",
        "/oversight/reports/other.pdf",
        "/oversight/export/ledger.csv",
        "/oversight/export/execution.pdf",
    ],
)
def test_an_unknown_report_or_format_is_not_found(client_as: Any, viewer: Any, path: str) -> None:
    assert client_as(viewer).get(path).status_code == 404
