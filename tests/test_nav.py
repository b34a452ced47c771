"""The header offers a role only the pages it may read (web/nav.py): a link hidden from a role is a
page that answers 403 to it, and a link shown answers something else. The server's check stays the
real guard; this keeps the header from promising what the server refuses."""

from __future__ import annotations

from typing import Any

import pytest

from secassist.accounts.roles import Role
from secassist.web.nav import build_nav, nav_for

from .conftest import _user, client_for


def _links(sections: list[dict[str, Any]]) -> dict[str, str]:
    return {item["url"]: item["label"] for section in sections for item in section["items"]}


@pytest.fixture
def everything() -> dict[str, str]:
    return _links(build_nav())


@pytest.mark.parametrize("role", sorted(Role.values))
def test_a_hidden_link_is_a_page_the_role_is_refused(db: Any, role: str, everything: dict[str, str]) -> None:
    user = _user(f"nav-{role}", role, None)
    shown = _links(nav_for(user, build_nav()))
    client = client_for(user)
    for url in sorted(set(everything) - set(shown)):
        assert client.get(url).status_code == 403, f"{everything[url]} ({url}) is hidden from {role} but not refused"


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.CLEARING_OFFICER, Role.BUDGET_REVIEWER])
def test_a_shown_link_opens_for_the_role(db: Any, role: str) -> None:
    user = _user(f"nav-{role}", role, None)
    client = client_for(user)
    shown = _links(client.get("/account/").context["nav_sections"])
    assert shown, "every role sees some of the header"
    for url, label in sorted(shown.items()):
        assert client.get(url).status_code == 200, f"{label} ({url}) is shown to {role} but does not open"


def test_budget_requests_are_not_offered_to_roles_that_may_not_read_them(db: Any) -> None:
    # budget formulation is pre-decisional (roles.py: budget.request.view)
    viewer = _user("nav-viewer", Role.READ_ONLY, None)
    analyst = _user("nav-sa", Role.SA_ANALYST, "PM/SA")
    assert "Budget requests" not in _links(nav_for(viewer, build_nav())).values()
    assert "Budget requests" in _links(nav_for(analyst, build_nav())).values()


def test_a_view_that_declares_no_capability_is_never_offered() -> None:
    sections = [{"title": "T", "items": [{"label": "Undeclared", "url": "/x/", "capability": None}]}]
    admin = type("U", (), {"is_authenticated": True, "is_active": True, "role": Role.ADMIN})()
    assert nav_for(admin, sections) == []


# ---------------------------------------------------------------- the frame rendered once (ADR 1005)


def test_the_header_links_are_worked_out_once_per_role_not_per_request(db: Any, monkeypatch: Any) -> None:
    from secassist.web import context_processors

    calls: list[object] = []
    real = context_processors.nav_for
    monkeypatch.setattr(context_processors, "nav_for", lambda user, sections: calls.append(user) or real(user, sections))
    context_processors._nav_of_role.cache_clear()
    client = client_for(_user("nav-once", Role.SA_ANALYST, "PM/SA"))
    for _ in range(3):
        assert client.get("/inbox/").status_code == 200
    assert len(calls) == 1


def test_each_role_is_served_its_own_header_from_the_frame_kept_in_memory(db: Any) -> None:
    viewer = client_for(_user("nav-frame-viewer", Role.READ_ONLY, None))
    analyst = client_for(_user("nav-frame-sa", Role.SA_ANALYST, "PM/SA"))
    for _ in range(2):  # the second round is served from the kept frames
        seen_by_analyst = analyst.get("/inbox/").content.decode()
        seen_by_viewer = viewer.get("/inbox/").content.decode()
        assert ">Budget requests</a>" in seen_by_analyst
        assert ">Budget requests</a>" not in seen_by_viewer
        # the account link is rendered per request
        assert "nav-frame-viewer" in seen_by_viewer and "nav-frame-viewer" not in seen_by_analyst


def test_once_renders_a_block_once_per_value_of_what_it_varies_on() -> None:
    from django.template import Context, Template

    from secassist.core.templatetags import once

    once.forget()
    t = Template('{% load once %}{% once "test.once" kind %}{{ kind }}:{{ n }}{% endonce %}|{{ n }}')
    assert t.render(Context({"kind": "a", "n": 1})) == "a:1|1"
    assert t.render(Context({"kind": "a", "n": 2})) == "a:1|2"  # kept: only `kind` is asked
    assert t.render(Context({"kind": "b", "n": 3})) == "b:3|3"
    t2 = Template('{% load once %}{% once "test.once" kind %}<{{ kind }}>{% endonce %}')
    assert t2.render(Context({"kind": "<c>"})) == "<&lt;c&gt;>"  # escaped as usual
