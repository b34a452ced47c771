"""API authentication: `Authorization: Bearer <token>` or the browser session (with CSRF).

A session only counts where a page would: an administrator who must use a second factor and has
not verified it in this session is refused (issue #12 item 1), instead of being let in through
/api/v1/ while the pages redirect to the TOTP check.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from secassist.core.errors import AccessDenied
from secassist.core.middleware import forbid_writes

from .services import needs_second_factor, token_for_key


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for_key(token)
        if found is None:
            return None
        if found.scope == "read":
            # Checked where every write passes (audit.record), not by HTTP method: a read token may
            # still POST a restrictions check, which changes nothing (ADR 0870).
            forbid_writes(f"token {found.prefix}… is read-only: it may look and check but not change anything")
        request.user = found.user
        return found.user


class VerifiedSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and needs_second_factor(user):
            raise AccessDenied(
                "this session has not passed the second factor: verify at /account/mfa/verify/ or use a Bearer token",
                code="mfa_required",
            )
        return user
