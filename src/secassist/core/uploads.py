"""Uploaded files, read defensively (issue #12 item 7; ADR 0811).

A 2.4 MB XLSX expanding to 620 MB tied a worker up for 49–106 s, inside a write transaction, so other
writers failed with "database is locked". Every importer therefore:

1. takes the bytes through `read_upload` (a size bound checked before reading; the type sniffed from
   the content, not trusted from the name or the Content-Type; the file name reduced to a safe label);
2. opens a workbook through `open_xlsx`, which inspects the ZIP container first (member count, total
   expanded size, expansion ratio: a zip bomb is refused before a byte is inflated) and then reads in
   openpyxl's read-only streaming mode;
3. iterates rows through `xlsx_rows`: row, column and cell-size caps and a wall-clock budget;
4. parses everything first and only then opens the (short) write transaction.

Every refusal is an `ImportRejected` that says which limit was hit and what is allowed.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from .errors import ImportRejected

ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 1000


def _limit(name: str, default: float) -> Any:
    return getattr(settings, name, default)


def max_expanded_bytes() -> int:
    return int(_limit("SECASSIST_XLSX_MAX_EXPANDED_BYTES", 100 * 1024 * 1024))


def max_ratio() -> int:
    return int(_limit("SECASSIST_XLSX_MAX_RATIO", 100))


def time_budget() -> float:
    return float(_limit("SECASSIST_IMPORT_SECONDS", 30))


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A label for messages and temporary files: no directories, no control characters, ≤ 100 chars."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")[:100]
    return base or default


@dataclass(frozen=True)
class Upload:
    name: str  # safe_filename of what the user chose
    kind: str  # "xlsx" or "csv", from the content
    data: bytes


def sniff(data: bytes) -> str:
    """'xlsx' for a ZIP container, 'csv' for UTF-8 text without NUL bytes, '' for anything else."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if b"\x00" in data[:65536]:
        return ""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""
    return "csv"


def read_upload(upload: Any, *, kinds: tuple[str, ...] = ("xlsx",), max_bytes: int | None = None) -> Upload:
    """The bytes of an uploaded file (Django UploadedFile or any object with read()), bounded and sniffed."""
    limit = int(max_bytes or settings.SECASSIST_MAX_UPLOAD_BYTES)
    name = safe_filename(getattr(upload, "name", None))
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_big(name, limit)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(name, limit)
    if not data:
        raise ImportRejected(f"{name}: the file is empty", problems=[f"{name}: empty file"], path=name)
    kind = sniff(data)
    if kind not in kinds:
        wanted = " or ".join(k.upper() for k in kinds)
        found = {"xlsx": "an XLSX workbook", "csv": "UTF-8 text"}.get(kind, "neither an XLSX workbook nor UTF-8 text")
        raise ImportRejected(
            f"{name} is not a readable {wanted} file (expected {wanted}; the content is {found})",
            problems=[f"{name}: content is not {wanted}" + (" (CSV must be UTF-8)" if "csv" in kinds else "")],
            path=name,
            allowed=list(kinds),
        )
    return Upload(name=name, kind=kind, data=data)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def _too_big(name: str, limit: int) -> ImportRejected:
    return ImportRejected(
        f"{name}: larger than the limit of {_size(limit)}",
        problems=[f"{name}: over {limit} bytes"],
        path=name,
        limit_bytes=limit,
    )


def check_xlsx_container(source: bytes | Path | BinaryIO, *, name: str = "the workbook") -> None:
    """Refuse a workbook whose ZIP members would expand beyond the limits, before inflating anything."""
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        with zipfile.ZipFile(stream) as archive:  # type: ignore[arg-type]
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportRejected(f"{name} is not a readable XLSX workbook", problems=[f"{name}: not a ZIP container"]) from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)  # type: ignore[union-attr]
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportRejected(f"{name} has {len(members)} parts; at most {MAX_ZIP_MEMBERS}", problems=[f"{name}: too many parts"])
    expanded = sum(m.file_size for m in members)
    if expanded > max_expanded_bytes():
        raise ImportRejected(
            f"{name} expands to {_size(expanded)}; at most {_size(max_expanded_bytes())} is read",
            problems=[f"{name}: expands to {expanded} bytes"],
            expanded_bytes=expanded,
            limit_bytes=max_expanded_bytes(),
        )
    for member in members:
        if member.file_size > 1_048_576 and member.file_size > max_ratio() * max(member.compress_size, 1):
            raise ImportRejected(
                f"{name}: part {member.filename} expands {member.file_size // max(member.compress_size, 1)}-fold; "
                f"at most {max_ratio()}-fold (a compression bomb, or a sheet of repeated filler)",
                problems=[f"{name}: {member.filename} compression ratio too high"],
            )


def open_xlsx(source: bytes | Path | BinaryIO, *, name: str = "the workbook") -> Workbook:
    """A read-only, streaming workbook (values, not formulas) after the container check."""
    check_xlsx_container(source, name=name)
    try:
        return load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged workbook
        raise ImportRejected(
            f"{name} is not a readable XLSX workbook ({exc.__class__.__name__})", problems=[f"{name}: unreadable"]
        ) from None


def xlsx_rows(
    ws: Any,
    *,
    max_rows: int,
    max_columns: int = 60,
    max_cell_chars: int = 10_000,
    first_row: int = 1,
    name: str = "the workbook",
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of a read-only sheet, at most `max_columns` wide, within the caps and the
    time budget. A wider row is cut (columns past the template's are ignored); the rest is refused."""
    started = time.monotonic()
    budget = time_budget()
    for number, values in enumerate(ws.iter_rows(min_row=first_row, max_col=max_columns, values_only=True), start=first_row):
        if number - first_row >= max_rows:
            raise ImportRejected(f"{name} has more than {max_rows} rows; split it", problems=[f"row {number}: too many rows"])
        if time.monotonic() - started > budget:
            raise ImportRejected(
                f"{name} took more than {budget:g} s to read (stopped at row {number}); split it or remove filler",
                problems=[f"row {number}: time budget of {budget:g} s spent"],
            )
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > max_cell_chars:
                raise ImportRejected(
                    f"{name}: row {number}, column {column} holds {len(value)} characters; at most {max_cell_chars}",
                    problems=[f"row {number}, column {column}: longer than {max_cell_chars} characters"],
                )
        yield number, values
