"""The portfolio: country × program rows with stages and verdicts, sorted and filtered, a bureau chart and
a world map drawn on the server, the reconciliation with ForeignAssistance.gov, downloads, and a query
count that does not grow with the number of countries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secassist.budget.models import HistoricalAmount, HistorySource
from secassist.insights import charts, tables

pytestmark = pytest.mark.django_db


def test_the_portfolio_api_lists_country_by_program_with_stages_and_verdicts(api_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    body = api_as(viewer).get("/api/v1/portfolio?fy=2027").json()
    rows = {(r["iso3"], r["program"]): r for r in body["rows"]}
    jor = rows[("JOR", "FMF")]
    assert (jor["allocated"], jor["disbursed"], jor["proposed"]) == ("425000000.00", "0.00", None)
    assert jor["verdict"] in ("allowed", "allowed_with_conditions", "allowed_under_waiver", "prohibited")
    assert rows[("UKR", "NDAA16S1250")]["proposed"] == "52000000.00"
    assert rows[("UKR", "NDAA16S1250")]["obligated"] is None, "DoD obligations are not tracked: empty, not zero"
    assert rows[("JOR", "10USC333")]["proposed"] == "11550000.00"
    assert body["by_bureau"] and body["reconciliation"]["rows"] is not None
    assert set(body["alerts"]) == {"expiring_funds", "overdue_clocks", "overdue_clearances"}


def test_the_portfolio_sorts_by_fmf_obligated_and_filters_by_bureau_cocom_and_program(
    api_as: Any, viewer: Any, seed: Any
) -> None:
    seed.world()
    api = api_as(viewer)
    fmf = api.get("/api/v1/portfolio?fy=2027&program=FMF&sort=obligated").json()["rows"]
    assert [r["iso3"] for r in fmf] == ["EGY", "JOR"], "Egypt obligated more"
    assert [r["iso3"] for r in api.get("/api/v1/portfolio?fy=2027&program=FMF&sort=obligated&order=asc").json()["rows"]] == [
        "JOR",
        "EGY",
    ]
    t10 = api.get("/api/v1/portfolio?fy=2027&program=T10").json()["rows"]
    assert {r["program"] for r in t10} == {"10USC333", "NDAA16S1250"}
    eur = api.get("/api/v1/portfolio?fy=2027&bureau=EUR").json()["rows"]
    assert {r["iso3"] for r in eur} == {"UKR"}
    assert {r["iso3"] for r in api.get("/api/v1/portfolio?fy=2027&cocom=CENTCOM").json()["rows"]} == {"JOR", "EGY"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("fy=1900", "fy"),
        ("bureau=XX", "bureau"),
        ("cocom=MARS", "cocom"),
        ("program=ABC", "program"),
        ("sort=x", "sort"),
        ("order=up", "order"),
        ("threshold=-1", "threshold"),
    ],
)
def test_the_portfolio_refuses_bad_filters_naming_the_field(api_as: Any, viewer: Any, query: str, field: str) -> None:
    resp = api_as(viewer).get(f"/api/v1/portfolio?{query}")
    assert resp.status_code == 422
    assert resp.json()["details"]["field"] == field


def test_the_portfolio_page_has_the_table_chart_map_and_alerts(client_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    resp = client_as(viewer).get("/portfolio/?fy=2027&sort=obligated")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "<caption>Country × program, FY2027" in body
    assert body.index(">Egypt</a>") < body.index(">Jordan</a>")
    assert 'aria-sort="descending"' in body
    assert 'id="pf-bureau-title"' in body and 'id="pf-map-title"' in body
    if charts.world_shapes():  # the geometry is installed by `make install`
        assert 'data-iso3="JOR"' in body and 'data-iso3="EGY"' in body
    for heading in ("Funds expiring", "Overdue clocks", "Overdue clearances", "Reconciliation with ForeignAssistance.gov"):
        assert heading in body
    assert client_as(viewer).get("/portfolio/?fy=abc").status_code == 422


def test_the_map_shades_countries_with_an_amount_and_leaves_the_rest_grey() -> None:
    if not charts.world_shapes():
        pytest.skip("the world geometry is not installed (make install vendors it)")
    svg = charts.choropleth({"JOR": Decimal("100"), "EGY": Decimal("1000")}, title="t", description="d", chart_id="m")
    paths = dict(
        (part.split('data-iso3="')[1].split('"')[0], part.split('fill="')[1].split('"')[0]) for part in svg.split("<path ")[1:]
    )
    assert paths["JOR"] != charts.NO_DATA and paths["EGY"] != charts.NO_DATA and paths["JOR"] != paths["EGY"]
    assert paths["FRA"] == charts.NO_DATA
    assert len(paths) > 150


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (Decimal("999"), "$999"),
        (Decimal("1000"), "$1.0K"),
        (Decimal("1250000"), "$1.2M"),
        (Decimal("425000000"), "$425M"),
        (Decimal("1300000000"), "$1.3B"),
        (Decimal("-2500"), "-$2.5K"),
        (None, "—"),
    ],
)
def test_amounts_read_in_k_m_and_b(value: Any, label: str) -> None:
    assert charts.money_label(value) == label


def _fa(iso3: str, program: str, amount: str, line_no: int, *, fy: int = 2027, transition_quarter: bool = False) -> None:
    from secassist.reference.models import Country

    country = Country.objects.get(iso3=iso3)
    HistoricalAmount.objects.create(
        source=HistorySource.FA_COMPLETE,
        line_no=line_no,
        fiscal_year=fy,
        transition_quarter=transition_quarter,
        program=program,
        account_name=program,
        transaction_type="Obligations",
        recipient_name=country.name,
        country=country,
        amount_current=Decimal(amount),
    )


def test_the_reconciliation_flags_a_difference_and_not_an_equal_pair(api_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()  # JOR obligated 125,000,000 (FMF apportionment); EGY 300,000,000
    _fa("JOR", "FMF", "125000000.00", 2)
    _fa("EGY", "FMF", "290000000.00", 3)
    rec = api_as(viewer).get("/api/v1/portfolio?fy=2027").json()["reconciliation"]
    rows = {r["iso3"]: r for r in rec["rows"]}
    assert rows["JOR"]["flagged"] is False and rows["JOR"]["difference"] == "0.00"
    assert rows["EGY"]["flagged"] is True
    assert (rows["EGY"]["product"], rows["EGY"]["public"], rows["EGY"]["difference"]) == (
        "300000000.00",
        "290000000.00",
        "10000000.00",
    )
    assert [r["iso3"] for r in rec["flagged"]] == ["EGY"]
    assert "ForeignAssistance.gov" in rec["public_source"]
    assert rows["JOR"]["laws"] == ["P.L. TEST-FMF-2027"]  # each pair names the acts its ledger lines come from


def test_the_transition_quarter_is_not_counted_in_its_fiscal_year(api_as: Any, viewer: Any, seed: Any) -> None:
    """FA.gov keeps FY1976's transition quarter as a period of its own (1976tq): it is not part of the FY."""
    seed.world()
    _fa("JOR", "FMF", "125000000.00", 2)
    _fa("JOR", "FMF", "13000000.00", 3, transition_quarter=True)
    rec = api_as(viewer).get("/api/v1/portfolio?fy=2027").json()["reconciliation"]
    jor = next(r for r in rec["rows"] if r["iso3"] == "JOR")
    assert (jor["public"], jor["flagged"]) == ("125000000.00", False)


def test_the_page_lists_the_years_where_both_sides_have_figures(client_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    _fa("JOR", "FMF", "125000000.00", 2)
    _fa("EGY", "FMF", "1.00", 3, fy=1990)  # a public figure with no ledger line that year: nothing to compare
    html = client_as(viewer).get("/portfolio/?fy=2026").content.decode()
    assert '<a href="?fy=2027#pf-reconciliation">FY2027</a>.' in html and "FY1990" not in html


def test_every_portfolio_table_downloads(client_as: Any, viewer: Any, seed: Any) -> None:
    seed.world()
    client = client_as(viewer)
    for name in tables.PORTFOLIO_TABLE_NAMES:
        for fmt in ("csv", "xlsx"):
            resp = client.get(f"/portfolio/tables/{name}.{fmt}?fy=2027")
            assert resp.status_code == 200, (name, fmt)
    csv_text = client.get("/portfolio/tables/portfolio.csv?fy=2027&program=FMF").content.decode()
    assert csv_text.splitlines()[1].startswith("EGY,Egypt")


def _count(client: Any, url: str) -> int:
    """Queries of one request with the cache empty (the statutory calendar is cached until a write, ADR 1003)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_portfolio_query_count_is_constant_as_countries_grow_tenfold(
    client_as: Any, api_as: Any, viewer: Any, seed: Any
) -> None:
    seed.world()
    client, api = client_as(viewer), api_as(viewer)
    client.get("/portfolio/?fy=2027")
    api.get("/api/v1/portfolio?fy=2027")
    small = (_count(client, "/portfolio/?fy=2027"), _count(api, "/api/v1/portfolio?fy=2027"))
    for iso3 in (
        "KEN",
        "GHA",
        "SEN",
        "PER",
        "CHL",
        "VNM",
        "PHL",
        "IDN",
        "MNG",
        "GEO",
        "ARM",
        "MAR",
        "TUN",
        "COL",
        "MEX",
        "BRA",
        "ARG",
        "URY",
    ):
        seed.country(iso3, "1000000.00", "1000.00")
    large = (_count(client, "/portfolio/?fy=2027"), _count(api, "/api/v1/portfolio?fy=2027"))
    assert large == small
    assert small[0] <= 40 and small[1] <= 40, small


def _public(source: str, iso3: str, account: str, amount: str, line_no: int, *, fy: int = 2019, tq: bool = False) -> None:
    from secassist.reference.models import Country

    country = Country.objects.get(iso3=iso3)
    HistoricalAmount.objects.create(
        source=source,
        line_no=line_no,
        fiscal_year=fy,
        transition_quarter=tq,
        program=account[:80],
        account_name=account,
        transaction_type="Obligations",
        recipient_name=country.name,
        country=country,
        amount_current=Decimal(amount),
    )


def test_title10_obligations_reported_publicly_are_shown_by_account_and_source_never_as_the_ledger(
    api_as: Any, viewer: Any, seed: Any
) -> None:
    from secassist.budget.models import HistorySource

    seed.world()
    gb, fa = HistorySource.GREENBOOK, HistorySource.FA_COMPLETE
    _public(gb, "JOR", "Operation and Maintenance, Defense-Wide", "2200.00", 1)
    _public(fa, "JOR", "Department of Defense, Operation and Maintenance, Defense-Wide", "2203.00", 2)
    _public(gb, "JOR", "Excess Defense Articles", "5000.00", 3)  # DoD-run but a Title 22 authority: not Title 10
    _public(gb, "EGY", "Counter - ISIS Train and Equip Fund, Army", "7000.00", 4)
    _public(gb, "JOR", "Operation and Maintenance, Defense-Wide", "9.00", 5, fy=1976, tq=True)
    body = api_as(viewer).get("/api/v1/portfolio?fy=2019").json()
    rep = body["title10_reported"]
    got = [(r["iso3"], r["account"], r["reported_obligations"], r["source"][:12]) for r in rep["rows"]]
    assert got == [
        ("EGY", "Counter - ISIS Train and Equip Fund, Army", "7000.00", "USAID Greenb"),
        ("JOR", "Department of Defense, Operation and Maintenance, Defense-Wide", "2203.00", "ForeignAssis"),
        ("JOR", "Operation and Maintenance, Defense-Wide", "2200.00", "USAID Greenb"),
    ]  # each source apart, never added together
    assert rep["latest_fiscal_year"] == 2019
    # the ledger's columns are untouched: no Title 22 row, no obligated figure for FY2019 comes from these
    assert [r for r in body["rows"] if r["obligated"] not in (None, "0.00")] == []
    assert api_as(viewer).get("/api/v1/portfolio?fy=2019&bureau=AF").json()["title10_reported"]["rows"] == []
    assert api_as(viewer).get("/api/v1/portfolio?fy=2019&program=FMF").json()["title10_reported"]["rows"] == []
    assert len(api_as(viewer).get("/api/v1/portfolio?fy=2019&program=T10").json()["title10_reported"]["rows"]) == 3
    assert api_as(viewer).get("/api/v1/portfolio?fy=1976").json()["title10_reported"]["rows"] == []  # transition quarter


def test_title10_cells_say_not_in_ledger_and_the_page_explains_an_empty_year(client_as: Any, viewer: Any, seed: Any) -> None:
    from secassist.budget.models import HistorySource

    seed.world()  # FY2027: a §333 proposal for Jordan and USAI for Ukraine
    _public(HistorySource.GREENBOOK, "JOR", "Operation and Maintenance, Defense-Wide", "2200.00", 1)
    html = client_as(viewer).get("/portfolio/?fy=2027&program=T10").content.decode()
    assert html.count("not in ledger<sup>") >= 4  # obligated and disbursed of each Title 10 row
    assert "DoD&#x27;s obligations and disbursements are not in secassist&#x27;s ledger" in html or (
        "DoD's obligations and disbursements are not in secassist's ledger" in html
    )
    assert "No DoD (Title 10) obligation is reported for FY2027" in html
    assert '<a href="?fy=2019#pf-t10-reported">FY2019</a>' in html
    csv = client_as(viewer).get("/portfolio/tables/title10-reported.csv?fy=2019").content.decode()
    assert 'JOR,Jordan,"Operation and Maintenance, Defense-Wide",2019,2200.00,"USAID Greenbook' in csv
