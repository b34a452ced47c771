"""Browser: search from the header, the inbox, and pages that fit a 390 px phone without sideways scroll."""

from __future__ import annotations

import pytest

from tests.e2e import test_browser as _shared
from tests.e2e.test_browser import _describe, axe_violations

# The same chromium and signed-in analyst as the smoke test.
browser = _shared.browser
signed_in_page = _shared.signed_in_page

pytestmark = [pytest.mark.e2e]
NARROW_PAGES = [
    "/",
    "/countries/",
    "/restrictions/waivers/",
    "/restrictions/",
    "/authorities/",
    "/inbox/",
    "/search/?q=Somalia",
    # list pages whose tables came onto the table helper last (filters, sort links, pager)
    "/title10/assurances/",
    "/funds/appropriations/",
    "/oversight/deliveries/",
    "/plans/events/",
]


def test_an_analyst_finds_burma_from_the_header_and_opens_the_inbox(signed_in_page, live_server):
    page = signed_in_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#header-search", "Burma")
    page.press("#header-search", "Enter")
    page.wait_for_url("**/search/?q=Burma")
    assert page.locator("a[href='/countries/MMR/']").count() >= 1
    assert axe_violations(page) == [], _describe(axe_violations(page))
    page.click("a[href='/inbox/']")
    page.wait_for_url("**/inbox/")
    assert page.locator("h1").inner_text() == "My inbox"
    assert axe_violations(page) == [], _describe(axe_violations(page))
    assert page.csp_reports == []


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_at_390_px_the_page_does_not_scroll_sideways(signed_in_page, live_server, path):
    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls {overflow}px sideways at 390 px"
    assert page.csp_reports == []


def test_action_forms_are_collapsed_behind_their_buttons_and_open_in_place(signed_in_page, live_server, sa_analyst):
    """A CN in drafting: its actions (submit for clearance, withdraw...) and the attachment form are
    closed disclosures; one click opens a form, ready to fill; the page is far shorter than laid open."""
    from secassist.congress import loader, services

    loader.load_all()  # the notification rules (a transactional test starts from an empty database)
    package = services.create_package(
        acting_user=sa_analyst,
        title="FMF for Jordan border security",
        fiscal_year=2026,
        account="FMF",
        country="JOR",
        program="FMF",
        amount="25000000.00",
        rules=["SFOPS7015", "FMF-HEADING", "FAA634A"],
    )
    page = signed_in_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/notifications/{package.pk}/")
    closed = page.locator("details.sa-disclosure:not([open])")
    assert closed.count() >= 2, "the action forms are collapsed"
    collapsed_height = page.evaluate("() => document.documentElement.scrollHeight")
    first = page.locator("details.sa-disclosure").first  # not the :not([open]) query, which moves on once open
    label = first.locator("summary").inner_text()
    first.locator("summary").click()
    assert first.get_attribute("open") is not None and first.locator("form button[type=submit]").first.is_visible(), label
    page.evaluate("() => document.querySelectorAll('details.sa-disclosure').forEach(d => d.open = true)")
    assert page.evaluate("() => document.documentElement.scrollHeight") > collapsed_height
    assert axe_violations(page) == [], _describe(axe_violations(page))
    assert page.csp_reports == []
