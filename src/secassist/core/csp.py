"""The Content-Security-Policy sent with every response (issue #12, ADR 0801).

Scripts only from this server's own files: no inline <script>, no on*= handlers, no eval. Pages
pass data to their scripts with `json_script` and data-* attributes. `frame-ancestors 'none'` keeps
every page out of frames. Styles allow 'unsafe-inline' because USWDS sets style attributes
at run time; style injection cannot run code under this script policy.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def header_value(policy: dict[str, list[str]] | None = None) -> str:
    policy = policy if policy is not None else getattr(settings, "SECASSIST_CSP", DEFAULT_POLICY)
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Outermost middleware, so static files, error pages and redirects carry the header too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = header_value()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.value)
        return response
