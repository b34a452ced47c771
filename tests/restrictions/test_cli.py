"""`secassist check` (management command check_restrictions) and `load_restrictions`."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args):
    out = io.StringIO()
    call_command("check_restrictions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_check_prints_a_readable_explanation(restrictions_data, fill_gaps):
    fill_gaps("SOM", 2025, "2025-03-01")
    text = run("--country", "SOM", "--program", "IMET", "--fy", "2025", "--date", "2025-03-01")
    assert "Verdict: ALLOWED UNDER WAIVER" in text
    assert "[RST-016] Child Soldiers Prevention Act" in text
    assert "PD 2024-15" in text and "https://" in text


def test_check_refuses_an_unknown_program_with_exit_status_2(restrictions_data):
    with pytest.raises(CommandError) as exc:
        run("--country", "SOM", "--program", "ESF", "--fy", "2025")
    assert exc.value.returncode == 2
    assert "program" in str(exc.value) and "IMET" in str(exc.value)


def test_check_requires_the_three_arguments(restrictions_data):
    with pytest.raises(CommandError) as exc:
        run("--country", "SOM")
    assert "--program" in str(exc.value)


def test_batch_mode_reads_a_csv_and_writes_results(restrictions_data, fill_gaps, tmp_path):
    fill_gaps("SOM", 2025, "2025-03-01")
    fill_gaps("CAF", 2025, "2025-03-01")
    src = tmp_path / "lines.csv"
    src.write_text(
        "country,program,fiscal_year,on_date,purpose\nSOM,IMET,2025,2025-03-01,\nSOM,FMF,2025,2025-03-01,\n"
        "CAF,PKO,2025,2025-03-01,peacekeeping_preparation\n"
    )
    out = tmp_path / "results.csv"
    message = run("--csv", str(src), "--out", str(out))
    assert "checked 3 rows" in message
    rows = list(csv.DictReader(out.open()))
    assert [r["verdict"] for r in rows] == ["allowed_under_waiver", "prohibited", "allowed_under_waiver"]
    assert rows[1]["codes"] == "RST-016" and "2370c-1" in rows[1]["citations"]


def test_batch_mode_refuses_a_file_with_bad_rows_naming_the_line(restrictions_data, tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("country,program,fiscal_year\nSOM,IMET,2025\nZZZ,IMET,2025\n")
    with pytest.raises(CommandError) as exc:
        run("--csv", str(src))
    assert "line 3" in str(exc.value) and exc.value.returncode == 2


def test_batch_mode_names_missing_columns(restrictions_data, tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("country,program\nSOM,IMET\n")
    with pytest.raises(CommandError) as exc:
        run("--csv", str(src))
    assert "fiscal_year" in str(exc.value)


def test_load_restrictions_is_idempotent(restrictions_data):
    import csv

    from django.conf import settings

    from secassist.audit.models import AuditEvent
    from secassist.restrictions.models import Designation, Restriction, Waiver

    with (settings.PRODUCT_DATA_DIR / "restrictions" / "waivers.csv").open(newline="", encoding="utf-8") as fh:
        register_rows = sum(1 for _ in csv.DictReader(fh))
    assert register_rows > 170  # PD waivers FY2004-FY2025, the Pakistan P.L. 107-57 waiver and the Egypt 2013 decision
    assert (Restriction.objects.count(), Waiver.objects.count()) == (15, register_rows)
    assert Designation.objects.count() > 255  # the cited file plus the coup-coding flags
    events = AuditEvent.objects.filter(action="restrictions.load").count()
    out = io.StringIO()
    call_command("load_restrictions", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert AuditEvent.objects.filter(action="restrictions.load").count() == events


def test_an_analysts_edit_survives_a_reload(restrictions_data, sa_analyst):
    import datetime as dt

    from secassist.restrictions import services
    from secassist.restrictions.loader import load_restrictions
    from secassist.restrictions.models import Designation

    d = Designation.objects.get(seed_key="sst:SYR:1979-12-29")
    services.end_designation(
        acting_user=sa_analyst,
        designation=d,
        ended_on=dt.date(2030, 1, 1),
        reason="test rescission",
        approved_under="test: the approval path is tested in test_two_person_register",
    )
    load_restrictions()
    d.refresh_from_db()
    assert d.ended_on == dt.date(2030, 1, 1)


def test_the_loader_refuses_a_bad_file_naming_the_line_and_changes_nothing(restrictions_data, tmp_path, settings):
    import shutil
    from pathlib import Path

    from secassist.core.errors import ImportRejected
    from secassist.restrictions.loader import load_restrictions
    from secassist.restrictions.models import Designation

    product = tmp_path / "data"
    shutil.copytree(Path(settings.PRODUCT_DATA_DIR) / "restrictions", product / "restrictions")
    path = product / "restrictions" / "designations.csv"
    lines = path.read_text().splitlines()
    lines.append(lines[1].replace("sst:SYR:1979-12-29,sst-620a,SYR", "sst:XXX:1979-12-29,sst-620a,XXX"))
    path.write_text("\n".join(lines) + "\n")
    before = Designation.objects.count()
    with pytest.raises(ImportRejected) as exc:
        load_restrictions(product_dir=product)
    assert f"line {len(lines)}" in exc.value.message and "XXX" in exc.value.message
    assert Designation.objects.count() == before
