"""Country 360: the summary API has every section filled for a country with data in each, the page shows
them with sources, the brief is a real marked PDF, every table downloads, and the query count stays flat
as the data grows."""

from __future__ import annotations

import io
import re
import zlib
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from secassist.insights import tables

pytestmark = pytest.mark.django_db
SECTIONS = ("funds", "title10", "history", "restrictions", "notifications", "plans")


def test_the_summary_api_returns_every_section_filled_for_jordan(api_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    resp = api_as(viewer).get("/api/v1/countries/JOR/summary?fy=2027")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["fiscal_year"] == 2027 and body["country"]["iso3"] == "JOR"
    for key in SECTIONS:
        assert body[key]["source"] and isinstance(body[key]["caveats"], list), key
    fmf = next(r for r in body["funds"]["by_program"] if r["fiscal_year"] == 2027 and r["program"] == "FMF")
    assert fmf["allocated"] == "425000000.00"
    assert body["title10"]["by_authority"][0]["authority"] == "10USC333"
    assert Decimal(body["title10"]["by_authority"][0]["amount"]) == Decimal("11550000.00")
    assert body["title10"]["proposals"][0]["units"], "units with their Leahy status"
    assert body["history"]["greenbook"] or body["history"]["caveats"]
    assert [v["program"] for v in body["restrictions"]["verdicts"]][:3] == ["FMF", "IMET", "PKO"]
    assert all(v["verdict"] for v in body["restrictions"]["verdicts"])
    assert body["notifications"]["open"][0]["title"] == "FMF for Jordan border security"
    assert body["plans"]["plans"][0]["title"] == "U.S. Central Command Theater Campaign Plan"
    assert body["plans"]["engagements"] and body["plans"]["action_items"]


def test_a_country_with_nothing_has_every_section_with_empty_lists(api_as: Any, viewer: Any, frozen: Any) -> None:
    body = api_as(viewer).get("/api/v1/countries/ISL/summary").json()
    for key in SECTIONS:
        assert key in body
    assert body["funds"]["lines"] == [] and body["title10"]["proposals"] == [] and body["notifications"]["open"] == []
    assert body["plans"]["plans"] == [] and body["restrictions"]["verdicts"], "a verdict is always given, even if unknown"


def test_the_summary_refuses_a_bad_fiscal_year_naming_the_field(api_as: Any, viewer: Any) -> None:
    resp = api_as(viewer).get("/api/v1/countries/JOR/summary?fy=20x7")
    assert resp.status_code == 422
    assert resp.json()["details"]["field"] == "fy"
    assert api_as(viewer).get("/api/v1/countries/XXX/summary").status_code == 404


def test_ukraine_shows_usai_by_authority_and_egypt_its_earmark_floor(api_as: Any, client_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    ukr = api_as(viewer).get("/api/v1/countries/UKR/summary?fy=2027").json()
    assert [r["authority"] for r in ukr["title10"]["by_authority"]] == ["NDAA16S1250"]
    assert Decimal(ukr["title10"]["by_authority"][0]["amount"]) == Decimal("52000000.00")
    assert "NDAA16S1250" in [v["program"] for v in ukr["restrictions"]["verdicts"]]
    page = client_as(viewer).get("/countries/EGY/?fy=2027").content.decode()
    assert "not less than $1,300,000,000 FMF for Egypt" in page
    assert "$1,300,000,000.00" in page


def test_the_country_page_shows_every_section_with_its_source(client_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    resp = client_as(viewer).get("/countries/JOR/?fy=2027")
    assert resp.status_code == 200
    body = resp.content.decode()
    for anchor in ("c360-funds", "c360-title10", "c360-history", "c360-restrictions", "c360-notifications", "c360-plans"):
        assert f'id="{anchor}"' in body
    assert body.count("Source: ") >= 6
    assert "10USC333" in body and "3D WG on Jordan border security" in body
    assert '<svg class="sa-chart"' in body
    assert "/countries/JOR/brief.pdf?fy=2027" in body


def test_the_country_page_shows_a_bad_fiscal_year_as_a_message(client_as: Any, viewer: Any, frozen: Any) -> None:
    resp = client_as(viewer).get("/countries/JOR/?fy=abc")
    assert resp.status_code == 200
    assert "fy must be a fiscal year" in resp.content.decode()


def _pdf_text(body: bytes) -> str:
    """The text drawn on the PDF's pages: every content stream inflated, the strings of its text operators."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            data = stream
        out += [s.decode("latin-1") for s in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", data)]
    return " ".join(out)


def test_the_brief_is_a_one_page_pdf_with_the_marking_and_the_country(
    client_as: Any, viewer: Any, seed: Any, settings: Any
) -> None:
    seed.world()
    settings.SECASSIST_MARKING = "CUI//SP-EXPT"
    resp = client_as(viewer).get("/countries/JOR/brief.pdf?fy=2027")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF-") and resp.content.rstrip().endswith(b"%%EOF")
    assert resp.content.count(b"/Type /Page\n") + resp.content.count(b"/Type /Page ") + resp.content.count(b"/Type /Page/") >= 1
    assert b"/Count 1" in resp.content, "one page"
    text = _pdf_text(resp.content)
    assert "Jordan" in text and text.count("CUI//SP-EXPT") == 2, "marked top and bottom"
    assert "10USC333" in text


def test_every_country_table_downloads_as_csv_and_xlsx(client_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    client = client_as(viewer)
    for name in tables.COUNTRY_TABLE_NAMES:
        csv_resp = client.get(f"/countries/JOR/tables/{name}.csv?fy=2027")
        assert csv_resp.status_code == 200 and csv_resp["Content-Type"].startswith("text/csv"), name
        assert csv_resp.content.decode().splitlines()[0], name
        xlsx = client.get(f"/countries/JOR/tables/{name}.xlsx?fy=2027")
        assert xlsx.status_code == 200, name
        load_workbook(io.BytesIO(xlsx.content))
    lines = client.get("/countries/JOR/tables/funds-lines.csv?fy=2027").content.decode()
    assert "425000000.00" in lines and "# secassist funds ledger" in lines
    assert client.get("/countries/JOR/tables/other.csv").status_code == 404
    assert client.get("/countries/JOR/tables/funds-lines.pdf").status_code == 404


def _queries(client: Any, url: str, *, cold: bool = True) -> int:
    """Queries of one request; `cold` empties the cache first (what the first viewer after a write pays)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        cache.clear()
    else:
        client.get(url)  # computed and cached: the measured request is served between writes
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_360_query_count_is_constant_as_the_data_grows_tenfold(
    client_as: Any, api_as: Any, viewer: Any, admin_user: Any, seed: Any
) -> None:
    seed.world()
    from secassist.budget import services as budget

    client, api = client_as(viewer), api_as(viewer)
    client.get("/countries/JOR/?fy=2027")
    api.get("/api/v1/countries/JOR/summary?fy=2027")
    small = (_queries(client, "/countries/JOR/?fy=2027"), _queries(api, "/api/v1/countries/JOR/summary?fy=2027"))
    warm_small = _queries(client, "/countries/JOR/?fy=2027", cold=False)
    for i in range(9):  # ten times the lines for the country
        line = budget.create_allocation(
            acting_user=admin_user,
            appropriation=seed.appr,
            recipient_kind="country",
            recipient="JOR",
            amount="1000.00",
            purpose=f"line {i}",
        )
        assert line.pk
    large = (_queries(client, "/countries/JOR/?fy=2027"), _queries(api, "/api/v1/countries/JOR/summary?fy=2027"))
    warm_large = _queries(client, "/countries/JOR/?fy=2027", cold=False)
    assert large == small
    assert small[0] <= 80 and small[1] <= 45, small
    # served again before any write: session, user, country, its aliases, the audit head, the alert badge
    assert warm_large == warm_small <= 6, (warm_small, warm_large)


def test_the_country_page_shows_each_fact_once_read_from_its_owner(client_as: Any, viewer: Any, seed: Any) -> None:
    """The older sections and the 360 no longer repeat each other (ADR 1104): proposals, plans, taskers and action
    items, open notifications, earmarks and the FA.gov figures appear once; the older sections keep what only they
    show (lines one by one, the Greenbook chart and every year, earlier notifications) and point to the 360."""
    world = seed.world()
    client = client_as(viewer)
    body = client.get("/countries/JOR/?fy=2027").content.decode()
    assert body.count(">CENTCOM-333-FY27-004</a>") == 1  # the Title 10 proposal: the 360's table only
    assert body.count("Send the border ISR options paper") == 1  # the action item: the 360's plans table only
    cn_row = f'<th scope="row"><a href="/notifications/{world["package"].pk}/">{world["package"].number}</a>'
    assert body.count(cn_row) == 1  # the open CN listed once: the 360's notifications (a line may still link it)
    assert body.count("ForeignAssistance.gov, all accounts") + body.count("ForeignAssistance.gov (all accounts") <= 1
    assert "Earlier congressional notifications" not in body  # no closed CN for Jordan: that section stays hidden
    assert "DoD Title 10 proposals for" not in body and "Plans touching this country" not in body
    assert body.count('id="c360-funds"') == 1 and 'href="#c360-funds"' in body  # the funds section points to the 360
    egypt = client.get("/countries/EGY/?fy=2027").content.decode()
    assert egypt.count("not less than $1,300,000,000 FMF for Egypt") == 1  # the earmark: once
