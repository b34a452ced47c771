"""The DoD proposal workbook: template, all-or-nothing import with row/column problems, idempotency, CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from secassist.core.errors import ImportRejected
from secassist.title10 import services, workbook
from secassist.title10.demo import sample_rows
from secassist.title10.intake import COLUMN_NAMES
from secassist.title10.models import Proposal, Status

from .conftest import kenya_raw


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    workbook.write_template(path, rows)
    return path


def test_the_template_has_every_column_instructions_and_purposes(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    call_command("export_data", "title10-template", "--out", str(path))
    wb = load_workbook(path)
    assert [c.value for c in wb["Proposals"][1]] == COLUMN_NAMES
    assert wb["Instructions"].max_row == len(COLUMN_NAMES) + 1
    assert any(r[1].value == "counter_wmd" for r in wb["Purposes"].iter_rows(min_row=2))


def test_the_sample_workbook_imports_and_reimports_unchanged(tmp_path: Path, t10_analyst: Any) -> None:
    path = write(tmp_path / "s.xlsx", sample_rows())
    assert workbook.import_workbook(path, acting_user=t10_analyst) == {"created": 9, "updated": 0, "unchanged": 0}
    assert workbook.import_workbook(path, acting_user=t10_analyst) == {"created": 0, "updated": 0, "unchanged": 9}
    ken = Proposal.objects.get(reference="AFRICOM-333-FY27-001")
    assert {e.kind: str(e.cost) for e in ken.elements.all()} == {
        "articles": "6200000.00",
        "training": "1150000.00",
        "services": "480000.00",
    }
    assert ken.purposes == ["maritime_border", "counterterrorism"]


def test_a_broken_workbook_is_rejected_whole_with_every_row_and_column(tmp_path: Path, t10_analyst: Any) -> None:
    rows = [
        kenya_raw(reference="OK-1"),
        kenya_raw(reference="BAD-2", fiscal_year="20X7", country="Atlantis"),
        kenya_raw(reference="BAD-3", articles_cost="12.345", purposes="humanitarian"),
        kenya_raw(reference="OK-1"),
    ]
    path = write(tmp_path / "b.xlsx", rows)
    with pytest.raises(ImportRejected) as exc:
        workbook.import_workbook(path, acting_user=t10_analyst)
    problems = exc.value.details["problems"]
    text = "\n".join(problems)
    assert "row 3, column D (fiscal_year)" in text
    assert "row 3, column F (country): country 'Atlantis' is not a known country" in text
    assert "row 4, column J (articles_cost)" in text and "more than two decimal places" in text
    assert "row 4, column G (purposes): humanitarian not a purpose under 10 U.S.C. 333" in text
    assert "row 5, column A (reference): reference OK-1 also on row 2" in text
    assert Proposal.objects.count() == 0  # nothing imported, not even the good row


def test_a_wrong_header_or_a_non_workbook_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Proposals"
    ws.append(["reference", "colour"])
    wb.save(tmp_path / "h.xlsx")
    with pytest.raises(ImportRejected) as exc:
        workbook.import_workbook(tmp_path / "h.xlsx")
    assert "row 1: required column 'title' is missing" in exc.value.details["problems"]
    assert "row 1: unknown column 'colour'" in exc.value.details["problems"]
    (tmp_path / "x.xlsx").write_text("not a workbook")
    with pytest.raises(ImportRejected, match="not a readable XLSX"):
        workbook.import_workbook(tmp_path / "x.xlsx")


def test_a_changed_row_replaces_a_received_proposal_but_not_a_routed_one(
    tmp_path: Path, t10_analyst: Any, kenya_unit: Any
) -> None:
    write(tmp_path / "a.xlsx", [kenya_raw()])
    workbook.import_workbook(tmp_path / "a.xlsx", acting_user=t10_analyst)
    write(tmp_path / "b.xlsx", [kenya_raw(title="Kenya maritime security (revised)")])
    assert workbook.import_workbook(tmp_path / "b.xlsx", acting_user=t10_analyst)["updated"] == 1
    p = Proposal.objects.get()
    assert p.title.endswith("(revised)")
    services.route_proposal(acting_user=t10_analyst, proposal=p)
    write(tmp_path / "c.xlsx", [kenya_raw(title="Third version")])
    with pytest.raises(ImportRejected) as exc:
        workbook.import_workbook(tmp_path / "c.xlsx", acting_user=t10_analyst)
    assert "already in clearance" in exc.value.details["problems"][0]
    assert Proposal.objects.get().status == Status.IN_CLEARANCE


def test_the_cli_imports_and_reports_problems_with_exit_status_2(tmp_path: Path, kenya_unit: Any) -> None:
    from django.core.management.base import CommandError

    good = write(tmp_path / "g.xlsx", [kenya_raw()])
    call_command("import_data", "dod-proposals", str(good), "--no-progress")
    assert Proposal.objects.filter(reference="AFRICOM-333-FY27-901").exists()
    bad = write(tmp_path / "bad.xlsx", [kenya_raw(reference="X-1", ccmd="SPACECOM")])
    with pytest.raises(CommandError) as exc:
        call_command("import_data", "dod-proposals", str(bad), "--no-progress")
    assert exc.value.returncode == 2 and "row 2, column E (ccmd)" in str(exc.value)


def test_export_of_proposals_round_trips_through_the_import(tmp_path: Path, make_proposal: Any, t10_analyst: Any) -> None:
    make_proposal()
    out = tmp_path / "e.xlsx"
    workbook.export_proposals(out)
    assert workbook.import_workbook(out, acting_user=t10_analyst) == {"created": 0, "updated": 0, "unchanged": 1}
