"""Pages of determination packages: parse → access → service/selector → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.approvals import selectors as approval_selectors
from secassist.budget.forms import attach
from secassist.clearances import selectors as clearance_selectors
from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.tables import Column, Table

from . import access, forms, selectors, services, workflow
from .models import DeterminationPackage, PackageStatus

EDIT = "restrictions.edit"


def _dtypes() -> list[tuple[str, str]]:
    return [(t.key, t.title) for t in selectors.types()]


@capability("view", write=EDIT)
def package_list(request: HttpRequest) -> HttpResponse:
    form = forms.PackageForm(request.POST or None, dtypes=_dtypes())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["scope_programs"] = [p for p in data["scope_programs"].split(",") if p.strip()]
        try:
            package = services.create_package(acting_user=request.user, **data)
            return redirect("determinations:detail", package.pk)
        except DomainError as exc:
            attach(form, exc)
    status = request.GET.get("status", "")
    qs = selectors.packages(request.user)
    if status in PackageStatus.values:
        qs = qs.filter(status=status)
    table = PACKAGE_TABLE.bind(request, qs)
    if table.export_format and request.method == "GET":
        return table.export_response()
    return render(
        request,
        "determinations/list.html",
        {
            "table": table,
            "statuses": PackageStatus.choices,
            "status": status,
            "form": form,
            "can_edit": has_capability(request.user, EDIT),
        },
    )


def _notice(p: DeterminationPackage) -> str:
    if p.notice_sent_on:
        return f"sent {p.notice_sent_on.isoformat()}"
    return f"due {p.notice_due_on.isoformat()}" if p.notice_due_on else ""


PACKAGE_TABLE = Table(
    name="determination-packages",
    columns=(
        Column("number", "Number", "number"),
        Column("title", "Title", "title"),
        Column("country", "Country", "country.name", order_by=("country__name",)),
        Column("fy", "FY", "fiscal_year"),
        Column("status", "Status", lambda p: p.get_status_display(), order_by=("status",)),
        Column("notice", "Notice", _notice, order_by=("notice_sent_on", "notice_due_on")),
        Column("register", "Register", lambda p: "in the register" if p.waiver_id else "", order_by=("waiver_id",)),
    ),
    default_sort="-fy",
)


@capability("view")
def calendar(request: HttpRequest) -> HttpResponse:
    form = forms.CalendarForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else clock.today().year + 1
    return render(
        request,
        "determinations/calendar.html",
        {"rows": selectors.calendar(request.user, year=year), "year": year, "form": form},
    )


# Each write form on the detail page: (form class, the service call with the cleaned data, message).
Write = tuple[type[django_forms.Form], Callable[[Any, DeterminationPackage, dict[str, Any]], Any], str]
WRITES: dict[str, Write] = {
    "version": (
        forms.VersionForm,
        lambda u, p, d: services.add_version(acting_user=u, package=p, **d),
        "Justification version saved with the facts as they stand today.",
    ),
    "sign": (forms.SignatureForm, lambda u, p, d: services.sign(acting_user=u, package=p, **d), "Signature recorded."),
    "notice": (
        forms.NoticeForm,
        lambda u, p, d: services.record_notice(acting_user=u, package=p, **d),
        "Congressional notice recorded as sent.",
    ),
    "publication": (
        forms.PublicationForm,
        lambda u, p, d: services.record_publication(acting_user=u, package=p, **d),
        "Federal Register publication recorded.",
    ),
    "transition": (forms.TransitionForm, lambda u, p, d: _transition(u, p, **d), "Status changed."),
    "register": (
        forms.TransitionForm,
        lambda u, p, d: services.propose_register_again(acting_user=u, package=p),
        "Register entry proposed again.",
    ),
}


def _transition(user: Any, package: DeterminationPackage, *, action: str, note: str) -> DeterminationPackage:
    if action == "submit":
        return services.submit(acting_user=user, package=package)
    if action in ("return_to_draft", "withdraw"):
        return services.retract(acting_user=user, package=package, action=action, note=note)
    return workflow.transition(acting_user=user, package=package, action=action, note=note)


@capability("view", write=EDIT)
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    package = access.package(request.user, pk)
    bound: dict[str, django_forms.Form] = {}
    op = request.POST.get("op", "")
    if request.method == "POST" and op in WRITES:
        form_class, call, done = WRITES[op]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                call(request.user, package, form.cleaned_data)
                messages.success(request, done)
                return redirect("determinations:detail", package.pk)
            except DomainError as exc:
                attach(form, exc)
        bound[op] = form
    package.refresh_from_db()
    return render(request, "determinations/detail.html", _detail_context(request, package, bound), status=422 if bound else 200)


def _detail_context(request: HttpRequest, package: DeterminationPackage, bound: dict[str, Any]) -> dict[str, Any]:
    required = {o.code for o, _ in services.required_offices(package)}
    return {
        "p": package,
        "versions": list(package.versions.select_related("created_by").order_by("-number")),
        "clearances": [(c, c.office.code in required) for c in clearance_selectors.for_subject(package)],
        "clock": services.notice_clock(package),
        "history": list(package.history.select_related("actor").order_by("at", "id")),
        "transitions": [t for t in workflow.available(package) if t.action != "sign"],
        "approvals": approval_selectors.for_subject(package),
        "can_edit": has_capability(request.user, EDIT),
        "version_form": bound.get("version") or forms.VersionForm(),
        "sign_form": bound.get("sign") or forms.SignatureForm(),
        "notice_form": bound.get("notice") or forms.NoticeForm(),
        "publication_form": bound.get("publication") or forms.PublicationForm(),
        "transition_form": bound.get("transition") or bound.get("register"),
    }
