"""Delivery import (CSV and XLSX): validated first, all-or-nothing with row/column messages, idempotent
by file hash; reachable by the CLI (`secassist import deliveries FILE`), the API and the page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from secassist.audit.models import AuditEvent
from secassist.core.errors import ImportRejected
from secassist.oversight import importers
from secassist.oversight.models import Delivery, DeliveryImport

pytestmark = pytest.mark.django_db
HEADER = "reference,program,kind,description,quantity,planned_on,actual_on\n"


def _csv(tmp_path: Path, body: str, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_cli_imports_a_csv_and_a_second_run_of_the_same_file_changes_nothing(
    tmp_path: Path, proposal: Any, capsys: Any
) -> None:
    path = _csv(
        tmp_path,
        f"KE-1,t10:{proposal.reference},articles,RHIB lot 1,4,2026-11-01,2026-11-11\n"
        f"KE-2,t10:{proposal.reference},training,Operator course,,2027-01-15,\n",
    )
    call_command("import_data", "deliveries", str(path), "--no-progress")
    assert "created=2" in capsys.readouterr().out
    events = AuditEvent.objects.count()

    call_command("import_data", "deliveries", str(path), "--no-progress")

    assert "unchanged=2" in capsys.readouterr().out
    assert Delivery.objects.count() == 2 and DeliveryImport.objects.count() == 1 and AuditEvent.objects.count() == events
    late = Delivery.objects.get(reference="KE-1")
    assert (str(late.planned_on), str(late.actual_on), late.quantity) == ("2026-11-01", "2026-11-11", 4)


def test_a_later_extract_updates_elements_by_reference(tmp_path: Path, proposal: Any) -> None:
    importers.import_deliveries(
        _csv(tmp_path, f"KE-1,t10:{proposal.reference},articles,RHIB lot 1,4,2026-11-01,\n"), acting_user=None
    )
    summary = importers.import_deliveries(
        _csv(tmp_path, f"KE-1,t10:{proposal.reference},articles,RHIB lot 1,4,2026-11-01,2026-11-20\n", "extract2.csv"),
        acting_user=None,
    )
    assert (summary["created"], summary["updated"]) == (0, 1)
    assert str(Delivery.objects.get(reference="KE-1").actual_on) == "2026-11-20"


def test_one_bad_row_rejects_the_whole_file_naming_each_row_and_column(tmp_path: Path, proposal: Any) -> None:
    ref = proposal.reference
    path = _csv(
        tmp_path,
        (
            f"KE-1,t10:{ref},articles,Good row,1,2026-11-01,\n"
            f"KE-2,t10:NOPE-1,articles,Unknown program,1,2026-11-01,\n"
            f"KE-3,t10:{ref},tanks,Bad kind,1,2026-11-01,\n"
            f"KE-4,t10:{ref},training,Bad date,1,2026-13-01,\n"
            f"KE-5,t10:{ref},training,Delivered in the future,1,2026-11-01,2027-05-01\n"
            f"KE-1,t10:{ref},articles,Repeated reference,1,2026-11-01,\n"
            f"KE-7,t10:{ref},services,Bad quantity,many,2026-11-01,\n"
        ),
    )
    with pytest.raises(ImportRejected) as caught:
        importers.import_deliveries(path, acting_user=None)

    assert caught.value.details["problems"] == [
        "row 3, column program: no Title 10 proposal NOPE-1",
        "row 4, column kind: kind must be one of articles, training, services, supplies, construction",
        "row 5, column planned_on: planned_on must be a date YYYY-MM-DD",
        "row 6, column actual_on: actual_on must be between 1990-01-01 and 2026-11-27 (it cannot be in the future)",
        "row 7, column reference: reference KE-1 repeats row 2",
        "row 8, column quantity: quantity must be a whole number",
    ]
    assert not Delivery.objects.exists() and not DeliveryImport.objects.exists()


def test_a_file_without_the_required_columns_is_refused_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("reference,kind\nA,articles\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="missing column"):
        importers.import_deliveries(path, acting_user=None)


def test_the_cli_exits_with_status_2_and_the_problems(tmp_path: Path) -> None:
    path = _csv(tmp_path, "KE-1,t22:999999,articles,Nothing,1,2026-11-01,\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_data", "deliveries", str(path), "--no-progress")
    assert caught.value.returncode == 2 and "row 2, column program: no Title 22 line 999999" in str(caught.value)


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(importers.COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_api_imports_an_xlsx_with_real_dates(api_as: Any, t10_analyst: Any, proposal: Any) -> None:
    import datetime as dt

    data = _xlsx([["KE-9", f"t10:{proposal.reference}", "supplies", "Spares", 10, dt.datetime(2026, 10, 1), None]])
    resp = api_as(t10_analyst).post("/api/v1/oversight/deliveries/import", {"file": _upload("d.xlsx", data)})
    assert resp.status_code == 200, resp.content
    assert resp.json()["created"] == 1
    assert str(Delivery.objects.get(reference="KE-9").planned_on) == "2026-10-01"


def test_an_upload_that_is_not_a_workbook_is_refused_clearly(api_as: Any, t10_analyst: Any) -> None:
    resp = api_as(t10_analyst).post("/api/v1/oversight/deliveries/import", {"file": _upload("d.xlsx", b"not a zip")})
    assert resp.status_code == 422 and "not a readable XLSX" in resp.json()["message"]
    resp = api_as(t10_analyst).post("/api/v1/oversight/deliveries/import", {"file": _upload("d.txt", b"x")})
    assert resp.status_code == 422 and ".csv or .xlsx" in resp.json()["message"]


def test_a_role_without_import_rights_cannot_import(api_as: Any, clearer: Any) -> None:
    resp = api_as(clearer).post("/api/v1/oversight/deliveries/import", {"file": _upload("d.csv", HEADER.encode())})
    assert resp.status_code == 403


def test_the_page_import_shows_each_problem(client_as: Any, t10_analyst: Any) -> None:
    resp = client_as(t10_analyst).post(
        "/oversight/deliveries/import/",
        {"file": _upload("d.csv", (HEADER + "A,t10:X,articles,d,1,2026-01-01,\n").encode())},
        follow=True,
    )
    assert "row 2, column program: no Title 10 proposal X" in resp.content.decode()
    assert not Delivery.objects.exists()


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
