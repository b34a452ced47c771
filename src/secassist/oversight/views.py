"""Pages of program oversight (namespace "oversight"): parse → access → service/selector → render.
Every view declares its capability; refusals come back as messages naming the field at fault."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.core import clock
from secassist.core.errors import DomainError, InvalidInput
from secassist.core.tables import Column, Table
from secassist.reference.models import Cocom

from . import access, charts, importers, programs, reports, selectors, services
from .models import Direction, ElementKind, FollowUp, ObjectiveKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_KINDS = ("333f", "fmf-pipeline")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "pdf": "application/pdf"}


def _refused(request: HttpRequest, exc: DomainError) -> None:
    field = exc.details.get("field")
    messages.error(request, f"{field}: {exc.message}" if field else exc.message)


def _filters(request: HttpRequest, **fixed: Any) -> tuple[dict[str, Any], str]:
    raw = {k: request.GET.get(k, "")[:20] for k in ("fy", "country", "program", "team")}
    raw.update(fixed)
    try:
        return selectors.parse_filters(**raw), ""
    except InvalidInput as exc:
        return selectors.parse_filters(**fixed), f"{exc.details.get('field')}: {exc.message}"


def _overview(request: HttpRequest, f: dict[str, Any]) -> dict[str, Any]:
    today = clock.today()
    data = selectors.execution(fy=f["fy"], country=f["country"], program=f["program"], team=f["team"], today=today)
    ind_rows = selectors.indicator_rows(selectors.indicators(country=f["country"], team=f["team"]), today)
    del_rows = [selectors.delivery_row(d, today) for d in selectors.deliveries(country=f["country"], team=f["team"])]
    flags = selectors.programs_without_indicator(selectors.running_programs(country=f["country"], team=f["team"], fy=f["fy"]))
    for r in ind_rows:
        flags += r["flags"]
    flags += [r["flag"] for r in del_rows if r["flag"]]
    for row in data["title22"] + data["title10"]:
        flags += [fl for fl in row["flags"] if not fl.code.startswith("OVS-02")]
    return {
        "f": f,
        "data": data,
        "indicator_rows": ind_rows,
        "delivery_rows": del_rows,
        "flags": flags,
        "late": [r for r in del_rows if r["days_late"] > 0],
        "teams": selectors.TEAMS,
        "codes": selectors.program_codes(),
        "charts": {
            k: v
            for k, v in {
                "curve": charts.execution_curve(data["title22"]),
                "age": charts.pipeline_age(data["title22"]),
                "late": charts.late_deliveries(del_rows),
                "status": charts.indicator_status(ind_rows),
            }.items()
            if v
        },
        "can_edit": has_capability(request.user, "oversight.edit"),
    }


@capability("view")
def dashboard(request: HttpRequest) -> HttpResponse:
    f, problem = _filters(request)
    if problem:
        messages.error(request, problem)
    return render(request, "oversight/dashboard.html", _overview(request, f))


@capability("view")
def country_dashboard(request: HttpRequest, iso3: str) -> HttpResponse:
    country = access.country_for(request.user, iso3)
    f, problem = _filters(request, country=country.iso3)
    if problem:
        messages.error(request, problem)
    ctx = _overview(request, f)
    ctx["country"] = country
    ctx["objectives"] = list(selectors.objectives(country=country))
    return render(request, "oversight/dashboard.html", ctx)


def country_section_context(country: Any, user: Any) -> dict[str, Any] | None:
    """The country page's oversight section (hidden when the country has no oversight record)."""
    objectives = list(selectors.objectives(country=country))
    ind_rows = selectors.indicator_rows(selectors.indicators(country=country))
    late = [r for r in (selectors.delivery_row(d) for d in selectors.deliveries(country=country, late_only=True))]
    if not objectives and not ind_rows and not late:
        return None
    return {"country": country, "objectives": objectives, "indicator_rows": ind_rows, "late": late}


# ---------------------------------------------------------------- objectives


OBJECTIVE_TABLE = Table(
    name="objectives",
    columns=(
        Column("objective", "Objective", lambda o: f"{o.code} {o.title}", order_by=("code",)),
        Column("country", "Country", "country.iso3", order_by=("country__iso3",)),
        Column("kind", "Kind", lambda o: o.get_kind_display() + (f" ({o.ccmd})" if o.ccmd else ""), order_by=("kind", "ccmd")),
        Column("version", "Version", "version"),
        Column("programs", "Programs", lambda o: len(o.links.all()), sortable=False),
    ),
    default_sort="objective",
)


@capability("view", write="oversight.edit")
def objective_list(request: HttpRequest) -> HttpResponse:
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("country", "kind", "ccmd", "code", "title", "description")}
        try:
            obj = services.create_objective(
                acting_user=request.user,
                country=values["country"],
                kind=values["kind"],
                ccmd=values["ccmd"],
                code=values["code"],
                title=values["title"],
                description=values["description"],
            )
            messages.success(request, f"Objective {obj.code} recorded.")
            return redirect("oversight:objective", obj.pk)
        except DomainError as exc:
            _refused(request, exc)
    f, _ = _filters(request)
    table = OBJECTIVE_TABLE.bind(request, selectors.objectives(country=f["country"]))
    if table.export_format:
        return table.export_response()
    return render(
        request,
        "oversight/objectives.html",
        {
            "table": table,
            "f": f,
            "values": values,
            "kinds": ObjectiveKind.choices,
            "cocoms": Cocom.choices,
            "can_edit": has_capability(request.user, "oversight.edit"),
        },
    )


@capability("view", write="oversight.edit")
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access.objective_for(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revise":
                services.revise_objective(
                    acting_user=request.user,
                    objective=obj,
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "New version recorded.")
            elif request.POST.get("action") == "unlink":
                link = access.link_for(request.user, int(request.POST.get("link", "0") or 0))
                services.unlink_objective(acting_user=request.user, link=link, reason=request.POST.get("reason", ""))
                messages.success(request, "Link removed.")
            else:
                services.link_objective(
                    acting_user=request.user,
                    objective=obj,
                    program=programs.resolve(request.POST.get("program")),
                    rationale=request.POST.get("rationale", ""),
                )
                messages.success(request, "Program linked.")
            return redirect("oversight:objective", obj.pk)
        except DomainError as exc:
            _refused(request, exc)
    return render(
        request,
        "oversight/objective.html",
        {
            "objective": obj,
            "links": [(lk, programs.of(lk)) for lk in obj.links.all()],
            "candidates": selectors.running_programs(country=obj.country),
            "can_edit": has_capability(request.user, "oversight.edit"),
        },
    )


# ---------------------------------------------------------------- indicators


INDICATOR_STATUSES = {
    "on_track": "On track",
    "off_track": "Off track",
    "no_data": "No value yet",
    "no_target_due": "No target due yet",
}


def _pair(key: str, at: int) -> Any:
    return lambda r: r[key][at] if r[key] else None


INDICATOR_TABLE = Table(
    name="indicators",
    columns=(
        Column("name", "Indicator", "indicator.name"),
        Column("unit", "Unit", "indicator.unit", shown=False),
        Column("program", "Program", "program.label"),
        Column("baseline", "Baseline", "indicator.baseline_value"),
        Column("latest", "Latest", _pair("latest", 1)),
        Column("latest_on", "Latest as of", _pair("latest", 0), shown=False),
        Column("target", "Target due", _pair("target", 1)),
        Column("target_on", "Target date", _pair("target", 0), shown=False),
        Column("status", "Status", lambda r: INDICATOR_STATUSES.get(r["status"], r["status"])),
        Column("next_due", "Next value due", "next_due"),
    ),
    default_sort="name",
)

DELIVERY_TABLE = Table(
    name="deliveries",
    columns=(
        Column("reference", "Reference", "delivery.reference"),
        Column("program", "Program", "program.label"),
        Column("kind", "Element", lambda r: r["delivery"].get_kind_display()),
        Column("description", "Description", "delivery.description"),
        Column("planned_on", "Planned", "delivery.planned_on"),
        Column("actual_on", "Actual", "delivery.actual_on"),
        Column("days_late", "Days late", "days_late"),
        Column("state", "State", "state"),
    ),
    default_sort="planned_on",
)


@capability("view", write="oversight.edit")
def indicator_list(request: HttpRequest) -> HttpResponse:
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "")
            for k in (
                "program",
                "name",
                "unit",
                "baseline_value",
                "baseline_on",
                "direction",
                "report_every_days",
                "objective",
                "target_on",
                "target_value",
            )
        }
        try:
            objective = access.objective_for(request.user, int(values["objective"])) if values["objective"].isdigit() else None
            targets = [(values["target_on"], values["target_value"])] if values["target_on"] or values["target_value"] else []
            ind = services.create_indicator(
                acting_user=request.user,
                program=programs.resolve(values["program"]),
                name=values["name"],
                unit=values["unit"],
                baseline_value=values["baseline_value"],
                baseline_on=values["baseline_on"],
                direction=values["direction"] or "increase",
                report_every_days=int(values["report_every_days"]) if values["report_every_days"].isdigit() else 182,
                objective=objective,
                targets=targets,
            )
            messages.success(request, f"Indicator {ind.name} defined.")
            return redirect("oversight:indicator", ind.pk)
        except DomainError as exc:
            _refused(request, exc)
    f, filter_error = _filters(request)
    rows = selectors.indicator_rows(selectors.indicators(country=f["country"], team=f["team"]))
    status = request.GET.get("status", "")
    if status in INDICATOR_STATUSES:
        rows = [r for r in rows if r["status"] == status]
    else:
        status = ""
    table = INDICATOR_TABLE.bind(request, rows)
    if table.export_format and request.method == "GET":
        return table.export_response()
    return render(
        request,
        "oversight/indicators.html",
        {
            "table": table,
            "rows": table.page,
            "status": status,
            "statuses": INDICATOR_STATUSES.items(),
            "filter_error": filter_error,
            "f": f,
            "values": values,
            "directions": Direction.choices,
            "programs": selectors.running_programs(country=f["country"]),
            "objectives": selectors.objectives(country=f["country"]),
            "can_edit": has_capability(request.user, "oversight.edit"),
        },
    )


# Two forms post here: a value (oversight.edit) and an evaluation (oversight.evaluate, which F also
# holds); the page admits the wider capability and each service checks its own.
@capability("view", write="oversight.evaluate")
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ind = access.indicator_for(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "evaluation":
                services.record_evaluation(
                    acting_user=request.user,
                    indicator=ind,
                    evaluator=request.POST.get("evaluator", ""),
                    evaluated_on=request.POST.get("evaluated_on", ""),
                    findings=request.POST.get("findings", ""),
                    recommendations=request.POST.get("recommendations", ""),
                    follow_up_due=request.POST.get("follow_up_due") or None,
                )
                messages.success(request, "Evaluation recorded.")
            else:
                services.record_value(
                    acting_user=request.user,
                    indicator=ind,
                    as_of=request.POST.get("as_of", ""),
                    value=request.POST.get("value", ""),
                    evidence=request.POST.get("evidence", ""),
                    evidence_url=request.POST.get("evidence_url", ""),
                )
                messages.success(request, "Value recorded.")
            return redirect("oversight:indicator", ind.pk)
        except DomainError as exc:
            _refused(request, exc)
    return render(
        request,
        "oversight/indicator.html",
        {
            "indicator": ind,
            "status": selectors.indicator_status(ind),
            "follow_ups": FollowUp.choices,
            "can_edit": has_capability(request.user, "oversight.edit"),
            "can_evaluate": has_capability(request.user, "oversight.evaluate"),
        },
    )


@require_POST
@capability("oversight.evaluate")
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    ev = access.evaluation_for(request.user, pk)
    try:
        services.update_follow_up(
            acting_user=request.user, evaluation=ev, status=request.POST.get("status", ""), note=request.POST.get("note", "")
        )
        messages.success(request, "Follow-up updated.")
    except DomainError as exc:
        _refused(request, exc)
    return redirect("oversight:indicator", ev.indicator_id)


# ---------------------------------------------------------------- execution and deliveries


PLAN_QUARTERS = 4


@capability("view", write="oversight.edit")
def execution(request: HttpRequest) -> HttpResponse:
    """Execution tables and curves; POST sets a line's spend plan or records DoD's execution report."""
    if request.method == "POST":
        try:
            _execution_input(request)
            return redirect(request.get_full_path())
        except DomainError as exc:
            _refused(request, exc)
    f, problem = _filters(request)
    if problem:
        messages.error(request, problem)
    data = selectors.execution(fy=f["fy"], country=f["country"], program=f["program"], team=f["team"])
    running = selectors.running_programs(country=f["country"], team=f["team"], fy=f["fy"])
    return render(
        request,
        "oversight/execution.html",
        {
            "f": f,
            "data": data,
            "codes": selectors.program_codes(),
            "teams": selectors.TEAMS,
            "lines": [p for p in running if p.allocation is not None],
            "proposals": [p for p in running if p.proposal is not None],
            "plan_rows": range(1, PLAN_QUARTERS + 1),
            "can_edit": has_capability(request.user, "oversight.edit"),
            "charts": {
                k: v
                for k, v in {
                    "curve": charts.execution_curve(data["title22"]),
                    "age": charts.pipeline_age(data["title22"]),
                }.items()
                if v
            },
        },
    )


@capability("view", write="oversight.edit")
def delivery_list(request: HttpRequest) -> HttpResponse:
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {
            k: request.POST.get(k, "")
            for k in ("reference", "program", "kind", "description", "quantity", "planned_on", "actual_on")
        }
        try:
            row, outcome = services.save_delivery(
                acting_user=request.user, reference=values["reference"], program=programs.resolve(values["program"]), raw=values
            )
            messages.success(request, f"Delivery {row.reference} {outcome}.")
            return redirect("oversight:deliveries")
        except DomainError as exc:
            _refused(request, exc)
    f, filter_error = _filters(request)
    late_only = request.GET.get("late") == "1"
    rows = [selectors.delivery_row(d) for d in selectors.deliveries(country=f["country"], team=f["team"], late_only=late_only)]
    table = DELIVERY_TABLE.bind(request, rows)
    if table.export_format and request.method == "GET":
        return table.export_response()
    return render(
        request,
        "oversight/deliveries.html",
        {
            "table": table,
            "rows": table.page,
            "filter_error": filter_error,
            "f": f,
            "late_only": late_only,
            "values": values,
            "kinds": ElementKind.choices,
            "programs": selectors.running_programs(country=f["country"]),
            "columns": importers.COLUMNS,
            "can_edit": has_capability(request.user, "oversight.edit"),
            "can_import": has_capability(request.user, "data.import"),
        },
    )


@require_POST
@capability("data.import")
def delivery_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "file: choose a CSV or XLSX file")
        return redirect("oversight:deliveries")
    try:
        summary = importers.import_bytes(upload.name or "upload", upload.read(importers.MAX_BYTES + 1), acting_user=request.user)
        messages.success(
            request, "Imported {file}: {created} created, {updated} updated, {unchanged} unchanged.".format(**summary)
        )
    except DomainError as exc:
        _refused(request, exc)
        for problem in exc.details.get("problems", [])[:50]:
            messages.error(request, problem)
    return redirect("oversight:deliveries")


def _execution_input(request: HttpRequest) -> None:
    post = request.POST
    program = programs.resolve(post.get("program"))
    if post.get("action") == "plan":
        rows = [
            (post.get(f"end_{i}", ""), post.get(f"obligated_{i}", ""), post.get(f"disbursed_{i}", ""))
            for i in range(1, PLAN_QUARTERS + 1)
        ]
        points = [r for r in rows if any(str(v).strip() for v in r)]
        services.set_spend_plan(acting_user=request.user, program=program, points=points)
        messages.success(request, f"Spend plan of {program.label} recorded ({len(points)} quarter ends).")
        return
    services.record_title10_execution(
        acting_user=request.user,
        program=program,
        as_of=post.get("as_of", ""),
        obligated=post.get("obligated", ""),
        disbursed=post.get("disbursed", ""),
        source=post.get("source", ""),
    )
    messages.success(request, f"DoD execution report of {program.label} recorded.")


# ---------------------------------------------------------------- reports and exports


def _download(body: bytes, filename: str, fmt: str) -> HttpResponse:
    resp = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    resp["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return resp


@capability("view")
def report(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in REPORT_KINDS or fmt not in ("xlsx", "pdf"):
        raise Http404("No such report: the reports are 333f and fmf-pipeline, as xlsx or pdf.")
    params = {k: request.GET.get(k, "")[:20] for k in ("period", "fy", "country")}
    try:
        rep, widths = reports.report_for(f"oversight-{kind}", params)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("oversight:dashboard")
    return _download(reports.to_xlsx(rep) if fmt == "xlsx" else reports.to_pdf(rep, widths), rep.filename, fmt)


@capability("view")
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if f"oversight-{kind}" not in reports.TABLES or fmt not in reports.FORMATS:
        raise Http404("No such export: execution, deliveries, indicators or objectives, as csv or xlsx.")
    params = {k: request.GET.get(k, "")[:20] for k in ("fy", "country", "program")}
    try:
        sheet = reports.TABLES[f"oversight-{kind}"][1](params)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("oversight:dashboard")
    body = reports.to_csv(sheet) if fmt == "csv" else reports.to_xlsx(reports.Report(sheet.title, kind, [sheet]))
    return _download(body, f"oversight-{kind}", fmt)
