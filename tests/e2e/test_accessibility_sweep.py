"""Accessibility sweep: with the real-data demo loaded, crawl the product's pages as an analyst in
Debian's chromium and run axe-core on each; no page may have a serious or critical violation."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest

from .test_browser import axe_violations, browser, watch_csp  # noqa: F401 — the module-scoped browser fixture

pytestmark = [pytest.mark.e2e]

SKIP = re.compile(r"(/logout/|/admin/|/api/|\.(docx|xlsx|pdf|csv|ics)$|[?&]format=|/account/mfa/)")
MAX_PAGES = 60


@pytest.fixture
def demo_loaded(transactional_db):
    from secassist.accounts.demo import DEMO_PASSWORD, create_demo_users, demo_admin
    from secassist.core.registry import registry

    create_demo_users()
    admin = demo_admin()
    for step in registry.demo_steps:
        step.run(acting_user=admin, stdout=_Null())
    return DEMO_PASSWORD


class _Null:
    def write(self, *args, **kwargs):
        return None


def _crawl(page, base: str) -> dict[str, list[str]]:
    queue = ["/", "/insights/", "/funds/", "/restrictions/", "/notifications/", "/title10/", "/plans/", "/clearances/?scope=all"]
    seen: set[str] = set()
    problems: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or response.status >= 400:
            problems[path] = [f"HTTP {response.status if response else 'no response'}"]
            continue
        violations = axe_violations(page)
        if violations:
            problems[path] = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:2]]}" for v in violations
            ]
        for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlparse(urljoin(base + path, href))
            if url.netloc != urlparse(base).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if not SKIP.search(target) and target not in seen and target not in queue:
                queue.append(target)
    return problems


def test_every_crawled_page_opens_and_passes_axe(browser, live_server, demo_loaded):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    csp_reports = watch_csp(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sa.analyst")
    page.fill("#id_password", demo_loaded)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    problems = _crawl(page, live_server.url)
    context.close()
    assert problems == {}, "\n".join(f"{p}: {'; '.join(v)}" for p, v in problems.items())
    assert csp_reports == [], "pages broke the Content-Security-Policy:\n" + "\n".join(csp_reports)
