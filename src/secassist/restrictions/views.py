"""Pages: catalog, check, waiver register with expiry alerts, country timeline, and the audited
forms to record designations, waivers and security-force units."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.approvals.models import ApprovalRequest
from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.fiscal import FiscalYear
from secassist.core.tables import Column, Table
from secassist.reference import selectors as reference_selectors

from . import selectors, services
from .checking import check
from .coverage import FIRST_FY, matrix
from .engine import CheckResult
from .forms import AssessmentForm, CheckForm, DesignationForm, EndDesignationForm, EndWaiverForm, UnitForm, WaiverForm
from .models import Designation, SecurityForceUnit, Waiver
from .snapshot import get_snapshot, programs


def _attach_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal next to the field it names (or at the top of the form)."""
    field = str(exc.details.get("field") or "")
    if field in form.fields:
        form.add_error(field, exc.message)
    else:
        form.add_error(None, exc.message)


@capability("view")
def catalog(request: HttpRequest) -> HttpResponse:
    return render(request, "restrictions/catalog.html", {"restrictions": selectors.catalog()})


def _check_defaults() -> dict[str, Any]:
    return {"recipient": "government", "purpose": "general", "fiscal_year": FiscalYear.of(clock.today()).year}


def _check_form(query: Any) -> CheckForm:
    """A link that names only some fields (e.g. a country) opens the form filled in, not an error: the
    form is validated once a program is chosen, with the current fiscal year and the usual recipient and
    purpose for what the link left out."""
    defaults = _check_defaults()
    if not query.get("program"):
        return CheckForm(initial={**defaults, **{k: v for k, v in query.items() if v}})
    data = query.copy()
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    return CheckForm(data)


@capability("restrictions.check")
def check_page(request: HttpRequest) -> HttpResponse:
    form = _check_form(request.GET)
    result: CheckResult | None = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = check(
                country=data["country"],
                program=data["program"],
                fiscal_year=data["fiscal_year"],
                on_date=data["on_date"],
                recipient=data["recipient"],
                purpose=data["purpose"],
                units=form.unit_list(),
            )
        except DomainError as exc:
            _attach_error(form, exc)
    context = {"form": form, "result": result, "program_codes": sorted(programs()), "today": clock.today()}
    status = 422 if form.is_bound and form.errors else 200
    template = "restrictions/_check_result.html" if request.headers.get("HX-Request") else "restrictions/check.html"
    return render(request, template, context, status=status)


WAIVER_TABLE = Table(
    name="waivers",
    columns=(
        Column("country", "Country", "country.name", order_by=("country__name",)),
        Column(
            "restriction",
            "Restriction",
            lambda w: f"{w.restriction.rule_code} {w.restriction.short_name}",
            order_by=("restriction__order",),
        ),
        Column(
            "kind",
            "Kind / PD",
            lambda w: w.get_kind_display() + (f"; PD {w.pd_number}" if w.pd_number else ""),
            order_by=("kind", "pd_number"),
        ),
        Column("scope", "Scope", lambda w: w.scope_label + (f" ({w.scope_text})" if w.scope_text else ""), sortable=False),
        Column("fy", "FY", "fiscal_year"),
        Column("in_force", "In force", lambda w: f"{w.effective_from} – {w.expires_on or 'open'}", order_by=("effective_from",)),
        Column(
            "authority",
            "Authority and signer",
            lambda w: "; ".join(filter(None, [w.legal_authority, w.signed_by])),
            order_by=("legal_authority",),
        ),
        Column(
            "congress",
            "Congress",
            lambda w: "; ".join(filter(None, [w.cn_due_on and f"due {w.cn_due_on}", w.cn_sent_on and f"sent {w.cn_sent_on}"])),
            order_by=("cn_due_on",),
        ),
        Column("source", "Source", "source_document"),
        Column("effective_from", "Effective from", "effective_from", shown=False),
        Column("expires_on", "Expires on", "expires_on", shown=False),
        Column("signed_on", "Signed on", "signed_on", shown=False),
        Column("cn_due_on", "Report to Congress due", "cn_due_on", shown=False),
        Column("cn_sent_on", "Report sent", "cn_sent_on", shown=False),
        Column("source_url", "Source URL", "source_url", shown=False),
    ),
    default_sort="-in_force",
)


@capability("view")
def waivers(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "").strip().upper()[:3]
    restriction = request.GET.get("restriction", "")
    fy_text = request.GET.get("fiscal_year", "")
    fiscal_year = int(fy_text) if fy_text.isdigit() and 1946 <= int(fy_text) <= 2100 else None
    rows = selectors.waiver_register(country=country, restriction=restriction, fiscal_year=fiscal_year)
    table = WAIVER_TABLE.bind(request, rows)
    if table.export_format:
        return table.export_response()
    return render(
        request,
        "restrictions/waivers.html",
        {
            "table": table,
            "expiring": selectors.expiring_waivers(),
            "today": clock.today(),
            "country": country,
            "restriction": restriction,
            "fiscal_year": fy_text,
            "catalog": selectors.catalog(),
            "can_edit": has_capability(request.user, "restrictions.edit"),
            "alert_days": selectors.EXPIRY_ALERT_DAYS,
        },
    )


@capability("view")
def country(request: HttpRequest, iso3: str) -> HttpResponse:
    obj = reference_selectors.country(iso3)
    if obj is None:
        raise Http404(f"No country with code {iso3.upper()}.")
    return render(
        request,
        "restrictions/country.html",
        {
            "country": obj,
            "designations": selectors.designations_for(obj.iso3),
            "waivers": selectors.waivers_for(obj.iso3),
            "units": selectors.units_for(obj.iso3),
            "can_edit": has_capability(request.user, "restrictions.edit"),
            "today": clock.today(),
            **selectors.timeline_gaps(obj.iso3),
        },
    )


def _form_page(request: HttpRequest, form: forms.Form, template: str, save: Any, context: dict[str, Any]) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            obj, message, target = save(form)
            messages.success(request, message)
            return redirect(target, obj if isinstance(obj, str) else obj.country.iso3)
        except DomainError as exc:
            _attach_error(form, exc)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


@capability("view", write="restrictions.edit")
@require_http_methods(["GET", "POST"])
def waiver_new(request: HttpRequest) -> HttpResponse:
    form = WaiverForm(request.POST or None, initial={"country": request.GET.get("country", ""), "public": True})

    def save(f: WaiverForm) -> tuple[Any, str, str]:
        obj = services.record_waiver(acting_user=request.user, **f.service_kwargs())
        if isinstance(obj, ApprovalRequest):
            message = (
                f"Proposed, not yet recorded: approval request #{obj.pk} waits for a second person "
                f"({obj.summary}). It enters the register when approved at /approvals/{obj.pk}/."
            )
            return obj.payload["country"], message, "restrictions:country"
        return obj.country.iso3, f"Recorded: {obj}.", "restrictions:country"

    return _form_page(request, form, "restrictions/waiver_form.html", save, {"program_codes": sorted(programs())})


@capability("view", write="restrictions.edit")
@require_http_methods(["GET", "POST"])
def designation_new(request: HttpRequest) -> HttpResponse:
    form = DesignationForm(request.POST or None, initial={"country": request.GET.get("country", "")})

    def save(f: DesignationForm) -> tuple[Designation, str, str]:
        obj = services.record_designation(acting_user=request.user, **f.cleaned_data)
        return obj, f"Recorded: {obj}.", "restrictions:country"

    return _form_page(request, form, "restrictions/designation_form.html", save, {})


@capability("view", write="restrictions.edit")
@require_http_methods(["GET", "POST"])
def designation_end(request: HttpRequest, pk: int) -> HttpResponse:
    designation = Designation.objects.select_related("restriction", "country").filter(pk=pk).first()
    if designation is None:
        raise Http404("No such designation.")
    form = EndDesignationForm(request.POST or None)

    def save(f: EndDesignationForm) -> tuple[Any, str, str]:
        obj = services.end_designation(acting_user=request.user, designation=designation, **f.cleaned_data)
        if isinstance(obj, ApprovalRequest):
            return designation.country.iso3, _proposed(obj), "restrictions:country"
        return obj, f"Ended on {obj.ended_on}: {obj}.", "restrictions:country"

    return _form_page(request, form, "restrictions/designation_end.html", save, {"designation": designation})


def _proposed(approval: ApprovalRequest) -> str:
    return (
        f"Proposed, not yet recorded: approval request #{approval.pk} waits for a second person ({approval.summary}). "
        f"It takes effect when approved at /approvals/{approval.pk}/."
    )


@capability("view", write="restrictions.edit")
@require_http_methods(["GET", "POST"])
def waiver_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a waiver (revocation, or an entry recorded in error): a reversing act through a second person."""
    waiver = Waiver.objects.select_related("restriction", "country").filter(pk=pk).first()
    if waiver is None:
        raise Http404("No such waiver.")
    form = EndWaiverForm(request.POST or None)

    def save(f: EndWaiverForm) -> tuple[Any, str, str]:
        obj = services.end_waiver(acting_user=request.user, waiver=waiver, **f.cleaned_data)
        if isinstance(obj, ApprovalRequest):
            return waiver.country.iso3, _proposed(obj), "restrictions:country"
        return obj, f"Last day in force now {obj.expires_on}: {obj}.", "restrictions:country"

    return _form_page(request, form, "restrictions/waiver_end.html", save, {"waiver": waiver})


@capability("view", write="restrictions.edit")
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None, initial={"country": request.GET.get("country", "")})

    def save(f: UnitForm) -> tuple[Any, str, str]:
        data = dict(f.cleaned_data)
        obj = services.save_unit(acting_user=request.user, country=data.pop("country"), **data)
        return obj, f"Registered unit {obj} (id {obj.pk}).", "restrictions:country"

    return _form_page(request, form, "restrictions/unit_form.html", save, {})


@capability("view", write="restrictions.edit")
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = SecurityForceUnit.objects.select_related("country").filter(pk=pk).first()
    if unit is None:
        raise Http404("No such unit.")
    initial = {name: getattr(unit, name) for name in services.UNIT_FIELDS}
    form = UnitForm(request.POST or None, initial={**initial, "country": unit.country.iso3})
    form.fields["country"].disabled = True

    def save(f: UnitForm) -> tuple[Any, str, str]:
        data = {k: v for k, v in f.cleaned_data.items() if k != "country"}
        obj = services.save_unit(
            acting_user=request.user,
            country=unit.country.iso3,
            unit=unit,
            parent=unit.parent,
            reason="updated from INVEST",
            **data,
        )
        return obj, f"Updated unit {obj} (id {obj.pk}).", "restrictions:country"

    return _form_page(request, form, "restrictions/unit_form.html", save, {"unit": unit})


@capability("view", write="restrictions.edit")
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    initial = {k: request.GET.get(k, "") for k in ("country", "fiscal_year", "restriction")}
    form = AssessmentForm(request.POST or None, initial=initial)

    def save(f: AssessmentForm) -> tuple[Any, str, str]:
        obj = services.record_assessment(acting_user=request.user, **f.cleaned_data)
        return obj, f"Recorded: {obj}.", "restrictions:country"

    return _form_page(request, form, "restrictions/assessment_form.html", save, {})


@capability("view")
def coverage(request: HttpRequest) -> HttpResponse:
    """Restriction × fiscal year: what the engine knows (covered / partial / missing), with sources."""
    today = clock.today()
    data = matrix(get_snapshot(), fy_from=FIRST_FY, fy_to=FiscalYear.of(today).year, today=today)
    return render(request, "restrictions/coverage.html", {"data": data, "years": range(data["fy_from"], data["fy_to"] + 1)})
