"""Issue #11 item 7: every generated document carries the configured handling marking
(SECASSIST_MARKING) in its header and footer, through the one helper in core.exports, and no
retired marking. The sweep walks every file-producing endpoint of the demo; a new generator URL
without an entry in PRODUCERS fails the test, so none can be added unmarked."""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from secassist.accounts import permission_map
from secassist.core import exports

MARK = "CUI//TESTMARK"
RETIRED = re.compile(r"FOR OFFICIAL USE|\bFOUO\b|\bSBU\b|SENSITIVE BUT UNCLASSIFIED|LIMITED OFFICIAL USE", re.I)
GENERATOR_ROUTE = re.compile(r"\.(docx|xlsx|pdf|csv)$|<(?:str|slug):fmt>$|/pdf/$")


@pytest.fixture
def marking(settings: Any) -> str:
    settings.SECASSIST_MARKING = MARK
    return MARK


# ---- reading a file's marking ---------------------------------------------------------------------


def docx_problems(data: bytes, mark: str) -> list[str]:
    doc = Document(io.BytesIO(data))
    problems = []
    for n, section in enumerate(doc.sections):
        for name in ("header", "footer"):
            text = "\n".join(p.text for p in getattr(section, name).paragraphs)
            if mark not in text:
                problems.append(f"section {n} {name} is {text!r}")
    body = "\n".join(p.text for p in doc.paragraphs)
    if RETIRED.search(body):
        problems.append(f"retired marking in the text: {RETIRED.search(body).group(0)}")  # type: ignore[union-attr]
    return problems


def xlsx_problems(data: bytes, mark: str) -> list[str]:
    wb = load_workbook(io.BytesIO(data))
    return [
        f"sheet {ws.title}: header {ws.oddHeader.center.text!r}, footer {ws.oddFooter.center.text!r}"
        for ws in wb.worksheets
        if ws.oddHeader.center.text != mark or ws.oddFooter.center.text != mark
    ]


def pdf_problems(data: bytes, mark: str) -> list[str]:
    """Every page prints the marking at its top and its foot (fpdf2 compresses page streams)."""
    text = b""
    for match in re.finditer(rb"/Length (\d+)(?:(?!stream).)*?stream\r?\n", data, re.S):
        stream = data[match.end() : match.end() + int(match.group(1))]
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            text += stream
    pages = len(re.findall(rb"/Type /Page\b", data))
    found = text.count(mark.encode("latin-1"))
    return [] if pages and found >= 2 * pages else [f"{found} markings on {pages} pages"]


def csv_problems(data: bytes, mark: str) -> list[str]:
    rows = [r for r in csv.reader(io.StringIO(data.decode("utf-8"))) if r]
    return [] if rows and rows[-1] == [f"# {mark}"] else [f"last line is {rows[-1] if rows else None!r}"]


CHECKS: dict[str, Callable[[bytes, str], list[str]]] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": docx_problems,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": xlsx_problems,
    "application/pdf": pdf_problems,
    "text/csv": csv_problems,
}


# ---- the helper itself ----------------------------------------------------------------------------


def test_a_word_document_gets_the_marking_in_every_header_and_footer(marking: str) -> None:
    doc = Document()
    doc.add_section()
    doc.sections[1].different_first_page_header_footer = True
    doc.add_paragraph("body")
    data = exports.docx_bytes(doc)
    assert docx_problems(data, marking) == []
    again = Document(io.BytesIO(data))
    assert again.sections[1].first_page_header.paragraphs[0].text == marking


def test_a_template_placeholder_is_replaced_not_doubled(marking: str) -> None:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ marking }}"
    data = exports.docx_bytes(doc)
    header = [p.text for p in Document(io.BytesIO(data)).sections[0].header.paragraphs]
    assert header == [marking]


def test_every_sheet_of_a_workbook_is_marked_when_saved(marking: str) -> None:
    wb = Workbook()
    wb.create_sheet("Second")
    assert xlsx_problems(exports.xlsx_bytes(wb), marking) == []


def test_a_pdf_is_marked_on_every_page(marking: str) -> None:
    pdf = exports.MarkedPDF(orientation="P", unit="mm", format="Letter")
    for _ in range(3):
        pdf.add_page()
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 5, "content")
    assert pdf_problems(bytes(pdf.output()), marking) == []
    from fpdf import FPDF

    plain = FPDF()
    plain.add_page()
    plain.set_font("Helvetica", "", 10)
    plain.cell(0, 5, "content")
    assert pdf_problems(bytes(plain.output()), marking) != []  # an unmarked PDF fails the check


def test_an_unmarked_document_fails_the_checks(marking: str) -> None:
    plain = io.BytesIO()
    Document().save(plain)
    assert docx_problems(plain.getvalue(), marking) != []
    wb_bytes = io.BytesIO()
    Workbook().save(wb_bytes)
    assert xlsx_problems(wb_bytes.getvalue(), marking) != []
    assert csv_problems(exports.csv_bytes([["a"], ["1"]]), marking) != []
    assert csv_problems(exports.marked_csv_bytes([["a"], ["1"]]), marking) == []


def test_the_default_marking_is_cui(settings: Any) -> None:
    settings.SECASSIST_MARKING = ""
    assert exports.marking() == "CUI"


# ---- the sweep over every file-producing endpoint -------------------------------------------------


def _first(model: Any, **filters: Any) -> Any:
    obj = model.objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"the demo has no {model.__name__} {filters}"
    return obj


def _budget_tables() -> list[str]:
    from secassist.budget.models import Allocation, Appropriation

    appr = _first(Appropriation)
    alloc = _first(Allocation)
    pages = [
        "/funds/",
        "/funds/appropriations/",
        f"/funds/appropriations/{appr.pk}/",
        f"/funds/appropriations/{appr.pk}/ledger/",
        f"/funds/allocations/{alloc.pk}/",
        f"/funds/653a/{appr.pk}/",
        "/funds/expiring/",
        "/funds/history/",
    ]
    return [f"{p}?format={fmt}" for p in pages for fmt in ("xlsx", "csv")]


def _congress_documents() -> list[str]:
    from secassist.congress.models import Package

    pk = _first(Package).pk
    return [f"/notifications/{pk}/document.docx", f"/api/v1/notifications/{pk}/document.docx"]


def _congress_letters() -> list[str]:
    from secassist.congress.models import Package

    pk = _first(Package).pk
    return [
        f"/notifications/{pk}/letters/{code}.docx?to={to}"
        for code in ("SFRC", "HFAC", "SACFO")
        for to in ("chair", "ranking_member")
    ]


def _congress_exports() -> list[str]:
    from secassist.congress import exports as congress_exports

    # Data CSVs stay plain rows (read back by programs); their XLSX form carries the marking.
    return [f"/notifications/reports/{table}.xlsx" for table in congress_exports.TABLES]


def _oversight_exports() -> list[str]:
    from secassist.oversight import reports

    return [f"/oversight/export/{k.removeprefix('oversight-')}.{fmt}" for k in reports.TABLES for fmt in reports.FORMATS]


def _oversight_reports() -> list[str]:
    from secassist.oversight.views import REPORT_KINDS

    return [f"/oversight/reports/{kind}.{fmt}" for kind in REPORT_KINDS for fmt in ("xlsx", "pdf")]


def _tasker(suffix: str) -> Callable[[], list[str]]:
    def urls() -> list[str]:
        from secassist.plans.models import Tasker

        return [f"/plans/taskers/{_first(Tasker).pk}/{suffix}"]

    return urls


def _title10_memo() -> list[str]:
    from secassist.title10.models import Proposal

    return [f"/title10/p/{_first(Proposal, decision__in=['concur', 'concur_with_conditions']).reference}/memo.docx"]


def _653a_pdf() -> list[str]:
    from secassist.budget.models import Appropriation

    return [f"/funds/653a/{_first(Appropriation).pk}/pdf/"]


def _formulation_cbj() -> list[str]:
    from secassist.formulation.models import RequestCycle

    return [f"/funds/requests/{_first(RequestCycle).pk}/cbj.{fmt}" for fmt in ("xlsx", "docx")]


def _formulation_template() -> list[str]:
    from secassist.formulation.models import RequestStage

    stage = _first(RequestStage)
    return [f"/funds/requests/{stage.cycle_id}/stages/{stage.pk}/lines.xlsx"]


PRODUCERS: dict[str, Callable[[], list[str]]] = {
    "country360:brief": lambda: ["/countries/JOR/brief.pdf"],
    "country360:table": lambda: [f"/countries/JOR/tables/{n}.{f}" for n in ("funds-lines", "verdicts") for f in ("csv", "xlsx")],
    "portfolio:table": lambda: ["/portfolio/tables/portfolio.csv", "/portfolio/tables/portfolio.xlsx"],
    "insights:impact-xlsx": lambda: ["/insights/impact.xlsx?country=JOR&restriction=tvpa-tier3"],
    "formulation:cbj": _formulation_cbj,
    "formulation:template": _formulation_template,
    "budget:report-653a-pdf": _653a_pdf,
    "budget:tables (?format=)": _budget_tables,
    "congress:document": _congress_documents,
    "congress:letter": _congress_letters,
    "congress:export": _congress_exports,
    "oversight:export": _oversight_exports,
    "oversight:report": _oversight_reports,
    "plans:tasker-template": _tasker("matrix-template.xlsx"),
    "plans:tasker-memo": _tasker("memo.docx"),
    "plans:tasker-matrix": _tasker("state-input.xlsx"),
    "title10:memo": _title10_memo,
    "title10:sample": lambda: ["/title10/sample.xlsx"],
    "title10:template": lambda: ["/title10/template.xlsx"],
}


def test_every_generator_route_has_a_producer_in_this_sweep() -> None:
    generators = {name for route, name, *_ in permission_map.rows() if GENERATOR_ROUTE.search(route)}
    assert generators, "the route pattern found no generator: the sweep would check nothing"
    assert generators - set(PRODUCERS) == set(), "a new file-producing route: add it to PRODUCERS"


def test_every_generated_document_of_the_demo_carries_the_configured_marking(db, client_as, admin_user, marking) -> None:
    from secassist.accounts.demo import create_demo_users, demo_admin
    from secassist.core.registry import registry

    create_demo_users()
    for step in registry.demo_steps:
        step.run(acting_user=demo_admin(), stdout=io.StringIO())
    client = client_as(admin_user)
    problems: dict[str, list[str]] = {}
    checked = 0
    for name, produce in PRODUCERS.items():
        for url in produce():
            response = client.get(url)
            kind = response.get("Content-Type", "").split(";")[0]
            if response.status_code != 200 or kind not in CHECKS:
                problems[url] = [f"{name}: status {response.status_code}, {kind}"]
                continue
            checked += 1
            if found := CHECKS[kind](response.content, marking):
                problems[url] = found
    assert problems == {}
    assert checked >= 48
