"""/api/v1/funds/requests: cycles, stages, lines, F levels, comparisons, the CBJ export and seeding."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from secassist.audit.models import AuditEvent
from secassist.formulation import services
from secassist.formulation.models import RequestCycle, RequestLine

BASE = "/api/v1/funds/requests"


def _json(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.content
    return resp.json()


def _cycle(api: Any, fy: int = 2029) -> dict[str, Any]:
    return _json(api.post(BASE, {"budget_fiscal_year": fy}, content_type="application/json"), 201)


def _stage(api: Any, cycle_id: int, **body: Any) -> dict[str, Any]:
    return _json(api.post(f"{BASE}/{cycle_id}/stages", body, content_type="application/json"), 201)


@pytest.fixture
def analyst_api(api_as: Any, sa_analyst: Any) -> Any:
    return api_as(sa_analyst)


def test_an_analyst_builds_an_fy_plus_2_request_from_last_years_ledger(analyst_api: Any, fy2027_lines: Any) -> None:
    cycle = _cycle(analyst_api)
    stage = _stage(
        analyst_api,
        cycle["id"],
        kind="bureau_request",
        basis="ledger",
        actuals_fiscal_year=2027,
        measure="allocated",
        change_pct="2.5",
    )
    lines = {(ln["country"], ln["program"]): ln for ln in stage["lines"]}
    assert lines[("JOR", "FMF")]["amount"] == "389500000.00"  # 380,000,000 + 2.5 %
    assert lines[("PHL", "FMF")]["amount"] == "67650000.00"
    assert lines[("JOR", "IMET")]["amount"] == "4100000.00"
    assert lines[("JOR", "FMF")]["priority"] == 1 and lines[("PHL", "FMF")]["priority"] == 2
    assert stage["basis_note"] == "FY2027 funds ledger, allocated, changed by 2.50%"
    assert _json(analyst_api.get(f"{BASE}/{cycle['id']}"))["stage"] == "bureau_request"


def test_a_line_is_added_and_changed_with_justification_and_priority(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    stage = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="empty")
    url = f"{BASE}/{cycle['id']}/stages/{stage['id']}/lines"
    body = {"recipient": "jor", "program": "fmf", "amount": "425000000.00", "priority": 1, "justification": "MOU level"}
    line = _json(analyst_api.post(url, body, content_type="application/json"))
    assert (line["recipient"], line["program"], line["amount"]) == ("Jordan", "FMF", "425000000.00")
    again = _json(analyst_api.post(url, {**body, "amount": "400000000.00"}, content_type="application/json"))
    assert again["id"] == line["id"] and again["amount"] == "400000000.00"
    assert RequestLine.objects.filter(stage_id=stage["id"]).count() == 1
    assert AuditEvent.objects.filter(action="formulation.line.save", object_id=str(line["id"])).count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipient", "XXX", "neither an ISO3 country code"),
        ("program", "ESF", "is not a Title 22 program"),
        ("amount", "-0.01", "must not be negative"),
        ("amount", "1.001", "more than two decimal places"),
        ("priority", 0, "from 1 (highest)"),
        ("priority", 1000, "from 1 (highest)"),
    ],
)
def test_a_bad_line_is_refused_naming_the_field(analyst_api: Any, field: str, value: Any, message: str) -> None:
    cycle = _cycle(analyst_api)
    stage = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="empty")
    body = {"recipient": "JOR", "program": "FMF", "amount": "1.00", "priority": 1, field: value}
    resp = analyst_api.post(f"{BASE}/{cycle['id']}/stages/{stage['id']}/lines", body, content_type="application/json")
    data = _json(resp, 422)
    assert data["details"]["field"] == field and message in data["message"]
    assert not RequestLine.objects.exists()


def test_f_sets_levels_and_analysts_may_not(api_as: Any, analyst_api: Any, budget_reviewer: Any, fy2027_lines: Any) -> None:
    cycle = _cycle(analyst_api)
    _stage(analyst_api, cycle["id"], kind="bureau_request", basis="ledger", actuals_fiscal_year=2027, measure="allocated")
    refused = analyst_api.post(f"{BASE}/{cycle['id']}/stages", {"kind": "f_levels"}, content_type="application/json")
    assert _json(refused, 403)["code"] == "FRM-003"
    f_api = api_as(budget_reviewer)
    levels = _stage(f_api, cycle["id"], kind="f_levels")
    url = f"{BASE}/{cycle['id']}/stages/{levels['id']}/lines"
    body = {"recipient": "PHL", "program": "FMF", "amount": "60000000.00", "priority": 2, "reason": "F level"}
    assert _json(f_api.post(url, body, content_type="application/json"))["amount"] == "60000000.00"
    assert _json(analyst_api.post(url, body, content_type="application/json"), 403)["code"] == "FRM-003"
    assert AuditEvent.objects.filter(action="formulation.line.level").count() == 1


def test_f_reviewers_comment_on_lines(api_as: Any, analyst_api: Any, budget_reviewer: Any, fy2027_lines: Any) -> None:
    cycle = _cycle(analyst_api)
    stage = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="ledger", actuals_fiscal_year=2027, measure="allocated")
    line_id = stage["lines"][0]["id"]
    comment = _json(
        api_as(budget_reviewer).post(
            f"{BASE}/lines/{line_id}/comments", {"text": "Obligation rate?"}, content_type="application/json"
        ),
        201,
    )
    assert comment["author"] == "freview"
    got = _json(analyst_api.get(f"{BASE}/{cycle['id']}/stages/{stage['id']}"))
    assert got["lines"][0]["comments"][0]["text"] == "Obligation rate?"


def test_each_stage_is_compared_with_the_previous_one_and_with_actuals(
    analyst_api: Any, fy2027_lines: Any, fa_requests: dict[tuple[str, int], str]
) -> None:
    cycle = _cycle(analyst_api)
    first = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="ledger", actuals_fiscal_year=2027, measure="allocated")
    second = _stage(analyst_api, cycle["id"], kind="pm_f_review")
    url = f"{BASE}/{cycle['id']}/stages/{second['id']}/lines"
    analyst_api.post(
        url, {"recipient": "JOR", "program": "FMF", "amount": "380000000.01", "priority": 1}, content_type="application/json"
    )
    analyst_api.post(
        url, {"recipient": "COL", "program": "FMF", "amount": "38000000.00", "priority": 3}, content_type="application/json"
    )
    data = _json(analyst_api.get(f"{BASE}/{cycle['id']}/stages/{second['id']}/comparison?measure=allocated"))
    assert data["previous"] == first["id"] and data["actuals_fiscal_year"] == 2027
    rows = {(r["key"], r["program"]): r for r in data["rows"]}
    assert (rows[("JOR", "FMF")]["change"], rows[("JOR", "FMF")]["status"]) == ("0.01", "increased")
    assert rows[("JOR", "FMF")]["actual"] == "380000000.00"
    assert (rows[("COL", "FMF")]["status"], rows[("COL", "FMF")]["previous"], rows[("COL", "FMF")]["actual"]) == (
        "added",
        None,
        None,
    )
    assert rows[("PHL", "FMF")]["status"] == "unchanged"
    # The real FA.gov requests (all accounts): Jordan FY2022 $1,275,000,000.
    past = {c["iso3"]: c for c in data["past_requests"]["countries"]}
    years = data["past_requests"]["fiscal_years"]
    assert years == [2020, 2021, 2022]
    assert past["JOR"]["past"] == [f"{Decimal(fa_requests[('JOR', fy)]):.2f}" for fy in years]
    assert past["JOR"]["past"][-1] == "1275000000.00"


def test_a_closed_version_takes_no_changes(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    first = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="empty")
    _stage(analyst_api, cycle["id"], kind="bureau_request", basis="previous")
    body = {"recipient": "JOR", "program": "FMF", "amount": "1.00", "priority": 1}
    resp = analyst_api.post(f"{BASE}/{cycle['id']}/stages/{first['id']}/lines", body, content_type="application/json")
    assert _json(resp, 409)["code"] == "FRM-001"


def test_a_cycle_never_goes_back_a_stage(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    _stage(analyst_api, cycle["id"], kind="omb_passback", basis="empty")
    resp = analyst_api.post(f"{BASE}/{cycle['id']}/stages", {"kind": "pm_f_review"}, content_type="application/json")
    assert _json(resp, 409)["code"] == "FRM-002"


def test_one_cycle_per_budget_year(analyst_api: Any) -> None:
    _cycle(analyst_api)
    assert _json(analyst_api.post(BASE, {"budget_fiscal_year": 2029}, content_type="application/json"), 409)["code"] == "conflict"


def test_the_cbj_xlsx_reads_back_with_actuals_estimates_and_the_request(
    analyst_api: Any, sa_analyst: Any, fy2027_lines: Any
) -> None:
    from secassist.budget import services as budget_services

    # FY2028 appropriation with an allocation: the CBJ's FY-1 estimate of an FY2029 request.
    appr = budget_services.create_appropriation(
        acting_user=sa_analyst,
        account="FMF",
        fiscal_year=2028,
        amount="6000000000.00",
        enacted_on=__import__("datetime").date(2026, 11, 20),
        public_law="P.L. TEST-FMF-2028",
    )
    budget_services.create_allocation(
        acting_user=sa_analyst, appropriation=appr, recipient_kind="country", recipient="JOR", amount="390000000.00"
    )
    cycle = _cycle(analyst_api)
    _stage(analyst_api, cycle["id"], kind="cbj", basis="ledger", actuals_fiscal_year=2027, measure="allocated")
    resp = analyst_api.get(f"{BASE}/{cycle['id']}/cbj?format=xlsx")
    assert resp.status_code == 200 and resp["Content-Disposition"].endswith('cbj-fy2029.xlsx"')
    book = load_workbook(io.BytesIO(resp.content))
    assert book.sheetnames == ["FMF", "IMET"]
    rows = list(book["FMF"].iter_rows(values_only=True))
    assert rows[0][0] == "CUI" and rows[-1][0] == "CUI"
    assert rows[3] == ("Bureau", "Country or program", "FY 2027 Actual", "FY 2028 Estimate", "FY 2029 Request")
    jordan = next(r for r in rows if r[1] == "Jordan")
    assert jordan == ("NEA", "Jordan", 0, 390000000, 380000000)
    total = next(r for r in rows if r[1] == "Total, FMF")
    assert total[4] == 380000000 + 66000000


def test_the_cbj_docx_carries_the_marking_and_the_tables(analyst_api: Any, fy2027_lines: Any) -> None:
    cycle = _cycle(analyst_api)
    _stage(analyst_api, cycle["id"], kind="bureau_request", basis="ledger", actuals_fiscal_year=2027, measure="allocated")
    resp = analyst_api.get(f"{BASE}/{cycle['id']}/cbj?format=docx")
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.content))
    assert doc.sections[0].header.paragraphs[0].text == "CUI"
    assert "draft from Bureau/mission request v1" in doc.paragraphs[0].text
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert ["Jordan", "0", "0", "380,000,000"] in cells


def test_the_cbj_refuses_another_format(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    assert _json(analyst_api.get(f"{BASE}/{cycle['id']}/cbj?format=pdf"), 422)["details"]["field"] == "format"


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["recipient", "program", "amount", "priority", "justification"]


def test_the_xlsx_import_is_all_or_nothing_with_row_and_column_messages(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    stage = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="empty")
    data = _xlsx([["CUI"], HEADER, ["JOR", "FMF", 425000000, 1, "ok"], ["XXX", "FMF", 1, 2, ""], ["PHL", "ESF", "-5", 0, ""]])
    url = f"{BASE}/{cycle['id']}/stages/{stage['id']}/import"
    resp = analyst_api.post(url, {"file": io.BytesIO(data)}, format="multipart")
    body = _json(resp, 422)
    problems = {(p["row"], p["column"]) for p in body["details"]["problems"]}
    assert problems == {(4, "recipient"), (5, "program"), (5, "amount"), (5, "priority")}
    assert not RequestLine.objects.exists()


def test_the_xlsx_import_is_idempotent(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    stage = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="empty")
    data = _xlsx([HEADER, ["JOR", "FMF", "425000000.00", 1, "MOU"], ["Philippines", "IMET", 2060773, 2, None]])
    url = f"{BASE}/{cycle['id']}/stages/{stage['id']}/import"
    first = _json(analyst_api.post(url, {"file": io.BytesIO(data)}, format="multipart"))
    assert (first["rows"], first["created"], first["updated"], first["unchanged"]) == (2, 2, 0, False)
    second = _json(analyst_api.post(url, {"file": io.BytesIO(data)}, format="multipart"))
    assert second["unchanged"] is True
    assert RequestLine.objects.filter(stage_id=stage["id"]).count() == 2
    changed = _xlsx([HEADER, ["JOR", "FMF", "400000000.00", 1, "MOU"], ["Philippines", "IMET", 2060773, 2, None]])
    third = _json(analyst_api.post(url, {"file": io.BytesIO(changed)}, format="multipart"))
    assert (third["created"], third["updated"]) == (0, 1)


def test_the_import_refuses_a_duplicate_row_and_a_file_that_is_not_xlsx(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    stage = _stage(analyst_api, cycle["id"], kind="bureau_request", basis="empty")
    url = f"{BASE}/{cycle['id']}/stages/{stage['id']}/import"
    dup = _xlsx([HEADER, ["JOR", "FMF", 1, 1, ""], ["jor", "fmf", 2, 2, ""]])
    body = _json(analyst_api.post(url, {"file": io.BytesIO(dup)}, format="multipart"), 422)
    assert body["details"]["problems"] == [{"row": 3, "column": "recipient", "message": "Jordan FMF is already on row 2"}]
    junk = _json(analyst_api.post(url, {"file": io.BytesIO(b"recipient,program\n")}, format="multipart"), 422)
    assert "not a readable XLSX" in junk["message"]
    missing = _json(analyst_api.post(url, {"file": io.BytesIO(_xlsx([["recipient", "amount"]]))}, format="multipart"), 422)
    assert {p["column"] for p in missing["details"]["problems"]} == {"program", "priority"}


@pytest.mark.parametrize("who", ["viewer", "outsider", "t10_analyst", "dsp_analyst", "clearer"])
def test_roles_that_do_not_read_budget_requests_get_404(request: Any, api_as: Any, analyst_api: Any, who: str) -> None:
    cycle = _cycle(analyst_api)
    other = api_as(request.getfixturevalue(who))
    assert _json(other.get(BASE)) == []
    assert other.get(f"{BASE}/{cycle['id']}").status_code == 404
    assert other.get(f"{BASE}/{cycle['id']}/cbj").status_code == 404


def test_f_reads_but_does_not_open_cycles(api_as: Any, budget_reviewer: Any, analyst_api: Any) -> None:
    _cycle(analyst_api)
    f_api = api_as(budget_reviewer)
    assert len(_json(f_api.get(BASE))) == 1
    assert f_api.post(BASE, {"budget_fiscal_year": 2030}, content_type="application/json").status_code == 403


def _enacted(analyst_api: Any) -> dict[str, Any]:
    cycle = _cycle(analyst_api, 2027)
    stage = _stage(analyst_api, cycle["id"], kind="enacted", basis="empty")
    url = f"{BASE}/{cycle['id']}/stages/{stage['id']}/lines"
    for recipient, program, amount in (("JOR", "FMF", "380000000.00"), ("COL", "FMF", "38000000.00")):
        body = {"recipient": recipient, "program": program, "amount": amount, "priority": 1}
        _json(analyst_api.post(url, body, content_type="application/json"))
    return cycle


def test_enactment_seeds_the_allocation_table_after_a_second_person_approves(
    api_as: Any, analyst_api: Any, budget_reviewer: Any, sa_analyst: Any, fy2027_lines: Any
) -> None:
    from secassist.budget.models import Allocation

    cycle = _enacted(analyst_api)
    plan = _json(analyst_api.get(f"{BASE}/{cycle['id']}/seeding"))
    assert plan["problems"] == []
    assert {(ln["recipient"], ln["skip"] != "") for ln in plan["lines"]} == {("Jordan", True), ("Colombia", False)}
    proposed = _json(analyst_api.post(f"{BASE}/{cycle['id']}/seeding", {"reason": "checked"}, content_type="application/json"))
    assert proposed["seeded"] is False
    approval_id = proposed["approval"]["id"]
    assert not Allocation.objects.filter(recipient_name="Colombia").exists()
    own = analyst_api.post(f"/api/v1/approvals/{approval_id}/approve", {}, content_type="application/json")
    assert own.status_code in (403, 409)
    resp = api_as(budget_reviewer).post(f"/api/v1/approvals/{approval_id}/approve", {}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    colombia = Allocation.objects.get(recipient_name="Colombia", appropriation=fy2027_lines["fmf"])
    assert colombia.balance.allocated == Decimal("38000000.00")
    assert RequestCycle.objects.get(pk=cycle["id"]).seeded_at is not None
    again = analyst_api.post(f"{BASE}/{cycle['id']}/seeding", {}, content_type="application/json")
    assert _json(again, 409)["code"] == "FRM-004"


def test_seeding_is_refused_before_enactment_and_without_the_appropriation(analyst_api: Any) -> None:
    cycle = _cycle(analyst_api)
    _stage(analyst_api, cycle["id"], kind="cbj", basis="empty")
    assert (
        "not the enacted stage"
        in _json(analyst_api.post(f"{BASE}/{cycle['id']}/seeding", {}, content_type="application/json"), 409)["message"]
    )
    enacted = _enacted(analyst_api)
    body = _json(analyst_api.post(f"{BASE}/{enacted['id']}/seeding", {}, content_type="application/json"), 409)
    assert "no FY2027 appropriation is recorded for FMF (FRM-005)" in body["message"]


def test_lines_edited_after_the_proposal_refuse_the_approval(
    api_as: Any, analyst_api: Any, budget_reviewer: Any, sa_analyst: Any, fy2027_lines: Any
) -> None:
    cycle = _enacted(analyst_api)
    proposed = _json(analyst_api.post(f"{BASE}/{cycle['id']}/seeding", {}, content_type="application/json"))
    stage = services.working_stage(RequestCycle.objects.get(pk=cycle["id"]))
    services.save_line(acting_user=sa_analyst, stage=stage, recipient="COL", program="FMF", amount="1.00", priority=1)
    resp = api_as(budget_reviewer).post(
        f"/api/v1/approvals/{proposed['approval']['id']}/approve", {}, content_type="application/json"
    )
    assert _json(resp, 409)["code"] == "APR-003"


def test_the_cli_exports_the_cbj_tables_by_budget_year(analyst_api: Any, fy2027_lines: Any, tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    cycle = _cycle(analyst_api)
    _stage(analyst_api, cycle["id"], kind="cbj", basis="ledger", actuals_fiscal_year=2027, measure="allocated")
    out = tmp_path / "cbj.xlsx"
    call_command("export_data", "cbj", "--out", str(out), "--param", "fy=2029")
    assert [r[1] for r in load_workbook(out)["FMF"].iter_rows(values_only=True) if r[1] == "Jordan"] == ["Jordan"]
    with pytest.raises(CommandError, match=r"--out must end in .xlsx or .docx") as bad_suffix:
        call_command("export_data", "cbj", "--out", str(tmp_path / "cbj.pdf"), "--param", "fy=2029")
    assert bad_suffix.value.returncode == 2
    with pytest.raises(CommandError, match="there is no FY2031 request cycle"):
        call_command("export_data", "cbj", "--out", str(tmp_path / "x.docx"), "--param", "fy=2031")
