"""The open API at /api/v1/ with OpenAPI docs at /api/v1/docs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from secassist.accounts.auth import BearerToken, VerifiedSession
from secassist.core.dates import EARLIEST, LATEST

from . import errors


def _docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The interactive docs need a signed-in browser session; the spec itself may also be fetched with a
    Bearer token, so that API clients can generate code from it without a browser."""
    session_view = login_required(view)
    bearer = BearerToken()

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.path.endswith("/openapi.json") or request.user.is_authenticated:
            return session_view(request, *args, **kwargs)
        if bearer(request) is None:
            body = {"code": "unauthorized", "message": "Sign in, or send Authorization: Bearer <token>.", "details": {}}
            return JsonResponse(body, status=401)
        return view(request, *args, **kwargs)

    return wrapped


DATE_RANGE_NOTE = (
    f"A date YYYY-MM-DD between {EARLIEST.isoformat()} and {LATEST.isoformat()} (the domain of dates, ADR 0810); "
    "some fields are narrower and the 422 names the allowed range."
)


def declare_date_ranges(node: Any) -> None:
    """Every `format: date` schema in the spec states the domain of dates (ADR 0853).

    Schemas declare `dt.date`; the range is checked in the services and the model guard (ADR 0810,
    0851), where a 422 names the field and the range. The spec carries the range as text and as
    `x-minimum` / `x-maximum`; JSON Schema has no standard bound for a date string.
    """
    if isinstance(node, dict):
        if node.get("format") == "date" and node.get("type") == "string":
            node.setdefault("x-minimum", EARLIEST.isoformat())
            node.setdefault("x-maximum", LATEST.isoformat())
            description = node.get("description", "")
            if DATE_RANGE_NOTE not in description:
                node["description"] = f"{description} {DATE_RANGE_NOTE}".strip()
        for value in node.values():
            declare_date_ranges(value)
    elif isinstance(node, list):
        for value in node:
            declare_date_ranges(value)


class SecassistAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_date_ranges(schema)
        return schema


api = SecassistAPI(
    title="secassist API",
    version="1",
    description="The open API of secassist. Authenticate with `Authorization: Bearer <token>` "
    "(create a token with `secassist create-token --user USERNAME` or on your account page). "
    'Errors are JSON `{"code", "message", "details"}`. Amounts are decimal strings.',
    auth=[BearerToken(), VerifiedSession()],
    urls_namespace="api",
    docs_decorator=_docs_access,
)
errors.install(api)


def _mount() -> None:
    # Each domain app owns its router; the api app only mounts them (the app layering forbids the reverse).
    from secassist.accounts.api import router as accounts_router
    from secassist.alerts.api import router as alerts_router
    from secassist.approvals.api import router as approvals_router
    from secassist.budget.api import router as budget_router
    from secassist.clearances.api import router as clearances_router
    from secassist.congress.api import router as congress_router
    from secassist.determinations.api import router as determinations_router
    from secassist.formulation.api import router as formulation_router
    from secassist.insights.api import router as insights_router
    from secassist.oversight.api import router as oversight_router
    from secassist.plans.api import router as plans_router
    from secassist.plans.cycles_api import router as plans_cycles_router
    from secassist.reference.api import router as reference_router
    from secassist.restrictions.api import router as restrictions_router
    from secassist.search.api import router as search_router
    from secassist.title10.api import router as title10_router
    from secassist.web.inbox_api import router as inbox_router

    from .health import router as health_router

    api.add_router("", health_router)
    api.add_router("", reference_router)
    api.add_router("", accounts_router)
    api.add_router("", clearances_router)
    api.add_router("", approvals_router)
    # Before the funds router: /funds/requests/... must not be read as a funds path.
    api.add_router("", formulation_router)
    api.add_router("", budget_router)
    api.add_router("", restrictions_router)
    api.add_router("", congress_router)
    api.add_router("", title10_router)
    api.add_router("", plans_router)
    api.add_router("", plans_cycles_router)
    api.add_router("", determinations_router)
    api.add_router("", oversight_router)
    api.add_router("", insights_router)
    api.add_router("", search_router)
    api.add_router("", alerts_router)
    api.add_router("", inbox_router)


_mount()
