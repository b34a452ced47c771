"""API of determination packages at /api/v1/determinations: packages, versions, clearances,
signature, notice, publication, and the annual calendar. Reads are scoped (404 for not-yours);
writes go through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from secassist.approvals import services as approval_services
from secassist.clearances import selectors as clearance_selectors
from secassist.core import clock
from secassist.core.errors import InvalidInput

from . import access, selectors, services, workflow
from .models import DeterminationPackage, JustificationVersion, PackageStatus

router = Router(tags=["determinations"])


class PackageIn(Schema):
    dtype: str
    country: str
    fiscal_year: int
    kind: str = "waiver"
    title: str = ""
    scope_all: bool = False
    scope_programs: list[str] = []
    scope_text: str = ""


class VersionIn(Schema):
    text: str
    change_note: str = ""


class VersionOut(Schema):
    number: int
    text: str
    change_note: str
    facts: dict[str, Any]
    created_by: str | None
    created_at: dt.datetime


class TransitionIn(Schema):
    action: str
    note: str = ""


class SignatureIn(Schema):
    signed_by: str
    signed_on: dt.date
    signature_document: str
    signature_url: str = ""
    pd_number: str = ""


class NoticeIn(Schema):
    sent_on: dt.date


class PublicationIn(Schema):
    fr_citation: str
    published_on: dt.date
    fr_url: str = ""


class PackageOut(Schema):
    id: int
    number: str
    title: str
    dtype: str
    restriction: str
    restriction_citation: str
    country: str
    fiscal_year: int
    kind: str
    scope_all: bool
    scope_programs: list[str]
    scope_text: str
    status: str
    is_demo: bool
    signed_by: str
    signed_on: dt.date | None
    signature_document: str
    pd_number: str
    effective_from: dt.date | None
    notice: dict[str, Any] | None
    federal_register_required: bool
    fr_citation: str
    fr_published_on: dt.date | None
    waiver_id: int | None
    register_route: str
    register_approval: dict[str, Any] | None
    available_actions: list[str]


class ClearanceOut(Schema):
    id: int
    office: str
    reason: str
    required: bool
    position: str
    comments: str
    due_on: dt.date
    decided_by: str | None
    cleared_version: int | None
    stale: bool


def package_out(p: DeterminationPackage) -> dict[str, Any]:
    clock_ = services.notice_clock(p)
    return {
        "id": p.pk,
        "number": p.number,
        "title": p.title,
        "dtype": p.dtype.key,
        "restriction": p.restriction.key,
        "restriction_citation": p.restriction.citation,
        "country": p.country.iso3,
        "fiscal_year": p.fiscal_year,
        "kind": p.kind,
        "scope_all": p.scope_all,
        "scope_programs": list(p.scope_programs),
        "scope_text": p.scope_text,
        "status": p.status,
        "is_demo": p.is_demo,
        "signed_by": p.signed_by,
        "signed_on": p.signed_on,
        "signature_document": p.signature_document,
        "pd_number": p.pd_number,
        "effective_from": p.effective_from,
        "notice": clock_.as_dict() if clock_ else None,
        "federal_register_required": p.dtype.federal_register,
        "fr_citation": p.fr_citation,
        "fr_published_on": p.fr_published_on,
        "waiver_id": p.waiver_id,
        "register_route": p.register_route,
        "register_approval": _approval(p),
        "available_actions": [t.action for t in workflow.available(p)],
    }


def _approval(p: DeterminationPackage) -> dict[str, Any] | None:
    pending = approval_services.pending_for(p, services.REGISTER_ACT) if p.signed_on and not p.waiver_id else None
    if pending is None:
        return None
    return {"id": pending.pk, "status": pending.status, "proposed_by": pending.proposed_by.username, "summary": pending.summary}


def version_out(v: JustificationVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "text": v.text,
        "change_note": v.change_note,
        "facts": v.facts,
        "created_by": v.created_by.username if v.created_by else None,
        "created_at": v.created_at,
    }


@router.get("/determinations/calendar", response=list[dict[str, Any]], summary="The annual determinations calendar")
def calendar(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    """Each recurring determination's statutory date in calendar `year` (default: next year), with its
    citation, what was decided for the previous fiscal year, and reminder dates."""
    year = year if year is not None else clock.today().year + 1
    if not 1990 <= year <= 2100:
        raise InvalidInput("year must be between 1990 and 2100", field="year", value=year)
    return selectors.calendar(request.user, year=year)


@router.get("/determinations/types", response=list[dict[str, Any]], summary="Kinds of determination, with cited clocks")
def list_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "title": t.title,
            "restriction": t.restriction.key if t.restriction else None,
            "recurring": t.recurring,
            "notice_direction": t.notice_direction,
            "notice_days": t.notice_days,
            "notice_citation": t.notice_citation,
            "clearing_offices": t.clearing_offices,
            "federal_register": t.federal_register,
        }
        for t in selectors.types()
    ]


@router.get("/determinations", response=list[PackageOut], summary="Determination packages you may see")
def list_packages(
    request: HttpRequest, status: str | None = None, country: str | None = None, fiscal_year: int | None = None
) -> list[dict[str, Any]]:
    qs = selectors.packages(request.user)
    if status:
        if status not in PackageStatus.values:
            raise InvalidInput(
                f"status must be one of {', '.join(PackageStatus.values)}", field="status", allowed=PackageStatus.values
            )
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(country__iso3=country.upper())
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    return [package_out(p) for p in qs[:500]]


@router.post("/determinations", response={201: PackageOut}, summary="Open a determination package")
def create_package(request: HttpRequest, payload: PackageIn) -> Status[dict[str, Any]]:
    p = services.create_package(acting_user=request.user, **payload.dict())
    return Status(201, package_out(p))


@router.get("/determinations/{package_id}", response=PackageOut)
def get_package(request: HttpRequest, package_id: int) -> dict[str, Any]:
    return package_out(access.package(request.user, package_id))


@router.get("/determinations/{package_id}/versions", response=list[VersionOut])
def list_versions(request: HttpRequest, package_id: int) -> list[dict[str, Any]]:
    p = access.package(request.user, package_id)
    return [version_out(v) for v in p.versions.select_related("created_by").order_by("number")]


@router.post("/determinations/{package_id}/versions", response={201: VersionOut})
def add_version(request: HttpRequest, package_id: int, payload: VersionIn) -> Status[dict[str, Any]]:
    p = access.package(request.user, package_id)
    return Status(201, version_out(services.add_version(acting_user=request.user, package=p, **payload.dict())))


@router.get("/determinations/{package_id}/clearances", response=list[ClearanceOut])
def list_clearances(request: HttpRequest, package_id: int) -> list[dict[str, Any]]:
    p = access.package(request.user, package_id)
    required = {o.code for o, _ in services.required_offices(p)}
    return [
        {
            "id": c.pk,
            "office": c.office.code,
            "reason": c.reason,
            "required": c.office.code in required,
            "position": c.position,
            "comments": c.comments,
            "due_on": c.due_on,
            "decided_by": c.decided_by.username if c.decided_by else None,
            "cleared_version": c.cleared_version.number if c.cleared_version else None,
            "stale": c.is_stale,
        }
        for c in clearance_selectors.for_subject(p)
    ]


@router.post("/determinations/{package_id}/transition", response=PackageOut)
def transition(request: HttpRequest, package_id: int, payload: TransitionIn) -> dict[str, Any]:
    p = access.package(request.user, package_id)
    if payload.action == "submit":
        p = services.submit(acting_user=request.user, package=p)
    elif payload.action in ("return_to_draft", "withdraw"):
        p = services.retract(acting_user=request.user, package=p, action=payload.action, note=payload.note)
    elif payload.action == "sign":
        raise InvalidInput("record a signature with POST /determinations/{id}/signature", field="action")
    else:
        p = workflow.transition(acting_user=request.user, package=p, action=payload.action, note=payload.note)
    return package_out(p)


@router.post("/determinations/{package_id}/signature", response=PackageOut, summary="Record the signature")
def signature(request: HttpRequest, package_id: int, payload: SignatureIn) -> dict[str, Any]:
    p = access.package(request.user, package_id)
    return package_out(services.sign(acting_user=request.user, package=p, **payload.dict()))


@router.post("/determinations/{package_id}/notice", response=PackageOut, summary="Record the congressional notice as sent")
def notice(request: HttpRequest, package_id: int, payload: NoticeIn) -> dict[str, Any]:
    p = access.package(request.user, package_id)
    return package_out(services.record_notice(acting_user=request.user, package=p, sent_on=payload.sent_on))


@router.post("/determinations/{package_id}/publication", response=PackageOut, summary="Record Federal Register publication")
def publication(request: HttpRequest, package_id: int, payload: PublicationIn) -> dict[str, Any]:
    p = access.package(request.user, package_id)
    return package_out(services.record_publication(acting_user=request.user, package=p, **payload.dict()))


@router.post(
    "/determinations/{package_id}/register",
    response=PackageOut,
    summary="Propose the signed waiver for the register again (after a checker returned it)",
)
def register(request: HttpRequest, package_id: int) -> dict[str, Any]:
    p = access.package(request.user, package_id)
    return package_out(services.propose_register_again(acting_user=request.user, package=p))
