"""Read-only API tokens (ADR 0870): a token created with scope "read" looks and checks but changes
nothing, whatever its owner's role; refused writes leave no trace, and the next request is not
affected. Existing tokens, and tokens created without a scope, keep "write"."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from secassist.accounts import services
from secassist.accounts.models import ApiToken
from secassist.audit.models import AuditEvent
from secassist.budget.models import Appropriation
from secassist.core.errors import InvalidInput

APPROPRIATION = {
    "account": "FMF",
    "fiscal_year": 2027,
    "public_law": "P.L. SCOPE-TEST",
    "enacted_on": "2026-11-17",
    "amount": "1000.00",
}


def _bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _post(client: Client, url: str, body: dict) -> object:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_read_token_reads_but_its_writes_are_refused_and_leave_nothing(sa_analyst):
    _, read_key = services.create_token(acting_user=sa_analyst, user=sa_analyst, scope="read")
    _, write_key = services.create_token(acting_user=sa_analyst, user=sa_analyst)
    events = AuditEvent.objects.count()
    reader = _bearer(read_key)
    assert reader.get("/api/v1/funds/appropriations").status_code == 200
    refused = _post(reader, "/api/v1/funds/appropriations", APPROPRIATION)
    assert refused.status_code == 403
    assert refused.json()["code"] == "token_scope" and "read-only" in refused.json()["message"]
    assert not Appropriation.objects.filter(public_law="P.L. SCOPE-TEST").exists()
    assert AuditEvent.objects.count() == events
    # The same thread's next request, with a write token, is not held by the last one's scope.
    assert _post(_bearer(write_key), "/api/v1/funds/appropriations", APPROPRIATION).status_code == 201


def test_a_read_token_cannot_revoke_even_itself(sa_analyst):
    token, read_key = services.create_token(acting_user=sa_analyst, user=sa_analyst, scope="read")
    resp = _bearer(read_key).delete(f"/api/v1/tokens/{token.pk}")
    assert resp.status_code == 403 and resp.json()["code"] == "token_scope"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_session_is_not_limited_by_a_token_scope(client_as, sa_analyst):
    _post(
        _bearer(services.create_token(acting_user=sa_analyst, user=sa_analyst, scope="read")[1]),
        "/api/v1/funds/appropriations",
        APPROPRIATION,
    )
    page = client_as(sa_analyst)
    resp = page.post("/api/v1/funds/appropriations", data=json.dumps(APPROPRIATION), content_type="application/json")
    assert resp.status_code == 201, resp.content


@pytest.mark.parametrize(
    ("given", "stored"), [(None, "write"), ("", "write"), ("read", "read"), (" READ ", "read"), ("write", "write")]
)
def test_the_scope_defaults_to_write_and_is_recorded_in_the_audit_trail(viewer, given, stored):
    token, _ = services.create_token(acting_user=viewer, user=viewer, scope=given)
    assert token.scope == stored
    event = AuditEvent.objects.filter(action="token.create", object_id=str(token.pk)).get()
    assert event.after["scope"] == stored


@pytest.mark.parametrize("bad", ["admin", "rw", "readonly", 1])
def test_an_unknown_scope_is_refused_naming_the_allowed_ones(viewer, bad):
    with pytest.raises(InvalidInput) as exc:
        services.create_token(acting_user=viewer, user=viewer, scope=bad)
    assert exc.value.details["field"] == "scope" and "read, write" in exc.value.message
    assert not ApiToken.objects.filter(user=viewer).exists()


def test_the_scope_is_listed_by_the_api_and_on_the_account_page(client_as, viewer):
    services.create_token(acting_user=viewer, user=viewer, name="reader", scope="read")
    _, key = services.create_token(acting_user=viewer, user=viewer, name="writer")
    listed = {t["name"]: t["scope"] for t in _bearer(key).get("/api/v1/tokens").json()}
    assert listed == {"reader": "read", "writer": "write"}
    page = client_as(viewer)
    html = page.get("/account/").content.decode()
    assert html.count("<table") == 1 and "<td>read</td>" in html and "Your account" in html
    page.post("/account/", {"action": "create-token", "name": "from-page", "scope": "read"})
    assert ApiToken.objects.get(name="from-page").scope == "read"


def test_create_token_at_the_command_line_takes_a_scope(viewer):
    out = io.StringIO()
    call_command("create_token", user=viewer.username, scope="read", stdout=out)
    assert out.getvalue().startswith("read API token for viewer")
    assert ApiToken.objects.get(user=viewer).scope == "read"


@pytest.mark.django_db(transaction=True)
def test_a_token_is_created_in_its_own_transaction_on_the_page_and_the_command_line(client_as, viewer):
    """Outside a test's wrapping transaction (as in a real request), creating a token writes the token
    and its audit event together."""
    page = client_as(viewer)
    assert page.post("/account/", {"action": "create-token", "name": "own-tx", "scope": "read"}).status_code == 200
    call_command("create_token", user=viewer.username, name="cli-tx", stdout=io.StringIO())
    made = ApiToken.objects.filter(user=viewer, name__in=["own-tx", "cli-tx"])
    assert made.count() == 2
    assert AuditEvent.objects.filter(action="token.create", object_id__in=[str(t.pk) for t in made]).count() == 2
