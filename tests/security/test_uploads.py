"""Issue #12 item 7: uploads are bounded, sniffed, inspected for zip bombs, streamed with caps and a
time budget, parsed before any write transaction opens, and refused all-or-nothing with clear errors."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from secassist.core.errors import ImportRejected
from secassist.core.uploads import read_upload, safe_filename, sniff
from secassist.plans import documents
from secassist.plans.models import Comment
from tests.plans.conftest import make_tasker
from tests.plans.test_matrix import GOOD, matrix


def _bomb(expanded_mb: int) -> bytes:
    """A ZIP shaped like a workbook whose sheet inflates `expanded_mb` MB of filler from a few KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (expanded_mb * 1024 * 1024) + b">")
    return buf.getvalue()


def _import(api, tasker, data: bytes, name: str = "matrix.xlsx"):
    upload = SimpleUploadedFile(name, data)
    return api.post(f"/api/v1/plans/taskers/{tasker.pk}/comments/import", {"file": upload})


def test_a_compression_bomb_is_refused_at_once_without_inflating_it(api_as, dsp_analyst, monkeypatch):
    from secassist.core import uploads

    def never(*args, **kwargs):
        raise AssertionError("the workbook was handed to openpyxl")

    monkeypatch.setattr(uploads, "load_workbook", never)
    tasker = make_tasker(dsp_analyst, state="tasked")
    bomb = _bomb(60)
    assert len(bomb) < 1024 * 1024  # under a megabyte on the wire
    started = time.monotonic()
    resp = _import(api_as(dsp_analyst), tasker, bomb)
    elapsed = time.monotonic() - started
    assert resp.status_code == 422, resp.content
    body = resp.json()
    assert body["code"] == "import_rejected" and "expands" in body["message"]
    assert elapsed < 30, elapsed  # generous: shared CI machines; the inflation itself never happens
    assert Comment.objects.count() == 0


def test_a_workbook_expanding_past_the_limit_is_refused_naming_the_limit(settings):
    settings.SECASSIST_XLSX_MAX_EXPANDED_BYTES = 100 * 1024
    workbook = Workbook()
    for n in range(3000):
        workbook.active.append([f"row {n} {'filler text ' * 5}", n])
    buf = io.BytesIO()
    workbook.save(buf)
    with pytest.raises(ImportRejected) as exc:
        documents.read_matrix(io.BytesIO(buf.getvalue()))
    assert "expands to" in exc.value.message and "at most 100 KB" in exc.value.message


def test_the_type_is_sniffed_from_the_content_not_the_name(api_as, dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="tasked")
    resp = _import(api_as(dsp_analyst), tasker, b"Office,Comment\nAF,hello\n", name="matrix.xlsx")
    assert resp.status_code == 422
    assert "expected XLSX" in resp.json()["message"]
    assert sniff(b"PK\x03\x04rest") == "xlsx" and sniff(b"a,b\n") == "csv" and sniff(b"\xff\xfe\x00a") == ""


def test_an_overlong_cell_is_refused_with_its_row_and_column(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="tasked")
    long_comment = [*GOOD[:6], "x" * 20_000, *GOOD[7:]]
    with pytest.raises(ImportRejected) as exc:
        documents.import_matrix(acting_user=dsp_analyst, source=matrix(tasker.pk, [long_comment]), tasker=tasker)
    assert "row 6, column 7" in exc.value.message and "at most 10000" in exc.value.message
    assert Comment.objects.count() == 0


def test_reading_stops_when_the_time_budget_is_spent(dsp_analyst, settings):
    settings.SECASSIST_IMPORT_SECONDS = 0
    tasker = make_tasker(dsp_analyst, state="tasked")
    with pytest.raises(ImportRejected) as exc:
        documents.import_matrix(acting_user=dsp_analyst, source=matrix(tasker.pk, [GOOD] * 5), tasker=tasker)
    assert "took more than 0 s" in exc.value.message
    assert Comment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_file_is_parsed_before_the_write_transaction_opens(dsp_analyst, monkeypatch):
    tasker = make_tasker(dsp_analyst, state="tasked")
    seen: list[bool] = []
    real = documents.open_xlsx

    def watching(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "open_xlsx", watching)
    summary = documents.import_matrix(acting_user=dsp_analyst, source=matrix(tasker.pk, [GOOD]), tasker=tasker)
    assert summary["added"] == 1
    assert seen == [False]


def test_an_upload_over_the_limit_is_refused_before_it_is_read(settings):
    settings.SECASSIST_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\0" * 500)
    with pytest.raises(ImportRejected) as exc:
        read_upload(upload)
    assert exc.value.details["limit_bytes"] == 100


def test_an_empty_upload_is_refused():
    with pytest.raises(ImportRejected) as exc:
        read_upload(SimpleUploadedFile("empty.xlsx", b""))
    assert "empty" in exc.value.message


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd\x00.xlsx", "passwd.xlsx"),
        ("C:\\Users\\me\\matrix.xlsx", "matrix.xlsx"),
        ("<script>alert(1)</script>.xlsx", "script_.xlsx"),
        ("", "upload"),
        ("...", "upload"),
        ("a" * 300 + ".xlsx", "a" * 100),
    ],
)
def test_file_names_are_reduced_to_a_safe_label(raw, safe):
    assert safe_filename(raw) == safe
