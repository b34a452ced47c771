"""Pages of the title10 app: parse → access → service/selector → render. Every view declares its
capability; refusals come back as messages tied to the field (or the action) that caused them."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from secassist.accounts.access import require
from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.approvals import selectors as approval_selectors
from secassist.approvals import services as approvals
from secassist.approvals.models import ApprovalRequest
from secassist.clearances.selectors import for_subject
from secassist.core import clock, confirm
from secassist.core.errors import DomainError
from secassist.core.registry import registry
from secassist.core.tables import Column, Table
from secassist.core.uploads import read_upload
from secassist.reference.models import Authority, Cocom, Country

from . import access, checks, cn, memo, selectors, services, workbook, workflow
from .intake import BOOL_FIELDS, COLUMNS, ELEMENT_KINDS, as_raw
from .models import Assurance, Decision, DeconflictionDecision, Proposal, Status
from .purposes import GENERAL, S333, label_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _status_label(p: Proposal) -> str:
    return p.get_status_display() + (f" ({p.get_decision_display()})" if p.decision else "")


PROPOSAL_TABLE = Table(
    name="title10-proposals",
    columns=(
        Column("reference", "Reference", "reference"),
        Column("title", "Title", "title"),
        Column("authority", "Authority", "authority.citation", order_by=("authority__code",)),
        Column("country", "Country", "country.name", order_by=("country__name",)),
        Column("fy", "FY", "fiscal_year"),
        Column("cost", "Total cost", "total_cost", order_by=("elements_total",)),
        Column(
            "status",
            "Status",
            lambda p: p.get_status_display() + (f" ({p.get_decision_display()})" if p.decision else ""),
            order_by=("status", "decision"),
        ),
        Column("received", "Received", "received_on"),
    ),
    default_sort="-received",
)


@capability("view")
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Proposals: filter, sort, page and export (core/tables.py)."""
    status = request.GET.get("status", "")
    authority = request.GET.get("authority", "")
    country = request.GET.get("country", "")[:3]
    q = request.GET.get("q", "").strip()[:80]
    qs = selectors.proposals(status=status if status in Status.values else "", authority=authority, country=country, q=q)
    table = PROPOSAL_TABLE.bind(request, qs.annotate(elements_total=Sum("elements__cost")))
    if table.export_format:
        return table.export_response()
    return render(
        request,
        "title10/list.html",
        {
            "table": table,
            "statuses": Status.choices,
            "status": status,
            "authority": authority,
            "country": country,
            "q": q,
            "authorities": Authority.objects.filter(is_active=True).order_by("code"),
            "can_edit": has_capability(request.user, "title10.edit"),
        },
    )


def _form_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    purposes = {p.code: p for p in [*S333, *GENERAL]}
    return {
        "values": values,
        "errors": errors,
        "columns": {c.name: c for c in COLUMNS},
        "authorities": Authority.objects.filter(is_active=True).order_by("code"),
        "ccmds": Cocom.choices,
        "purposes": list(purposes.values()),
        "element_kinds": ELEMENT_KINDS,
        "countries": Country.objects.order_by("name").only("iso3", "name"),
        "selected_purposes": values.get("purposes", []),
        "flag_fields": [
            ("cert_human_rights", "333(c)(2) certification recorded: LOAC, human rights, rule of law, civilian control"),
            ("cert_institutional_capacity", "333(c)(3) certification recorded: institutional capacity building"),
            ("foc_extension", "333(g) full-operational-capability extension claimed"),
        ],
    }


def _posted_values(request: HttpRequest) -> dict[str, Any]:
    """The proposal form's values, under the intake column names."""
    values: dict[str, Any] = {c.name: request.POST.get(c.name, "") for c in COLUMNS}
    values["purposes"] = request.POST.getlist("purposes")
    for name in BOOL_FIELDS:
        values[name] = "yes" if request.POST.get(name) else "no"
    return values


def _stored_values(proposal: Any) -> dict[str, Any]:
    """A stored proposal as the form shows it (units joined, flags yes/no, dates ISO)."""
    values = as_raw(proposal)
    for name in ("units", "capabilities", "platforms"):
        values[name] = "; ".join(values[name])
    values["received_on"] = proposal.received_on.isoformat()
    for name in BOOL_FIELDS:
        values[name] = "yes" if values[name] else "no"
    return values


@capability("title10.edit")
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _posted_values(request)
        try:
            proposal = services.create_proposal(acting_user=request.user, raw=values)
            messages.success(request, f"Proposal {proposal.reference} recorded.")
            return redirect("title10:detail", reference=proposal.reference)
        except DomainError as exc:
            errors = exc.details.get("fields") or {exc.details.get("field", "general"): exc.message}
    return render(request, "title10/form.html", _form_context(values, errors), status=422 if errors else 200)


@capability("title10.edit")
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Edit a proposal's record while it is received or in clearance (services.edit_proposal)."""
    proposal = access.proposal_for(request.user, reference)
    if not workflow.is_editable(proposal.status):
        return _detail(request, reference, action_error=f"T10-050: {workflow.not_editable_message(proposal)}", status=409)
    errors: dict[str, str] = {}
    values = _stored_values(proposal)
    if request.method == "POST":
        values = _posted_values(request)
        try:
            result = services.edit_proposal(
                acting_user=request.user, proposal=proposal, changes=values, reason=request.POST.get("edit_reason", "")
            )
        except DomainError as exc:
            if exc.code == "T10-050":
                return _detail(request, reference, action_error=f"{exc.code}: {exc.message}", status=409)
            errors = exc.details.get("fields") or {exc.details.get("field", "general"): exc.message}
        else:
            if not result.changed:
                messages.info(request, "Nothing was changed.")
            else:
                text = f"Proposal {reference} updated ({', '.join(result.changed)})."
                if result.clearances_added:
                    text += f" Also sent for clearance to {', '.join(result.clearances_added)}."
                messages.success(request, text)
            return redirect("title10:detail", reference=reference)
    context = _form_context(values, errors)
    context.update({"p": proposal, "editing": True, "edit_reason": request.POST.get("edit_reason", "")})
    return render(request, "title10/form.html", context, status=422 if errors else 200)


@capability("title10.edit")
@require_http_methods(["GET", "POST"])
def proposal_import(request: HttpRequest) -> HttpResponse:
    problems: list[str] = []
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            error = "choose an XLSX workbook to import"
        else:
            try:
                require(request.user, "data.import")
                checked = read_upload(upload, kinds=("xlsx",))  # bounded and sniffed before anything is parsed
                with tempfile.TemporaryDirectory() as tmp:
                    # Errors name the file the analyst chose, not a temporary name.
                    path = Path(tmp) / checked.name
                    path.write_bytes(checked.data)
                    summary = workbook.import_workbook(path, acting_user=request.user)
                messages.success(request, "Workbook imported: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
                return redirect("title10:list")
            except DomainError as exc:
                error = exc.message
                problems = list(exc.details.get("problems", []))
    return render(
        request, "title10/import.html", {"error": error, "problems": problems, "columns": COLUMNS}, status=422 if error else 200
    )


@capability("view")
def template_download(request: HttpRequest) -> HttpResponse:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "title10-template.xlsx"
        workbook.write_template(path)
        data = path.read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="dod-proposal-template.xlsx"'
    return response


def _objectives_of(proposal: Any) -> list[dict[str, Any]] | None:
    """The objectives the proposal advances (§333(e)(6)), from the oversight app when installed (None hides the section)."""
    objectives_for = registry.service("oversight.objectives_for")
    return objectives_for(proposal=proposal) if objectives_for else None


def _detail(
    request: HttpRequest, reference: str, *, errors: dict[str, str] | None = None, action_error: str = "", status: int = 200
) -> HttpResponse:
    proposal = access.proposal_for(request.user, reference)
    found = checks.all_checks(proposal)
    decided = checks.pair_decisions(proposal)
    unresolved = checks.unresolved_names(proposal, found["deconfliction"])
    blockers = services.concurrence_blockers(proposal) if proposal.status == Status.UNDER_REVIEW else []
    cn_status = cn.clearance_status(proposal) if proposal.status in (Status.CN_PENDING, Status.READY_TO_EXECUTE) else None
    return render(
        request,
        "title10/detail.html",
        {
            "p": proposal,
            "checks": found,
            "decided": decided,
            "blockers": blockers,
            "clearances": list(for_subject(proposal)),
            "routes": services.planned_routes(proposal) if proposal.status == Status.RECEIVED else [],
            "allowed": workflow.allowed_targets(proposal.status),
            "purposes": [label_of(x) for x in proposal.purposes],
            "decisions": Decision.choices,
            "verdicts": DeconflictionDecision.Verdict.choices,
            "unresolved_units": unresolved,
            "registry_units": checks.registry_unit_choices(proposal.country) if unresolved else [],
            "errors": errors or {},
            "action_error": action_error,
            "bears_cn": cn.bears_cn(proposal),
            "cn_status": cn_status,
            "can_edit": has_capability(request.user, "title10.edit"),
            "pending_approvals": list(approval_selectors.for_subject(proposal).filter(status="pending")),
            "editable": workflow.is_editable(proposal.status),
            "can_decide": has_capability(request.user, "title10.decide"),
            "today": clock.today(),
            "values": request.POST if request.method == "POST" else {},
            "objectives": _objectives_of(proposal),
        },
        status=status,
    )


@capability("view")
def proposal_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, reference)


def _act(request: HttpRequest, reference: str, run: Any, done: str) -> HttpResponse:
    proposal = access.proposal_for(request.user, reference)
    try:
        result = run(proposal)
        if isinstance(result, ApprovalRequest):
            done = f"Proposed, not yet done: approval request #{result.pk} waits for a second person ({result.summary})."
    except DomainError as exc:
        field = exc.details.get("field")
        return _detail(
            request,
            reference,
            errors={field: exc.message} if field else {},
            action_error="" if field else exc.message,
            status=422 if exc.http_status == 422 else 409,
        )
    messages.success(request, done)
    return redirect("title10:detail", reference=reference)


@capability("view", write="title10.edit")
@require_POST
def proposal_route(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request, reference, lambda p: services.route_proposal(acting_user=request.user, proposal=p), "Sent for clearance."
    )


@capability("view", write="title10.edit")
@require_POST
def proposal_review(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        lambda p: services.begin_review(acting_user=request.user, proposal=p, reason=request.POST.get("reason", "")),
        "Review started.",
    )


def _decision_consequence(proposal: Any, decision: str) -> confirm.Consequence:
    """What recording State's decision will do, said before it is done."""
    label = Decision(decision).label
    lines = [f"State's decision on {proposal.reference} is recorded as: {label.lower()}, with your reasons."]
    if decision != Decision.NON_CONCUR and cn.bears_cn(proposal):
        lines.append(f"Under {proposal.authority.citation} the CN package is opened in the notifications workbench.")
    lines.append("The decided proposal can no longer be edited (withdraw and resubmit to change it).")
    if approvals.needs_approval(services.DECIDE_ACT):
        lines.append("The decision needs a second person: it is proposed now and takes effect when approved.")
    return confirm.Consequence(f"record State's decision on {proposal.reference}", lines, button=f"Yes, {label.lower()}")


@capability("view", write="title10.decide")
@require_POST
def proposal_decide(request: HttpRequest, reference: str) -> HttpResponse:
    decision = request.POST.get("decision", "")
    complete = request.POST.get("reasons", "").strip() and (
        decision != Decision.CONCUR_WITH_CONDITIONS or request.POST.get("conditions", "").strip()
    )
    if decision in Decision.values and complete and not confirm.is_confirmed(request):
        proposal = access.proposal_for(request.user, reference)
        return confirm.ask(request, _decision_consequence(proposal, decision), cancel_url=f"/title10/p/{reference}/")
    return _act(
        request,
        reference,
        lambda p: services.decide(
            acting_user=request.user,
            proposal=p,
            decision=request.POST.get("decision", ""),
            reasons=request.POST.get("reasons", ""),
            conditions=request.POST.get("conditions", ""),
        ),
        "Decision recorded.",
    )


@capability("view", write="title10.edit")
@require_POST
def proposal_open_cn(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request, reference, lambda p: services.open_cn_package(acting_user=request.user, proposal=p), "CN package opened."
    )


@capability("view", write="title10.edit")
@require_POST
def proposal_ready(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request, reference, lambda p: services.mark_ready(acting_user=request.user, proposal=p), "Marked ready to execute."
    )


@capability("view", write="title10.edit")
@require_POST
def proposal_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        lambda p: services.withdraw(acting_user=request.user, proposal=p, reason=request.POST.get("reason", "")),
        "Proposal withdrawn.",
    )


@capability("view", write="title10.edit")
@require_POST
def proposal_deconflict(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        lambda p: services.record_deconfliction(
            acting_user=request.user,
            proposal=p,
            candidate_key=request.POST.get("candidate_key", ""),
            verdict=request.POST.get("verdict", ""),
            justification=request.POST.get("justification", ""),
        ),
        "Deconfliction decision recorded.",
    )


@capability("view", write="title10.edit")
@require_POST
def proposal_link_unit(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        lambda p: services.link_unit_name(
            acting_user=request.user,
            proposal=p,
            name=request.POST.get("name", ""),
            registry_unit_id=_int(request.POST.get("registry_unit_id")),
        ),
        "Unit name linked to the registry.",
    )


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@capability("view")
def proposal_memo(request: HttpRequest, reference: str) -> HttpResponse:
    proposal = access.proposal_for(request.user, reference)
    try:
        data = memo.build_memo(proposal)
    except DomainError as exc:
        return _detail(request, reference, action_error=exc.message, status=409)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{proposal.reference}-memo.docx"'
    return response


@capability("view", write="title10.edit")
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        count = services.escalate_overdue_clearances(acting_user=request.user)
        messages.success(request, f"{count} overdue clearance request(s) escalated.")
        return redirect("title10:dashboard")
    return render(
        request,
        "title10/dashboard.html",
        {
            "d": selectors.dashboard(),
            "today": clock.today(),
            "can_edit": has_capability(request.user, "title10.edit"),
        },
    )


def _assurance_values(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    import datetime as dt

    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "kind": request.POST.get("kind", ""),
        "instrument": request.POST.get("instrument", "").strip(),
        "state": request.POST.get("state", ""),
        "notes": request.POST.get("notes", ""),
        "source": request.POST.get("source", ""),
    }
    for name in ("covers_articles", "covers_training", "covers_services"):
        values[name] = bool(request.POST.get(name))
    for name in ("signed_on", "expires_on"):
        text = request.POST.get(name, "").strip()
        try:
            values[name] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            errors[name] = f"{name.replace('_', ' ')} must be a date YYYY-MM-DD"
    return values, errors


@capability("view", write="title10.edit")
@require_http_methods(["GET", "POST"])
def assurances(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "")[:3]
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values, errors = _assurance_values(request)
        iso3 = request.POST.get("country", "")
        target = Country.objects.filter(iso3=iso3.upper()).first()
        if target is None:
            errors["country"] = "choose a country"
        if not errors and target is not None:
            try:
                services.save_assurance(acting_user=request.user, country=target, **values)
                messages.success(request, f"Assurance recorded for {target.name}.")
                return redirect(f"{request.path}?country={target.iso3}")
            except DomainError as exc:
                errors[exc.details.get("field", "general")] = exc.message
        values["country"] = iso3
    rows = selectors.assurances(country=country)
    kind = request.GET.get("kind", "")
    if kind in Assurance.Kind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    state = request.GET.get("state", "")
    if state in Assurance.State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    table = ASSURANCE_TABLE.bind(request, rows)
    if table.export_format and request.method == "GET":
        return table.export_response()
    return render(
        request,
        "title10/assurances.html",
        {
            "table": table,
            "kind": kind,
            "state": state,
            "country": country,
            "kinds": Assurance.Kind.choices,
            "states": Assurance.State.choices,
            "countries": Country.objects.order_by("name").only("iso3", "name"),
            "errors": errors,
            "values": values,
            "can_edit": has_capability(request.user, "title10.edit"),
        },
        status=422 if errors else 200,
    )


def _covers(a: Assurance) -> str:
    covered = (("articles", a.covers_articles), ("training", a.covers_training), ("services", a.covers_services))
    return " ".join(word for word, on in covered if on)


ASSURANCE_TABLE = Table(
    name="assurances",
    columns=(
        Column("country", "Country", "country.name", order_by=("country__name",)),
        Column("iso3", "ISO3", "country.iso3", order_by=("country__iso3",), shown=False),
        Column("kind", "Kind", lambda a: a.get_kind_display(), order_by=("kind",)),
        Column("instrument", "Instrument / event", "instrument"),
        Column("state", "State", lambda a: a.get_state_display(), order_by=("state",)),
        Column("signed_on", "Signed", "signed_on"),
        Column("expires_on", "Expires", "expires_on"),
        Column("covers", "Covers", _covers, sortable=False),
        Column("source", "Source", "source"),
    ),
    default_sort="country",
)


@capability("view")
def workbook_sample(request: HttpRequest) -> HttpResponse:
    from .demo import sample_rows

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.xlsx"
        workbook.write_template(path, sample_rows())
        data = path.read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="sample_dod_proposals.xlsx"'
    return response
