"""The Title 10 pages: list, form, import, detail with checks and actions, memo, dashboard,
assurances, the country section; errors tied to their fields; login required."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from secassist.approvals.models import ApprovalRequest
from secassist.title10 import workbook
from secassist.title10.models import Proposal
from tests.title10 import two_person

from .conftest import answer_all, kenya_raw


@pytest.mark.parametrize("name", ["title10:list", "title10:dashboard", "title10:assurances", "title10:new", "title10:import"])
def test_every_page_needs_a_login(client: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code in (302, 403) and "login" in response.get("Location", "login")


def test_pages_render_for_a_viewer(client_as: Any, viewer: Any, make_proposal: Any) -> None:
    p = make_proposal()
    c = client_as(viewer)
    for url in [
        reverse("title10:list"),
        reverse("title10:dashboard"),
        reverse("title10:assurances"),
        reverse("title10:detail", args=[p.reference]),
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert b"<caption>" in response.content
    page = c.get(reverse("title10:detail", args=[p.reference])).content.decode()
    assert "Send for clearance" not in page  # a viewer gets no actions
    assert "RT-03" in page and "Leahy" in page  # the planned routes are explained


def test_the_template_downloads_as_xlsx(client_as: Any, viewer: Any) -> None:
    response = client_as(viewer).get(reverse("title10:template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_the_form_ties_each_error_to_its_field(client_as: Any, t10_analyst: Any) -> None:
    response = client_as(t10_analyst).post(
        reverse("title10:new"),
        {
            "reference": "R-1",
            "title": "t",
            "authority": "10USC333",
            "fiscal_year": "FY27X",
            "ccmd": "AFRICOM",
            "country": "KEN",
            "description": "d",
            "articles_cost": "abc",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="err_fiscal_year"' in html and 'aria-describedby="hint_fiscal_year err_fiscal_year"' in html
    assert 'id="err_purposes"' in html and 'id="err_articles_cost"' in html
    assert not Proposal.objects.exists()


def test_the_form_records_a_proposal(client_as: Any, t10_analyst: Any, kenya_unit: Any) -> None:
    data = kenya_raw()
    data["purposes"] = ["maritime_border", "counterterrorism"]
    data["cert_human_rights"] = "yes"
    response = client_as(t10_analyst).post(reverse("title10:new"), data)
    assert response.status_code == 302
    assert Proposal.objects.get().purposes == ["maritime_border", "counterterrorism"]


def test_a_broken_upload_is_rejected_with_every_problem(client_as: Any, t10_analyst: Any, tmp_path: Any) -> None:
    path = tmp_path / "b.xlsx"
    workbook.write_template(path, [kenya_raw(fiscal_year="nope"), kenya_raw(reference="R-2", ccmd="MARS")])
    upload = io.BytesIO(path.read_bytes())
    upload.name = "b.xlsx"
    response = client_as(t10_analyst).post(reverse("title10:import"), {"workbook": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported" in html and "row 2, column D (fiscal_year)" in html and "row 3, column E (ccmd)" in html


def test_the_sample_workbook_uploads(client_as: Any, t10_analyst: Any) -> None:
    c = client_as(t10_analyst)
    upload = io.BytesIO(c.get(reverse("title10:sample")).content)
    upload.name = "sample.xlsx"
    assert c.post(reverse("title10:import"), {"workbook": upload}).status_code == 302
    assert Proposal.objects.count() == 9


def test_a_clearer_may_not_route_or_import(client_as: Any, clearer: Any, make_proposal: Any) -> None:
    p = make_proposal()
    c = client_as(clearer)
    assert c.post(reverse("title10:route", args=[p.reference])).status_code == 403
    assert c.post(reverse("title10:import")).status_code == 403


def test_the_analyst_walks_a_proposal_to_the_memo(
    client_as: Any, t10_analyst: Any, admin_user: Any, make_proposal: Any, restrictions: dict[str, Any], congress: dict[str, Any]
) -> None:
    p = make_proposal()
    c = client_as(t10_analyst)
    assert c.post(reverse("title10:route", args=[p.reference])).status_code == 302
    refused = c.post(reverse("title10:review", args=[p.reference]))
    assert refused.status_code == 409 and "clearances still pending" in refused.content.decode()
    answer_all(p, admin_user)
    assert c.post(reverse("title10:review", args=[p.reference])).status_code == 302
    bad = c.post(reverse("title10:decide", args=[p.reference]), {"decision": "concur_with_conditions", "reasons": "ok"})
    assert bad.status_code == 422 and 'id="err-conditions"' in bad.content.decode()
    ok = c.post(
        reverse("title10:decide", args=[p.reference]),
        {"decision": "concur_with_conditions", "reasons": "ok", "conditions": "vet"},
    )
    # An irreversible act asks first, saying what will happen; nothing is done until confirmed.
    assert ok.status_code == 200 and "Confirm: record State" in ok.content.decode()
    assert "the CN package is opened" in ok.content.decode() and 'name="confirmed" value="yes"' in ok.content.decode()
    assert "Awaiting a second person" not in c.get(reverse("title10:detail", args=[p.reference])).content.decode()
    ok = c.post(
        reverse("title10:decide", args=[p.reference]),
        {"decision": "concur_with_conditions", "reasons": "ok", "conditions": "vet", "confirmed": "yes"},
    )
    assert ok.status_code == 302
    page = c.get(reverse("title10:detail", args=[p.reference])).content.decode()
    assert "Awaiting a second person" in page and "CN-2027-901" not in page
    approval = ApprovalRequest.objects.get(act="title10.decide", status="pending")
    second = client_as(two_person.second_analyst())
    decided = second.post(reverse("approvals:detail", args=[approval.pk]), {"action": "approve", "comment": "ok"})
    assert decided.status_code == 302
    page = c.get(reverse("title10:detail", args=[p.reference])).content.decode()
    assert "CN-2027-901" in page and "Concur with conditions" in page
    memo = c.get(reverse("title10:memo", args=[p.reference]))
    assert memo.status_code == 200 and memo.content[:2] == b"PK"


def test_the_country_page_lists_title10_proposals(client_as: Any, viewer: Any, make_proposal: Any) -> None:
    make_proposal()
    html = client_as(viewer).get(reverse("web:country", args=["KEN"])).content.decode()
    assert "Title 10 proposals" in html and "AFRICOM-333-FY27-901" in html


def test_an_assurance_form_error_is_tied_to_its_field(client_as: Any, t10_analyst: Any) -> None:
    response = client_as(t10_analyst).post(
        reverse("title10:assurances"), {"country": "KEN", "kind": "faa505", "instrument": "x", "signed_on": "12/05/2003"}
    )
    assert response.status_code == 422 and 'id="err-signed"' in response.content.decode()
    ok = client_as(t10_analyst).post(
        reverse("title10:assurances"),
        {"country": "KEN", "kind": "faa505", "instrument": "505 notes", "state": "in_force", "covers_articles": "1"},
    )
    assert ok.status_code == 302


def test_the_list_page_has_a_query_budget(
    client_as: Any, viewer: Any, make_proposal: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(8):
        make_proposal(reference=f"AFRICOM-333-FY27-{900 + i}")
    c = client_as(viewer)
    c.get(reverse("title10:list"))  # warm the session and the URL resolver
    with django_assert_max_num_queries(15):
        assert c.get(reverse("title10:list")).status_code == 200
