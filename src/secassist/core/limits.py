"""Request size limits, enforced before anything reads the body (issue #12 items 7 and 8).

Django bounds a form or JSON body (DATA_UPLOAD_MAX_MEMORY_SIZE) but not a multipart upload, and it
answers an oversized body with 400 — or, inside the API, the exception became a 500. This middleware
runs before the CSRF check (which reads request.POST) and refuses a declared Content-Length over the
limit with 413, so the body is never read: JSON envelope under /api/, the error page elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"


def error_envelope(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> JsonResponse:
    """The API's one error shape, for responses made outside django-ninja (middleware, URL resolver)."""
    return JsonResponse({"code": code, "message": message, "details": details or {}}, status=status)


def body_limit(request: HttpRequest) -> int:
    """Uploads (multipart) get SECASSIST_MAX_UPLOAD_BYTES; every other body DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return int(settings.SECASSIST_MAX_UPLOAD_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) or int(settings.SECASSIST_MAX_UPLOAD_BYTES)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = f"the request body is larger than the limit of {limit} bytes ({limit / 1_048_576:.1f} MB)"
    if request.path.startswith(API_PREFIX):
        return error_envelope(413, "too_large", message, {"limit_bytes": limit})
    context = {"status": 413, "title": "Too large", "message": message[0].upper() + message[1:] + "."}
    return render(request, "web/error.html", context, status=413)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django treats a malformed length as 0 and reads nothing
        limit = body_limit(request)
        if declared > limit:
            return too_large(request, limit)
        return self.get_response(request)
