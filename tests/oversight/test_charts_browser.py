"""Browser test of the oversight dashboard now that its four charts are drawn on the server (core/charts.py,
ADR 1102): chromium against a live server, each chart an SVG image with a name, no Vega requested, no
serious or critical axe-core violation and no Content-Security-Policy report."""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import _describe, axe_violations, browser, watch_csp  # noqa: F401 — the module-scoped browser
from tests.oversight.test_pages import jordan  # noqa: F401 — Jordan's line with a plan, an indicator and a late delivery

pytestmark = [pytest.mark.e2e]


def test_the_oversight_dashboard_draws_its_four_charts_without_script_and_passes_axe(
    browser,  # noqa: F811
    live_server,
    transactional_db,
    jordan,  # noqa: F811
    sa_analyst,
):
    context = browser.new_context()
    page = context.new_page()
    page.csp_reports = watch_csp(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", sa_analyst.username)
    page.fill("#id_password", "correct-horse-battery-staple-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/oversight/countries/JOR/")
    for chart_id in ("ovs-curve", "ovs-age", "ovs-status", "ovs-late"):
        svg = page.locator(f'svg.sa-chart[aria-labelledby="{chart_id}-title {chart_id}-desc"]')
        assert svg.count() == 1, chart_id
        assert svg.get_attribute("role") == "img"
    curve = page.locator('svg.sa-chart[aria-labelledby^="ovs-curve"]').inner_html()
    assert "Obligated, FY2027 Q1: $800K" in curve and "Obligated (plan), FY2027 Q1: $900K" in curve  # actual and plan
    assert not [u for u in requested if "vega" in u.lower() or u.endswith("/charts.js")]
    violations = axe_violations(page)
    assert violations == [], _describe(violations)
    assert page.csp_reports == []
    context.close()
