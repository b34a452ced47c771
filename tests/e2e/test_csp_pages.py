"""Under the strict Content-Security-Policy the pages still work in a real browser: the funds chart
is drawn by the static chart script (no inline code, no eval) and the fiscal-year picker submits
itself through the data-autosubmit behaviour, with no CSP report on the way."""

from __future__ import annotations

import datetime as dt

import pytest

from .test_browser import browser, watch_csp  # noqa: F401 — the module-scoped browser fixture

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def two_years_of_funds(transactional_db, sa_analyst):
    from secassist.budget import services

    for fy, enacted in ((2026, dt.date(2025, 11, 17)), (2027, dt.date(2026, 11, 17))):
        services.create_appropriation(
            acting_user=sa_analyst,
            account="FMF",
            fiscal_year=fy,
            amount="1000000.00",
            enacted_on=enacted,
            public_law=f"P.L. TEST-{fy}",
        )


def test_the_funds_chart_draws_and_the_year_picker_submits_under_the_policy(browser, live_server, sa_analyst, two_years_of_funds):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    reports = watch_csp(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", sa_analyst.username)
    page.fill("#id_password", "correct-horse-battery-staple-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/funds/?fy=2027")
    page.wait_for_selector("svg.sa-chart[aria-labelledby^='funds-chart']", timeout=15000)  # drawn by the server (core/charts.py)
    page.select_option("#fy", "2026")
    page.wait_for_url("**/funds/?fy=2026", timeout=15000)
    assert page.locator("h1").first.inner_text().endswith("FY2026")
    page.wait_for_selector("svg.sa-chart[aria-labelledby^='funds-chart']", timeout=15000)  # drawn by the server (core/charts.py)
    context.close()
    assert reports == []
