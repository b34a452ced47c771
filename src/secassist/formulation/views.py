"""Pages of budget formulation: parse → access → service/selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.approvals import selectors as approval_selectors
from secassist.budget.forms import attach, explain
from secassist.core.errors import DomainError, InvalidInput
from secassist.core.exports import XLSX_TYPE

from . import access, cbj, forms, imports, selectors, services
from .models import RequestCycle, RequestStage

VIEW = "budget.request.view"
# Each service checks its own capability (F levels need budget.levels); the page lets any reader
# who may write something there post.
WRITE = "budget.review"


def _download(body: bytes, ctype: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@capability(VIEW, write="budget.edit")
def cycle_list(request: HttpRequest) -> HttpResponse:
    form = forms.CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.create_cycle(acting_user=request.user, **form.cleaned_data)
            return redirect("formulation:cycle", cycle.pk)
        except DomainError as exc:
            attach(form, exc)
    cycles = [(c, services.working_stage(c)) for c in access.cycles_for(request.user)]
    return render(
        request,
        "formulation/cycle_list.html",
        {"cycles": cycles, "form": form, "can_edit": has_capability(request.user, "budget.edit")},
    )


@capability(VIEW, write=WRITE)
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = access.cycle_for(request.user, pk)
    kinds = selectors.next_stage_kinds(cycle)
    form = forms.StageForm(
        request.POST or None, kinds=kinds, initial={"actuals_fiscal_year": selectors.default_actuals_year(cycle)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.open_stage(acting_user=request.user, cycle=cycle, **form.cleaned_data)
            messages.success(request, f"{stage} opened with {stage.lines.count()} lines.")
            return redirect("formulation:stage", cycle.pk, stage.pk)
        except DomainError as exc:
            attach(form, exc)
    return render(
        request,
        "formulation/cycle_detail.html",
        {
            "cycle": cycle,
            "stages": selectors.stages_of(cycle),
            "working": services.working_stage(cycle),
            "form": form,
            "approvals": approval_selectors.for_subject(cycle),
            "can_open": has_capability(request.user, "budget.edit") or has_capability(request.user, "budget.levels"),
        },
    )


def _stage(request: HttpRequest, pk: int, stage_id: int) -> tuple[RequestCycle, RequestStage]:
    cycle = access.cycle_for(request.user, pk)
    return cycle, access.stage_for(request.user, cycle, stage_id)


def _actuals_fy(request: HttpRequest, cycle: RequestCycle) -> int | None:
    raw = request.GET.get("actuals_fy", "")
    return int(raw) if raw.isdigit() and 1946 <= int(raw) <= 2100 else selectors.default_actuals_year(cycle)


@capability(VIEW, write=WRITE)
def stage_detail(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    cycle, stage = _stage(request, pk, stage_id)
    form = forms.LineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.save_line(acting_user=request.user, stage=stage, **form.cleaned_data)
            messages.success(request, f"{line.recipient_name} {line.account.code} saved.")
            return redirect("formulation:stage", cycle.pk, stage.pk)
        except DomainError as exc:
            attach(form, exc)
    measure = request.GET.get("measure", "obligated")
    measure = measure if measure in ("allocated", "obligated") else "obligated"
    return render(
        request,
        "formulation/stage_detail.html",
        {
            "cycle": cycle,
            "stage": stage,
            "cmp": selectors.comparison(stage, actuals_fy=_actuals_fy(request, cycle), measure=measure),
            "history": selectors.request_history(stage),
            "form": form,
            "import_form": forms.ImportForm(),
            "comment_form": forms.CommentForm(),
            "can_edit": services.may_edit_stage(request.user, stage),
            "can_comment": has_capability(request.user, "budget.review"),
            "measure": measure,
        },
    )


@capability(VIEW, write=WRITE)
@require_POST
def stage_import(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    cycle, stage = _stage(request, pk, stage_id)
    form = forms.ImportForm(request.POST, request.FILES)
    problems: list[Any] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = imports.import_lines(acting_user=request.user, stage=stage, data=upload.read(), file_name=upload.name)
            if summary["unchanged"]:
                messages.info(request, f"{upload.name} was already imported into this stage: nothing changed.")
            else:
                messages.success(
                    request, f"Imported {summary['rows']} rows: {summary['created']} new, {summary['updated']} changed."
                )
            return redirect("formulation:stage", cycle.pk, stage.pk)
        except DomainError as exc:
            form.add_error("file", explain(exc))
            problems = list(exc.details.get("problems", []))
    return render(
        request,
        "formulation/import_result.html",
        {"cycle": cycle, "stage": stage, "form": form, "problems": problems},
        status=422,
    )


@capability(VIEW)
def stage_template(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    cycle, stage = _stage(request, pk, stage_id)
    return _download(imports.template_bytes(stage), XLSX_TYPE, f"fy{cycle.budget_fiscal_year}-{stage.kind}-v{stage.version}.xlsx")


@capability(VIEW, write="budget.review")
@require_POST
def line_comment(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access.line_for(request.user, line_id)
    form = forms.CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput("a comment needs text", field="text")
        services.comment_line(acting_user=request.user, line=line, text=form.cleaned_data["text"])
        messages.success(request, "Comment added.")
    except DomainError as exc:
        messages.error(request, explain(exc))
    return redirect(f"/funds/requests/{line.stage.cycle_id}/stages/{line.stage_id}/#line-{line.pk}")


@capability(VIEW)
def cbj_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    cycle = access.cycle_for(request.user, pk)
    if fmt not in cbj.CBJ_FORMATS:
        return HttpResponse("format must be xlsx or docx", status=422, content_type="text/plain")
    body, ctype = cbj.render(cycle, fmt)
    return _download(body, ctype, cbj.file_name(cycle, fmt))


@capability(VIEW, write="budget.edit")
def seed(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = access.cycle_for(request.user, pk)
    form = forms.SeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.propose_seeding(acting_user=request.user, cycle=cycle, reason=form.cleaned_data["reason"])
            if isinstance(result, RequestCycle):
                messages.success(request, "The allocation table was seeded from the enacted lines.")
            else:
                messages.success(request, f"Seeding proposed for approval (request #{result.pk}); a second person decides.")
            return redirect("formulation:cycle", cycle.pk)
        except DomainError as exc:
            attach(form, exc)
    return render(request, "formulation/seed.html", {"cycle": cycle, "plan": services.seeding_plan(cycle), "form": form})
