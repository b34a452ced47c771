"""Issue #12 item 4: a strict Content-Security-Policy on every response, and pages that need nothing
it forbids (no inline script code, no on*= handlers, no javascript: URLs)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from django.test import Client

from secassist.accounts import permission_map

SCRIPT_SRC = re.compile(r"(?:^|;)\s*script-src ([^;]*)")


def _concrete(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    return re.sub(r"<(?:str|slug|path):?[^>]*>", "XXX", route)


def assert_strict_policy(response: Any, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, f"{where}: no Content-Security-Policy header"
    scripts = SCRIPT_SRC.search(policy)
    assert scripts is not None, f"{where}: no script-src in {policy!r}"
    assert scripts.group(1).split() == ["'self'"], f"{where}: script-src is {scripts.group(1)!r}"
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-eval" not in policy


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy would block: inline script code, on*= handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._inline_script = "src" not in names and names.get("type") not in ("application/json", "application/ld+json")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]!r}")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_catches_what_the_policy_blocks():
    html = '<script>alert(1)</script><a href="javascript:alert(2)">x</a><select onchange="go()"></select>'
    assert len(inline_code(html)) == 3
    assert inline_code('<script src="/static/x.js"></script><script type="application/json" id="d">{"a": 1}</script>') == []


@pytest.mark.parametrize("row", permission_map.rows(), ids=lambda r: r[1] or r[0])
def test_every_page_carries_the_strict_policy_and_no_inline_code(db, client_as, admin_user, row):
    route = _concrete(row[0])
    response = client_as(admin_user).get(route)
    assert_strict_policy(response, route)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert inline_code(response.content.decode()) == [], route


@pytest.mark.parametrize(
    "path",
    ["/login/", "/static/web/secassist.css", "/no-such-page/", "/api/v1/health", "/api/v1/funds/appropriations"],
)
def test_anonymous_responses_static_files_errors_and_the_api_carry_the_policy_too(db, path):
    assert_strict_policy(Client().get(path), path)


SKIP = re.compile(r"(/logout/|/admin/|\.(docx|xlsx|pdf|csv|ics)$|[?&]format=|/account/mfa/)")


def test_every_page_of_the_demo_renders_without_inline_code(db, client_as, admin_user):
    """Crawl the demo as the administrator (who may open every page) following in-page links."""
    from secassist.accounts.demo import create_demo_users, demo_admin
    from secassist.core.registry import registry

    create_demo_users()
    for step in registry.demo_steps:
        step.run(acting_user=demo_admin(), stdout=io.StringIO())
    client = client_as(admin_user)
    queue, seen, problems = ["/"], set(), {}
    while queue and len(seen) < 150:
        path = queue.pop(0)
        seen.add(path)
        response = client.get(path)
        assert_strict_policy(response, path)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if found := inline_code(html):
            problems[path] = found
        for href in re.findall(r'href="([^"#]+)"', html):
            url = urlparse(urljoin("http://testserver" + path, href.replace("&amp;", "&")))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc == "testserver" and not SKIP.search(target) and target not in seen and target not in queue:
                queue.append(target)
    assert len(seen) > 40
    assert problems == {}
