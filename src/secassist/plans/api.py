"""API router of the plans app, mounted at /api/v1/ by secassist.api.

Reads are open to every signed-in role (taskers and their comments only where the user may see
the tasker: 404 otherwise); writes name their capability and go through the same services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from secassist.accounts.access import require
from secassist.core.errors import InvalidInput

from . import access, documents, selectors, services, workflow
from .models import (
    ActionItem,
    Comment,
    Engagement,
    EngagementKind,
    PlanLink,
    PlanningProduct,
    PostureChangeRequest,
    ProductType,
    Tasker,
    TaskerStatus,
)

router = Router(tags=["plans"])


# ---- schemas -----------------------------------------------------------------------------------


class LinkOut(Schema):
    id: int
    kind: str
    label: str
    subject_type: str
    subject_id: str
    url: str
    element: str


class ProductIn(Schema):
    product_type: str
    owner_kind: str
    owner_ccmd: str = ""
    title: str
    version: str = ""
    classification: str
    dissemination: str = ""
    classified_text_location: str = ""
    summary: str = ""
    countries: list[str] = []
    regions: list[str] = []
    review_opens_on: dt.date | None = None
    review_closes_on: dt.date | None = None


class ProductOut(Schema):
    id: int
    product_type: str
    owner_kind: str
    owner_ccmd: str
    title: str
    version: str
    classification: str
    dissemination: str
    marking: str
    classified_text_location: str
    summary: str
    countries: list[str]
    regions: list[str]
    review_opens_on: dt.date | None
    review_closes_on: dt.date | None
    links: list[LinkOut]


class LinkIn(Schema):
    kind: str
    label: str
    subject_type: str = ""
    subject_id: str = ""
    url: str = ""
    element: str = ""


class TaskerIn(Schema):
    product: int
    received_on: dt.date
    due_on: dt.date
    office_due_on: dt.date | None = None
    dod_reference: str = ""
    requested_by: str = ""
    state_lead: str | None = None
    offices: list[str] = []
    instructions: str = ""


class TaskerPatch(Schema):
    received_on: dt.date
    due_on: dt.date
    office_due_on: dt.date | None = None
    dod_reference: str = ""
    requested_by: str = ""
    state_lead: str | None = None
    offices: list[str] | None = None
    instructions: str = ""


class TaskerOut(Schema):
    id: int
    product: int
    product_title: str
    marking: str
    status: str
    received_on: dt.date
    due_on: dt.date
    office_due_on: dt.date | None
    transmitted_on: dt.date | None
    dod_reference: str
    requested_by: str
    state_lead: str | None
    offices: list[str]
    available_actions: list[str]


class TransitionIn(Schema):
    action: str
    note: str = ""


class CommentIn(Schema):
    office: str
    page: str = ""
    paragraph: str = ""
    line: str = ""
    comment_type: str
    comment: str
    rationale: str = ""
    proposed_change: str = ""


class CommentOut(Schema):
    id: int
    tasker: int
    number: int
    office: str
    also_offices: str
    page: str
    paragraph: str
    line: str
    comment_type: str
    comment: str
    rationale: str
    proposed_change: str
    adjudication: str
    dod_response: str
    merged_into: int | None


class AdjudicationIn(Schema):
    adjudication: str
    dod_response: str = ""


class ImportOut(Schema):
    tasker: int
    rows: int
    added: int
    already_present: int


class MergeOut(Schema):
    primary: int
    merged: list[int]


class MergeIn(Schema):
    into: int
    reason: str


class PostureIn(Schema):
    country: str
    title: str
    change: str
    dod_sponsor: str
    host_nation_agreements: str = ""
    foreign_policy_implications: str = ""
    coordination_status: str = "received"
    received_on: dt.date
    product: int | None = None


class DecisionIn(Schema):
    decision: str
    decision_on: dt.date
    note: str = ""


class PostureOut(Schema):
    id: int
    country: str
    title: str
    change: str
    dod_sponsor: str
    host_nation_agreements: str
    foreign_policy_implications: str
    coordination_status: str
    decision: str
    decision_on: dt.date | None
    decision_note: str
    received_on: dt.date
    product: int | None


class EngagementIn(Schema):
    kind: str
    title: str
    held_on: dt.date
    location: str = ""
    participants: str = ""
    outputs: str = ""
    product: int | None = None
    countries: list[str] = []


class ActionItemIn(Schema):
    description: str
    owner: str
    due_on: dt.date


class ActionStatusIn(Schema):
    status: str
    note: str = ""


class ActionItemOut(Schema):
    id: int
    engagement: int
    description: str
    owner: str
    due_on: dt.date
    status: str
    note: str


class EngagementOut(Schema):
    id: int
    kind: str
    title: str
    held_on: dt.date
    location: str
    participants: str
    outputs: str
    product: int | None
    countries: list[str]
    action_items: list[ActionItemOut]


# ---- serialisers -------------------------------------------------------------------------------


def _link(link: PlanLink) -> dict[str, Any]:
    return {f: getattr(link, f) for f in ("id", "kind", "label", "subject_type", "subject_id", "url", "element")}


def _product(p: PlanningProduct) -> dict[str, Any]:
    names = (
        "id",
        "product_type",
        "owner_kind",
        "owner_ccmd",
        "title",
        "version",
        "classification",
        "dissemination",
        "marking",
        "classified_text_location",
        "summary",
        "regions",
        "review_opens_on",
        "review_closes_on",
    )
    return {
        **{n: getattr(p, n) for n in names},
        "countries": [c.iso3 for c in p.countries.all()],
        "links": [_link(link) for link in p.links.all()],
    }


def _tasker(t: Tasker, user: Any) -> dict[str, Any]:
    from secassist.accounts.roles import has_capability

    names = ("id", "status", "received_on", "due_on", "office_due_on", "transmitted_on", "dod_reference", "requested_by")
    return {
        **{n: getattr(t, n) for n in names},
        "product": t.product_id,
        "product_title": t.product.title,
        "marking": t.product.marking,
        "state_lead": t.state_lead.username if t.state_lead else None,
        "offices": sorted(o.code for o in t.offices.all()),
        "available_actions": [a.action for a in workflow.available(t)] if has_capability(user, "plans.edit") else [],
    }


def _comment(c: Comment) -> dict[str, Any]:
    names = (
        "id",
        "number",
        "also_offices",
        "page",
        "paragraph",
        "line",
        "comment_type",
        "comment",
        "rationale",
        "proposed_change",
        "adjudication",
        "dod_response",
    )
    return {
        **{n: getattr(c, n) for n in names},
        "tasker": c.tasker_id,
        "office": c.office.code,
        "merged_into": c.merged_into.number if c.merged_into_id and c.merged_into else None,
    }


def _posture(p: PostureChangeRequest) -> dict[str, Any]:
    names = (
        "id",
        "title",
        "change",
        "dod_sponsor",
        "host_nation_agreements",
        "foreign_policy_implications",
        "coordination_status",
        "decision",
        "decision_on",
        "decision_note",
        "received_on",
    )
    return {**{n: getattr(p, n) for n in names}, "country": p.country.iso3, "product": p.product_id}


def _action(a: ActionItem) -> dict[str, Any]:
    return {
        "id": a.pk,
        "engagement": a.engagement_id,
        "description": a.description,
        "owner": a.owner.username,
        "due_on": a.due_on,
        "status": a.status,
        "note": a.note,
    }


def _engagement(e: Engagement) -> dict[str, Any]:
    names = ("id", "kind", "title", "held_on", "location", "participants", "outputs")
    return {
        **{n: getattr(e, n) for n in names},
        "product": e.product_id,
        "countries": [c.iso3 for c in e.countries.all()],
        "action_items": [_action(a) for a in e.action_items.all()],
    }


def _product_ref(user: Any, pk: int | None) -> PlanningProduct | None:
    return access.product(user, pk) if pk is not None else None


# ---- planning products -------------------------------------------------------------------------


@router.get("/plans/products", response=list[ProductOut], summary="Planning products (unclassified metadata and markings)")
def list_products(request: HttpRequest, country: str | None = None, product_type: str | None = None) -> list[dict[str, Any]]:
    qs = selectors.products(request.user).prefetch_related("links")
    if country:
        qs = qs.filter(countries__iso3=country.upper())
    if product_type:
        services.choice(product_type, ProductType, "product_type")
        qs = qs.filter(product_type=product_type)
    return [_product(p) for p in qs.order_by("-updated_at", "id")[:500]]


@router.post("/plans/products", response={201: ProductOut}, summary="Register a planning product (plans.edit)")
def create_product(request: HttpRequest, payload: ProductIn) -> Status[dict[str, Any]]:
    return Status(201, _product(services.create_product(acting_user=request.user, **payload.dict())))


@router.get("/plans/products/{product_id}", response=ProductOut, summary="One planning product")
def get_product(request: HttpRequest, product_id: int) -> dict[str, Any]:
    return _product(access.product(request.user, product_id))


@router.put("/plans/products/{product_id}", response=ProductOut, summary="Update a planning product (plans.edit)")
def update_product(request: HttpRequest, product_id: int, payload: ProductIn) -> dict[str, Any]:
    product = access.product(request.user, product_id)
    return _product(services.update_product(acting_user=request.user, product=product, **payload.dict()))


@router.post(
    "/plans/products/{product_id}/links",
    response={201: LinkOut},
    summary="Link a plan to an ICS, Title 10 proposal or Title 22 program",
)
def add_link(request: HttpRequest, product_id: int, payload: LinkIn) -> Status[dict[str, Any]]:
    product = access.product(request.user, product_id)
    return Status(201, _link(services.add_link(acting_user=request.user, product=product, **payload.dict())))


@router.delete("/plans/links/{link_id}", response={204: None}, summary="Remove a plan link (plans.edit)")
def remove_link(request: HttpRequest, link_id: int) -> Status[None]:
    services.remove_link(acting_user=request.user, link=access.link(request.user, link_id))
    return Status(204, None)


# ---- taskers -----------------------------------------------------------------------------------


@router.get("/plans/taskers", response=list[TaskerOut], summary="Review taskers you may see")
def list_taskers(request: HttpRequest, status: str | None = None, product: int | None = None) -> list[dict[str, Any]]:
    qs = selectors.taskers(request.user)
    if status:
        services.choice(status, TaskerStatus, "status")
        qs = qs.filter(status=status)
    if product:
        qs = qs.filter(product_id=product)
    return [_tasker(t, request.user) for t in qs.order_by("due_on", "id")[:500]]


@router.post("/plans/taskers", response={201: TaskerOut}, summary="Log a review tasker (plans.edit)")
def create_tasker(request: HttpRequest, payload: TaskerIn) -> Status[dict[str, Any]]:
    require(request.user, "plans.edit")
    data = payload.dict()
    product = access.product(request.user, data.pop("product"))
    return Status(201, _tasker(services.create_tasker(acting_user=request.user, product=product, **data), request.user))


@router.get("/plans/taskers/{tasker_id}", response=TaskerOut, summary="One tasker")
def get_tasker(request: HttpRequest, tasker_id: int) -> dict[str, Any]:
    return _tasker(access.tasker(request.user, tasker_id), request.user)


@router.put("/plans/taskers/{tasker_id}", response=TaskerOut, summary="Edit a tasker's dates, lead and offices (plans.edit)")
def update_tasker(request: HttpRequest, tasker_id: int, payload: TaskerPatch) -> dict[str, Any]:
    tasker = access.tasker(request.user, tasker_id)
    return _tasker(services.update_tasker(acting_user=request.user, tasker=tasker, **payload.dict()), request.user)


@router.post(
    "/plans/taskers/{tasker_id}/transition",
    response=TaskerOut,
    summary="Move a tasker: task, call_for_comments, start_adjudication, reopen_comments, transmit, close, cancel",
)
def transition(request: HttpRequest, tasker_id: int, payload: TransitionIn) -> dict[str, Any]:
    tasker = access.tasker(request.user, tasker_id)
    return _tasker(
        workflow.transition(acting_user=request.user, tasker=tasker, action=payload.action, note=payload.note), request.user
    )


@router.get("/plans/taskers/{tasker_id}/comments", response=list[CommentOut], summary="The comment resolution matrix")
def list_comments(request: HttpRequest, tasker_id: int) -> list[dict[str, Any]]:
    return [_comment(c) for c in selectors.comments(access.tasker(request.user, tasker_id))]


@router.post(
    "/plans/taskers/{tasker_id}/comments", response={201: CommentOut}, summary="Enter a comment for an office (plans.comment)"
)
def add_comment(request: HttpRequest, tasker_id: int, payload: CommentIn) -> Status[dict[str, Any]]:
    tasker = access.tasker(request.user, tasker_id)  # 404 for a tasker this user may not see
    require(request.user, "plans.comment")  # then the role, then the fields: a viewer learns nothing from validation
    data = payload.dict()
    office = services.office_from(data.pop("office"), "office")
    return Status(201, _comment(services.add_comment(acting_user=request.user, tasker=tasker, office=office, **data)))


@router.post(
    "/plans/taskers/{tasker_id}/comments/import",
    response=ImportOut,
    summary="Import an XLSX comment matrix (all-or-nothing; 422 lists every row/column problem)",
)
def import_comments(request: HttpRequest, tasker_id: int, file: UploadedFile = File(...)) -> dict[str, Any]:  # noqa: B008
    tasker = access.tasker(request.user, tasker_id)
    require(request.user, "plans.comment")
    return documents.import_matrix(acting_user=request.user, source=file, tasker=tasker)


@router.post(
    "/plans/taskers/{tasker_id}/merge-duplicates", response=list[MergeOut], summary="Merge duplicate comments (rule PLN-008)"
)
def merge_duplicates(request: HttpRequest, tasker_id: int) -> list[dict[str, Any]]:
    tasker = access.tasker(request.user, tasker_id)
    return [{"primary": p, "merged": m} for p, m in services.merge_duplicates(acting_user=request.user, tasker=tasker)]


@router.put("/plans/comments/{comment_id}", response=CommentOut, summary="Change a comment (its office, while comments are open)")
def update_comment(request: HttpRequest, comment_id: int, payload: CommentIn) -> dict[str, Any]:
    comment = access.comment(request.user, comment_id)
    data = payload.dict()
    data.pop("office")
    return _comment(services.update_comment(acting_user=request.user, existing=comment, **data))


@router.delete(
    "/plans/comments/{comment_id}", response={204: None}, summary="Delete a comment (its office, while comments are open)"
)
def delete_comment(request: HttpRequest, comment_id: int) -> Status[None]:
    services.delete_comment(acting_user=request.user, comment=access.comment(request.user, comment_id))
    return Status(204, None)


@router.post(
    "/plans/comments/{comment_id}/merge", response=CommentOut, summary="Merge this comment into another (PLN-008, by judgement)"
)
def merge_comment(request: HttpRequest, comment_id: int, payload: MergeIn) -> dict[str, Any]:
    duplicate = access.comment(request.user, comment_id)
    into = Comment.objects.filter(tasker_id=duplicate.tasker_id, number=payload.into).first()
    if into is None:
        raise InvalidInput(f"no comment number {payload.into} on this tasker", field="into", value=payload.into)
    return _comment(services.merge_comment(acting_user=request.user, duplicate=duplicate, into=into, reason=payload.reason))


@router.post(
    "/plans/comments/{comment_id}/adjudication", response=CommentOut, summary="Record the adjudication and DoD's response"
)
def adjudicate(request: HttpRequest, comment_id: int, payload: AdjudicationIn) -> dict[str, Any]:
    comment = access.comment(request.user, comment_id)
    return _comment(services.adjudicate_comment(acting_user=request.user, comment=comment, **payload.dict()))


# ---- posture changes ---------------------------------------------------------------------------


@router.get("/plans/posture", response=list[PostureOut], summary="Posture and force-structure change requests")
def list_posture(request: HttpRequest, country: str | None = None) -> list[dict[str, Any]]:
    qs = selectors.posture_changes(request.user)
    if country:
        qs = qs.filter(country__iso3=country.upper())
    return [_posture(p) for p in qs[:500]]


@router.post("/plans/posture", response={201: PostureOut}, summary="Record a posture change request (plans.edit)")
def create_posture(request: HttpRequest, payload: PostureIn) -> Status[dict[str, Any]]:
    require(request.user, "plans.edit")
    data = payload.dict()
    data["product"] = _product_ref(request.user, data.get("product"))
    return Status(201, _posture(services.create_posture_change(acting_user=request.user, **data)))


@router.get("/plans/posture/{posture_id}", response=PostureOut, summary="One posture change request")
def get_posture(request: HttpRequest, posture_id: int) -> dict[str, Any]:
    return _posture(access.posture(request.user, posture_id))


@router.put("/plans/posture/{posture_id}", response=PostureOut, summary="Update a posture change request (plans.edit)")
def update_posture(request: HttpRequest, posture_id: int, payload: PostureIn) -> dict[str, Any]:
    posture = access.posture(request.user, posture_id)
    data = payload.dict()
    data["product"] = _product_ref(request.user, data.get("product"))
    return _posture(services.update_posture_change(acting_user=request.user, posture=posture, **data))


@router.post("/plans/posture/{posture_id}/decision", response=PostureOut, summary="Record the decision (final; PLN-010)")
def decide_posture(request: HttpRequest, posture_id: int, payload: DecisionIn) -> dict[str, Any]:
    posture = access.posture(request.user, posture_id)
    return _posture(services.decide_posture_change(acting_user=request.user, posture=posture, **payload.dict()))


# ---- engagements and action items --------------------------------------------------------------


@router.get(
    "/plans/engagements", response=list[EngagementOut], summary="Engagements: 3D WG, planning conferences, exercises, war games"
)
def list_engagements(request: HttpRequest, kind: str | None = None) -> list[dict[str, Any]]:
    qs = selectors.engagements(request.user)
    if kind:
        qs = qs.filter(kind=services.choice(kind, EngagementKind, "kind"))
    return [_engagement(e) for e in qs[:500]]


@router.post("/plans/engagements", response={201: EngagementOut}, summary="Record an engagement (plans.edit)")
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Status[dict[str, Any]]:
    require(request.user, "plans.edit")
    data = payload.dict()
    data["product"] = _product_ref(request.user, data.get("product"))
    return Status(201, _engagement(services.create_engagement(acting_user=request.user, **data)))


@router.get("/plans/engagements/{engagement_id}", response=EngagementOut, summary="One engagement and its action items")
def get_engagement(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    return _engagement(access.engagement(request.user, engagement_id))


@router.post(
    "/plans/engagements/{engagement_id}/action-items", response={201: ActionItemOut}, summary="Add an action item (plans.edit)"
)
def add_action_item(request: HttpRequest, engagement_id: int, payload: ActionItemIn) -> Status[dict[str, Any]]:
    engagement = access.engagement(request.user, engagement_id)
    return Status(201, _action(services.add_action_item(acting_user=request.user, engagement=engagement, **payload.dict())))


@router.get("/plans/action-items", response=list[ActionItemOut], summary="Action items; mine=true for your open ones")
def list_action_items(request: HttpRequest, mine: bool = False) -> list[dict[str, Any]]:
    qs = (
        selectors.open_action_items(request.user) if mine else ActionItem.objects.select_related("owner").order_by("due_on", "id")
    )
    return [_action(a) for a in qs[:1000]]


@router.post(
    "/plans/action-items/{item_id}/status", response=ActionItemOut, summary="Update an action item's status (owner or plans.edit)"
)
def action_status(request: HttpRequest, item_id: int, payload: ActionStatusIn) -> dict[str, Any]:
    item = access.action_item(request.user, item_id)
    return _action(services.set_action_status(acting_user=request.user, item=item, **payload.dict()))
