"""Browser smoke: Debian's chromium driven by Playwright against a live server, with an axe-core
accessibility scan (zero serious or critical violations) on each page visited."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("SECASSIST_CHROMIUM", "/usr/bin/chromium")
AXE = Path(settings.REPO_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
REQUIRED = os.environ.get("SECASSIST_REQUIRE_BROWSER") == "1"

pytestmark = [pytest.mark.e2e]


def _skip_or_fail(reason: str) -> None:
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"no browser at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        _skip_or_fail(f"axe-core not vendored at {AXE} (make install)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def axe_violations(page) -> list[dict]:
    # From the server's own static files: the Content-Security-Policy refuses an inline copy.
    page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe/axe.min.js"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _describe(violations: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations)


def watch_csp(page) -> list[str]:
    """Collects the browser's Content-Security-Policy reports for this page (a list that fills up)."""
    reports: list[str] = []
    page.on("console", lambda msg: reports.append(msg.text) if "Content Security Policy" in msg.text else None)
    return reports


@pytest.fixture
def signed_in_page(browser, live_server, sa_analyst):
    context = browser.new_context()
    page = context.new_page()
    page.csp_reports = watch_csp(page)
    page.goto(f"{live_server.url}/login/")
    assert axe_violations(page) == [], _describe(axe_violations(page))
    page.fill("#id_username", sa_analyst.username)
    page.fill("#id_password", "correct-horse-battery-staple-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def test_an_analyst_signs_in_sees_the_home_page_and_a_country_page(signed_in_page, live_server):
    page = signed_in_page
    assert page.locator("h1").first.inner_text().startswith("Welcome")
    assert page.locator("#inbox-heading").inner_text() == "What waits for you", "home opens on the person's work"
    assert "An official website of the United States government" in page.content()
    assert page.locator(".sa-marking").inner_text().startswith("CUI")
    violations = axe_violations(page)
    assert violations == [], _describe(violations)

    page.goto(f"{live_server.url}/countries/KEN/")
    assert page.locator("h1").first.inner_text().startswith("Kenya")
    assert "Bureau of African Affairs" in page.content()
    violations = axe_violations(page)
    assert violations == [], _describe(violations)
    assert page.csp_reports == []


def test_pages_load_nothing_from_outside_the_server(signed_in_page, live_server):
    page = signed_in_page
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith((live_server.url, "data:")) else None)
    page.goto(f"{live_server.url}/countries/")
    page.wait_for_load_state("networkidle")
    assert outside == []
