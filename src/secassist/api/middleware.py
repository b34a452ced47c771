"""Every error under /api/ answers with the JSON envelope {"code", "message", "details"}.

django-ninja maps exceptions inside operations (api.errors); this covers the responses made outside
them: the URL resolver's 404 for an unknown path, ninja's bare 405 (its Allow header kept and
repeated in details.allowed), Django's 400/500 pages for failures before the operation runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from secassist.core.limits import API_PREFIX, error_envelope

CODES = {
    400: ("bad_request", "the request could not be read"),
    401: ("unauthenticated", "authentication required"),
    403: ("access_denied", "your role does not allow this"),
    404: ("not_found", "there is no such API path or record"),
    405: ("method_not_allowed", "this method is not allowed here"),
    413: ("too_large", "the request body is too large"),
    500: ("internal_error", "an internal error occurred; it has been logged"),
}


# More digits than a 64-bit integer holds: no id, year, count or limit of the product is that big, and
# such a number reached the database driver (OverflowError) or date arithmetic as a 500.
HUGE_INTEGER = re.compile(r"[+-]?0*[0-9]{19,}")


def refuse_huge_integers(request: HttpRequest) -> HttpResponse | None:
    for segment in request.path.split("/"):
        if HUGE_INTEGER.fullmatch(segment):
            return error_envelope(404, "not_found", "there is no record with such a number")
    for name, values in request.GET.lists():
        if any(HUGE_INTEGER.fullmatch(v.strip()) for v in values):
            return error_envelope(
                422,
                "invalid_input",
                f"{name}: the number is out of range (at most 18 digits)",
                {"field": name, "allowed": "an integer of at most 18 digits"},
            )
    return None


class ApiErrorEnvelopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            refused = refuse_huge_integers(request)
            if refused is not None:
                return refused
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, message = CODES.get(response.status_code, ("http_error", "the request failed"))
        details = {}
        if response.status_code == 405 and response.has_header("Allow"):
            allowed = sorted(m.strip() for m in response["Allow"].split(",") if m.strip())
            details["allowed"] = allowed
            message = f"{request.method} is not allowed here; allowed: {', '.join(allowed)}"
        envelope = error_envelope(response.status_code, code, message, details)
        if response.has_header("Allow"):
            envelope["Allow"] = response["Allow"]
        return envelope
