"""The budget request pages: list, cycle, stage with comparison, forms, import, CBJ downloads, seeding."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from secassist.formulation import services
from secassist.formulation.models import RequestLine


@pytest.fixture
def cycle(sa_analyst: Any, fy2027_lines: Any) -> Any:
    c = services.create_cycle(acting_user=sa_analyst, budget_fiscal_year=2029)
    services.open_stage(
        acting_user=sa_analyst, cycle=c, kind="bureau_request", basis="ledger", actuals_fiscal_year=2027, measure="allocated"
    )
    return c


def test_an_analyst_opens_a_cycle_from_the_list_page(client_as: Any, sa_analyst: Any) -> None:
    client = client_as(sa_analyst)
    page = client.get("/funds/requests/")
    assert page.status_code == 200 and b"Open a request cycle" in page.content
    resp = client.post("/funds/requests/", {"budget_fiscal_year": "2029", "title": ""})
    assert resp.status_code == 302
    again = client.post("/funds/requests/", {"budget_fiscal_year": "2029", "title": ""})
    assert again.status_code == 200 and b"already exists" in again.content and b"usa-error-message" in again.content


def test_the_stage_page_shows_the_comparison_and_saves_a_line(client_as: Any, sa_analyst: Any, cycle: Any) -> None:
    client = client_as(sa_analyst)
    stage = services.working_stage(cycle)
    url = f"/funds/requests/{cycle.pk}/stages/{stage.pk}/"
    page = client.get(url + "?measure=allocated")
    html = page.content.decode()
    assert page.status_code == 200 and "<caption>Lines compared with no previous version" in html
    assert "Jordan" in html and "380,000,000.00" in html
    resp = client.post(
        url, {"recipient": "COL", "program": "FMF", "amount": "38000000.00", "priority": "3", "justification": "new"}
    )
    assert resp.status_code == 302
    assert RequestLine.objects.filter(stage=stage, recipient_name="Colombia").exists()
    bad = client.post(url, {"recipient": "COL", "program": "ZZZ", "amount": "1", "priority": "3"})
    assert bad.status_code == 200 and "is not a Title 22 program" in bad.content.decode()


def test_a_refused_import_page_lists_rows_and_columns(client_as: Any, sa_analyst: Any, cycle: Any) -> None:
    stage = services.working_stage(cycle)
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(["recipient", "program", "amount", "priority", "justification"])
    ws.append(["JOR", "FMF", "abc", 1, ""])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "bad.xlsx"
    resp = client_as(sa_analyst).post(f"/funds/requests/{cycle.pk}/stages/{stage.pk}/import/", {"file": buf})
    html = resp.content.decode()
    assert resp.status_code == 422 and "nothing was imported" in html
    assert "<td>2</td><td>amount</td>" in html


def test_f_comments_from_the_page(client_as: Any, budget_reviewer: Any, cycle: Any) -> None:
    line = services.working_stage(cycle).lines.first()
    resp = client_as(budget_reviewer).post(f"/funds/requests/lines/{line.pk}/comment/", {"text": "Why flat?"})
    assert resp.status_code == 302 and line.comments.get().text == "Why flat?"


@pytest.mark.parametrize(("fmt", "ctype"), [("xlsx", "spreadsheetml"), ("docx", "wordprocessingml")])
def test_the_cbj_downloads_from_the_cycle_page(client_as: Any, budget_reviewer: Any, cycle: Any, fmt: str, ctype: str) -> None:
    client = client_as(budget_reviewer)
    assert f"/funds/requests/{cycle.pk}/cbj.{fmt}".encode() in client.get(f"/funds/requests/{cycle.pk}/").content
    resp = client.get(f"/funds/requests/{cycle.pk}/cbj.{fmt}")
    assert resp.status_code == 200 and ctype in resp["Content-Type"]


def test_the_seed_page_explains_why_it_cannot_seed_yet(client_as: Any, sa_analyst: Any, cycle: Any) -> None:
    page = client_as(sa_analyst).get(f"/funds/requests/{cycle.pk}/seed/")
    assert page.status_code == 200 and "not the enacted stage (FRM-004)" in page.content.decode()


@pytest.mark.parametrize("who", ["viewer", "outsider", "t10_analyst", "clearer"])
def test_other_roles_are_refused_the_pages(request: Any, client_as: Any, who: str, cycle: Any) -> None:
    client = client_as(request.getfixturevalue(who))
    assert client.get("/funds/requests/").status_code == 403
    assert client.get(f"/funds/requests/{cycle.pk}/").status_code == 403
