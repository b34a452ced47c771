from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from secassist.accounts.permissions import capability
from secassist.audit import statecache
from secassist.core import clock
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import FiscalYear
from secassist.reference import selectors as reference
from secassist.reference.models import Bureau, Cocom, Country
from secassist.title10.models import Proposal

from . import brief, charts, country360, impact, portfolio, selectors, tables

TEAMS = [
    ("", "All teams"),
    ("PM/SA-SAT", "Security Assistance"),
    ("PM/SA-T10", "Title 10"),
    ("PM/SA-DSP", "Defense Sector Plans"),
]
FY_MIN, FY_MAX = 1946, 2100


@capability("view")
def dashboard(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("team", "")
    if team not in dict(TEAMS):
        team = ""
    # the same for every viewer: computed once per state and team, until the next write (ADR 1003)
    body = statecache.fragment("insights.dashboard.html", "insights/_dashboard_body.html", lambda: _dashboard_context(team), team)
    return render(request, "insights/dashboard.html", {"body": body})


def _dashboard_context(team: str) -> dict[str, Any]:
    data = selectors.dashboard(team=team)
    weeks = selectors.clocks_by_week([*data["overdue_clocks"], *data["upcoming_clocks"]])
    execution = selectors.execution_by_program(FiscalYear.of(data["today"]).year)
    charts_ctx = {
        "clock_weeks": weeks,
        "clock_chart": charts.bar_chart(
            [charts.Bar(w["label"], w["count"]) for w in weeks],
            title="Clocks by week (overdue and due in the next 30 days)",
            description="Horizontal bars: the number of clocks falling due in each week; the same counts are in the "
            "table beside it.",
            chart_id="dash-clocks",
            label=charts.count_label,
        ),
        "execution": execution,
        "execution_chart": charts.bar_chart(
            [
                charts.Bar(f"{r['account']} {stage}", r[stage])
                for r in execution["rows"]
                for stage in ("allocated", "obligated", "disbursed")
            ],
            title=f"Execution by program, FY{execution['fiscal_year']}",
            description="Horizontal bars of allocated, obligated and disbursed per Title 22 account; the same figures "
            "are in the table beside it.",
            chart_id="dash-execution",
        ),
    }
    return {**data, **charts_ctx, "teams": TEAMS}


# ---------------------------------------------------------------- parameters (shared with the API)


def parse_fy(value: Any, *, field: str = "fy") -> int:
    """The fiscal year asked for, or the current one when none; anything else is refused with the range."""
    if value in (None, ""):
        return FiscalYear.of(clock.today()).year
    text = str(value).strip().upper().removeprefix("FY")
    if not text.isdigit() or not FY_MIN <= int(text) <= FY_MAX:
        raise InvalidInput(
            f"{field} must be a fiscal year between {FY_MIN} and {FY_MAX}, e.g. 2027",
            field=field,
            value=str(value)[:20],
            allowed=f"{FY_MIN}-{FY_MAX}",
        )
    return int(text)


def program_choices() -> list[str]:
    """Program filter values: the Title 22 accounts, T10 (every authority), and each authority with a proposal."""
    authorities = sorted(set(Proposal.objects.values_list("authority__code", flat=True).distinct()))
    return [*country360.TITLE22_PROGRAMS, portfolio.TITLE10, *authorities]


def portfolio_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Validated filters and sort of the portfolio (page and API): 422 naming the field when one is wrong."""
    out: dict[str, Any] = {"fy": parse_fy(params.get("fy"))}
    for name, allowed in (("bureau", Bureau.values), ("cocom", Cocom.values)):
        value = str(params.get(name) or "").strip().upper()
        if value and value not in allowed:
            raise InvalidInput(f"{name} {value!r} is not one of {', '.join(allowed)}", field=name, allowed=list(allowed))
        out[name] = value
    program = str(params.get("program") or "").strip().upper()
    choices = program_choices()
    if program and program not in choices:
        raise InvalidInput(f"program {program!r} is not one of {', '.join(choices)}", field="program", allowed=choices)
    out["program"] = program
    sort = str(params.get("sort") or "obligated").strip().lower()
    if sort not in portfolio.SORT_COLUMNS:
        raise InvalidInput(
            f"sort must be one of {', '.join(portfolio.SORT_COLUMNS)}", field="sort", allowed=list(portfolio.SORT_COLUMNS)
        )
    out["sort"] = sort
    order = str(params.get("order") or "desc").strip().lower()
    if order not in ("asc", "desc"):
        raise InvalidInput("order must be asc or desc", field="order", allowed=["asc", "desc"])
    out["descending"] = order == "desc"
    metric = str(params.get("metric") or "obligated").strip().lower()
    if metric not in portfolio.MAP_METRICS:
        raise InvalidInput(
            f"metric must be one of {', '.join(portfolio.MAP_METRICS)}", field="metric", allowed=list(portfolio.MAP_METRICS)
        )
    out["metric"] = metric
    out["threshold"] = _threshold(params.get("threshold"))
    return out


def _threshold(value: Any) -> Decimal:
    if value in (None, ""):
        return portfolio.RECONCILE_THRESHOLD
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        raise InvalidInput("threshold must be an amount in dollars, 0 or more", field="threshold", allowed="0 or more")
    return amount


def portfolio_data(p: dict[str, Any]) -> dict[str, Any]:
    rows = portfolio.rows(
        fy=p["fy"], bureau=p["bureau"], cocom=p["cocom"], program=p["program"], sort=p["sort"], descending=p["descending"]
    )
    return {
        "fiscal_year": p["fy"],
        "filters": {k: p[k] for k in ("bureau", "cocom", "program")},
        "sort": p["sort"],
        "order": "desc" if p["descending"] else "asc",
        "source": portfolio.SOURCE,
        "caveats": portfolio.CAVEATS,
        "rows": rows,
        "by_bureau": portfolio.by_bureau(rows),
        "map_metric": p["metric"],
        "by_country": portfolio.by_country(rows, p["metric"]),
        "reconciliation": portfolio.reconciliation(fy=p["fy"], threshold=p["threshold"]),
        "title10_reported": portfolio.title10_reported(fy=p["fy"], bureau=p["bureau"], cocom=p["cocom"], program=p["program"]),
        "alerts": portfolio.alerts(),
    }


# ---------------------------------------------------------------- country 360 (a section of the country page)


def country_section(country: Country, user: Any, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    params = params or {}
    try:
        fy, error = parse_fy(params.get("fy")), ""
    except InvalidInput as exc:
        fy, error = FiscalYear.of(clock.today()).year, exc.message
    # The page lists the most recent proposals and links the rest (ADR 1010); the API and downloads list all.
    data = country360.summary(country, user, fiscal_year=fy, proposals_limit=country360.PAGE_PROPOSALS)
    return {
        "s": data,
        "fy_error": error,
        "fiscal_years": list(range(fy + 1, fy - 12, -1)),
        "tables": tables.COUNTRY_TABLE_NAMES,
        "brief_url": reverse("country360:brief", args=[country.iso3]) + f"?fy={fy}",
        "t22_chart": charts.bar_chart(
            [
                charts.Bar(f"{r['program']} {stage}", r[stage])
                for r in data["funds"]["by_program"]
                if r["fiscal_year"] == fy
                for stage in ("allocated", "obligated", "disbursed", "notified")
            ],
            title=f"Title 22, FY{fy}: amounts by program and stage",
            description="Horizontal bars; the same figures are in the table 'Title 22 by program and stage' below.",
            chart_id="c360-t22",
        ),
    }


def _country(iso3: str) -> Country:
    obj = reference.country(iso3)
    if obj is None:
        raise Http404(f"No country with code {iso3.upper()}.")
    return obj


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _refused(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return render(request, "web/error.html", {"status": 422, "title": "Not a valid request", "message": exc.message}, status=422)


@capability("view")
def country_brief(request: HttpRequest, iso3: str) -> HttpResponse:
    country = _country(iso3)
    try:
        fy = parse_fy(request.GET.get("fy"))
    except InvalidInput as exc:
        return _refused(request, exc)
    body = brief.render(country360.summary(country, request.user, fiscal_year=fy))
    resp = HttpResponse(body, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{country.iso3}-brief-FY{fy}.pdf"'
    return resp


@capability("view")
def country_table(request: HttpRequest, iso3: str, name: str, fmt: str) -> HttpResponse:
    country = _country(iso3)
    if name not in tables.COUNTRY_TABLE_NAMES or fmt not in ("csv", "xlsx"):
        raise Http404("No such table: " + ", ".join(tables.COUNTRY_TABLE_NAMES) + " as csv or xlsx.")
    try:
        fy = parse_fy(request.GET.get("fy"))
    except InvalidInput as exc:
        return _refused(request, exc)
    table = tables.country_table(country360.summary(country, request.user, fiscal_year=fy), name)
    _, ctype = tables.download_format(fmt)
    return _download(table.as_bytes(fmt), ctype, f"{country.iso3}-FY{fy}-{name}.{fmt}")


# ---------------------------------------------------------------- portfolio


def _sort_links(p: dict[str, Any], request: HttpRequest) -> dict[str, str]:
    """For each sortable column, the query string that sorts by it (toggling the order on the current one)."""
    links = {}
    for column in portfolio.SORT_COLUMNS:
        q = request.GET.copy()
        q["sort"] = column
        q["order"] = "asc" if column == p["sort"] and p["descending"] else "desc"
        links[column] = "?" + q.urlencode()
    return links


@capability("view")
def portfolio_page(request: HttpRequest) -> HttpResponse:
    try:
        p = portfolio_params(request.GET)
    except InvalidInput as exc:
        return _refused(request, exc)
    data = portfolio_data(p)
    names = {r["iso3"]: r["country"] for r in data["rows"]}
    metric = p["metric"]
    context = {
        **data,
        **portfolio.filters(),
        "programs": program_choices(),
        "p": p,
        "sort_links": _sort_links(p, request),
        "fiscal_years": list(range(FiscalYear.of(clock.today()).year + 1, FiscalYear.of(clock.today()).year - 11, -1)),
        "metrics": portfolio.MAP_METRICS,
        "query": request.GET.urlencode(),
        "tables": tables.PORTFOLIO_TABLE_NAMES,
        "bureau_chart": charts.bar_chart(
            [charts.Bar(b["label"], b[metric]) for b in data["by_bureau"]],
            title=f"FY{p['fy']} {metric} by regional bureau",
            description=f"Horizontal bars of the {metric} amount per bureau; the same figures are in the table beside it.",
            chart_id="pf-bureau",
        ),
        "world_map": charts.choropleth(
            data["by_country"],
            title=f"FY{p['fy']} {metric} by country",
            description=f"World map shaded by the {metric} amount of each country in five classes; countries without an "
            "amount are grey. The amounts are in the portfolio table.",
            chart_id="pf-map",
            names=names,
        ),
    }
    return render(request, "insights/portfolio.html", context)


@capability("view")
def portfolio_table(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if name not in tables.PORTFOLIO_TABLE_NAMES or fmt not in ("csv", "xlsx"):
        raise Http404("No such table: " + ", ".join(tables.PORTFOLIO_TABLE_NAMES) + " as csv or xlsx.")
    try:
        p = portfolio_params(request.GET)
    except InvalidInput as exc:
        return _refused(request, exc)
    table = tables.portfolio_table(portfolio_data(p), name)
    _, ctype = tables.download_format(fmt)
    return _download(table.as_bytes(fmt), ctype, f"portfolio-FY{p['fy']}-{name}.{fmt}")


# ---------------------------------------------------------------- impact analysis


def _impact_form() -> dict[str, Any]:
    from secassist.restrictions.models import Restriction

    return {
        "countries": Country.objects.order_by("name").values_list("iso3", "name"),
        "restrictions": Restriction.objects.filter(is_active=True, trigger_kind="country_designation")
        .order_by("order", "rule_code")
        .values_list("key", "rule_code", "short_name"),
    }


@capability("view")
def impact_page(request: HttpRequest) -> HttpResponse:
    """A read: the form and, once asked, what the restriction would touch. Nothing is recorded."""
    asked = {k: request.GET.get(k, "").strip()[:40] for k in ("country", "restriction", "effective_on")}
    context: dict[str, Any] = {**_impact_form(), "asked": asked, "error": None, "field": "", "result": None}
    if asked["country"] or asked["restriction"]:
        try:
            context["result"] = impact.analyse(impact.parse(**asked))
        except InvalidInput as exc:
            context["error"], context["field"] = exc.message, str(exc.details.get("field", ""))
    context["query"] = request.GET.urlencode()
    return render(request, "insights/impact.html", context, status=422 if context["error"] else 200)


@capability("view")
def impact_xlsx(request: HttpRequest) -> HttpResponse:
    asked = {k: request.GET.get(k, "").strip()[:40] for k in ("country", "restriction", "effective_on")}
    try:
        data = impact.analyse(impact.parse(**asked))
    except InvalidInput as exc:
        return _refused(request, exc)
    name = f"impact-{data['country']['iso3']}-{data['restriction']['key']}-{data['effective_on']}.xlsx"
    return _download(tables.impact_workbook(data), tables.download_format("xlsx")[1], name)
