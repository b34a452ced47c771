"""Browser test of the portfolio and a country 360 page: Debian's chromium against a live server, the
world map and the bureau chart drawn, sorting by FMF obligated with a click, no serious or critical
axe-core violation and no Content-Security-Policy report."""

from __future__ import annotations

import pytest

from tests.insights.conftest import frozen, open_gate, seed  # noqa: F401 — the seeded FY2027 world, shared by reference

from .test_browser import _describe, axe_violations, browser, watch_csp  # noqa: F401 — the module-scoped browser fixture

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def page(browser, live_server, transactional_db, seed, sa_analyst):  # noqa: F811
    seed.world()
    context = browser.new_context()
    page = context.new_page()
    page.csp_reports = watch_csp(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", sa_analyst.username)
    page.fill("#id_password", "correct-horse-battery-staple-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def test_the_portfolio_sorts_by_fmf_obligated_draws_the_map_and_passes_axe(page, live_server):
    page.goto(f"{live_server.url}/portfolio/?fy=2027&program=FMF")
    assert page.locator("h1").inner_text() == "Portfolio, FY2027"
    assert page.locator("svg.sa-map path").count() > 150, "the offline world map is drawn"
    assert page.locator('svg.sa-map path[data-iso3="EGY"]').get_attribute("fill") != "#e4e4e4"
    page.click("#pf-table thead >> text=Obligated")  # already descending: one click sorts ascending
    page.wait_for_load_state("load")
    first = page.locator("#pf-table tbody tr th").first.inner_text()
    page.click("#pf-table thead >> text=Obligated")
    page.wait_for_load_state("load")
    assert [first, page.locator("#pf-table tbody tr th").first.inner_text()] == ["Jordan", "Egypt"]
    violations = axe_violations(page)
    assert violations == [], _describe(violations)
    assert page.csp_reports == []


def test_a_country_360_page_passes_axe_and_offers_the_brief(page, live_server):
    page.goto(f"{live_server.url}/countries/JOR/?fy=2027")
    assert page.locator("#c360-title10").count() == 1
    assert page.locator("a", has_text="Download the one-page brief").count() == 1
    violations = axe_violations(page)
    assert violations == [], _describe(violations)
    assert page.csp_reports == []
