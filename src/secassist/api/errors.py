"""The one mapping from errors to HTTP for the API: JSON {"code", "message", "details"}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from secassist.core.errors import DomainError
from secassist.core.limits import body_limit

log = logging.getLogger(__name__)


def _field_of(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "request"


def describe_validation(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    details = [
        {
            "field": _field_of(list(e.get("loc", []))),
            "problem": e.get("msg", "invalid"),
            **({"allowed": e["ctx"]["expected"]} if isinstance(e.get("ctx"), dict) and "expected" in e["ctx"] else {}),
        }
        for e in errors
    ]
    message = "; ".join(f"{d['field']}: {d['problem']}" for d in details) or "invalid request"
    return message, details


def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
        return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body = exc.as_dict()
        return reply(request, exc.http_status, body["code"], body["message"], body["details"])

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        message, details = describe_validation(list(exc.errors))
        return reply(request, 422, "invalid_input", message, {"errors": details})

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return reply(
            request,
            401,
            "unauthenticated",
            "authentication required: send 'Authorization: Bearer <token>' (create one with secassist create-token)",
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return reply(request, 404, "not_found", str(exc) or "not found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return reply(request, 403, "access_denied", str(exc) or "your role does not allow this")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return reply(request, exc.status_code, "http_error", str(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = body_limit(request)
        return reply(
            request, 413, "too_large", f"the request body is larger than the limit of {limit} bytes", {"limit_bytes": limit}
        )

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return reply(request, 400, "bad_request", f"the multipart body could not be read: {exc}")

    @api.exception_handler(TooManyFieldsSent)
    def too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
        return reply(request, 400, "bad_request", "the request has too many fields")

    @api.exception_handler(TooManyFilesSent)
    def too_many_files(request: HttpRequest, exc: TooManyFilesSent) -> HttpResponse:
        return reply(request, 400, "bad_request", "the request has too many files")

    @api.exception_handler(UnicodeDecodeError)
    def not_utf8(request: HttpRequest, exc: UnicodeDecodeError) -> HttpResponse:
        return reply(request, 400, "bad_request", "the request is not UTF-8 text")

    # A number too large for the database (a 30-digit id or fiscal year in the query) reaches the
    # driver as OverflowError (SQLite) or DataError (PostgreSQL): the caller's mistake, not ours.
    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        return reply(request, 422, "invalid_input", "a number in the request is out of range (at most 2**63 - 1)")

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        log.warning("database refused a value: %s", exc)
        return reply(request, 422, "invalid_input", "a value in the request is out of range for its field")

    @api.exception_handler(Exception)
    def internal(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("unhandled API error")
        return reply(request, 500, "internal_error", "an internal error occurred; it has been logged")
