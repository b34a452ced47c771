"""The comment resolution matrix as XLSX (import and export, one layout) and the DOCX cover memo.

Layout (DoD's customary comment resolution matrix; row numbers are those of the exported file):
    A1  title · A2/B2 marking of the file · A3/B3 Tasker ID · A4/B4 document · A5/B5 document marking
    row 7: # | Office | Page | Paragraph | Line | Type | Comment | Rationale | Proposed change |
           Adjudication | DoD response
    rows 8…: one comment per row
The import reads the header row wherever it is in the first 15 rows, so offices may add lines
above it. Adjudication and DoD response are ignored on import (they are DoD's columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from secassist.accounts.roles import has_capability
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import AccessDenied, ImportRejected, InvalidInput, NotFound, RuleViolation
from secassist.core.exports import docx_bytes, format_of, marking, write_workbook, xlsx_bytes
from secassist.core.uploads import Upload, open_xlsx, read_upload, xlsx_rows
from secassist.reference.models import Office

from . import rules, services
from .models import Adjudication, Comment, CommentType, Tasker

HEADERS = [
    "#",
    "Office",
    "Page",
    "Paragraph",
    "Line",
    "Type",
    "Comment",
    "Rationale",
    "Proposed change",
    "Adjudication",
    "DoD response",
]
HEADER_ROW = 7
TYPE_LABELS = (
    {c.label.lower(): c.value for c in CommentType}
    | {c.value: c.value for c in CommentType}
    | {"c": CommentType.CRITICAL, "s": CommentType.SUBSTANTIVE, "a": CommentType.ADMINISTRATIVE}
)
ADJ_LABELS = {a.value: a.label for a in Adjudication}
MAX_ROWS = 2000
WRAP = Alignment(wrap_text=True, vertical="top")
COLUMN_LETTERS = "ABCDEFGHIJK"


# ---- export ------------------------------------------------------------------------------------


def file_marking() -> str:
    return f"{marking()} — contains no classified information"


def matrix_workbook(tasker: Tasker, *, consolidated: bool = True, office: Office | None = None) -> Workbook:
    """The consolidated State input (merged duplicates folded in) plus, on a second sheet, every
    office comment as entered. With consolidated=False and no comments: a blank template."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "State input" if consolidated else "Comments"
    comments = list(Comment.objects.filter(tasker=tasker).select_related("office", "merged_into").order_by("number"))
    if office is not None:
        comments = [c for c in comments if c.office_id == office.pk]
    live = [c for c in comments if c.merged_into_id is None]
    _sheet(ws, tasker, live if consolidated else comments, merged_note=not consolidated)
    if consolidated:
        _sheet(wb.create_sheet("All office comments"), tasker, comments, merged_note=True)
    return wb


def _sheet(ws: Any, tasker: Tasker, comments: list[Comment], *, merged_note: bool) -> None:
    product = tasker.product
    ws["A1"] = "COMMENT RESOLUTION MATRIX"
    ws["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(
        [
            ("Marking", file_marking()),
            ("Tasker ID", tasker.pk),
            ("Document", str(product)),
            ("Document marking", f"{product.marking} (text held at: {product.classified_text_location or 'n/a'})"),
        ],
        start=2,
    ):
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        ws.cell(row=row, column=2, value=value)
    for col, name in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1A4480")
    for i, c in enumerate(comments, start=HEADER_ROW + 1):
        merged = f" — merged into #{c.merged_into.number}" if merged_note and c.merged_into is not None else ""
        office = c.offices_label + merged
        values = [
            c.number,
            office,
            c.page,
            c.paragraph,
            c.line,
            c.get_comment_type_display(),
            c.comment,
            c.rationale,
            c.proposed_change,
            ADJ_LABELS[c.adjudication] if c.adjudication else "",
            c.dod_response,
        ]
        for col, value in enumerate(values, start=1):
            ws.cell(row=i, column=col, value=value).alignment = WRAP
    types = DataValidation(type="list", formula1='"Critical,Substantive,Administrative"', allow_blank=True)
    ws.add_data_validation(types)
    types.add(f"F{HEADER_ROW + 1}:F{HEADER_ROW + MAX_ROWS}")
    for letter, width in zip(COLUMN_LETTERS, [5, 16, 7, 10, 7, 14, 60, 40, 40, 18, 40], strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def matrix_bytes(tasker: Tasker, **kwargs: Any) -> bytes:
    return xlsx_bytes(matrix_workbook(tasker, **kwargs))


def memo_bytes(tasker: Tasker) -> bytes:
    from docx import Document
    from docx.shared import Pt

    product = tasker.product
    live = list(Comment.objects.filter(tasker=tasker, merged_into__isnull=True).select_related("office").order_by("number"))
    offices = sorted(tasker.offices.values_list("code", flat=True))
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"  # type: ignore[attr-defined]
    style.font.size = Pt(12)  # type: ignore[attr-defined]
    doc.add_paragraph("United States Department of State\nBureau of Political-Military Affairs\nOffice of Security Assistance")
    today = clock.today()
    doc.add_paragraph(f"{today:%B} {today.day}, {today.year}")
    doc.add_heading("MEMORANDUM", level=1)
    lead = (tasker.state_lead.get_full_name() or tasker.state_lead.username) if tasker.state_lead else "Defense Sector Plans Team"
    for label, value in [
        ("TO", tasker.requested_by or product.owner_label),
        ("FROM", f"{lead}, Defense Sector Plans Team, PM/SA"),
        ("SUBJECT", f"Department of State input on {product}"),
        (
            "REFERENCE",
            f"{tasker.dod_reference or 'DoD tasker'}, received {tasker.received_on:%Y-%m-%d}, due {tasker.due_on:%Y-%m-%d}",
        ),
    ]:
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    counts = {t.label: sum(c.comment_type == t.value for c in live) for t in CommentType}
    adj = {a.label: sum(c.adjudication == a.value for c in live) for a in Adjudication if a.value}
    doc.add_paragraph(
        f"1. The Department of State reviewed the {product.get_product_type_display()} "
        f"with {', '.join(offices) or 'no offices'}. "
        f"The consolidated State input holds {len(live)} comments: "
        + ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
        + "."
    )
    doc.add_paragraph(
        "2. Adjudication to date: "
        + ", ".join(f"{n} {label.lower()}" for label, n in adj.items())
        + f"; {sum(not c.adjudication for c in live)} not yet adjudicated."
    )
    critical = [c for c in live if c.comment_type == CommentType.CRITICAL]
    doc.add_paragraph(
        "3. Critical comments (State cannot concur unless these are resolved):"
        if critical
        else "3. State raises no critical comments."
    )
    bullet = doc.styles["List Bullet"]  # looked up once: a lookup by name per paragraph is slow
    for c in critical:
        state = ADJ_LABELS[c.adjudication] if c.adjudication else "not yet adjudicated"
        doc.add_paragraph(
            f"#{c.number} ({c.offices_label}, {c.location}): {c.comment} — {state}"
            + (f"; DoD response: {c.dod_response}" if c.dod_response else ""),
            style=bullet,
        )
    doc.add_paragraph(
        f"4. The product is marked {product.marking}; its text is held at {product.classified_text_location or 'the owner'} "
        "and is not reproduced here. This memorandum and its attachment contain no classified information."
    )
    doc.add_paragraph("Attachment: Consolidated State comment resolution matrix (XLSX).")
    return docx_bytes(doc)


# ---- import ------------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    row: int
    office: Office
    fields: dict[str, str]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _matrix_bytes(source: Path | BinaryIO | Any) -> Upload:
    """The file's bytes, bounded and sniffed (core.uploads), whether a path (CLI) or an upload."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            return read_upload(fh, kinds=("xlsx",))
    return read_upload(source, kinds=("xlsx",))


def read_matrix(source: Path | BinaryIO | Any) -> tuple[str, list[tuple[int, dict[str, str]]], list[str]]:
    """(tasker id written in the file, [(row number, values by header)], problems)."""
    upload = _matrix_bytes(source)
    wb = open_xlsx(upload.data, name=upload.name)
    ws = wb.worksheets[0]
    tasker_id, header_at, headers = "", 0, []
    rows = []
    for n, raw in xlsx_rows(ws, max_rows=MAX_ROWS + 16, max_columns=len(HEADERS) + 5, name=upload.name):
        values = [_cell(v) for v in raw]
        if not header_at:
            if values and values[0].lower() == "tasker id" and len(values) > 1:
                tasker_id = values[1]
            if [v.lower() for v in values[:2]] == ["#", "office"]:
                header_at, headers = n, [v.lower() for v in values]
            elif n >= 15:
                break
            continue
        if n - header_at > MAX_ROWS:
            raise ImportRejected(f"the matrix has more than {MAX_ROWS} rows", problems=[f"row {n}: too many rows"])
        if any(values):
            rows.append((n, {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers) if h}))
    wb.close()
    problems = [] if header_at else ["no header row '# | Office | Page | …' in the first 15 rows"]
    missing = [h for h in HEADERS[:9] if header_at and h.lower() not in headers]
    problems += [f"row {header_at}: missing column {h!r}" for h in missing]
    return tasker_id, rows, problems


def _col(name: str) -> str:
    return f"column {COLUMN_LETTERS[HEADERS.index(name)]} ({name})"


def validate_rows(acting_user: Any, tasker: Tasker, rows: list[tuple[int, dict[str, str]]]) -> tuple[list[MatrixRow], list[str]]:
    offices = {o.code.upper(): o for o in tasker.offices.all()}
    good, problems = [], []
    for n, values in rows:
        here: list[str] = []
        code = values.get("office", "").split(" ")[0].upper()
        office = offices.get(code)
        if not code:
            here.append(f"row {n}, {_col('Office')}: required")
        elif office is None:
            here.append(f"row {n}, {_col('Office')}: {code} is not tasked (tasked: {', '.join(sorted(offices)) or 'none'})")
        elif not has_capability(acting_user, "plans.edit") and getattr(acting_user, "office_id", None) != office.pk:
            here.append(f"row {n}, {_col('Office')}: you may enter comments only for your own office, not {code}")
        ctype = TYPE_LABELS.get(values.get("type", "").lower())
        if ctype is None:
            here.append(
                f"row {n}, {_col('Type')}: {values.get('type', '')!r} is not one of Critical, Substantive, Administrative"
            )
        fields = {
            "page": values.get("page", ""),
            "paragraph": values.get("paragraph", ""),
            "line": values.get("line", ""),
            "comment_type": ctype or "",
            "comment": values.get("comment", ""),
            "rationale": values.get("rationale", ""),
            "proposed_change": values.get("proposed change", ""),
        }
        if not fields["comment"]:
            here.append(f"row {n}, {_col('Comment')}: required")
        if ctype == CommentType.CRITICAL and not fields["rationale"]:
            here.append(f"row {n}, {_col('Rationale')}: a critical comment needs a rationale")
        for key, header, limit in (("page", "Page", 20), ("paragraph", "Paragraph", 40), ("line", "Line", 20)):
            if len(fields[key]) > limit:
                here.append(f"row {n}, {_col(header)}: longer than {limit} characters")
        for finding in rules.check_unclassified({k: v for k, v in fields.items() if k != "comment_type"}):
            header = {"proposed_change": "Proposed change"}.get(finding.data["field"], finding.data["field"].capitalize())
            here.append(f"row {n}, {_col(header)}: PLN-001 {'; '.join(finding.data['markings'])} — classified text is refused")
        problems += here
        if not here and office is not None:
            good.append(MatrixRow(n, office, fields))
    return good, problems


def _key(office_id: int, f: dict[str, str]) -> tuple[Any, ...]:
    return (office_id, rules.normalise_location(f["page"], f["paragraph"], f["line"]), rules.normalise_text(f["comment"]))


def import_matrix(*, acting_user: Any, source: Path | BinaryIO | Any, tasker: Tasker | None = None) -> dict[str, Any]:
    """All-or-nothing: every row is checked first and any problem rejects the whole file.
    Idempotent: a row already in the matrix (same office, location and text) is not added again.
    The file is parsed before the write transaction opens, so a slow file never holds the lock."""
    if acting_user is None:
        raise AccessDenied("set SECASSIST_ACTING_USER to the user on whose behalf the matrix is imported")
    parsed = read_matrix(source)
    return _write_matrix(acting_user=acting_user, parsed=parsed, tasker=tasker)


@transaction.atomic
def _write_matrix(
    *, acting_user: Any, parsed: tuple[str, list[tuple[int, dict[str, str]]], list[str]], tasker: Tasker | None
) -> dict[str, Any]:
    file_tasker_id, rows, problems = parsed
    if tasker is None:
        if not file_tasker_id.isdigit():
            raise ImportRejected("the matrix names no Tasker ID (cell B3)", problems=["row 3, column B (Tasker ID): required"])
        tasker = Tasker.objects.filter(pk=int(file_tasker_id)).first()
        if tasker is None:
            raise NotFound(f"no tasker {file_tasker_id}", tasker=file_tasker_id)
    elif file_tasker_id and file_tasker_id != str(tasker.pk):
        problems.append(f"row 3, column B (Tasker ID): the file is for tasker {file_tasker_id}, not {tasker.pk}")
    tasker = Tasker.objects.select_for_update().get(pk=tasker.pk)
    if not tasker.accepts_comments:
        raise RuleViolation(
            f"tasker {tasker.pk} does not accept comments now ({tasker.get_status_display().lower()})",
            code="PLN-004",
            status=tasker.status,
        )
    if not rows and not problems:
        problems.append("the matrix has no comment rows")
    good, row_problems = validate_rows(acting_user, tasker, rows)
    problems += row_problems
    if problems:
        raise ImportRejected(f"the matrix was not imported: {len(problems)} problem(s); nothing was saved", problems=problems)
    existing = {
        _key(c.office_id, {"page": c.page, "paragraph": c.paragraph, "line": c.line, "comment": c.comment})
        for c in Comment.objects.filter(tasker=tasker)
    }
    added = skipped = 0
    for row in good:
        key = _key(row.office.pk, row.fields)
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        services.add_comment(acting_user=acting_user, tasker=tasker, office=row.office, **row.fields)
        added += 1
    record(
        actor=acting_user,
        action="plans.comment.import",
        obj=tasker,
        after={"rows": len(good), "added": added, "already_present": skipped},
    )
    return {"tasker": tasker.pk, "rows": len(good), "added": added, "already_present": skipped}


def run_import(path: Path, *, acting_user: Any, progress: bool = False) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return import_matrix(acting_user=acting_user, source=fh)


def _export_tasker(acting_user: Any, params: dict[str, Any]) -> Tasker:
    from . import selectors

    tasker_id = str(params.get("tasker", ""))
    if not tasker_id.isdigit():
        raise InvalidInput("pass --param tasker=ID", field="tasker", value=tasker_id)
    qs = selectors.taskers(acting_user) if acting_user is not None else Tasker.objects.all()
    tasker = qs.filter(pk=int(tasker_id)).first()
    if tasker is None:
        raise NotFound(f"no tasker {tasker_id}", tasker=tasker_id)
    return tasker


def run_matrix_export(path: Path, *, acting_user: Any, progress: bool = False, **params: Any) -> dict[str, Any]:
    format_of(path)  # refuse an unknown suffix before any work
    tasker = _export_tasker(acting_user, params)
    write_workbook(matrix_workbook(tasker), path)
    return {
        "tasker": tasker.pk,
        "comments": Comment.objects.filter(tasker=tasker, merged_into__isnull=True).count(),
        "file": str(path),
    }


def run_memo_export(path: Path, *, acting_user: Any, progress: bool = False, **params: Any) -> dict[str, Any]:
    format_of(path, allowed=("docx",))  # a memo is a document: never DOCX bytes under another suffix
    tasker = _export_tasker(acting_user, params)
    Path(path).write_bytes(memo_bytes(tasker))
    return {"tasker": tasker.pk, "file": str(path)}
