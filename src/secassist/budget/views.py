"""Pages of the funds app: parse → access → service/selector → render. Every view declares its capability."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from secassist.accounts.access import get_visible
from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.approvals.models import ApprovalRequest
from secassist.audit.selectors import events_for
from secassist.core import clock
from secassist.core.charts import Bar, bar_chart
from secassist.core.errors import DomainError, InvalidInput
from secassist.core.exports import FORMATS
from secassist.core.fiscal import FiscalYear
from secassist.core.money import to_money
from secassist.core.registry import registry
from secassist.core.tables import Column, Table

from . import forms, rules, selectors, services, tables, workflow
from .models import Allocation, AllocationStatus, Appropriation, HistorySource, LedgerEntry


def _fy(request: HttpRequest) -> int:
    raw = request.GET.get("fy", "")
    try:
        return FiscalYear.parse(raw).year if raw else FiscalYear.of(clock.today()).year
    except InvalidInput:
        return FiscalYear.of(clock.today()).year


def _export(request: HttpRequest, build: Any) -> HttpResponse | None:
    fmt = request.GET.get("format")
    if not fmt:
        return None
    if fmt not in FORMATS:
        return HttpResponse(f"format must be one of {', '.join(FORMATS)}", status=422, content_type="text/plain")
    return tables.response(build(), fmt)


def _appr(pk: int) -> Appropriation:
    return get_visible(Appropriation.objects.select_related("account"), pk=pk)


def _alloc(pk: int) -> Allocation:
    return get_visible(
        Allocation.objects.select_related("appropriation__account", "account", "country", "pseudo_region", "balance"), pk=pk
    )


# ---------------------------------------------------------------- overview


@capability("view")
def overview(request: HttpRequest) -> HttpResponse:
    fy = _fy(request)
    data = selectors.overview(fy)
    if (resp := _export(request, lambda: tables.appropriations_table(fy))) is not None:
        return resp
    stages = ("appropriated", "allocated", "obligated", "disbursed", "expiring")
    bars = [Bar(f"{r['account']} {stage}", r[stage]) for r in data["rows"] for stage in stages]
    return render(
        request,
        "budget/overview.html",
        {
            **data,
            "years": selectors.fiscal_years(),
            "chart": bar_chart(
                bars,
                title=f"FY{fy} by account and stage",
                description=f"Appropriated, allocated, obligated, disbursed and expiring amounts by account for FY{fy}; "
                "the same numbers are in the table above.",
                chart_id="funds-chart",
            ),
            "query": f"fy={fy}",
            "can_edit": has_capability(request.user, "budget.edit"),
        },
    )


# ---------------------------------------------------------------- appropriations


@capability("view", write="budget.edit")
@require_http_methods(["GET", "POST"])
def appropriation_list(request: HttpRequest) -> HttpResponse:
    fy = request.GET.get("fy")
    fiscal_year = _fy(request) if fy else None
    if (resp := _export(request, lambda: tables.appropriations_table(fiscal_year))) is not None:
        return resp
    form = forms.AppropriationForm(request.POST or None, initial={"fiscal_year": FiscalYear.of(clock.today()).year})
    if request.method == "POST" and form.is_valid():
        try:
            appr = services.create_appropriation(acting_user=request.user, **form.cleaned_data)
            messages.success(request, f"{appr} recorded.")
            return redirect("budget:appropriation", pk=appr.pk)
        except DomainError as exc:
            forms.attach(form, exc)
    apprs = list(selectors.appropriations(fiscal_year=fiscal_year))
    totals = selectors.totals_of([a.pk for a in apprs])
    table = APPROPRIATION_TABLE.bind(request, [{"a": a, "b": totals.get(a.pk)} for a in apprs])
    return render(
        request,
        "budget/appropriation_list.html",
        {
            "table": table,
            "form": form,
            "fy": fiscal_year,
            "can_edit": has_capability(request.user, "budget.edit"),
        },
        status=422 if form.errors else 200,
    )


# Sorting and paging by the one table helper (ADR 1202); the CSV/XLSX of these two tables stay the
# richer exports of budget/tables.py (every filtered row, with the marking), reached by the same links.
APPROPRIATION_TABLE = Table(
    name="appropriations",
    columns=(
        Column("appropriation", "Appropriation", lambda r: str(r["a"])),
        Column("fy", "FY", "a.fiscal_year", shown=False),
        Column("kind", "Kind", lambda r: r["a"].get_kind_display()),
        Column("enacted_on", "Enacted", "a.enacted_on"),
        Column("amount", "Amount", "a.amount"),
        Column("allocated", "Allocated", "b.allocated"),
        Column("obligated", "Obligated", "b.obligated"),
        Column("obligation_end", "Obligation period ends", "a.obligation_period_end"),
        Column("reobligation_end", "Reobligation window ends", "a.reobligation_window_end"),
        Column("cancels", "Cancels", "a.cancellation_date"),
    ),
    default_sort="-fy",
)

ALLOCATION_TABLE = Table(
    name="allocations",
    columns=(
        Column("recipient", "Recipient", "recipient_name"),
        Column("purpose", "Purpose", "purpose"),
        Column("status", "Status", lambda a: a.get_status_display()),
        Column("allocated", "Allocated", "balance.allocated"),
        Column("apportioned", "Apportioned", "balance.apportioned"),
        Column("obligated", "Obligated", "balance.obligated"),
        Column("disbursed", "Disbursed", "balance.disbursed"),
        Column("baseline_653a", "653(a) level", "baseline_653a"),
        Column("cn", "CN", lambda a: a.notification["label"]),
    ),
    default_sort="recipient",
    page_size=100,
)


def _appropriation_context(request: HttpRequest, appr: Appropriation, **extra: Any) -> dict[str, Any]:
    rows = selectors.allocation_rows(appr)
    total = selectors.totals_of([appr.pk])[appr.pk]
    status = request.GET.get("status", "")
    shown = [a for a in rows if a.status == status] if status in AllocationStatus.values else rows
    return {
        "appr": appr,
        "rows": rows,
        "table": ALLOCATION_TABLE.bind(request, shown),
        "status": status if status in AllocationStatus.values else "",
        "statuses": AllocationStatus.choices,
        "total": total,
        "compliance": selectors.earmark_compliance(appr, rows, total),
        "deadline": selectors.deadline_653a(appr) if appr.is_653a_subject else None,
        "can_edit": has_capability(request.user, "budget.edit"),
        "alloc_form": extra.pop("alloc_form", None) or forms.AllocationForm(initial={"notification_required": True}),
        "earmark_form": extra.pop("earmark_form", None) or forms.EarmarkForm(),
        "dates_form": extra.pop("dates_form", None)
        or forms.DatesForm(
            initial={
                "obligation_period_end": appr.obligation_period_end,
                "reobligation_window_end": appr.reobligation_window_end,
                "cancellation_date": appr.cancellation_date,
            }
        ),
        "rules": rules.RULES,
        **extra,
    }


@capability("view", write="budget.edit")
@require_http_methods(["GET", "POST"])
def appropriation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appr = _appr(pk)
    if (resp := _export(request, lambda: tables.allocations_table(appr, status=request.GET.get("status", "")))) is not None:
        return resp
    extra: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        handler = {"allocate": _post_allocation, "earmark": _post_earmark, "dates": _post_dates}.get(action)
        if handler is None:
            return HttpResponse("action must be one of allocate, earmark, dates", status=422, content_type="text/plain")
        done, extra = handler(request, appr)
        if done:
            return redirect("budget:appropriation", pk=appr.pk)
    return render(
        request, "budget/appropriation_detail.html", _appropriation_context(request, appr, **extra), status=422 if extra else 200
    )


def _post_allocation(request: HttpRequest, appr: Appropriation) -> tuple[bool, dict[str, Any]]:
    form = forms.AllocationForm(request.POST)
    if form.is_valid():
        try:
            alloc = services.create_allocation(acting_user=request.user, appropriation=appr, **form.cleaned_data)
            messages.success(request, f"Line {alloc.recipient_name} opened.")
            return True, {}
        except DomainError as exc:
            forms.attach(form, exc)
    return False, {"alloc_form": form}


def _post_earmark(request: HttpRequest, appr: Appropriation) -> tuple[bool, dict[str, Any]]:
    form = forms.EarmarkForm(request.POST)
    if form.is_valid():
        try:
            services.add_earmark(acting_user=request.user, appropriation=appr, **form.cleaned_data)
            messages.success(request, "Earmark recorded.")
            return True, {}
        except DomainError as exc:
            forms.attach(form, exc)
    return False, {"earmark_form": form}


def _post_dates(request: HttpRequest, appr: Appropriation) -> tuple[bool, dict[str, Any]]:
    form = forms.DatesForm(request.POST)
    if form.is_valid():
        try:
            services.update_appropriation_dates(acting_user=request.user, appropriation=appr, **form.cleaned_data)
            messages.success(request, "Dates corrected.")
            return True, {}
        except DomainError as exc:
            forms.attach(form, exc)
    return False, {"dates_form": form}


class _DryRun(Exception):
    pass


def _dry_run(fn: Any) -> tuple[bool, str]:
    """Run the real service and roll it back: the live check uses exactly the rules a save would.
    A save that would be proposed to a second person (maker-checker) passes, and says so."""
    outcome: list[Any] = []
    try:
        with transaction.atomic():
            outcome.append(fn())
            raise _DryRun
    except _DryRun:
        if outcome and isinstance(outcome[0], ApprovalRequest):
            return True, f"it will be proposed to a second person for approval, not posted at once: {outcome[0].summary}"
        return True, ""
    except DomainError as exc:
        return False, forms.explain(exc)


@capability("budget.edit")
@require_POST
def allocation_check(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: would this allocation pass? Shows the rule's message live, nothing is saved."""
    appr = _appr(pk)
    form = forms.AllocationForm(request.POST)
    if not form.is_valid():
        ok, message = False, "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
    else:
        ok, message = _dry_run(
            lambda: services.create_allocation(acting_user=request.user, appropriation=appr, **form.cleaned_data)
        )
    return render(request, "budget/_check.html", {"ok": ok, "message": message, "what": "This allocation"})


@capability("budget.edit")
@require_POST
def posting_check(request: HttpRequest, pk: int) -> HttpResponse:
    alloc = _alloc(pk)
    form = forms.PostingForm(request.POST, targets=_targets(alloc))
    if not form.is_valid():
        ok, message = False, "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
    else:
        ok, message = _dry_run(lambda: _post(request, alloc, form.cleaned_data))
    hint = _cn_hint(alloc, form.cleaned_data) if form.is_valid() else None
    return render(request, "budget/_check.html", {"ok": ok, "message": message, "what": "This entry", "cn_hint": hint})


def _cn_hint(alloc: Allocation, data: dict[str, Any]) -> selectors.CnHint | None:
    """For money moved into another line: will obligating it there need a (new) notification?"""
    if data.get("entry_type") not in services.MOVEMENTS or not data.get("to_allocation") or not data.get("amount"):
        return None
    try:
        amount = to_money(data["amount"])
    except InvalidInput:
        return None
    target = Allocation.objects.filter(appropriation_id=alloc.appropriation_id, pk=data["to_allocation"]).first()
    if target is None or amount <= 0:
        return None
    return selectors.reallocation_cn_hint(target=target, amount=amount)


# ---------------------------------------------------------------- allocation lines


def _targets(alloc: Allocation) -> list[tuple[int, str]]:
    return [
        (a.pk, f"{a.recipient_name}{' — ' + a.purpose if a.purpose else ''}")
        for a in Allocation.objects.filter(appropriation_id=alloc.appropriation_id)
        .exclude(pk=alloc.pk)
        .order_by("recipient_name")
    ]


def _proposed(approval: ApprovalRequest) -> str:
    return (
        f"Proposed, not yet done: approval request #{approval.pk} ({approval.summary}) waits for a second person "
        f"— see /approvals/{approval.pk}/."
    )


def _post(request: HttpRequest, alloc: Allocation, data: dict[str, Any]) -> Any:
    target = None
    if data.get("to_allocation"):
        target = get_visible(Allocation.objects.filter(appropriation_id=alloc.appropriation_id), pk=data["to_allocation"])
    return services.post_entry(
        acting_user=request.user,
        appropriation=alloc.appropriation,
        allocation=alloc,
        to_allocation=target,
        entry_type=data["entry_type"],
        amount=data["amount"],
        effective_on=data.get("effective_on"),
        document_type=data.get("document_type", ""),
        document_ref=data.get("document_ref", ""),
        reason=data.get("reason", ""),
        earmark_override=bool(data.get("earmark_override")),
    )


def _unit_resolution_of(alloc: Allocation) -> list[dict[str, Any]] | None:
    """Each activity's recipient units resolved in the unit registry with their Leahy vetting
    status, from the title10 app's check when installed (None hides the section). Budget stores the
    names as written and does not resolve them itself (ADR 1400)."""
    resolve = registry.service("title10.unit_resolution")
    if resolve is None or alloc.country is None:
        return None
    out = []
    for activity in alloc.activities.prefetch_related("units"):
        named = [(u.name, u.registry_unit_id) for u in activity.units.all()]
        if named:
            out.append({"activity": activity, **resolve(alloc.country, named)})
    return out


def _objectives_of(alloc: Allocation) -> list[dict[str, Any]] | None:
    """The objectives the line advances, from the oversight app when installed (None hides the section)."""
    objectives_for = registry.service("oversight.objectives_for")
    return objectives_for(allocation=alloc) if objectives_for else None


@capability("view", write="budget.edit")
@require_http_methods(["GET", "POST"])
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alloc = _alloc(pk)
    if (resp := _export(request, lambda: tables.ledger_table(allocation=alloc))) is not None:
        return resp
    post_form = forms.PostingForm(targets=_targets(alloc))
    status_form, notif_form = (
        forms.StatusForm(),
        forms.NotificationForm(initial={"notification_required": alloc.notification_required}),
    )
    failed = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        form: Any = {
            "post": lambda: forms.PostingForm(request.POST, targets=_targets(alloc)),
            "status": lambda: forms.StatusForm(request.POST),
            "notification": lambda: forms.NotificationForm(request.POST),
        }.get(action, lambda: None)()
        if form is None:
            return HttpResponse("action must be one of post, status, notification", status=422, content_type="text/plain")
        if form.is_valid():
            try:
                _line_action(request, alloc, action, form.cleaned_data)
                return redirect("budget:allocation", pk=alloc.pk)
            except DomainError as exc:
                forms.attach(form, exc)
        failed = True
        post_form, status_form, notif_form = (
            form if action == "post" else post_form,
            form if action == "status" else status_form,
            form if action == "notification" else notif_form,
        )
    entries = Paginator(selectors.line_entries(alloc), 50).get_page(request.GET.get("page"))
    selectors.with_notification([alloc])
    verdict = None
    try:
        verdict = services.restriction_verdict(alloc)
    except DomainError as exc:
        verdict = {"verdict": "unknown", "summary": exc.message, "findings": []}
    return render(
        request,
        "budget/allocation_detail.html",
        {
            "alloc": alloc,
            "bal": alloc.balance,
            "entries": entries,
            "events": events_for(alloc, limit=50),
            "post_form": post_form,
            "status_form": status_form,
            "notif_form": notif_form,
            "allowed_status": workflow.allowed_manual(alloc.status),
            "verdict": verdict,
            "history": alloc.status_history.select_related("by").all(),
            "can_edit": has_capability(request.user, "budget.edit"),
            "objectives": _objectives_of(alloc),
            "unit_resolution": _unit_resolution_of(alloc),
        },
        status=422 if failed else 200,
    )


def _line_action(request: HttpRequest, alloc: Allocation, action: str, data: dict[str, Any]) -> None:
    if action == "post":
        entry = _post(request, alloc, data)
        if isinstance(entry, ApprovalRequest):
            messages.success(request, _proposed(entry))
            return
        for flag in entry.flags:
            messages.warning(request, f"{flag['code']}: {flag['message']}")
        messages.success(request, f"Entry #{entry.pk} posted.")
    elif action == "status":
        services.change_status(acting_user=request.user, allocation=alloc, to_status=data["to_status"], reason=data["reason"])
        messages.success(request, "Status changed.")
    else:
        done = services.set_notification(
            acting_user=request.user, allocation=alloc, required=data["notification_required"], reason=data["reason"]
        )
        if isinstance(done, Allocation):
            messages.success(request, "Saved.")
        else:
            messages.success(request, "Proposed: a second person must approve that this line needs no notification.")


@capability("budget.edit")
@require_POST
def reverse_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible(LedgerEntry.objects.select_related("appropriation", "allocation", "to_allocation"), pk=pk)
    form = forms.ReverseForm(request.POST)
    back = (
        reverse("budget:allocation", args=[entry.allocation_id])
        if entry.allocation_id
        else reverse("budget:ledger", args=[entry.appropriation_id])
    )
    if not form.is_valid():
        messages.error(request, "A reversal needs a reason.")
        return redirect(back)
    try:
        rev = services.reverse_entry(acting_user=request.user, entry=entry, reason=form.cleaned_data["reason"])
        if isinstance(rev, ApprovalRequest):
            messages.success(request, _proposed(rev))
        else:
            messages.success(request, f"Entry #{entry.pk} reversed by #{rev.pk}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(back)


@capability("view")
def appropriation_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    appr = _appr(pk)
    if (resp := _export(request, lambda: tables.ledger_table(appropriation=appr))) is not None:
        return resp
    entries = Paginator(selectors.appropriation_entries(appr), 100).get_page(request.GET.get("page"))
    return render(request, "budget/ledger.html", {"appr": appr, "entries": entries, "events": events_for(appr, limit=50)})


# ---------------------------------------------------------------- 653(a)


@capability("view")
def report_653a_list(request: HttpRequest) -> HttpResponse:
    return render(request, "budget/report_653a_list.html", {"rows": selectors.report_653a_list()})


@capability("view", write="budget.edit")
@require_http_methods(["GET", "POST"])
def report_653a(request: HttpRequest, pk: int) -> HttpResponse:
    appr = _appr(pk)
    if (resp := _export(request, lambda: tables.report_653a_table(appr))) is not None:
        return resp
    form = forms.Submit653aForm(request.POST or None, initial={"submitted_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_653a_submission(
                acting_user=request.user, appropriation=appr, submitted_on=form.cleaned_data["submitted_on"]
            )
            messages.success(request, "653(a) submission recorded; the lines' 653(a) levels are now the §634A baseline.")
            return redirect("budget:report-653a", pk=appr.pk)
        except DomainError as exc:
            forms.attach(form, exc)
    return render(
        request,
        "budget/report_653a.html",
        {
            "appr": appr,
            "table": tables.report_653a_table(appr),
            "deadline": selectors.deadline_653a(appr),
            "form": form,
            "can_edit": has_capability(request.user, "budget.edit"),
            "submitted": hasattr(appr, "report_653a"),
        },
        status=422 if form.errors else 200,
    )


@capability("view")
def report_653a_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    appr = _appr(pk)
    resp = HttpResponse(tables.report_653a_pdf(appr), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="653a-fy{appr.fiscal_year}-{appr.account.code.lower()}-{appr.pk}.pdf"'
    return resp


# ---------------------------------------------------------------- expiring funds and history


@capability("view")
def expiring(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("days", "")
    days = int(raw) if raw.isdigit() and 1 <= int(raw) <= 3650 else selectors.EXPIRING_DAYS
    if (resp := _export(request, lambda: tables.expiring_table(days))) is not None:
        return resp
    return render(request, "budget/expiring.html", {"rows": selectors.expiring(days=days), "days": days})


@capability("view")
def history(request: HttpRequest) -> HttpResponse:
    program = request.GET.get("program", "FMF").upper()
    program = program if program in selectors.PROGRAMS else "FMF"
    raw = request.GET.get("fy", "2019")
    fy = int(raw) if raw.isdigit() and 1946 <= int(raw) <= 2100 else 2019
    if (
        resp := _export(request, lambda: tables.history_table(source=HistorySource.GREENBOOK, program=program, fiscal_year=fy))
    ) is not None:
        return resp
    return render(
        request,
        "budget/history.html",
        {
            "data": selectors.history_obligations(program=program, fiscal_year=fy),
            "program": program,
            "fy": fy,
            "programs": selectors.PROGRAMS,
            "query": f"program={program}&fy={fy}",
            "imports": selectors.history_imports(),
        },
    )


# ---------------------------------------------------------------- registry contributions


def country_section_context(country: Any, user: Any) -> dict[str, Any] | None:
    """The country page's funds section: the line-by-line view (status, notification state) and the Greenbook
    history chart with every year's figures. Earmarks, ForeignAssistance.gov figures and the sums by program
    and stage are in the Country 360 section, so each fact appears once on the page (ADR 1104)."""
    lines = selectors.with_notification(list(selectors.allocations(country=country.iso3)[:50]))
    history_rows = selectors.country_history(country.pk)
    if not lines and not history_rows:
        return None
    return {
        "lines": lines,
        **_history_chart(history_rows),
        "has_history": bool(history_rows),
        "caveat": selectors.GREENBOOK_CAVEAT,
    }


HISTORY_CHART_YEARS = 25


def _history_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The Greenbook history as the one chart helper draws it: a bar per fiscal year (all programs) for
    the latest years, and beside it the table of every year by program (for screen readers and copying)."""
    programs = sorted({r["program"] for r in rows})
    by_year: dict[int, dict[str, Decimal]] = {}
    for r in rows:
        year = by_year.setdefault(r["fiscal_year"], {})
        year[r["program"]] = year.get(r["program"], Decimal("0")) + Decimal(str(r["amount"]))
    years = sorted(by_year)
    recent = years[-HISTORY_CHART_YEARS:]
    bars = [Bar(f"FY{y}", sum(by_year[y].values(), Decimal("0"))) for y in recent]
    span = f"FY{recent[0]}–FY{recent[-1]}" if recent else ""
    return {
        "chart": bar_chart(
            bars,
            title=f"Military assistance obligations {span}, all programs (Greenbook, current dollars)",
            description="One bar per fiscal year, the sum of the programs; every year by program is in the table below.",
            chart_id="budget-history-chart",
        ),
        "history_programs": programs,
        "history_table": [(y, [by_year[y].get(p) for p in programs]) for y in reversed(years)],
    }


def overdue_653a_count(user: Any) -> int:
    return selectors.overdue_653a_count()


# ---------------------------------------------------------------- Title 22 activities (issue #18)


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.replace(";", "\n").splitlines() if x.strip()]


def _activity_values(alloc: Allocation, reference: str) -> dict[str, Any]:
    act = alloc.activities.filter(reference=reference).prefetch_related("units").first()
    if act is None:
        return {
            "reference": reference,
            "description": "",
            "units": "",
            "capabilities": [],
            "platforms": "",
            "first_fiscal_year": "",
            "last_fiscal_year": "",
        }
    return {
        "reference": act.reference,
        "description": act.description,
        "units": "\n".join(u.name for u in act.units.all()),
        "capabilities": list(act.capabilities),
        "platforms": "\n".join(act.platforms),
        "first_fiscal_year": act.first_fiscal_year,
        "last_fiscal_year": act.last_fiscal_year,
    }


@capability("budget.edit")
@require_http_methods(["GET", "POST"])
def allocation_activity(request: HttpRequest, pk: int) -> HttpResponse:
    from secassist.reference import taxonomy

    from . import activities

    alloc = _alloc(pk)
    values = _activity_values(alloc, request.GET.get("ref", "main")[:60] or "main")
    errors: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        post = request.POST
        values = {
            "reference": post.get("reference", ""),
            "description": post.get("description", ""),
            "units": post.get("units", ""),
            "capabilities": post.getlist("capabilities"),
            "platforms": post.get("platforms", ""),
            "first_fiscal_year": post.get("first_fiscal_year", ""),
            "last_fiscal_year": post.get("last_fiscal_year", ""),
        }
        try:
            activities.save_activity(
                acting_user=request.user,
                allocation=alloc,
                reference=values["reference"],
                description=values["description"],
                units=_lines(values["units"]),
                capabilities=values["capabilities"],
                platforms=_lines(values["platforms"]),
                first_fiscal_year=_year_or_none(values["first_fiscal_year"], "first_fiscal_year"),
                last_fiscal_year=_year_or_none(values["last_fiscal_year"], "last_fiscal_year"),
            )
            messages.success(request, "Activity saved.")
            return redirect(reverse("budget:allocation", args=[alloc.pk]) + "#activities")
        except DomainError as exc:
            field = exc.details.get("field")
            errors, error = ({field: exc.message}, "") if field else ({}, exc.message)
    choices = [(c.code, c.label) for c in taxonomy.taxonomy().capabilities.values()]
    return render(
        request,
        "budget/activity_form.html",
        {"alloc": alloc, "values": values, "errors": errors, "error": error, "capability_choices": choices},
        status=422 if (errors or error) else 200,
    )


def _year_or_none(text: str, field: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput("a fiscal year is a four-digit number, e.g. 2027", field=field)
    return int(text)
