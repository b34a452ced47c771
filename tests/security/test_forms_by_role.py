"""Issue #12 item 11: a page shows a form only to a role that may submit it.

The demo is crawled as seats without write rights (a read-only reviewer, a clearing officer of AF,
an F budget reviewer); every `<form method="post">` found is resolved to its view, and the view's
declared POST capability must be one the seat holds."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlparse

from django.urls import Resolver404, resolve

from secassist.accounts.permissions import PUBLIC, required_for
from secassist.accounts.roles import has_capability

SKIP = re.compile(r"(/logout/|/admin/|\.(docx|xlsx|pdf|csv|ics)$|[?&]format=|/account/)")
# Where the crawl starts: the home page and the lists that lead to every kind of record.
SEEDS = (
    "/",
    "/clearances/?scope=all",
    "/plans/taskers/",
    "/notifications/",
    "/title10/",
    "/plans/",
    "/plans/engagements/",
    "/plans/posture/",
    "/funds/",
    "/restrictions/waivers/",
    "/oversight/indicators/",
    "/oversight/objectives/",
    "/approvals/",
)
# Forms every signed-in user may submit whatever the page: the header's sign-out, the search box.
ALWAYS_ALLOWED = ("/logout/",)


class PostForms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "form" and (names.get("method") or "get").lower() == "post":
            self.actions.append(names.get("action") or "")


def post_targets(html: str, page: str) -> list[str]:
    parser = PostForms()
    parser.feed(html)
    return [urlparse(urljoin("http://testserver" + page, a.replace("&amp;", "&"))).path for a in parser.actions]


def pages_with_post_forms(client: Any, limit: int = 200) -> list[str]:
    """Crawl as the administrator (who sees every link) and keep the pages that carry a POST form."""
    queue, seen, found = list(SEEDS), set(), []
    while queue and len(seen) < limit:
        path = queue.pop(0)
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if [t for t in post_targets(html, path.split("?")[0]) if t not in ALWAYS_ALLOWED]:
            found.append(path)
        for href in re.findall(r'href="([^"#]+)"', html):
            url = urlparse(urljoin("http://testserver" + path, href.replace("&amp;", "&")))
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.netloc == "testserver" and not SKIP.search(target) and target not in seen and target not in queue:
                queue.append(target)
    return found


def forms_the_user_may_not_submit(user: Any, client: Any, pages: list[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for target in post_targets(response.content.decode(), path.split("?")[0]):
            if target in ALWAYS_ALLOWED:
                continue
            try:
                view = resolve(target).func
            except Resolver404:
                continue
            cap = required_for(view, "POST")
            if cap != PUBLIC and not has_capability(user, cap or "accounts.manage"):
                problems.setdefault(path, []).append(f"{target} needs {cap}")
    return problems


def test_the_finder_reads_post_forms_and_their_targets():
    html = '<form method="post" action="../edit/"></form><form method="get" action="/search/"></form><form method="POST"></form>'
    assert post_targets(html, "/plans/3/view/") == ["/plans/3/edit/", "/plans/3/view/"]


def test_no_page_of_the_demo_shows_a_form_the_seat_may_not_submit(db, client_as, admin_user, viewer, clearer_af, budget_reviewer):
    from secassist.accounts.demo import create_demo_users, demo_admin
    from secassist.core.registry import registry

    create_demo_users()
    for step in registry.demo_steps:
        step.run(acting_user=demo_admin(), stdout=io.StringIO())
    pages = pages_with_post_forms(client_as(admin_user))
    assert len(pages) > 20, pages
    problems = {}
    for user in (viewer, clearer_af, budget_reviewer):
        if found := forms_the_user_may_not_submit(user, client_as(user), pages):
            problems[user.username] = found
    assert problems == {}, "\n".join(f"{u} {p}: {t}" for u, pages in problems.items() for p, t in pages.items())
