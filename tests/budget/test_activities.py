"""Title 22 activities: units, capabilities, platforms, a long description and years on a funds
line — by API, service and XLSX import (issue #18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from secassist.audit.models import AuditEvent
from secassist.budget import activities
from secassist.budget.models import Allocation, Title22Activity
from secassist.core.errors import AccessDenied, ImportRejected, InvalidInput

LONG = "Contractor logistics support, spare engines and consumables for the air force's transport fleet. " * 4


def _post(api: Any, appr: Any, **fields: Any) -> Any:
    body = {"appropriation_id": appr.pk, "recipient": "JOR", "amount": "0", **fields}
    return api.post("/api/v1/funds/allocations", body, content_type="application/json")


def test_the_allocation_api_records_the_activity_with_platform_names_mapped_to_codes(
    api_as: Any, sa_analyst: Any, build: Any
) -> None:
    appr = build.appropriation()
    resp = _post(
        api_as(sa_analyst),
        appr,
        purpose="Air force sustainment",
        description=LONG,
        units=["RJAF"],
        capabilities=["airlift", "Sustainment and maintenance"],
        platforms=["Super Hercules"],
    )
    assert resp.status_code == 201, resp.content
    (act,) = resp.json()["activities"]
    assert len(act["description"]) > 200 and act["description"] == LONG.strip()
    assert act["units"] == ["RJAF"] and act["capabilities"] == ["airlift", "sustainment"] and act["platforms"] == ["c-130j"]
    assert (act["first_fiscal_year"], act["last_fiscal_year"]) == (2027, 2028)  # FMF: two-year money
    assert AuditEvent.objects.filter(action="budget.activity.save").count() == 1


def test_the_allocation_api_without_activity_fields_keeps_its_old_shape(api_as: Any, sa_analyst: Any, build: Any) -> None:
    resp = _post(api_as(sa_analyst), build.appropriation())
    assert resp.status_code == 201 and resp.json()["activities"] == []
    assert not Title22Activity.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capabilities": ["space lasers"]}, "capabilities"),
        ({"platforms": ["F-35"]}, "platforms"),
        ({"description": "x" * 10_001}, "description"),
        ({"units": ["u" * 201]}, "units"),
        ({"description": "ok", "first_fiscal_year": 2026}, "first_fiscal_year"),
        ({"description": "ok", "first_fiscal_year": 2028, "last_fiscal_year": 2027}, "last_fiscal_year"),
        ({"description": "ok", "first_fiscal_year": 2027, "last_fiscal_year": 2037}, "last_fiscal_year"),
    ],
)
def test_a_bad_activity_field_is_refused_naming_it_and_no_line_is_opened(
    api_as: Any, sa_analyst: Any, build: Any, fields: dict[str, Any], field: str
) -> None:
    resp = _post(api_as(sa_analyst), build.appropriation(), **fields)
    assert resp.status_code == 422, resp.content
    assert resp.json()["details"]["field"] == field
    assert not Allocation.objects.exists() and not Title22Activity.objects.exists()


def test_the_last_year_may_be_nine_years_after_the_first(sa_analyst: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    act = activities.save_activity(
        acting_user=sa_analyst, allocation=line, description="d", first_fiscal_year=2027, last_fiscal_year=2036
    )
    assert (act.first_fiscal_year, act.last_fiscal_year) == (2027, 2036)


def test_saving_an_activity_again_replaces_it_and_audits_before_and_after(sa_analyst: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    activities.save_activity(acting_user=sa_analyst, allocation=line, description="first", units=["RJAF", "JAF"])
    act = activities.save_activity(acting_user=sa_analyst, allocation=line, description="second", units=["RJAF"])
    assert Title22Activity.objects.count() == 1 and [u.name for u in act.units.all()] == ["RJAF"]
    last = AuditEvent.objects.filter(action="budget.activity.save").order_by("-id").first()
    assert last is not None and last.before["description"] == "first" and last.after["description"] == "second"


def test_a_viewer_may_not_record_an_activity(viewer: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    with pytest.raises(AccessDenied):
        activities.save_activity(acting_user=viewer, allocation=line, description="d")


def _workbook(tmp_path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(activities.XLSX_COLUMNS)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "activities.xlsx"
    book.save(path)
    return path


def test_the_xlsx_import_loads_every_row_and_a_second_load_changes_nothing(tmp_path: Path, sa_analyst: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    path = _workbook(
        tmp_path,
        [
            [line.pk, "border", "Radar and camera towers for the border guards", "JBGF", "border-security", "", 2027, 2028],
            [line.pk, "airlift", "C-130J spares", "RJAF; Royal Jordanian Air Force", "airlift", "C-130J", None, None],
        ],
    )
    first = activities.import_activities(path, acting_user=sa_analyst)
    assert first == {"rows": 2, "changed": 2, "unchanged": 0}
    assert sorted(a.reference for a in Title22Activity.objects.all()) == ["airlift", "border"]
    assert activities.import_activities(path, acting_user=sa_analyst) == {"rows": 2, "changed": 0, "unchanged": 2}


def test_an_xlsx_with_one_bad_row_imports_nothing_and_names_line_and_column(tmp_path: Path, sa_analyst: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    path = _workbook(
        tmp_path,
        [
            [line.pk, "ok", "fine", "", "", "", None, None],
            [line.pk, "bad", "fine", "", "space lasers", "", None, None],
            [999999, "x", "fine", "", "", "", None, None],
        ],
    )
    with pytest.raises(ImportRejected) as exc:
        activities.import_activities(path, acting_user=sa_analyst)
    problems = exc.value.details["problems"]
    assert any(p.startswith("line 3, column capabilities") for p in problems)
    assert any(p.startswith("line 4, column allocation_id") for p in problems)
    assert not Title22Activity.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path, sa_analyst: Any) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(ImportRejected):
        activities.import_activities(path, acting_user=sa_analyst)


def test_capability_labels_and_codes_are_both_accepted_and_unknowns_name_the_allowed() -> None:
    assert activities.capability_codes(["Counter-UAS", "isr"]) == ["counter-uas", "isr"]
    with pytest.raises(InvalidInput) as exc:
        activities.capability_codes(["drones"])
    assert "isr" in exc.value.details["allowed"]


def test_the_activity_page_records_an_activity_and_the_line_page_lists_it(client_as: Any, sa_analyst: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    page = client_as(sa_analyst).get(f"/funds/allocations/{line.pk}/activity/")
    assert page.status_code == 200 and b"Capability categories" in page.content
    resp = client_as(sa_analyst).post(
        f"/funds/allocations/{line.pk}/activity/",
        {
            "reference": "airlift",
            "description": LONG,
            "units": "RJAF\nRoyal Jordanian Air Force",
            "capabilities": ["airlift"],
            "platforms": "Super Hercules",
            "first_fiscal_year": "2027",
            "last_fiscal_year": "",
        },
    )
    assert resp.status_code == 302, resp.content
    act = Title22Activity.objects.get(allocation=line, reference="airlift")
    assert act.platforms == ["c-130j"] and act.last_fiscal_year == 2028
    detail = client_as(sa_analyst).get(f"/funds/allocations/{line.pk}/").content.decode()
    assert "What this line pays for" in detail and "RJAF; Royal Jordanian Air Force" in detail


def test_the_activity_page_shows_a_bad_field_and_saves_nothing(client_as: Any, sa_analyst: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    resp = client_as(sa_analyst).post(
        f"/funds/allocations/{line.pk}/activity/",
        {"reference": "x", "description": "d", "platforms": "Starship", "first_fiscal_year": "20x7"},
    )
    assert resp.status_code == 422 and b"a fiscal year is a four-digit number" in resp.content
    resp = client_as(sa_analyst).post(
        f"/funds/allocations/{line.pk}/activity/", {"reference": "x", "description": "d", "platforms": "Starship"}
    )
    assert resp.status_code == 422 and b"unknown platform" in resp.content
    assert not Title22Activity.objects.exists()


def test_a_viewer_is_neither_shown_the_activity_form_nor_may_post_it(client_as: Any, viewer: Any, build: Any) -> None:
    line = build.line(build.appropriation())
    assert client_as(viewer).get(f"/funds/allocations/{line.pk}/activity/").status_code == 403  # issue #12 item 11
    assert client_as(viewer).post(f"/funds/allocations/{line.pk}/activity/", {"reference": "x"}).status_code == 403
