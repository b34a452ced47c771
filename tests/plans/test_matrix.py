"""The comment matrix: XLSX import (all-or-nothing, row/column problems, idempotent), duplicate
merging, and the exports read back with openpyxl and python-docx."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from secassist.core.errors import AccessDenied, ImportRejected, RuleViolation
from secassist.plans import documents, services
from secassist.plans.models import Comment

from .conftest import add, make_tasker

HEADER = [
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


def matrix(tasker_id, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["COMMENT RESOLUTION MATRIX"])
    ws.append(["Marking", "CUI"])
    ws.append(["Tasker ID", tasker_id])
    ws.append([])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


GOOD = [
    "",
    "AF",
    "4",
    "1.c",
    "7",
    "Substantive",
    "Name the Chief of Mission as the approver of partner activities.",
    "COM authority under 22 U.S.C. 3927.",
    "Add COM approval language.",
]


def test_an_office_imports_its_matrix(dsp_analyst, clearer_af):
    tasker = make_tasker(dsp_analyst, state="tasked")
    crit = ["", "AF", "9", "2.c", "11", "Critical", "Consent cannot be presumed.", "Host-nation agreements.", ""]
    summary = documents.import_matrix(acting_user=clearer_af, source=matrix(tasker.pk, [GOOD, crit]))
    assert summary == {"tasker": tasker.pk, "rows": 2, "added": 2, "already_present": 0}
    assert list(Comment.objects.filter(tasker=tasker).values_list("office__code", "comment_type")) == [
        ("AF", "substantive"),
        ("AF", "critical"),
    ]


def test_reimporting_the_same_matrix_adds_nothing(dsp_analyst, clearer_af):
    tasker = make_tasker(dsp_analyst, state="tasked")
    documents.import_matrix(acting_user=clearer_af, source=matrix(tasker.pk, [GOOD]))
    again = documents.import_matrix(acting_user=clearer_af, source=matrix(tasker.pk, [GOOD]))
    assert again["added"] == 0 and again["already_present"] == 1
    assert Comment.objects.filter(tasker=tasker).count() == 1


def test_bad_rows_are_all_reported_and_nothing_is_saved(dsp_analyst, clearer_af):
    tasker = make_tasker(dsp_analyst, state="tasked")
    rows = [
        GOOD,
        ["", "AF", "5", "", "", "Minor", "Typo.", "", ""],
        ["", "EUR", "6", "", "", "Administrative", "Typo.", "", ""],
        ["", "DRL", "7", "", "", "Substantive", "Leahy.", "", ""],
        ["", "AF", "8", "", "", "Critical", "No rationale given.", "", ""],
        ["", "AF", "9", "", "", "Substantive", "(S//NF) the objective is ...", "", ""],
        ["", "AF", "10", "", "", "Substantive", "", "", ""],
    ]
    with pytest.raises(ImportRejected) as exc:
        documents.import_matrix(acting_user=clearer_af, source=matrix(tasker.pk, rows))
    problems = exc.value.details["problems"]
    assert "row 7, column F (Type): 'Minor' is not one of Critical, Substantive, Administrative" in problems
    assert any(p.startswith("row 8, column B (Office): EUR is not tasked") for p in problems)
    assert "row 9, column B (Office): you may enter comments only for your own office, not DRL" in problems
    assert "row 10, column H (Rationale): a critical comment needs a rationale" in problems
    assert any(p.startswith("row 11, column G (Comment): PLN-001") for p in problems)
    assert "row 12, column G (Comment): required" in problems
    assert len(problems) == 6
    assert not Comment.objects.filter(tasker=tasker).exists()


def test_a_file_without_the_matrix_header_is_rejected(dsp_analyst, clearer_af):
    tasker = make_tasker(dsp_analyst, state="tasked")
    wb = Workbook()
    wb.active.append(["Office", "Comment"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with pytest.raises(ImportRejected) as exc:
        documents.import_matrix(acting_user=clearer_af, source=buf, tasker=tasker)
    assert "no header row" in exc.value.details["problems"][0]


def test_a_file_that_is_not_xlsx_is_rejected(dsp_analyst, clearer_af):
    tasker = make_tasker(dsp_analyst, state="tasked")
    with pytest.raises(ImportRejected):
        documents.import_matrix(acting_user=clearer_af, source=io.BytesIO(b"not a workbook"), tasker=tasker)


def test_import_after_comments_close_is_refused(dsp_analyst, clearer_af):
    tasker = make_tasker(dsp_analyst, state="adjudicating", comments=1)
    with pytest.raises(RuleViolation) as exc:
        documents.import_matrix(acting_user=clearer_af, source=matrix(tasker.pk, [GOOD]))
    assert exc.value.code == "PLN-004"


def test_the_cli_import_needs_a_named_acting_user(dsp_analyst, tmp_path):
    tasker = make_tasker(dsp_analyst, state="tasked")
    path = tmp_path / "m.xlsx"
    path.write_bytes(matrix(tasker.pk, [GOOD]).getvalue())
    with pytest.raises(AccessDenied):
        documents.run_import(path, acting_user=None)
    assert documents.run_import(path, acting_user=dsp_analyst)["added"] == 1


def test_a_clearing_officer_comments_only_for_their_own_tasked_office(dsp_analyst, clearer_af, clearer):
    both = make_tasker(dsp_analyst, state="tasked", offices=("AF", "DRL"))
    assert add(clearer_af, both, "AF").office.code == "AF"
    with pytest.raises(AccessDenied):
        add(clearer_af, both, "DRL")
    af_only = make_tasker(dsp_analyst, both.product, state="tasked", offices=("AF",))
    with pytest.raises(RuleViolation) as exc:
        add(clearer, af_only, "DRL")
    assert exc.value.code == "PLN-005"


def test_duplicates_merge_into_the_earliest_with_the_most_serious_type(dsp_analyst, clearer_af, clearer):
    tasker = make_tasker(dsp_analyst, state="tasked")
    first = add(
        clearer_af,
        tasker,
        "AF",
        comment_type="substantive",
        comment="Replace 'host nation consent is assumed' with 'consent will be sought through the COM'.",
    )
    add(
        clearer,
        tasker,
        "DRL",
        comment_type="critical",
        rationale="Consent.",
        comment="Replace “host-nation consent is assumed” with “consent will be sought through the COM.”",
    )
    add(clearer, tasker, "DRL", page="15", comment="Add Leahy vetting language.")
    from secassist.plans import workflow

    workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="call_for_comments")
    assert services.merge_duplicates(acting_user=dsp_analyst, tasker=tasker) == [(1, [2])]
    first.refresh_from_db()
    assert first.comment_type == "critical" and first.offices_label == "AF (also DRL)"
    assert Comment.objects.get(tasker=tasker, number=2).merged_into == first
    assert services.merge_duplicates(acting_user=dsp_analyst, tasker=tasker) == []


def _adjudicated_tasker(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="tasked", offices=("AF", "DRL"))
    add(dsp_analyst, tasker, "AF", comment="Same point.", page="3")
    add(dsp_analyst, tasker, "DRL", comment="Same point!", page="3")
    add(
        dsp_analyst, tasker, "DRL", comment_type="critical", comment="Add Leahy vetting.", rationale="22 U.S.C. 2378d.", page="15"
    )
    from secassist.plans import workflow

    workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="call_for_comments")
    services.merge_duplicates(acting_user=dsp_analyst, tasker=tasker)
    workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="start_adjudication")
    one, three = Comment.objects.filter(tasker=tasker, merged_into__isnull=True).order_by("number")
    services.adjudicate_comment(acting_user=dsp_analyst, comment=one, adjudication="accepted")
    services.adjudicate_comment(
        acting_user=dsp_analyst, comment=three, adjudication="rejected", dod_response="Covered by the security cooperation annex."
    )
    return tasker


def test_the_consolidated_matrix_reads_back_in_the_same_layout(dsp_analyst):
    tasker = _adjudicated_tasker(dsp_analyst)
    wb = load_workbook(io.BytesIO(documents.matrix_bytes(tasker)))
    ws = wb["State input"]
    assert ws["B3"].value == tasker.pk
    assert [c.value for c in ws[7]] == HEADER
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=8)]
    assert [(r[0], r[1], r[5], r[9]) for r in rows] == [
        (1, "AF (also DRL)", "Substantive", "Accepted"),
        (3, "DRL", "Critical", "Rejected"),
    ]
    assert rows[1][10] == "Covered by the security cooperation annex."
    every = [[c.value for c in r] for r in wb["All office comments"].iter_rows(min_row=8)]
    assert every[1][1] == "DRL — merged into #1"
    assert "SECRET" not in str(ws["B2"].value)


def test_the_exported_matrix_imports_back_without_duplicates(dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="tasked")
    add(dsp_analyst, tasker, "AF")
    exported = io.BytesIO(documents.matrix_bytes(tasker, consolidated=False))
    assert documents.import_matrix(acting_user=dsp_analyst, source=exported)["already_present"] == 1


def test_the_cover_memo_reads_back_with_counts_and_critical_comments(dsp_analyst):
    tasker = _adjudicated_tasker(dsp_analyst)
    doc = Document(io.BytesIO(documents.memo_bytes(tasker)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"SUBJECT: Department of State input on {tasker.product}" in text
    assert "holds 2 comments: 1 critical, 1 substantive, 0 administrative" in text
    assert "#3 (DRL, p. 15, para 3.b, line 4): Add Leahy vetting. — Rejected" in text
    assert "contain no classified information" in text
    assert doc.sections[0].header.paragraphs[0].text == "CUI"


def test_the_export_command_writes_both_files(dsp_analyst, tmp_path):
    from django.core.management import call_command

    tasker = _adjudicated_tasker(dsp_analyst)
    call_command("export_data", "plans-comment-matrix", "--out", str(tmp_path / "m.xlsx"), "--param", f"tasker={tasker.pk}")
    call_command("export_data", "plans-cover-memo", "--out", str(tmp_path / "m.docx"), "--param", f"tasker={tasker.pk}")
    assert load_workbook(tmp_path / "m.xlsx")["State input"]["A8"].value == 1
    assert Document(str(tmp_path / "m.docx")).paragraphs


def test_an_analyst_merges_two_comments_by_judgement_with_a_reason(dsp_analyst, api_as):
    tasker = make_tasker(dsp_analyst, state="tasked")
    add(dsp_analyst, tasker, "AF", comment="Consent must be sought through the COM.")
    second = add(dsp_analyst, tasker, "DRL", comment="The plan presumes access; State negotiates it.", page="13")
    from secassist.plans import workflow

    workflow.transition(acting_user=dsp_analyst, tasker=tasker, action="call_for_comments")
    api = api_as(dsp_analyst)
    url = f"/api/v1/plans/comments/{second.pk}/merge"
    missing = api.post(url, data={"into": 1, "reason": ""}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["details"]["field"] == "reason"
    nowhere = api.post(url, data={"into": 99, "reason": "same"}, content_type="application/json")
    assert nowhere.status_code == 422 and nowhere.json()["details"]["field"] == "into"
    r = api.post(url, data={"into": 1, "reason": "Both ask for host-nation consent."}, content_type="application/json")
    assert r.status_code == 200 and r.json()["also_offices"] == "DRL"
    assert Comment.objects.get(pk=second.pk).merged_into.number == 1
    merged = Comment.objects.get(pk=second.pk)
    with pytest.raises(RuleViolation):
        services.update_comment(acting_user=dsp_analyst, existing=merged, comment_type="administrative", comment="x")
