"""Pages of the congress app: parse → access → service/selector → render. Every view declares its capability."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from secassist.accounts.access import get_visible
from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.approvals import selectors as approval_selectors
from secassist.approvals.models import ApprovalRequest
from secassist.clearances import selectors as clearance_selectors
from secassist.clearances import versions as clearance_versions
from secassist.core import clock, confirm
from secassist.core.dates import parse_date
from secassist.core.errors import DomainError, InvalidInput
from secassist.core.exports import content_type
from secassist.core.tables import Column, Table
from secassist.reference.models import Committee, Office

from . import deadlines, documents, exports, historical, ics, selectors, services, transmittal, verdicts, workflow
from .fields import EDITABLE, TEAMS
from .models import LIVE_STATUSES, TRANSMITTED_STATUSES, Hold, HoldQuestion, NotificationRule, Package, PackageKind, Status

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORM_FIELDS = [
    "title",
    "team",
    "fiscal_year",
    "account",
    "authority",
    "appropriation_fy",
    "public_law",
    "country",
    "pseudo_region",
    "program",
    "implementing_agency",
    "amount",
    "cbj_amount",
    "description",
    "purpose",
    "classification",
    "is_emergency",
    "emergency_justification",
    "action_on",
    "event_on",
    "drafted_on",
]


def waiting_count(user: Any) -> int:
    return Package.objects.filter(status=Status.WAITING).count()


def home_panel(user: Any) -> dict[str, Any] | None:
    """Statutory clocks due or overdue in the next 14 days, for analysts who draft notifications."""
    if not has_capability(user, "congress.edit"):
        return None
    team = getattr(getattr(user, "office", None), "code", "")
    today = clock.today()
    # upcoming clocks and overdue work only: a past date is never shown as coming up (holds have their own list)
    items = [
        i
        for i in deadlines.due_soon(days=14, team=team if team in TEAMS else "", cached=True)
        if i.date >= today or i.state == deadlines.OVERDUE
    ]
    return {"items": items[:10], "more": max(len(items) - 10, 0), "team": team if team in TEAMS else ""}


def country_section(country: Any, user: Any) -> dict[str, Any] | None:
    """The country page's earlier notifications: the open ones (live statuses) are in the Country 360 section,
    so each notification appears once on the page (ADR 1104)."""
    packages = list(
        selectors.visible_packages(user)
        .filter(country=country)
        .exclude(status__in=LIVE_STATUSES)
        .order_by("-fiscal_year", "number")[:20]
    )
    if not packages:
        return None
    return {"packages": [{"p": p, "stage": selectors.stage_of(p)} for p in packages]}


def _error(exc: DomainError) -> dict[str, str]:
    field = str(exc.details.get("field", "") or "")
    allowed = exc.details.get("allowed")
    message = exc.message + (f" (allowed: {', '.join(map(str, allowed))})" if allowed and len(allowed) < 30 else "")
    return {"field": field, "message": message}


def _load(request: HttpRequest, pk: int) -> Package:
    return get_visible(
        selectors.visible_packages(request.user).prefetch_related("addressees", "allocations", "links", "attachments"), pk=pk
    )


def load_for(user: Any, subject_id: str) -> Package:
    """The package for a user (404 for missing and not-yours): the versioned-document loader."""
    return get_visible(selectors.visible_packages(user), pk=int(subject_id) if str(subject_id).isdigit() else 0)


def _version(package: Package, request: HttpRequest) -> Any:
    """?version=N: the document from that saved version of the text (default: the live record)."""
    number = request.GET.get("version", "").strip()
    if not number:
        return None
    return clearance_versions.get_version("congress.package", str(package.pk), number)


PACKAGE_TABLE = Table(
    name="notifications",
    columns=(
        Column("number", "CN", "number"),
        Column("title", "Title", "title"),
        Column("recipient", "Recipient", "recipient_name", order_by=("country__name", "pseudo_region__name")),
        Column("program", "Program", "program"),
        Column("fy", "FY", "fiscal_year"),
        Column("amount", "Amount", "amount"),
        Column("stage", "Stage", lambda p: str(selectors.stage_of(p)), order_by=("status",)),
        Column("transmitted", "Transmitted", "transmitted_on"),
        Column("wait_ends", "Waiting period ends", "wait_ends_on"),
        Column("restrictions", "Restrictions today", lambda p: "", sortable=False, exported=False),
    ),
    default_sort="-fy",
)


@capability("view")
def package_list(request: HttpRequest) -> HttpResponse:
    """The notifications list: filter, sort, page and export (core/tables.py); the stage and the waiting
    period come from the selectors (one source), the restrictions verdict is checked for the page shown."""
    params = {k: request.GET.get(k, "").strip()[:80] for k in ("status", "team", "country", "fiscal_year", "q")}
    if params["status"] not in Status.values:
        params["status"] = ""
    if not params["fiscal_year"].isdigit():
        params["fiscal_year"] = ""
    qs = selectors.filtered(selectors.visible_packages(request.user), **params)
    table = PACKAGE_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    page = table.page
    restrictions = verdicts.verdicts_for(list(page))
    rows = [
        {"p": p, "stage": selectors.stage_of(p), "wait": selectors.wait_status(p), "restrictions": restrictions[p.pk]}
        for p in page
    ]
    return render(
        request,
        "congress/list.html",
        {
            "table": table,
            "rows": rows,
            "params": params,
            "statuses": Status.choices,
            "teams": TEAMS,
            "can_edit": has_capability(request.user, "congress.edit"),
            "needing": selectors.allocations_needing_cn() if has_capability(request.user, "congress.edit") else [],
        },
    )


def _form_values(request: HttpRequest) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FORM_FIELDS:
        if name == "is_emergency":
            values[name] = request.POST.get(name) == "on"
        elif name in request.POST:
            values[name] = request.POST.get(name, "")
    values["rules"] = request.POST.getlist("rules")
    allocations = [a for a in request.POST.get("allocations", "").replace(",", " ").split() if a]
    values["allocations"] = allocations
    items = []
    rows_text = request.POST.get("mde_rows", "3")
    for i in range(min(int(rows_text), 100) if rows_text.isdigit() else 3):
        name = request.POST.get(f"mde_item_{i}", "").strip()
        if name:
            items.append(
                {
                    "item": name,
                    "quantity": request.POST.get(f"mde_quantity_{i}", "0") or "0",
                    "justified_quantity": request.POST.get(f"mde_justified_{i}", "") or None,
                }
            )
    values["mde_items"] = items
    return {k: v for k, v in values.items() if k in EDITABLE}


def _form_context(package: Package | None, values: dict[str, Any] | None, error: dict[str, str] | None) -> dict[str, Any]:
    from secassist.reference.models import Authority, Title22Account

    rules = selectors.rules_in_force()
    chosen = set(values.get("rules", []) if values else ([r.code for r in package.rules.all()] if package else []))
    mde = (values or {}).get("mde_items") or (package.mde_items if package else []) or []
    return {
        "package": package,
        "values": values or {},
        "error": error,
        "rules": rules,
        "chosen_rules": chosen,
        "teams": TEAMS,
        "accounts": Title22Account.objects.all(),
        "authorities": Authority.objects.filter(is_active=True),
        "mde_rows": [*mde, *([{}] * max(3 - len(mde), 1))],
    }


@capability("congress.edit")
@require_http_methods(["GET", "POST"])
def package_create(request: HttpRequest) -> HttpResponse:
    values, error = None, None
    if request.method == "POST":
        values = _form_values(request)
        try:
            package = services.create_package(acting_user=request.user, **values)
            messages.success(request, f"{package.number} was opened as a draft.")
            return redirect("congress:detail", pk=package.pk)
        except DomainError as exc:
            error = _error(exc)
    initial = values or {
        "fiscal_year": str(clock.today().year + (1 if clock.today().month >= 10 else 0)),
        "team": "PM/SA-SAT",
        "account": request.GET.get("account", "")[:10],
        "country": request.GET.get("country", "")[:3],
    }
    if values is None and request.GET.get("allocation", "").isdigit():
        initial.update(selectors.draft_from_allocation(int(request.GET["allocation"])))
    return render(request, "congress/form.html", _form_context(None, initial, error), status=422 if error else 200)


@capability("congress.edit")
@require_http_methods(["GET", "POST"])
def package_edit(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    values, error = None, None
    if request.method == "POST":
        values = _form_values(request)
        try:
            services.update_package(acting_user=request.user, package=package, **values)
            messages.success(request, f"{package.number} was saved.")
            return redirect("congress:detail", pk=package.pk)
        except DomainError as exc:
            error = _error(exc)
    if values is None:
        values = {name: getattr(package, name) for name in FORM_FIELDS}
        for key in ("account", "authority", "country", "pseudo_region", "team"):
            obj = getattr(package, key)
            values[key] = "" if obj is None else getattr(obj, "code", None) or getattr(obj, "iso3", None) or obj.name
        values["allocations"] = [str(a.pk) for a in package.allocations.all()]
        values["rules"] = [r.code for r in package.rules.all()]
        values.update({k: v.isoformat() for k, v in values.items() if isinstance(v, dt.date)})
    return render(request, "congress/form.html", _form_context(package, values, error), status=422 if error else 200)


def _detail_context(request: HttpRequest, package: Package) -> dict[str, Any]:
    today = clock.today()
    holds = list(package.holds.select_related("committee").prefetch_related("questions"))
    return {
        "package": package,
        "stage": selectors.stage_of(package),
        "clock": selectors.clock_of(package),
        "wait": selectors.wait_status(package),
        "today": today,
        "findings": selectors.findings_for(package),
        "restrictions": verdicts.verdict_for(package, on_date=today),
        "actions": workflow.available_actions(package),
        "clearances": clearance_selectors.for_subject(package),
        "text_version": clearance_versions.latest(package),
        "holds": [{"h": h, "days_held": ((h.lifted_on or today) - h.placed_on).days} for h in holds],
        "history": package.history.select_related("by"),
        "can_edit": has_capability(request.user, "congress.edit"),
        "transmitted": package.status in TRANSMITTED_STATUSES,
        "committees": Committee.objects.all(),
        "clearing_offices": Office.objects.filter(is_clearing_office=True),
        "default_addressees": sorted({c.code for r in package.rules.all() for c in r.committees.all()}),
        "letters": list(package.addressees.all())
        or sorted({c for r in package.rules.all() for c in r.committees.all()}, key=lambda c: c.code),
        "page_marking": package.marking,
        "approvals": list(approval_selectors.for_subject(package)) if package.kind == PackageKind.HISTORICAL else [],
        "historical_pending": package.kind == PackageKind.HISTORICAL and package.status == Status.DRAFTING,
        "pending_approvals": list(approval_selectors.for_subject(package).filter(status="pending")),
    }


@capability("view")
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    return render(request, "congress/detail.html", _detail_context(request, package))


def _post_and_back(request: HttpRequest, package: Package, do: Any, success: str) -> HttpResponse:
    try:
        done = do()
        if isinstance(done, ApprovalRequest):
            success = (
                f"{package.number}: proposed, not yet done — approval request #{done.pk} waits for a second person "
                f"({done.summary})."
            )
        messages.success(request, success)
        return redirect("congress:detail", pk=package.pk)
    except DomainError as exc:
        ctx = _detail_context(request, _load(request, package.pk))
        ctx["error"] = _error(exc)
        return render(request, "congress/detail.html", ctx, status=exc.http_status if exc.http_status != 403 else 403)


@capability("view", write="congress.edit")
@require_POST
def historical_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete or correct a historical CN record (a pending proposal is withdrawn: it saw other facts)."""
    package = _load(request, pk)
    fields: dict[str, Any] = {}
    for key in ("transmitted_on", "document_reference", "copy_location", "amount"):
        if request.POST.get(key, "").strip():
            fields[key] = request.POST[key]
    if request.POST.getlist("addressees"):
        fields["addressees"] = request.POST.getlist("addressees")
    reason = request.POST.get("reason", "")
    return _post_and_back(
        request,
        package,
        lambda: historical.update_historical(acting_user=request.user, package=package, reason=reason, **fields),
        "The historical record was saved. Propose it for approval when it is complete.",
    )


@capability("view", write="congress.edit")
@require_POST
def historical_propose(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    return _post_and_back(
        request,
        package,
        lambda: historical.propose_historical(acting_user=request.user, package=package, reason=request.POST.get("reason", "")),
        "Proposed: a second person must approve the record before it counts as a notification.",
    )


IRREVERSIBLE = ("transmit", "withdraw", "supersede")


def _consequence(package: Package, action: str, params: dict[str, Any]) -> confirm.Consequence:
    """What transmit, withdraw and supersede will do, said before they are done."""
    n = package.number
    if action == "transmit":
        committees = ", ".join(params.get("addressees") or []) or "the committees of its statutory bases"
        lines = [
            f"{n} is recorded as transmitted to {committees} on {params.get('transmitted_on') or clock.today()}.",
            "Its statutory waiting period starts from that date; the funds lines it covers can be obligated once it ends "
            "and no hold is open.",
        ]
        if transmittal.needs_approval(package):
            lines.append("Transmittal needs a second person: it is proposed now and takes effect when approved.")
        return confirm.Consequence(f"record the transmittal of {n}", lines, button="Yes, record the transmittal")
    if action == "withdraw":
        lines = [
            f"{n} is withdrawn: pending clearance requests are withdrawn and it no longer covers any funds line.",
            "Obligations on the lines it covered are refused until another CN clears.",
        ]
        return confirm.Consequence(f"withdraw {n}", lines, button="Yes, withdraw it")
    successor = params.get("superseded_by")
    lines = [
        f"{n} is superseded and no longer covers any funds line.",
        f"CN #{successor} replaces it." if successor else "A new draft copy is opened, to be amended and notified again.",
    ]
    return confirm.Consequence(f"supersede {n}", lines, button="Yes, supersede it")


@capability("view", write="congress.edit")
@require_POST
def package_transition(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    action = request.POST.get("action", "")
    params: dict[str, Any] = {"note": request.POST.get("note", "")}
    for key in ("reason", "transmitted_on", "superseded_by"):
        if request.POST.get(key):
            params[key] = request.POST[key]
    for key in ("clearing_offices", "addressees"):
        if request.POST.getlist(key):
            params[key] = request.POST.getlist(key)
    label = workflow.TRANSITIONS[action].label if action in workflow.TRANSITIONS else action
    if action in IRREVERSIBLE and not confirm.is_confirmed(request):
        return confirm.ask(request, _consequence(package, action, params), cancel_url=f"/notifications/{package.pk}/")
    return _post_and_back(
        request,
        package,
        lambda: workflow.transition(acting_user=request.user, package=package, action=action, **params),
        f"{package.number}: {label} — done.",
    )


@capability("view", write="congress.edit")
@require_POST
def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    return _post_and_back(
        request,
        package,
        lambda: services.place_hold(
            acting_user=request.user,
            package=package,
            committee=request.POST.get("committee", ""),
            reason=request.POST.get("reason", ""),
            placed_on=request.POST.get("placed_on") or None,
            placed_by_name=request.POST.get("placed_by_name", ""),
        ),
        "The hold was recorded.",
    )


def _hold(package: Package, hold_id: int) -> Hold:
    return get_visible(Hold.objects.filter(package=package).select_related("committee", "package"), pk=hold_id)


@capability("view", write="congress.edit")
@require_POST
def hold_lift(request: HttpRequest, pk: int, hold_id: int) -> HttpResponse:
    package = _load(request, pk)
    hold = _hold(package, hold_id)
    return _post_and_back(
        request,
        package,
        lambda: services.lift_hold(
            acting_user=request.user,
            hold=hold,
            lifted_on=request.POST.get("lifted_on") or None,
            note=request.POST.get("note", ""),
        ),
        f"The {hold.committee.code} hold was lifted.",
    )


@capability("view", write="congress.edit")
@require_POST
def hold_question(request: HttpRequest, pk: int, hold_id: int) -> HttpResponse:
    package = _load(request, pk)
    hold = _hold(package, hold_id)
    return _post_and_back(
        request,
        package,
        lambda: services.ask_question(
            acting_user=request.user,
            hold=hold,
            question=request.POST.get("question", ""),
            asked_on=request.POST.get("asked_on") or None,
        ),
        "The question was recorded.",
    )


@capability("view", write="congress.edit")
@require_POST
def hold_answer(request: HttpRequest, pk: int, hold_id: int, question_id: int) -> HttpResponse:
    package = _load(request, pk)
    question = get_visible(HoldQuestion.objects.filter(hold=_hold(package, hold_id)), pk=question_id)
    return _post_and_back(
        request,
        package,
        lambda: services.answer_question(
            acting_user=request.user,
            question=question,
            answer=request.POST.get("answer", ""),
            answered_on=request.POST.get("answered_on") or None,
        ),
        "The answer was recorded.",
    )


@capability("view", write="congress.edit")
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    return _post_and_back(
        request,
        package,
        lambda: services.add_attachment(
            acting_user=request.user,
            package=package,
            title=request.POST.get("title", ""),
            location=request.POST.get("location", ""),
        ),
        "The attachment was recorded.",
    )


@capability("view")
def document(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    try:
        data = documents.cn_document(package, _version(package, request))
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.http_status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{package.number}.docx"'
    return response


@capability("view")
def letter(request: HttpRequest, pk: int, committee: str) -> HttpResponse:
    package = _load(request, pk)
    comm = get_visible(Committee.objects.all(), code=committee)
    role = request.GET.get("to", "chair")
    try:
        data = documents.transmittal_letter(package, comm, _version(package, request), role=role)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.http_status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{package.number}-{comm.code}-{role}-letter.docx"'
    return response


def _calendar_window(request: HttpRequest) -> tuple[dt.date, dt.date, str | None]:
    today = clock.today()
    try:
        start = parse_date(request.GET.get("from"), field="from", required=False) or today - dt.timedelta(days=30)
        end = parse_date(request.GET.get("to"), field="to", required=False) or today + dt.timedelta(days=120)
    except InvalidInput as exc:
        return today - dt.timedelta(days=30), today + dt.timedelta(days=120), exc.message
    if end < start or (end - start).days > 3 * 366:
        return today - dt.timedelta(days=30), today + dt.timedelta(days=120), "to must be after from, at most three years later"
    return start, end, None


@capability("view")
def calendar(request: HttpRequest) -> HttpResponse:
    start, end, error = _calendar_window(request)
    team = request.GET.get("team", "")
    team = team if team in TEAMS else ""
    state = request.GET.get("state", "")
    state = state if state in deadlines.STATES else ""
    items = [i for i in deadlines.calendar(start=start, end=end, team=team) if not state or i.state == state]
    return render(
        request,
        "congress/calendar.html",
        {
            "items": items,
            "start": start,
            "end": end,
            "team": team,
            "teams": TEAMS,
            "state": state,
            "states": deadlines.STATES,
            "error": error,
            "today": clock.today(),
        },
    )


@capability("view")
def calendar_ics(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    team = request.GET.get("team", "")
    items = deadlines.calendar(
        start=today - dt.timedelta(days=90), end=today + dt.timedelta(days=400), team=team if team in TEAMS else ""
    )
    response = HttpResponse(
        ics.render(items, stamp=clock.now(), base_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="secassist-statutory-calendar.ics"'
    return response


@capability("view")
def reconciliation(request: HttpRequest) -> HttpResponse:
    fy_text = request.GET.get("fiscal_year", "")
    fiscal_year = int(fy_text) if fy_text.isdigit() and 1946 <= int(fy_text) <= 2100 else None
    return render(
        request,
        "congress/reconciliation.html",
        {"rows": selectors.reconciliation(fiscal_year=fiscal_year), "fiscal_year": fiscal_year or ""},
    )


@capability("view")
def reports(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "congress/reports.html",
        {"holds": selectors.holds_outstanding(), "cycle": selectors.cycle_times(), "tables": list(exports.TABLES)},
    )


@capability("view")
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    try:
        data = exports.render(table, fmt)
    except InvalidInput as exc:
        return render(request, "web/error.html", {"status": 404, "title": "No such export", "message": exc.message}, status=404)
    response = HttpResponse(data, content_type=content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="congress-{table}-{clock.today().isoformat()}.{fmt}"'
    return response


@capability("view")
def rule_list(request: HttpRequest) -> HttpResponse:
    from .models import AlwaysNotifyCountry

    return render(
        request,
        "congress/rules.html",
        {
            "rules": NotificationRule.objects.prefetch_related("committees").order_by("code", "-effective_from"),
            "always_notify": AlwaysNotifyCountry.objects.select_related("country").order_by("-fiscal_year", "country__name"),
        },
    )
