from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from secassist.accounts.permissions import capability, public
from secassist.accounts.roles import has_capability
from secassist.audit import statecache
from secassist.core import clock
from secassist.core.limits import body_limit, too_large
from secassist.core.registry import registry
from secassist.core.tables import Column, Table
from secassist.reference import selectors
from secassist.reference.models import Authority, Bureau, Cocom, Country

from . import inbox


@capability("view")
def home(request: HttpRequest) -> HttpResponse:
    """The home page: counts, the person's panels and inbox, cached until the next write (ADR 1003)."""
    user = request.user
    today = clock.today()
    body = statecache.fragment(
        "web.home.html", "web/_home_body.html", lambda: {**_home_context(request, today), "user": user, "today": today}, user.pk
    )
    # The audit event count moves with sign-ins, which do not move the body's generation (ADR 1005):
    # it is filled in per request from the head this request read anyway.
    body = mark_safe(body.replace(AUDIT_COUNT_SLOT, str(statecache.head()[1])))  # noqa: S308 - a number into cached HTML
    return render(request, "web/home.html", {"body": body})


# Not guessable by anyone who writes text that ends up in a body (it depends on the secret key).
AUDIT_COUNT_SLOT = "sa-slot-" + hashlib.sha256(f"{settings.SECRET_KEY}:audit-count".encode()).hexdigest()[:20]


def _shared_counts() -> list[dict[str, Any]]:
    """The counts that are the same for everyone (one computation per state, whoever asks first)."""
    return [
        {"label": "Countries", "value": Country.objects.count(), "url_name": "web:countries"},
        {
            "label": "Title 10 authorities",
            "value": Authority.objects.filter(is_active=True).count(),
            "url_name": "web:authorities",
        },
        {"label": "Users", "value": get_user_model().objects.filter(is_active=True).count(), "url_name": None},
        *[{"label": c.label, "value": c.count(None), "url_name": c.url_name} for c in registry.home_counts if c.shared],
    ]


def _home_context(request: HttpRequest, today: Any) -> dict[str, Any]:
    user = request.user
    shared = {c["label"]: c for c in statecache.cached("web.home-counts", _shared_counts)}
    counts: list[dict[str, Any]] = [
        shared["Countries"],
        shared["Title 10 authorities"],
        shared["Users"],
        {
            # the chain head counts its events (ADR 1001): no COUNT(*) over a table that only grows
            "label": "Audit events",
            "value": AUDIT_COUNT_SLOT,  # filled in per request by home()
            "url_name": "audit:trail" if has_capability(user, "audit.view") else None,
        },
    ]
    counts += [
        shared[c.label] if c.shared else {"label": c.label, "value": c.count(user), "url_name": c.url_name}
        for c in registry.home_counts
    ]
    return {"counts": counts, "panels": _home_panels(request), "inbox_items": inbox.items_for(user, today=today)}


@capability("view")
def inbox_page(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    items = inbox.items_for(request.user, today=today)
    return render(request, "web/inbox.html", {"inbox_items": items, "today": today, "horizon": inbox.CLOCK_HORIZON_DAYS})


def _home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    """Personal work lists contributed by the apps (my clearances, my action items …).

    Each panel template reads its data from `panel`."""
    panels = []
    for panel in registry.home_panels:
        ctx = panel.context(request.user)
        if ctx is not None:
            panels.append({"template": panel.template, **ctx})
    return panels


COUNTRY_TABLE = Table(
    name="countries",
    columns=(
        Column("name", "Country", "name"),
        Column("iso3", "ISO3", "iso3"),
        Column("bureau", "Bureau", "bureau"),
        Column("cocom", "COCOM", "cocom"),
    ),
    default_sort="name",
)


@capability("view")
def countries(request: HttpRequest) -> HttpResponse:
    bureau = request.GET.get("bureau", "")
    cocom = request.GET.get("cocom", "")
    q = request.GET.get("q", "").strip()[:80]
    qs = selectors.countries(
        bureau=bureau if bureau in Bureau.values else None, cocom=cocom if cocom in Cocom.values else None, q=q
    )
    table = COUNTRY_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    return render(
        request,
        "web/countries.html",
        {
            "table": table,
            "bureaus": Bureau.choices,
            "cocoms": Cocom.choices,
            "bureau": bureau,
            "cocom": cocom,
            "q": q,
        },
    )


@capability("view")
def country(request: HttpRequest, iso3: str) -> HttpResponse:
    obj = selectors.country_cached(iso3)
    if obj is None:
        raise Http404(f"No country with code {iso3.upper()}.")
    query = request.GET.urlencode()
    if len(query) > COUNTRY_CACHE_MAX_QUERY:  # an odd query is answered live rather than filling the cache
        body: str = render_to_string("web/_country_body.html", _country_body(obj, request))
    else:  # per person (sections show what they may see), until the next write (ADR 1003)
        body = statecache.fragment(
            "web.country.html", "web/_country_body.html", lambda: _country_body(obj, request), obj.iso3, request.user.pk, query
        )
    return render(request, "web/country.html", {"country": obj, "body": body})


COUNTRY_CACHE_MAX_QUERY = 100


def _country_body(obj: Country, request: HttpRequest) -> dict[str, Any]:
    return {"country": obj, "sections": _country_sections(obj, request), "site_marking": settings.SECASSIST_MARKING}


def _country_sections(obj: Country, request: HttpRequest) -> list[dict[str, Any]]:
    sections = []
    for section in registry.country_sections:
        ctx = (
            section.context(obj, request.user, params=request.GET) if section.takes_params else section.context(obj, request.user)
        )
        if ctx is not None:
            sections.append({"name": section.name, "template": section.template, **ctx})
    return sections


@capability("view")
def authorities(request: HttpRequest) -> HttpResponse:
    rows = selectors.authorities()
    role = request.GET.get("state_role", "")
    if role in Authority.StateRole.values:
        rows = rows.filter(state_role=role)
    else:
        role = ""
    table = AUTHORITY_TABLE.bind(request, rows)
    if table.export_format:
        return table.export_response()
    return render(
        request, "web/authorities.html", {"table": table, "state_role": role, "state_roles": Authority.StateRole.choices}
    )


AUTHORITY_TABLE = Table(
    name="authorities",
    columns=(
        Column("code", "Code", "code"),
        Column("citation", "Citation", "citation"),
        Column("name", "Name", "name"),
        Column("state_role", "State role", lambda a: a.get_state_role_display(), order_by=("state_role",)),
        Column("required", "Concurrence required", "requires_secstate_concurrence", shown=False),
        Column("role_detail", "Role detail", "role_detail", sortable=False, shown=False),
        Column("cn_clock", "CN clock", "cn_clock"),
        Column("confidence", "Conf.", "confidence"),
    ),
    default_sort="code",
)


@public
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; answer with the USWDS icon, not a 404."""
    return HttpResponseRedirect(static("vendor/uswds/img/favicons/favicon.ico"))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):  # a body without a declared length, over the limit
        return too_large(request, body_limit(request))
    return render(
        request,
        "web/error.html",
        {"status": 400, "title": "Bad request", "message": "The request could not be understood."},
        status=400,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "Your role does not allow this page or action."
    return render(request, "web/error.html", {"status": 403, "title": "Not allowed", "message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"status": 404, "title": "Page not found", "message": "There is no such page or record, or you may not see it."},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"status": 500, "title": "Something went wrong", "message": "The error has been logged. Nothing was changed."},
        status=500,
    )
