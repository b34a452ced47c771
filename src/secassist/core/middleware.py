"""A request id on every request so audit events and logs can be tied to one HTTP call."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="")
# Why this request may not change anything ("" when it may): set by a read-scoped API token, read by
# the audit trail's record(), through which every write passes (ADR 0870).
_writes_forbidden: ContextVar[str] = ContextVar("writes_forbidden", default="")
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> None:
    _request_id.set(value)


def forbid_writes(reason: str) -> None:
    """Refuse every write for the rest of this request (a read-only API token)."""
    _writes_forbidden.set(reason)


def writes_forbidden() -> str:
    return _writes_forbidden.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        scope = _writes_forbidden.set("")  # each request starts free of the last one's token scope
        try:
            response = self.get_response(request)
        finally:
            _writes_forbidden.reset(scope)
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
