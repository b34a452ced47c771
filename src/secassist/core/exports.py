"""The one way to write a document users download: CSV and XLSX with formula injection
neutralised, and every DOCX, XLSX, PDF and report CSV carrying the handling marking.

Markings (ADR 0741): `marking()` is the configured `SECASSIST_MARKING` (CUI by default) and the only
banner a generated file carries — `mark_docx(doc)` puts it in every header and footer of a Word
document, `mark_workbook(wb)` in every sheet's printed header and footer (applied by `xlsx_bytes`
itself, so no workbook leaves unmarked), `MarkedPDF` prints it at the top and foot of every page,
and `marked_csv_bytes` ends a report CSV (the 653(a) and oversight reports, which already close with
`# note` lines) with a `# <marking>` line. Data CSVs (`table_bytes`, `write_table`, `write_csv`) stay
plain rows a program can read back: a marking line there would be read as data.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Sheets (OWASP "CSV injection"). Every export goes through this module:

- `csv_bytes(rows)` / `write_csv(stream, rows)` prefix such text with an apostrophe;
- `xlsx_bytes(wb)` / `save_xlsx(wb, path)` turn every such cell of a workbook into plain text
  (data type string, Excel's "quote prefix" style) just before it is saved, whoever filled it;
- `table_bytes(fmt, header, rows, title=...)` and `write_table(path, ...)` pick the format by name
  or file suffix and refuse any other, so `--out x.csv` always writes CSV.

Numbers, dates and Decimals are written as values, and text that is a plain number ("-12.50") is
left alone: a negative amount is not an attack.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from fpdf import FPDF
from openpyxl import Workbook

from .errors import InvalidInput

FORMATS = ("csv", "xlsx")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def is_dangerous(text: str) -> bool:
    return text.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(text)


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; other values unchanged."""
    if isinstance(value, str) and is_dangerous(value):
        return "'" + value
    return value


def csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)  # decimal strings: no float rounding in exports
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return neutralise(value if isinstance(value, (int, float)) else str(value))


def write_csv(stream: IO[str], rows: Iterable[Sequence[Any]]) -> int:
    writer = csv.writer(stream)
    count = 0
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
        count += 1
    return count


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return buffer.getvalue().encode("utf-8")


def marking() -> str:
    """The handling marking every generated document carries (settings.SECASSIST_MARKING)."""
    return str(getattr(settings, "SECASSIST_MARKING", "") or "CUI").strip() or "CUI"


def marking_line() -> list[str]:
    """The last line of a marked CSV: a comment row a reader can tell from data."""
    return [f"# {marking()}"]


def marked_csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    return csv_bytes([*rows, marking_line()])


def mark_docx(doc: Any) -> Any:
    """Put the marking, centred and bold, at the top of every header and footer of every section
    (first-page and even-page variants too); an existing `{{ marking }}` placeholder is replaced."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    text = marking()
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            part.is_linked_to_previous = False
            paragraphs = [p for p in part.paragraphs if "{{ marking }}" in p.text or p.text.strip() == text]
            paragraph = paragraphs[0] if paragraphs else part.paragraphs[0]
            if paragraph.text.strip() and not paragraphs:
                paragraph = paragraph.insert_paragraph_before("")
            for run in paragraph.runs:
                run.text = ""
            run = paragraph.add_run(text)
            run.bold = True
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def docx_bytes(doc: Any) -> bytes:
    """Save a Word document, marked (the one way a DOCX leaves the product)."""
    mark_docx(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def mark_workbook(wb: Workbook) -> Workbook:
    """The marking in the centre of every sheet's printed header and footer (all page variants)."""
    text = marking()
    for ws in wb.worksheets:
        for hf in (ws.oddHeader, ws.evenHeader, ws.firstHeader, ws.oddFooter, ws.evenFooter, ws.firstFooter):
            if hf is not None:
                hf.center.text = text
    return wb


class MarkedPDF(FPDF):
    """fpdf2 document whose every page starts and ends with the marking."""

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.cell(0, 5, pdf_text(marking()), align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "B", 9)
        self.cell(0, 5, pdf_text(f"{marking()}  -  page {self.page_no()}"), align="C")


def pdf_text(text: Any) -> str:
    """The core PDF fonts are Latin-1: replace what they cannot print instead of failing."""
    return (
        str(text)
        .replace("\u2014", "-")
        .replace("\u2013", "-")
        .replace("\u00a7", "Sec. ")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def neutralise_workbook(wb: Workbook) -> int:
    """Make every formula-like text cell of every sheet literal text; returns how many were changed."""
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and is_dangerous(value):
                    cell.data_type = "s"  # openpyxl marks text starting with '=' as a formula ('f')
                    cell.quotePrefix = True  # type: ignore[attr-defined]  # Excel shows it as typed, never evaluates
                    changed += 1
    return changed


def xlsx_bytes(wb: Workbook) -> bytes:
    neutralise_workbook(wb)
    mark_workbook(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def save_xlsx(wb: Workbook, path: Path | str) -> None:
    Path(path).write_bytes(xlsx_bytes(wb))


def simple_workbook(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title(title)
    ws.append(list(header))
    for row in rows:
        ws.append([xlsx_value(v) for v in row])
    return wb


def xlsx_value(value: Any) -> Any:
    """Spreadsheets cannot hold a time zone: an aware time is written as its UTC time (the product's rule)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Sheet"


def format_of(path: Path | str, *, allowed: Sequence[str] = FORMATS) -> str:
    """The export format named by a file's suffix; anything else is refused (never mislabelled bytes)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in allowed:
        raise InvalidInput(
            f"--out must end in {' or '.join('.' + a for a in allowed)} (got {Path(path).name})",
            field="out",
            allowed=list(allowed),
        )
    return suffix


def check_format(fmt: str, *, allowed: Sequence[str] = FORMATS) -> str:
    if fmt not in allowed:
        raise InvalidInput(f"format must be one of {', '.join(allowed)}", field="format", value=fmt, allowed=list(allowed))
    return fmt


def table_bytes(fmt: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    check_format(fmt)
    rows = list(rows)
    if fmt == "csv":
        return csv_bytes([list(header), *rows])
    return xlsx_bytes(simple_workbook(header, rows, title=title))


def write_table(path: Path | str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> int:
    """Write header + rows to `path` as CSV or XLSX by its suffix; returns the number of data rows."""
    rows = list(rows)
    Path(path).write_bytes(table_bytes(format_of(path), header, rows, title=title))
    return len(rows)


def content_type(fmt: str) -> str:
    return CSV_TYPE if fmt == "csv" else XLSX_TYPE


def workbook_csv_bytes(wb: Workbook) -> bytes:
    """The first sheet of a workbook as CSV (for `--out x.csv` of an exporter that builds a workbook)."""
    ws = wb.worksheets[0]
    return csv_bytes([list(row) for row in ws.iter_rows(values_only=True)])


def write_workbook(wb: Workbook, path: Path | str) -> str:
    """Save a workbook by the suffix of `path`: .xlsx as a neutralised workbook, .csv as its first sheet."""
    fmt = format_of(path)
    Path(path).write_bytes(xlsx_bytes(wb) if fmt == "xlsx" else workbook_csv_bytes(wb))
    return fmt
