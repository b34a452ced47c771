"""A small OpenID Connect provider for the tests: a real HTTP server on 127.0.0.1 in a thread, shaped
like Login.gov (discovery, JWKS, the authorization endpoint with PKCE S256 required, a token endpoint
that authenticates the client by `private_key_jwt`, a client secret, or PKCE alone, RS256 ID tokens,
user info). It checks what a real provider checks, so a client that skips PKCE, sends the wrong
verifier, signs its assertion badly or names another redirect URI is refused here as it would be there.

`person` is who signs in at the next authorization; `tamper` makes the next ID token wrong in one way
(signature, nonce, audience, expired, issuer) to prove the client refuses it."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KID = "test-signing-key"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_KEYS = {name: new_key() for name in ("provider", "forger", "client")}  # made once: RSA key generation is slow


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class Provider:
    def __init__(self, *, client_id: str, redirect_uri: str, client_auth: str, client_secret: str = "") -> None:
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.client_auth = client_auth
        self.client_secret = client_secret
        self.signing_key = _KEYS["provider"]
        self.other_key = _KEYS["forger"]  # signs the ID token when tamper == "signature"
        self.client_key = _KEYS["client"]  # the relying party's key for private_key_jwt
        self.person: dict[str, Any] = {}
        self.tamper: str | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.access: dict[str, dict[str, Any]] = {}
        self.seen_jti: set[str] = set()
        self.token_requests: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the endpoints answer -------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_post", "none"],
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.signing_key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": _b64(numbers.n), "e": _b64(numbers.e)}]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        problems = []
        if query.get("response_type") != "code":
            problems.append("response_type")
        if query.get("client_id") != self.client_id:
            problems.append("client_id")
        if query.get("redirect_uri") != self.redirect_uri:
            problems.append("redirect_uri")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            problems.append("code_challenge")  # Login.gov: PKCE or private_key_jwt; here PKCE always
        if not query.get("nonce") or len(query["nonce"]) < 22:
            problems.append("nonce")
        if not query.get("state") or len(query["state"]) < 22:
            problems.append("state")
        if "openid" not in query.get("scope", "").split():
            problems.append("scope")
        if problems:
            return 400, {}, "invalid_request: " + ", ".join(problems)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "nonce": query["nonce"],
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
            "person": dict(self.person),
            "acr_values": query.get("acr_values", ""),
        }
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, {"Location": location}, ""

    def token(self, form: dict[str, str], headers: Any) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(dict(form))
        refused = self._client_refused(form, headers)
        if refused:
            return 401, {"error": "invalid_client", "error_description": refused}
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or challenge != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "code_verifier"}
        access_token = secrets.token_urlsafe(24)
        self.access[access_token] = grant["person"]
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant["person"], grant["nonce"]),
        }

    def _client_refused(self, form: dict[str, str], headers: Any) -> str:
        if form.get("client_id") not in (None, self.client_id):
            return "client_id"
        if self.client_auth == "private_key_jwt":
            if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
                return "client_assertion_type"
            try:
                claims = jwt.decode(
                    form.get("client_assertion", ""),
                    self.client_key.public_key(),
                    algorithms=["RS256"],
                    audience=f"{self.issuer}/token",
                    issuer=self.client_id,
                    options={"require": ["exp", "iat", "jti", "sub"]},
                )
            except jwt.InvalidTokenError as exc:
                return f"client_assertion: {exc}"
            if claims["sub"] != self.client_id or claims["jti"] in self.seen_jti:
                return "client_assertion sub or replayed jti"
            self.seen_jti.add(claims["jti"])
            if "client_secret" in form:
                return "a secret beside the assertion"
            return ""
        if self.client_auth == "client_secret_post":
            return "" if secrets.compare_digest(form.get("client_secret", ""), self.client_secret) else "client_secret"
        if self.client_auth == "none":  # a public client: PKCE alone, and no secret to leak
            return "" if "client_secret" not in form and "client_assertion" not in form else "unexpected credentials"
        return "unknown client auth"

    def id_token(self, person: dict[str, Any], nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": person["sub"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "acr": "http://idmanagement.gov/ns/assurance/ial/1",
            **{k: v for k, v in person.items() if k != "sub"},
        }
        key = self.signing_key
        if self.tamper == "signature":
            key = self.other_key  # same kid, wrong key: what a forger without our key could do
        elif self.tamper == "nonce":
            claims["nonce"] = secrets.token_urlsafe(24)
        elif self.tamper == "audience":
            claims["aud"] = "another-client"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 600
        elif self.tamper == "issuer":
            claims["iss"] = "https://idp.example.net"
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})

    def userinfo(self, headers: Any) -> tuple[int, dict[str, Any]]:
        auth = headers.get("Authorization", "")
        person = self.access.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if person is None:
            return 401, {"error": "invalid_token"}
        return 200, dict(person)

    # --- HTTP ----------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif parts.path == "/jwks":
                    self._json(200, provider.jwks())
                elif parts.path == "/authorize":
                    status, headers, text = provider.authorize(query)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text.encode())
                elif parts.path == "/userinfo":
                    self._json(*provider.userinfo(self.headers))
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    self._json(*provider.token(form, self.headers))
                else:
                    self._json(404, {"error": "not_found"})

        return Handler
