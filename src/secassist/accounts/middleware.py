from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .permissions import PUBLIC, required_for
from .roles import has_capability
from .services import needs_second_factor

log = logging.getLogger(__name__)
# The API authenticates by token inside django-ninja; the admin has its own staff login.
SELF_GUARDED_PREFIXES = ("/api/", "/admin/")
MFA_EXEMPT_URL_NAMES = {"mfa-setup", "mfa-verify", "logout", "login"}


class PermissionMapMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.path.startswith(SELF_GUARDED_PREFIXES) and not request.path.startswith("/admin/login"):
            return self._admin_mfa(request) if request.path.startswith("/admin/") else None
        needed = required_for(view, request.method or "GET")
        if needed is None:
            log.error("view %s declares no capability; refusing", getattr(view, "__name__", view))
            raise PermissionDenied("This page declares no permission.")
        if needed == PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        mfa = self._admin_mfa(request)
        if mfa is not None:
            return mfa
        if not has_capability(user, needed):
            raise PermissionDenied(f"Your role does not allow this ({needed}).")
        return None

    def _admin_mfa(self, request: HttpRequest) -> HttpResponse | None:
        """Administrators must pass a TOTP check when the deployment requires it."""
        if not needs_second_factor(request.user):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in MFA_EXEMPT_URL_NAMES:
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse("mfa-verify"))
