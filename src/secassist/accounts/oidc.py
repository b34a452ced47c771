"""Single sign-on by OpenID Connect for a real deployment (issue #16 item 6, ADR 1203, docs/sso.md).

Works with Login.gov-style providers: the authorization code flow with PKCE (S256), `state` and
`nonce`; the client authenticates at the token endpoint with `private_key_jwt` (a JWT signed with
the deployment's RSA key), a client secret, or PKCE alone, as configured. ID tokens are RS256,
checked against the provider's JWKS for signature, issuer, audience (and `azp`), expiry, issue time
and nonce. Endpoints come from the issuer's discovery document.

mozilla-django-oidc does the protocol plumbing (state/nonce/PKCE in the session, the redirect, the
token request, JWKS key matching); this module fills in what it leaves to the deployment: the
audience and issuer checks (it skips the audience), client authentication by `private_key_jwt`,
discovery, and who a person is here and with which role (`services.sign_in_by_sso`, rules below).
Off unless `SECASSIST_OIDC_ISSUER` and `SECASSIST_OIDC_CLIENT_ID` are set.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from requests.auth import HTTPBasicAuth

from secassist.core.errors import DomainError

from .roles import Role

BACKEND_PATH = "secassist.accounts.oidc.OIDCBackend"
CLIENT_AUTH_METHODS = ("private_key_jwt", "client_secret_post", "client_secret_basic", "none")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DISCOVERY_SECONDS = 3600  # how long a discovery document is reused
CLOCK_SKEW_SECONDS = 60  # leeway on exp/iat between the provider's clock and ours
SIGN_IN_SECONDS = 600  # a sign-in started longer ago than this is refused (the state has gone stale)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SignInRefused(SuspiciousOperation):
    """A sign-in the provider's answer does not support; the message says why, for the person."""


def enabled() -> bool:
    return bool(settings.SECASSIST_OIDC_ISSUER and settings.SECASSIST_OIDC_CLIENT_ID)


# --- the provider -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


_discovered: dict[str, tuple[float, Provider]] = {}
_lock = threading.Lock()


def _require_https(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return url
    raise SignInRefused(f"the provider's {what} is not an https URL")


def provider() -> Provider:
    """The configured provider's endpoints from its discovery document (cached for an hour)."""
    issuer = settings.SECASSIST_OIDC_ISSUER
    with _lock:
        cached = _discovered.get(issuer)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    _require_https(issuer, "issuer")
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused("the identity provider could not be reached; try again later") from exc
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise SignInRefused("the provider's discovery document names another issuer")
    try:
        found = Provider(
            issuer=issuer,
            authorization_endpoint=_require_https(document["authorization_endpoint"], "authorization endpoint"),
            token_endpoint=_require_https(document["token_endpoint"], "token endpoint"),
            jwks_uri=_require_https(document["jwks_uri"], "key set"),
            userinfo_endpoint=_require_https(document["userinfo_endpoint"], "user info endpoint")
            if document.get("userinfo_endpoint")
            else "",
        )
    except KeyError as exc:
        raise SignInRefused(f"the provider's discovery document has no {exc.args[0]}") from None
    with _lock:
        _discovered[issuer] = (time.monotonic() + DISCOVERY_SECONDS, found)
    return found


def forget_provider() -> None:
    """Drop cached discovery documents (a provider rotated its endpoints; tests)."""
    with _lock:
        _discovered.clear()


# --- client authentication ----------------------------------------------------------------------


def client_auth_method() -> str:
    method = settings.SECASSIST_OIDC_CLIENT_AUTH
    if not method:
        if settings.SECASSIST_OIDC_PRIVATE_KEY_FILE:
            return "private_key_jwt"
        return "client_secret_post" if settings.SECASSIST_OIDC_CLIENT_SECRET else "none"
    if method not in CLIENT_AUTH_METHODS:
        raise ImproperlyConfigured(f"SECASSIST_OIDC_CLIENT_AUTH must be one of {', '.join(CLIENT_AUTH_METHODS)}")
    return method


def client_assertion(audience: str) -> str:
    """A short-lived JWT signed with the deployment's private key, for `private_key_jwt`
    (RFC 7523; Login.gov asks for iss = sub = client id and aud = the token endpoint)."""
    path = settings.SECASSIST_OIDC_PRIVATE_KEY_FILE
    if not path:
        raise ImproperlyConfigured("private_key_jwt needs SECASSIST_OIDC_PRIVATE_KEY_FILE (an RSA key in PEM)")
    key = load_pem_private_key(Path(path).read_bytes(), password=None)
    now = int(time.time())
    client_id = settings.SECASSIST_OIDC_CLIENT_ID
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "jti": secrets.token_urlsafe(24), "iat": now, "exp": now + 300}
    headers = {"kid": settings.SECASSIST_OIDC_PRIVATE_KEY_ID} if settings.SECASSIST_OIDC_PRIVATE_KEY_ID else None
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)  # type: ignore[arg-type]


# --- who a person is here -----------------------------------------------------------------------


@dataclass(frozen=True)
class RoleRule:
    """Claims → role. `equals`: the claim (or one of its values, for a list such as `groups`) is
    exactly this. `domain`: the claim is an e-mail address at exactly this domain, and the provider
    says the address is verified (`email_verified` true)."""

    role: str
    claim: str = "email"
    equals: str | None = None
    domain: str | None = None
    office: str | None = None

    def matches(self, claims: dict[str, Any]) -> bool:
        value = claims.get(self.claim)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not isinstance(item, str):
                continue
            if self.equals is not None and item == self.equals:
                return True
            verified = claims.get("email_verified") is True
            if self.domain is not None and verified and "@" in item and item.rsplit("@", 1)[1].lower() == self.domain.lower():
                return True
        return False


def role_rules() -> list[RoleRule]:
    """The configured rules, in order (the first that matches gives the role)."""
    text = settings.SECASSIST_OIDC_ROLE_RULES
    if isinstance(text, list):
        raw: Any = text
    else:
        text = str(text).strip()
        if text.startswith("@"):
            text = Path(text[1:]).read_text()
        try:
            raw = json.loads(text or "[]")
        except ValueError as exc:
            raise ImproperlyConfigured(f"SECASSIST_OIDC_ROLE_RULES is not JSON: {exc}") from None
    if not isinstance(raw, list):
        raise ImproperlyConfigured("SECASSIST_OIDC_ROLE_RULES must be a JSON list of rules")
    rules = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) - {"role", "claim", "equals", "domain", "office"}:
            raise ImproperlyConfigured(f"SSO role rule {number}: keys are role, claim, equals, domain, office")
        if item.get("role") not in Role.values:
            raise ImproperlyConfigured(f"SSO role rule {number}: role must be one of {', '.join(Role.values)}")
        if ("equals" in item) == ("domain" in item):
            raise ImproperlyConfigured(f"SSO role rule {number}: give exactly one of equals or domain")
        rules.append(RoleRule(**item))
    return rules


def mapped_rule(claims: dict[str, Any]) -> RoleRule | None:
    return next((rule for rule in role_rules() if rule.matches(claims)), None)


# --- the backend --------------------------------------------------------------------------------


class OIDCBackend(OIDCAuthenticationBackend):
    """Answers only the SSO callback (`nonce` given), and only when SSO is configured."""

    refusal: str = ""
    attempted: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # endpoints come from discovery, per sign-in
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or not enabled() or "nonce" not in kwargs or "username" in kwargs:
            return None
        found = provider()
        self.issuer = found.issuer
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.SECASSIST_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.SECASSIST_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        user = self.UserModel.objects.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_token(self, payload: dict[str, Any]) -> Any:
        data = dict(payload)
        secret = data.pop("client_secret", None) or ""
        auth = None
        method = client_auth_method()
        if method == "private_key_jwt":
            data["client_assertion_type"] = ASSERTION_TYPE
            data["client_assertion"] = client_assertion(self.OIDC_OP_TOKEN_ENDPOINT)
        elif method == "client_secret_basic":
            auth = HTTPBasicAuth(quote(str(data["client_id"]), safe=""), quote(secret, safe=""))
        elif method == "client_secret_post":
            data["client_secret"] = secret
        response = requests.post(self.OIDC_OP_TOKEN_ENDPOINT, data=data, auth=auth, timeout=settings.OIDC_TIMEOUT)
        if response.status_code != 200:
            raise SignInRefused(f"the identity provider refused the sign-in code (HTTP {response.status_code})")
        return response.json()

    def verify_token(self, token: Any, **kwargs: Any) -> Any:
        """Signature (RS256, the provider's JWKS), issuer, audience and authorized party, expiry and
        issue time (with a minute's leeway), and the nonce this browser was given."""
        if not token:
            raise SignInRefused("the identity provider returned no ID token")
        try:
            if jwt.get_unverified_header(token).get("alg") != "RS256":
                raise SignInRefused("the ID token is not signed with RS256")
            key = self.retrieve_matching_jwk(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInRefused("the ID token has expired") from None
        except jwt.InvalidAudienceError:
            raise SignInRefused("the ID token was issued to another client (audience)") from None
        except jwt.InvalidIssuerError:
            raise SignInRefused("the ID token was issued by another provider (issuer)") from None
        except jwt.InvalidSignatureError:
            raise SignInRefused("the ID token's signature does not verify") from None
        except (jwt.InvalidTokenError, jwt.PyJWKError, KeyError) as exc:
            raise SignInRefused(f"the ID token was refused ({type(exc).__name__})") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SignInRefused("the ID token was issued to another client (authorized party)")
        nonce = kwargs.get("nonce")
        if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), str(nonce)):
            raise SignInRefused("the ID token was not issued for this sign-in (nonce)")
        return claims

    def get_userinfo(self, access_token: Any, id_token: Any, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed by the user info endpoint when there is one; the user info
        must be about the same subject (OpenID Connect Core 5.3.2)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            response = requests.get(
                self.OIDC_OP_USER_ENDPOINT,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=settings.OIDC_TIMEOUT,
            )
            if response.status_code != 200:
                raise SignInRefused(f"the identity provider refused the user info request (HTTP {response.status_code})")
            info = response.json()
            if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
                raise SignInRefused("the provider's user info is about another person (subject)")
            for name, value in info.items():
                if name not in {"iss", "aud", "exp", "iat", "nonce", "azp"}:
                    claims[name] = value
        return claims

    def get_or_create_user(self, access_token: Any, id_token: Any, payload: dict[str, Any]) -> Any:
        from . import services

        claims = self.get_userinfo(access_token, id_token, payload)
        email = claims.get("email") if isinstance(claims.get("email"), str) else ""
        self.attempted = str(email or claims.get("sub", ""))[:150]
        rule = mapped_rule(claims)
        try:
            return services.sign_in_by_sso(
                issuer=self.issuer,
                subject=str(claims.get("sub", "")),
                email=str(email),
                email_verified=claims.get("email_verified") is True,
                role=rule.role if rule else None,
                office_code=rule.office if rule else None,
                first_name=str(claims.get("given_name", "") or ""),
                last_name=str(claims.get("family_name", "") or ""),
            )
        except DomainError as exc:
            self.refusal = exc.message
            return None
