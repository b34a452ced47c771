"""The one way to write a spreadsheet: CSV and XLSX with formula injection neutralised.

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
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx_bytes(document: Any) -> bytes:
    """A python-docx Document as bytes (Word does not evaluate cell text as formulas: nothing to neutralise)."""
    buffer = io.BytesIO()
    document.save(buffer)
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
        ws.append(list(row))
    return wb


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
