"""Pages of the plans app: parse → access → service/selector → render. Every view declares its
capability; every page sets the classification banner (request.page_marking) from what it shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from secassist.accounts.permissions import capability
from secassist.accounts.roles import has_capability
from secassist.clearances import selectors as clearance_selectors
from secassist.core import clock, confirm
from secassist.core.errors import DomainError
from secassist.core.tables import Column, Table
from secassist.reference.models import Cocom

from . import access, documents, forms, rules, selectors, services, workflow
from .models import (
    ActionStatus,
    Adjudication,
    Comment,
    CoordinationStatus,
    EngagementKind,
    OwnerKind,
    PlanningProduct,
    ProductType,
    Tasker,
    TaskerStatus,
)


def _mark(request: HttpRequest, products: Iterable[PlanningProduct | None]) -> dict[str, Any]:
    """Set the banner to the highest marking of the products this page refers to."""
    banner, highest = selectors.page_marking([(p.classification, p.dissemination) for p in products if p is not None])
    request.page_marking = banner  # type: ignore[attr-defined]
    return {"highest_marking": highest}


def _page(
    request: HttpRequest, template: str, ctx: dict[str, Any], products: Iterable[PlanningProduct | None], status: int = 200
) -> HttpResponse:
    return render(request, template, {**ctx, **_mark(request, products)}, status=status)


def _form_page(
    request: HttpRequest,
    form: forms.UswdsForm,
    *,
    title: str,
    save: Callable[[], Any],
    products: Iterable[PlanningProduct | None],
    back: str,
    done: Callable[[Any], HttpResponse],
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    """A form page: on POST, valid input goes to `save` (a service call); refusals go back on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            return done(save())
        except DomainError as exc:
            form.attach_error(exc)
    status = 422 if request.method == "POST" else 200
    return _page(
        request,
        "plans/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, "multipart": multipart},
        products,
        status,
    )


# ---- planning products -------------------------------------------------------------------------


def _iso3s(obj: Any) -> str:
    return ", ".join(c.iso3 for c in obj.countries.all())


PRODUCT_TABLE = Table(
    name="planning-products",
    columns=(
        Column("title", "Title", "title"),
        Column("type", "Type", lambda p: p.get_product_type_display(), order_by=("product_type",)),
        Column("owner", "Owner", "owner_label", order_by=("owner_kind", "owner_ccmd")),
        Column("version", "Version", "version"),
        Column("marking", "Marking of the product", "marking", order_by=("classification", "dissemination")),
        Column("countries", "Countries", _iso3s, sortable=False),
        Column("updated", "Updated", "updated_at", shown=False),
    ),
    default_sort="-updated",
)
TASKER_TABLE = Table(
    name="taskers",
    columns=(
        Column("tasker", "Tasker", lambda t: f"Tasker {t.pk}", order_by=("id",)),
        Column("product", "Product", "product.title", order_by=("product__title",)),
        Column("status", "Status", lambda t: t.get_status_display(), order_by=("status",)),
        Column("lead", "State lead", "state_lead", order_by=("state_lead__username",)),
        Column("office_due", "Office suspense", "office_due_on"),
        Column("due", "DoD due", "due_on"),
    ),
    default_sort="due",
)
POSTURE_TABLE = Table(
    name="posture-changes",
    columns=(
        Column("title", "Request", "title"),
        Column("country", "Country", "country.name", order_by=("country__name",)),
        Column("sponsor", "DoD sponsor", "dod_sponsor"),
        Column("received", "Received", "received_on"),
        Column("coordination", "Coordination", lambda p: p.get_coordination_status_display(), order_by=("coordination_status",)),
        Column("decision", "Decision", lambda p: p.get_decision_display(), order_by=("decision", "decision_on")),
        Column("decision_on", "Decided on", "decision_on", shown=False),
    ),
    default_sort="-received",
)
ENGAGEMENT_TABLE = Table(
    name="engagements",
    columns=(
        Column("title", "Engagement", "title"),
        Column("kind", "Kind", lambda e: e.get_kind_display(), order_by=("kind",)),
        Column("held", "Date", "held_on"),
        Column(
            "actions",
            "Open action items",
            lambda e: "; ".join(f"{a.owner} (due {a.due_on})" for a in e.action_items.all() if a.is_open),
            sortable=False,
        ),
    ),
    default_sort="-held",
)


@capability("view")
def product_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.products(request.user)
    ptype, owner, q = request.GET.get("type", ""), request.GET.get("owner", ""), request.GET.get("q", "").strip()[:80]
    if ptype in ProductType.values:
        qs = qs.filter(product_type=ptype)
    if owner in Cocom.values:
        qs = qs.filter(owner_ccmd=owner)
    elif owner in OwnerKind.values:
        qs = qs.filter(owner_kind=owner)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(countries__iso3__iexact=q) | Q(countries__name__icontains=q)).distinct()
    table = PRODUCT_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    page = table.page
    taskers = list(selectors.taskers(request.user).exclude(status=TaskerStatus.CLOSED).order_by("due_on")[:50])
    products = list(page) + [t.product for t in taskers]
    return _page(
        request,
        "plans/list.html",
        {
            "table": table,
            "page": page,
            "taskers": taskers,
            "types": ProductType.choices,
            "owners": [*OwnerKind.choices, *Cocom.choices],
            "type": ptype,
            "owner": owner,
            "q": q,
            "today": clock.today(),
            "can_edit": has_capability(request.user, "plans.edit"),
        },
        products,
    )


@capability("view", write="plans.edit")
def product_new(request: HttpRequest) -> HttpResponse:
    form = forms.ProductForm(request.POST or None)
    return _form_page(
        request,
        form,
        title="Register a planning product",
        back="plans:list",
        products=[],
        intro="Record the product's marking and where its classified text lives — never the classified text itself.",
        save=lambda: services.create_product(acting_user=request.user, **form.service_data()),
        done=lambda p: _saved(request, f"{p} registered.", "plans:product", p.pk),
    )


@capability("view", write="plans.edit")
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = access.product(request.user, pk)
    form = forms.ProductForm(request.POST or None, initial=forms.ProductForm.initial_for(product))
    return _form_page(
        request,
        form,
        title=f"Edit {product}",
        back="plans:list",
        products=[product],
        save=lambda: services.update_product(acting_user=request.user, product=product, **form.service_data()),
        done=lambda p: _saved(request, "Saved.", "plans:product", p.pk),
    )


def _saved(request: HttpRequest, message: str, url_name: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(url_name, *args)


@capability("view", write="plans.edit")
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = access.product(request.user, pk)
    link_form = forms.LinkForm(request.POST or None)
    if request.method == "POST" and link_form.is_valid():
        try:
            services.add_link(acting_user=request.user, product=product, **link_form.cleaned_data)
            return _saved(request, "Link added.", "plans:product", product.pk)
        except DomainError as exc:
            link_form.attach_error(exc)
    return _page(
        request,
        "plans/product.html",
        {
            "product": product,
            "links": product.links.all(),
            "link_form": link_form,
            "taskers": selectors.taskers(request.user).filter(product=product),
            "posture": product.posture_changes.select_related("country"),
            "engagements": product.engagements.all(),
            "can_edit": has_capability(request.user, "plans.edit"),
        },
        [product],
        422 if request.method == "POST" else 200,
    )


@capability("view", write="plans.edit")
@require_POST
def link_remove(request: HttpRequest, pk: int) -> HttpResponse:
    link = access.link(request.user, pk)
    product_id = link.product_id
    services.remove_link(acting_user=request.user, link=link)
    return _saved(request, "Link removed.", "plans:product", product_id)


# ---- taskers -----------------------------------------------------------------------------------


@capability("view")
def tasker_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.taskers(request.user)
    if status in TaskerStatus.values:
        qs = qs.filter(status=status)
    table = TASKER_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    page = table.page
    return _page(
        request,
        "plans/taskers.html",
        {"table": table, "page": page, "status": status, "statuses": TaskerStatus.choices, "today": clock.today()},
        [t.product for t in page],
    )


def _tasker_data(form: forms.TaskerForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@capability("view", write="plans.edit")
def tasker_new(request: HttpRequest, pk: int) -> HttpResponse:
    product = access.product(request.user, pk)
    initial = {"received_on": clock.today(), "state_lead": str(request.user.pk)}
    form = forms.TaskerForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        title=f"Log a review tasker for {product}",
        back="plans:list",
        products=[product],
        save=lambda: services.create_tasker(acting_user=request.user, product=product, **_tasker_data(form)),
        done=lambda t: _saved(request, f"Tasker {t.pk} logged. Task the offices when ready.", "plans:tasker", t.pk),
    )


@capability("view", write="plans.edit")
def tasker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    initial = {
        f: getattr(tasker, f) for f in ("dod_reference", "requested_by", "received_on", "due_on", "office_due_on", "instructions")
    }
    initial |= {"state_lead": str(tasker.state_lead_id or ""), "offices": [o.code for o in tasker.offices.all()]}
    form = forms.TaskerForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        title=f"Edit tasker {tasker.pk}",
        back="plans:list",
        products=[tasker.product],
        save=lambda: services.update_tasker(acting_user=request.user, tasker=tasker, **_tasker_data(form)),
        done=lambda t: _saved(request, "Saved.", "plans:tasker", t.pk),
    )


def _commentable_offices(user: Any, tasker: Tasker) -> list[tuple[str, str]]:
    if not tasker.accepts_comments or not has_capability(user, "plans.comment"):
        return []
    offices = list(tasker.offices.all())
    if not has_capability(user, "plans.edit"):
        offices = [o for o in offices if o.pk == getattr(user, "office_id", None)]
    return [(str(o.pk), o.code) for o in offices]


@capability("view")
def tasker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    comments = list(selectors.comments(tasker))
    live = [c for c in comments if c.merged_into_id is None]
    can_edit = has_capability(request.user, "plans.edit")
    by_office = {c.office_id: c for c in clearance_selectors.for_subject(tasker).exclude(position="withdrawn")}
    comment_offices = _commentable_offices(request.user, tasker)
    return _page(
        request,
        "plans/tasker.html",
        {
            "tasker": tasker,
            "product": tasker.product,
            "comments": comments,
            "live_count": len(live),
            "history": tasker.history.select_related("actor"),
            "office_rows": [(o, by_office.get(o.pk)) for o in tasker.offices.all()],
            "offices_not_answered": sorted(c.office.code for c in by_office.values() if c.position == "pending"),
            "transitions": workflow.available(tasker) if can_edit else [],
            "can_edit": can_edit,
            "comment_offices": comment_offices,
            "editable_office_ids": {int(pk) for pk, _ in comment_offices},
            "reminders": rules.reminders_due(
                status=tasker.status, office_due_on=tasker.office_due_on, due_on=tasker.due_on, today=clock.today()
            ),
            "can_adjudicate": can_edit and tasker.status == TaskerStatus.ADJUDICATING,
            "can_merge": can_edit and tasker.status in (TaskerStatus.COMMENTS_DUE, TaskerStatus.ADJUDICATING),
            "pending_adjudication": sum(1 for c in live if c.adjudication == Adjudication.PENDING),
        },
        [tasker.product],
    )


# Acts that cannot simply be taken back, confirmed before they are done (issue #11).
IRREVERSIBLE = {
    "start_adjudication": confirm.Consequence(
        "close comments and start adjudication",
        ["Offices can no longer add comments to this tasker; adjudication of the matrix starts."],
        cannot_undo="Reopening comments later needs a recorded reason (audited).",
        button="Yes, close comments",
    ),
    "transmit": confirm.Consequence(
        "record State input as transmitted",
        ["The adjudicated comment matrix is recorded as State's input, transmitted to DoD today, and frozen."],
        button="Yes, record the transmittal",
    ),
    "close": confirm.Consequence("close the tasker", ["The tasker is closed; no further work is recorded on it."]),
}


@capability("view", write="plans.edit")
@require_POST
def tasker_transition(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    action = request.POST.get("action", "")
    if action in IRREVERSIBLE and not confirm.is_confirmed(request):
        return confirm.ask(request, IRREVERSIBLE[action], cancel_url=f"/plans/taskers/{tasker.pk}/")
    try:
        tasker = workflow.transition(
            acting_user=request.user, tasker=tasker, action=request.POST.get("action", ""), note=request.POST.get("note", "")
        )
        messages.success(request, f"Tasker is now {tasker.get_status_display().lower()}.")
    except DomainError as exc:
        messages.error(request, f"{exc.message}" + (f" [{exc.code}]" if exc.code.startswith("PLN-") else ""))
    return redirect("plans:tasker", tasker.pk)


@capability("view", write="plans.edit")
@require_POST
def tasker_merge(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    try:
        merged = services.merge_duplicates(acting_user=request.user, tasker=tasker)
        text = "; ".join(f"#{', #'.join(map(str, dups))} merged into #{primary}" for primary, dups in merged)
        messages.success(
            request, f"Duplicates merged (rule PLN-008): {text}" if merged else "No duplicates found (rule PLN-008)."
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("plans:tasker", tasker.pk)


@capability("view", write="plans.edit")
@require_POST
def comment_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge comment number `duplicate` into comment number `into` (an analyst's judgement)."""
    tasker = access.tasker(request.user, pk)
    numbers = {k: request.POST.get(k, "").strip() for k in ("duplicate", "into")}
    found = {k: tasker.comments.filter(number=v).first() if v.isdigit() else None for k, v in numbers.items()}
    duplicate, into = found["duplicate"], found["into"]
    if duplicate is None or into is None:
        messages.error(request, "Give the numbers of two comments of this tasker.")
        return redirect("plans:tasker", tasker.pk)
    try:
        services.merge_comment(acting_user=request.user, duplicate=duplicate, into=into, reason=request.POST.get("reason", ""))
        messages.success(request, f"Comment {duplicate.number} merged into comment {into.number}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("plans:tasker", tasker.pk)


@capability("view", write="plans.comment")
def comment_new(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    offices = _commentable_offices(request.user, tasker)
    form = forms.CommentForm(request.POST or None, offices=offices)

    def save() -> Comment:
        office = tasker.offices.get(pk=form.cleaned_data["office"])
        data = {k: v for k, v in form.cleaned_data.items() if k != "office"}
        return services.add_comment(acting_user=request.user, tasker=tasker, office=office, **data)

    return _form_page(
        request,
        form,
        title=f"Add a comment — tasker {tasker.pk}",
        back="plans:list",
        products=[tasker.product],
        intro="" if offices else "You cannot comment on this tasker now (its state, or your office is not tasked).",
        save=save,
        done=lambda c: _saved(request, f"Comment {c.number} added.", "plans:tasker", tasker.pk),
    )


@capability("view", write="plans.comment")
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment(request.user, pk)
    tasker = comment.tasker
    if request.method == "POST" and request.POST.get("delete"):
        try:
            services.delete_comment(acting_user=request.user, comment=comment)
            return _saved(request, f"Comment {comment.number} deleted.", "plans:tasker", tasker.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("plans:tasker", tasker.pk)
    fields = ("page", "paragraph", "line", "comment_type", "comment", "rationale", "proposed_change")
    form = forms.CommentForm(
        request.POST or None,
        offices=[(str(comment.office_id), comment.office.code)],
        initial={**{f: getattr(comment, f) for f in fields}, "office": str(comment.office_id)},
    )

    def save() -> Comment:
        data = {k: v for k, v in form.cleaned_data.items() if k != "office"}
        return services.update_comment(acting_user=request.user, existing=comment, **data)

    return _form_page(
        request,
        form,
        title=f"Edit comment {comment.number} ({comment.office.code})",
        back="plans:list",
        products=[tasker.product],
        save=save,
        done=lambda c: _saved(request, f"Comment {c.number} saved.", "plans:tasker", tasker.pk),
    )


@capability("view", write="plans.edit")
def comment_adjudicate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = access.comment(request.user, pk)
    form = forms.AdjudicateForm(
        request.POST or None, initial={"adjudication": comment.adjudication, "dod_response": comment.dod_response}
    )
    return _form_page(
        request,
        form,
        title=f"Adjudicate comment {comment.number} ({comment.offices_label}, {comment.location})",
        back="plans:list",
        products=[comment.tasker.product],
        intro=comment.comment,
        save=lambda: services.adjudicate_comment(acting_user=request.user, comment=comment, **form.cleaned_data),
        done=lambda c: _saved(request, f"Comment {c.number} adjudicated.", "plans:tasker", c.tasker_id),
    )


@capability("view", write="plans.comment")
def tasker_import(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            summary = documents.import_matrix(acting_user=request.user, source=form.cleaned_data["matrix"], tasker=tasker)
            return _saved(
                request,
                f"Matrix imported: {summary['added']} comments added, {summary['already_present']} already present.",
                "plans:tasker",
                tasker.pk,
            )
        except DomainError as exc:
            form.add_error("matrix", exc.message)
            form._mark_errors()
            problems = list(exc.details.get("problems", []))
    return _page(
        request,
        "plans/import.html",
        {"form": form, "tasker": tasker, "problems": problems},
        [tasker.product],
        422 if request.method == "POST" else 200,
    )


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@capability("view")
def tasker_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    return _file(documents.matrix_bytes(tasker), f"state-input-tasker-{tasker.pk}.xlsx", XLSX)


@capability("view")
def tasker_template(request: HttpRequest, pk: int) -> HttpResponse:
    """A matrix for one office to fill in: its own comments so far, or blank."""
    tasker = access.tasker(request.user, pk)
    office = tasker.offices.filter(pk=getattr(request.user, "office_id", None) or 0).first()
    content = (
        documents.matrix_bytes(tasker, consolidated=False, office=office)
        if office
        else documents.matrix_bytes(tasker, consolidated=False, office=None)
    )
    return _file(content, f"comment-matrix-tasker-{tasker.pk}{'-' + office.code.replace('/', '-') if office else ''}.xlsx", XLSX)


@capability("view")
def tasker_memo(request: HttpRequest, pk: int) -> HttpResponse:
    tasker = access.tasker(request.user, pk)
    return _file(documents.memo_bytes(tasker), f"state-input-memo-tasker-{tasker.pk}.docx", DOCX)


# ---- posture changes ---------------------------------------------------------------------------


@capability("view")
def posture_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.posture_changes(request.user)
    if status in CoordinationStatus.values:
        qs = qs.filter(coordination_status=status)
    table = POSTURE_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    page = table.page
    return _page(
        request,
        "plans/posture_list.html",
        {
            "table": table,
            "page": page,
            "status": status,
            "statuses": CoordinationStatus.choices,
            "can_edit": has_capability(request.user, "plans.edit"),
        },
        [p.product for p in page],
    )


def _posture_data(form: forms.PostureForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@capability("view", write="plans.edit")
def posture_new(request: HttpRequest) -> HttpResponse:
    form = forms.PostureForm(request.POST or None, initial={"received_on": clock.today(), "coordination_status": "received"})
    return _form_page(
        request,
        form,
        title="Record a posture or force-structure change request",
        back="plans:posture",
        products=[],
        save=lambda: services.create_posture_change(acting_user=request.user, **_posture_data(form)),
        done=lambda p: _saved(request, "Posture change recorded.", "plans:posture-detail", p.pk),
    )


@capability("view", write="plans.edit")
def posture_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posture = access.posture(request.user, pk)
    names = (
        "title",
        "change",
        "dod_sponsor",
        "host_nation_agreements",
        "foreign_policy_implications",
        "coordination_status",
        "received_on",
        "product",
    )
    form = forms.PostureForm(
        request.POST or None, initial={**{n: getattr(posture, n) for n in names}, "country": posture.country.iso3}
    )
    return _form_page(
        request,
        form,
        title=f"Edit {posture}",
        back="plans:posture",
        products=[posture.product],
        save=lambda: services.update_posture_change(acting_user=request.user, posture=posture, **_posture_data(form)),
        done=lambda p: _saved(request, "Saved.", "plans:posture-detail", p.pk),
    )


@capability("view", write="plans.edit")
def posture_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posture = access.posture(request.user, pk)
    form = forms.DecideForm(request.POST or None, initial={"decision_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_posture_change(acting_user=request.user, posture=posture, **form.cleaned_data)
            return _saved(request, "Decision recorded.", "plans:posture-detail", posture.pk)
        except DomainError as exc:
            form.attach_error(exc)
    return _page(
        request,
        "plans/posture.html",
        {
            "posture": posture,
            "form": form,
            "can_edit": has_capability(request.user, "plans.edit"),
        },
        [posture.product],
        422 if request.method == "POST" else 200,
    )


# ---- engagements and action items --------------------------------------------------------------


@capability("view")
def engagement_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = selectors.engagements(request.user)
    if kind in EngagementKind.values:
        qs = qs.filter(kind=kind)
    table = ENGAGEMENT_TABLE.bind(request, qs)
    if table.export_format:
        return table.export_response()
    page = table.page
    return _page(
        request,
        "plans/engagements.html",
        {
            "table": table,
            "page": page,
            "kind": kind,
            "kinds": EngagementKind.choices,
            "today": clock.today(),
            "can_edit": has_capability(request.user, "plans.edit"),
        },
        [e.product for e in page],
    )


@capability("view", write="plans.edit")
def engagement_new(request: HttpRequest) -> HttpResponse:
    form = forms.EngagementForm(request.POST or None)
    return _form_page(
        request,
        form,
        title="Record an engagement",
        back="plans:engagements",
        products=[],
        save=lambda: services.create_engagement(acting_user=request.user, **form.service_data()),
        done=lambda e: _saved(request, "Engagement recorded. Add its action items below.", "plans:engagement", e.pk),
    )


@capability("view", write="plans.edit")
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = access.engagement(request.user, pk)
    names = ("kind", "title", "held_on", "location", "participants", "outputs", "product")
    form = forms.EngagementForm(
        request.POST or None,
        initial={
            **{n: getattr(engagement, n) for n in names},
            "countries": ", ".join(engagement.countries.values_list("iso3", flat=True)),
        },
    )
    return _form_page(
        request,
        form,
        title=f"Edit {engagement}",
        back="plans:engagements",
        products=[engagement.product],
        save=lambda: services.update_engagement(acting_user=request.user, engagement=engagement, **form.service_data()),
        done=lambda e: _saved(request, "Saved.", "plans:engagement", e.pk),
    )


@capability("view", write="plans.edit")
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = access.engagement(request.user, pk)
    form = forms.ActionItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action_item(acting_user=request.user, engagement=engagement, **form.cleaned_data)
            return _saved(request, "Action item added.", "plans:engagement", engagement.pk)
        except DomainError as exc:
            form.attach_error(exc)
    return _page(
        request,
        "plans/engagement.html",
        {
            "engagement": engagement,
            "items": engagement.action_items.select_related("owner"),
            "form": form,
            "statuses": ActionStatus.choices,
            "today": clock.today(),
            "can_edit": has_capability(request.user, "plans.edit"),
        },
        [engagement.product],
        422 if request.method == "POST" else 200,
    )


@capability("view")
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.action_item(request.user, pk)
    try:
        services.set_action_status(
            acting_user=request.user, item=item, status=request.POST.get("status", ""), note=request.POST.get("note", "")
        )
        messages.success(request, "Action item updated.")
    except DomainError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next", "")
    if target == "home":
        return redirect("web:home")
    return redirect("plans:engagement", item.engagement_id)
