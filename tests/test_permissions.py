"""The URL -> permission map, the anonymous sweep, and the role matrix of the foundation pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from secassist.accounts import permission_map
from secassist.api.api import api

DOC = Path(settings.REPO_DIR) / "docs" / "permissions.md"


def _concrete(route):
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    return re.sub(r"<(?:str|slug|path):?[^>]*>", "XXX", route)


def test_every_page_declares_a_permission():
    missing = [(route, name) for route, name, get, post in permission_map.rows() if "MISSING" in (get, post)]
    assert missing == []


def test_the_committed_permission_map_matches_the_url_resolver():
    assert DOC.read_text() == permission_map.render(), (
        "regenerate: python -m secassist.accounts.permission_map > docs/permissions.md"
    )


@pytest.mark.parametrize("row", permission_map.rows(), ids=lambda r: r[1] or r[0])
def test_every_non_public_page_sends_anonymous_users_to_login(db, row):
    route, _name, get_cap, _post_cap = row
    response = Client().get(_concrete(route))
    if get_cap == "public":
        assert response.status_code in (200, 302, 405)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def _api_routes():
    routes = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                routes.append((("/" + prefix + path).replace("//", "/"), op.methods, op))
    return routes


@pytest.mark.parametrize("route", _api_routes(), ids=lambda r: f"{'/'.join(r[1])} {r[0]}")
def test_every_api_operation_except_health_refuses_anonymous_callers(db, route):
    path, methods, _op = route
    url = "/api/v1" + _concrete(re.sub(r"\{([^}:]+)(:int)?\}", lambda m: "<int:x>" if "id" in m.group(1) else "<str:x>", path))
    method = methods[0].lower()
    response = getattr(Client(), method)(url, content_type="application/json") if method != "get" else Client().get(url)
    if path == "/health":
        assert response.status_code == 200
    else:
        assert response.status_code == 401, (url, response.status_code, response.content[:200])


@pytest.mark.parametrize(
    ("fixture", "path", "status"),
    [
        ("viewer", "/", 200),
        ("viewer", "/countries/KEN/", 200),
        ("viewer", "/audit/", 200),
        ("sa_analyst", "/audit/", 403),
        ("clearer", "/audit/", 403),
        ("admin_user", "/audit/", 200),
        ("budget_reviewer", "/audit/", 200),
        ("outsider", "/countries/XXX/", 404),
    ],
)
def test_role_matrix_for_foundation_pages(db, request, client_as, fixture, path, status):
    assert client_as(request.getfixturevalue(fixture)).get(path).status_code == status


def test_admin_site_is_for_administrators_only(client_as, sa_analyst, admin_user):
    assert client_as(sa_analyst).get("/admin/").status_code == 302
    assert client_as(admin_user).get("/admin/").status_code == 200


def test_admins_without_mfa_are_sent_to_verify_when_mfa_is_required(client_as, admin_user, settings):
    settings.SECASSIST_REQUIRE_ADMIN_MFA = True
    response = client_as(admin_user).get("/")
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == "/account/mfa/verify/"


def test_login_is_throttled_after_repeated_failures(db, viewer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": viewer.username, "password": "wrong"})
    response = client.post("/login/", {"username": viewer.username, "password": "correct-horse-battery-staple-42"})
    assert response.status_code in (403, 429)
    assert b"Too many failed sign-in attempts" in response.content


# The country page composes every app's section plus the country 360 (ADR 1100): its own, larger budget,
# kept flat as data grows by tests/insights/test_country360.py.
BUDGETS = {"/countries/KEN/": 50}


@pytest.mark.parametrize("path", ["/", "/countries/", "/countries/KEN/", "/authorities/", "/audit/", "/clearances/?scope=all"])
def test_foundation_pages_stay_within_their_query_budget(db, client_as, viewer, django_assert_max_num_queries, path):
    client = client_as(viewer)
    client.get(path)  # warm caches (session, content types)
    with django_assert_max_num_queries(BUDGETS.get(path, 25)):
        assert client.get(path).status_code == 200
