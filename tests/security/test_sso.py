"""Single sign-on by OpenID Connect (issue #16 item 6, ADR 1203), tested against a real local provider
(tests/security/oidc_provider.py) over HTTP: the browser is the Django test client for our pages and
`requests` for the provider's authorization page, so every hop of the flow is a real request.

The full flow signs a person in with the role their claims map to; every way an answer can be wrong
(signature, nonce, audience, issuer, expiry, state, replay) and a person no rule maps are refused,
audited, and leave nobody signed in and no account created."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured

from secassist.accounts import oidc
from secassist.accounts.models import SingleSignOnIdentity, User
from secassist.audit.models import AuditEvent

from .oidc_provider import Provider, pem

pytestmark = pytest.mark.django_db

CLIENT_ID = "urn:gov:gsa:openidconnect.profiles:sp:sso:state:secassist"
CALLBACK = "http://testserver/login/sso/callback/"
RULES = [
    {"claim": "groups", "equals": "pm-sa-analysts", "role": "sa_analyst", "office": "PM/SA-SAT"},
    {"claim": "groups", "equals": "drl-clearance", "role": "clearing_officer", "office": "DRL"},
    {"claim": "email", "domain": "state.gov", "role": "read_only"},
]
ANALYST = {"sub": "5a1c3e9e-0001", "email": "pat.analyst@state.gov", "email_verified": True, "groups": ["pm-sa-analysts"]}


@pytest.fixture
def provider(settings: Any, tmp_path: Any) -> Any:
    with Provider(client_id=CLIENT_ID, redirect_uri=CALLBACK, client_auth="private_key_jwt") as running:
        key_file = tmp_path / "client.pem"
        key_file.write_bytes(pem(running.client_key))
        settings.SECASSIST_OIDC_ISSUER = running.issuer
        settings.SECASSIST_OIDC_CLIENT_ID = CLIENT_ID
        settings.SECASSIST_OIDC_CLIENT_AUTH = ""  # inferred: a key file means private_key_jwt
        settings.SECASSIST_OIDC_PRIVATE_KEY_FILE = str(key_file)
        settings.SECASSIST_OIDC_CLIENT_SECRET = ""
        settings.SECASSIST_OIDC_ROLE_RULES = list(RULES)
        settings.SECASSIST_OIDC_ACR_VALUES = "http://idmanagement.gov/ns/assurance/ial/1"
        running.person = dict(ANALYST)
        oidc.forget_provider()
        yield running
        oidc.forget_provider()


def sign_in(client: Any, next_url: str = "") -> Any:
    """Our login button → the provider's authorization endpoint → back to our callback."""
    start = client.get("/login/sso/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content[:300]
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client: Any) -> Any:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_full_flow_signs_a_person_in_with_the_mapped_role_and_office(client, provider):
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/"
    user = signed_in_as(client)
    assert user is not None and user.email == "pat.analyst@state.gov"
    assert user.role == "sa_analyst" and user.office.code == "PM/SA-SAT" and not user.has_usable_password()
    assert SingleSignOnIdentity.objects.get(user=user).subject == "5a1c3e9e-0001"
    assert client.get("/inbox/").status_code == 200  # a real session: pages open
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert {"user.create", "user.sso_link", "auth.login"} <= set(actions)
    # what the provider saw: PKCE verified (it refuses otherwise), a signed client assertion, no secret
    (token_request,) = provider.token_requests
    assert token_request["client_assertion_type"].endswith("jwt-bearer") and "client_secret" not in token_request
    assert token_request["code_verifier"]


def test_the_authorization_request_carries_state_nonce_pkce_and_acr(client, provider):
    start = client.get("/login/sso/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    assert start["Location"].startswith(provider.issuer + "/authorize?")
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32 and query["client_id"] == CLIENT_ID
    assert query["acr_values"] == "http://idmanagement.gov/ns/assurance/ial/1"
    assert query["redirect_uri"] == CALLBACK and "client_secret" not in query


def test_next_is_kept_when_it_stays_on_the_site(client, provider):
    assert sign_in(client, "/inbox/")["Location"] == "/inbox/"
    client.logout()
    assert sign_in(client, "https://evil.example/")["Location"] == "/"


@pytest.mark.parametrize("method", ["client_secret_post", "none"])
def test_a_client_secret_or_pkce_alone_as_configured(client, provider, settings, method):
    provider.client_auth = method
    provider.client_secret = "s3cret-for-the-test"
    settings.SECASSIST_OIDC_CLIENT_AUTH = method
    settings.SECASSIST_OIDC_CLIENT_SECRET = "s3cret-for-the-test" if method != "none" else ""
    assert sign_in(client).status_code == 302 and signed_in_as(client).role == "sa_analyst"
    sent = provider.token_requests[0]
    assert "client_assertion" not in sent and ("client_secret" in sent) == (method == "client_secret_post")


def test_a_wrong_client_secret_is_refused_by_the_provider_and_signs_nobody_in(client, provider, settings):
    provider.client_auth, provider.client_secret = "client_secret_post", "the-real-one"
    settings.SECASSIST_OIDC_CLIENT_AUTH, settings.SECASSIST_OIDC_CLIENT_SECRET = "client_secret_post", "a-wrong-one"
    response = sign_in(client)
    assert response.status_code == 403 and b"refused the sign-in code (HTTP 401)" in response.content
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("signature", "signature does not verify"),
        ("nonce", "not issued for this sign-in (nonce)"),
        ("audience", "issued to another client (audience)"),
        ("expired", "has expired"),
        ("issuer", "issued by another provider (issuer)"),
    ],
)
def test_a_bad_id_token_is_refused(client, provider, tamper, reason):
    provider.tamper = tamper
    response = sign_in(client)
    page = response.content.decode()
    assert response.status_code == 403 and reason in page and "You were not signed in" in page
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="pat.analyst@state.gov").exists()
    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("-pk").first()
    assert failed is not None and reason in failed.reason
    assert client.get("/inbox/").status_code == 302  # still sent to the login page


def test_an_unmapped_person_is_refused_and_gets_no_account(client, provider):
    provider.person = {"sub": "stranger-1", "email": "someone@example.com", "email_verified": True, "groups": ["other"]}
    response = sign_in(client)
    assert response.status_code == 403 and b"not mapped to a role here" in response.content
    assert signed_in_as(client) is None and not User.objects.filter(email="someone@example.com").exists()
    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("-pk").first()
    assert failed.after["username"] == "someone@example.com"


def test_a_domain_rule_needs_a_verified_address(client, provider):
    provider.person = {"sub": "unverified-1", "email": "new.hire@state.gov", "email_verified": False}
    assert sign_in(client).status_code == 403 and signed_in_as(client) is None
    provider.person = {"sub": "unverified-1", "email": "new.hire@state.gov"}  # not said: unknown, not yes
    assert sign_in(client).status_code == 403 and signed_in_as(client) is None
    provider.person = {"sub": "unverified-1", "email": "new.hire@state.gov", "email_verified": True}
    assert sign_in(client).status_code == 302 and signed_in_as(client).role == "read_only"


def test_the_role_follows_the_rules_at_every_sign_in_and_leaving_the_group_refuses(client, provider):
    sign_in(client)
    user = signed_in_as(client)
    client.logout()
    provider.person = {**ANALYST, "groups": ["drl-clearance"]}
    sign_in(client)
    user.refresh_from_db()
    assert signed_in_as(client) == user and user.role == "clearing_officer" and user.office.code == "DRL"
    assert AuditEvent.objects.filter(action="user.sso_role", object_id=str(user.pk)).exists()
    client.logout()
    provider.person = {**ANALYST, "email": "pat.analyst@contractor.example", "groups": []}
    assert sign_in(client).status_code == 403 and signed_in_as(client) is None
    user.refresh_from_db()
    assert user.role == "clearing_officer"  # refused, nothing changed


def test_a_first_sign_in_links_the_local_account_with_the_same_verified_address(client, provider, sa_analyst):
    sa_analyst.email = "Pat.Analyst@state.gov"
    sa_analyst.save()
    sign_in(client)
    assert signed_in_as(client) == sa_analyst
    assert SingleSignOnIdentity.objects.get(subject="5a1c3e9e-0001").user == sa_analyst
    assert User.objects.filter(email__iexact="pat.analyst@state.gov").count() == 1


def test_a_deactivated_account_is_refused(client, provider):
    sign_in(client)
    user = signed_in_as(client)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = sign_in(client)
    assert response.status_code == 403 and b"deactivated" in response.content and signed_in_as(client) is None


def test_an_answer_is_used_once_and_only_in_the_browser_that_started_it(client, provider):
    from django.test import Client

    start = client.get("/login/sso/")
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    callback = f"{back.path}?{back.query}"
    other_browser = Client()
    refused = other_browser.get(callback)
    assert refused.status_code == 400 and b"(state)" in refused.content
    assert client.get(callback).status_code == 302 and signed_in_as(client) is not None
    client.logout()
    assert client.get(callback).status_code == 400  # replayed: the state was used


def test_a_provider_error_is_shown_and_nobody_is_signed_in(client, provider):
    start = client.get("/login/sso/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(f"/login/sso/callback/?state={state}&error=access_denied&error_description=cancelled")
    assert response.status_code == 403 and b"access_denied" in response.content and signed_in_as(client) is None


def test_an_unreachable_provider_is_a_clear_503(client, settings):
    settings.SECASSIST_OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.SECASSIST_OIDC_CLIENT_ID = CLIENT_ID
    oidc.forget_provider()
    response = client.get("/login/sso/")
    assert response.status_code == 503 and b"could not be reached" in response.content


def test_sso_is_off_by_default_and_local_accounts_work(client, sa_analyst):
    from tests.conftest import PASSWORD

    assert not oidc.enabled()
    assert client.get("/login/sso/")["Location"] == "/login/"
    callback = client.get("/login/sso/callback/?code=x&state=y")
    assert callback.status_code == 302 and callback["Location"] == "/login/" and signed_in_as(client) is None
    assert b"Sign in with" not in client.get("/login/").content
    assert client.post("/login/", {"username": "sa", "password": PASSWORD}).status_code == 302


def test_the_login_page_offers_the_provider_when_configured(client, provider):
    page = client.get("/login/?next=/inbox/").content.decode()
    assert "Sign in with Login.gov" in page and 'href="/login/sso/?next=/inbox/"' in page


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"email": "a@state.gov", "email_verified": True}, "read_only"),
        ({"email": "A@STATE.GOV", "email_verified": True}, "read_only"),
        ({"email": "a@state.gov.evil.example", "email_verified": True}, None),
        ({"email": "a@notstate.gov", "email_verified": True}, None),
        ({"email": "a@sub.state.gov", "email_verified": True}, None),
        ({"email": "a@state.gov", "email_verified": "true"}, None),  # a string is not the JSON true
        ({"email": "a@state.gov", "groups": ["drl-clearance"], "email_verified": True}, "clearing_officer"),
        ({"groups": "pm-sa-analysts"}, "sa_analyst"),
        ({"groups": ["PM-SA-ANALYSTS"]}, None),  # group names are exact
        ({"groups": [["pm-sa-analysts"]]}, None),
        ({}, None),
    ],
)
def test_role_rules_table(settings, claims, role):
    settings.SECASSIST_OIDC_ROLE_RULES = list(RULES)
    rule = oidc.mapped_rule(claims)
    assert (rule.role if rule else None) == role


@pytest.mark.parametrize(
    "rules",
    [
        "not json",
        '{"role": "admin"}',
        '[{"claim": "groups", "equals": "x", "role": "superuser"}]',
        '[{"claim": "groups", "role": "read_only"}]',
        '[{"claim": "email", "equals": "a", "domain": "b", "role": "read_only"}]',
        '[{"claim": "email", "domain": "b", "role": "read_only", "extra": 1}]',
    ],
)
def test_bad_role_rules_are_a_configuration_error(settings, rules):
    settings.SECASSIST_OIDC_ROLE_RULES = rules
    with pytest.raises(ImproperlyConfigured):
        oidc.role_rules()


def test_role_rules_can_come_from_a_file(settings, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('[{"claim": "groups", "equals": "f-budget", "role": "budget_reviewer", "office": "F"}]')
    settings.SECASSIST_OIDC_ROLE_RULES = f"@{path}"
    assert oidc.mapped_rule({"groups": ["f-budget"]}).office == "F"
