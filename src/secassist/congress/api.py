"""API router of the congress app, mounted at /api/v1/ by secassist.api.

/notifications (list, create), /notifications/{id} (read, PATCH a draft),
/notifications/{id}/transition, /notifications/{id}/clock, /notifications/{id}/history,
/notifications/{id}/holds (+ lift, questions, answers), /notifications/{id}/document.docx,
/notification-rules, /calendar, /calendar.ics.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja import Status as Reply

from secassist.accounts.access import get_visible, require
from secassist.approvals import selectors as approval_selectors
from secassist.approvals.api import PendingApprovalOut, pending_out
from secassist.approvals.models import ApprovalRequest
from secassist.core import clock
from secassist.core.errors import InvalidInput
from secassist.core.money import money_str

from . import deadlines, documents, historical, ics, selectors, services, verdicts, workflow
from .fields import parse_date
from .models import Hold, HoldQuestion, Package, PackageKind, Status
from .schemas import (
    AnswerIn,
    AttachmentIn,
    CalendarItemOut,
    ClockOut,
    HistoricalIn,
    HistoricalPatch,
    HistoryOut,
    HoldIn,
    HoldLiftIn,
    HoldOut,
    PackageIn,
    PackageOut,
    PackagePatch,
    ProposeIn,
    QuestionIn,
    RuleOut,
    TransitionIn,
)

router = Router(tags=["congress"])
MAX_CALENDAR_DAYS = 3 * 366


def package_out(p: Package, cache: dict[Any, Any] | None = None, *, with_verdict: bool = False) -> dict[str, Any]:
    """A package for the API; `with_verdict` adds its current restrictions verdict (single-package replies)."""
    return {
        "id": p.pk,
        "number": p.number,
        "title": p.title,
        "status": p.status,
        "stage": selectors.stage_of(p),
        "team": p.team.code,
        "fiscal_year": p.fiscal_year,
        "rules": [r.code for r in p.rules.all()],
        "account": p.account.code if p.account else None,
        "authority": p.authority.code if p.authority else None,
        "appropriation_fy": p.appropriation_fy,
        "public_law": p.public_law,
        "country": p.country.iso3 if p.country else None,
        "pseudo_region": p.pseudo_region.name if p.pseudo_region else None,
        "program": p.program,
        "implementing_agency": p.implementing_agency,
        "amount": money_str(p.amount),
        "cbj_amount": money_str(p.cbj_amount) if p.cbj_amount is not None else None,
        "change_from_cbj": money_str(p.change_from_cbj) if p.change_from_cbj is not None else None,
        "description": p.description,
        "purpose": p.purpose,
        "mde_items": p.mde_items,
        "elements": p.elements,
        "marking": p.marking,
        "is_emergency": p.is_emergency,
        "emergency_justification": p.emergency_justification,
        "action_on": p.action_on,
        "event_on": p.event_on,
        "drafted_on": p.drafted_on,
        "transmitted_on": p.transmitted_on,
        "addressees": [c.code for c in p.addressees.all()],
        "wait_ends_on": p.wait_ends_on,
        "cleared_to_obligate_on": p.cleared_to_obligate_on,
        "allocations": [a.pk for a in p.allocations.all()],
        "source": f"{p.source_type}:{p.source_id}" if p.source_type else None,
        "links": [{"type": link.subject_type, "id": link.subject_id, "label": link.label} for link in p.links.all()],
        "attachments": [{"title": a.title, "location": a.location} for a in p.attachments.all()],
        "allowed_actions": [t.action for t in workflow.available_actions(p)],
        "findings": [f.as_dict() for f in selectors.findings_for(p, cache=cache)],
        "restrictions": verdicts.as_api(verdicts.verdict_for(p)) if with_verdict else None,
        "kind": p.kind,
        "reported_transmitted_on": p.reported_transmitted_on,
        "document_reference": p.document_reference,
        "approval": _approval(p) if p.kind == PackageKind.HISTORICAL else None,
        "pending_approval": _pending(p),
    }


def _pending(p: Package) -> dict[str, Any] | None:
    """An act on this CN waiting for a second person (a transmittal, a historical record)."""
    pending = approval_selectors.for_subject(p).filter(status="pending").first()
    if pending is None:
        return None
    return {"id": pending.pk, "act": pending.act, "summary": pending.summary, "url": f"/approvals/{pending.pk}/"}


def _approval(p: Package) -> dict[str, Any] | None:
    latest = approval_selectors.for_subject(p).first()
    if latest is None:
        return None
    return {
        "id": latest.pk,
        "status": latest.status,
        "proposed_by": latest.proposed_by.username,
        "decided_by": latest.decided_by.username if latest.decided_by else None,
        "decided_at": latest.decided_at,
        "url": f"/approvals/{latest.pk}/",
    }


def _load(request: HttpRequest, pk: int) -> Package:
    return get_visible(
        selectors.visible_packages(request.user).prefetch_related("addressees", "allocations", "links", "attachments"), pk=pk
    )


def hold_out(h: Hold, today: dt.date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    end = h.lifted_on or today
    return {
        "id": h.pk,
        "committee": h.committee.code,
        "placed_on": h.placed_on,
        "placed_by_name": h.placed_by_name,
        "reason": h.reason,
        "lifted_on": h.lifted_on,
        "lifted_note": h.lifted_note,
        "open": h.lifted_on is None,
        "days_held": (end - h.placed_on).days,
        "questions": [
            {"id": q.pk, "asked_on": q.asked_on, "question": q.question, "answered_on": q.answered_on, "answer": q.answer}
            for q in h.questions.all()
        ],
    }


@router.get("/notifications", response=list[PackageOut], summary="CN packages, filterable by status, country, FY and team")
def list_packages(
    request: HttpRequest, status: str = "", country: str = "", fiscal_year: int | None = None, team: str = ""
) -> list[dict[str, Any]]:
    if status and status not in Status.values:
        raise InvalidInput(
            f"status must be one of {', '.join(Status.values)}", field="status", value=status, allowed=Status.values
        )
    qs = selectors.filtered(
        selectors.visible_packages(request.user), status=status, country=country, fiscal_year=fiscal_year, team=team
    )
    cache: dict[Any, Any] = {}
    return [
        package_out(p, cache)
        for p in qs.prefetch_related("addressees", "allocations", "links", "attachments", "rules__committees")[:500]
    ]


@router.post("/notifications", response={201: PackageOut}, summary="Open a draft CN package")
def create(request: HttpRequest, payload: PackageIn) -> Reply[dict[str, Any]]:
    package = services.create_package(acting_user=request.user, **payload.dict(exclude_unset=True))
    return Reply(201, package_out(_load(request, package.pk), with_verdict=True))


@router.post(
    "/notifications/historical",
    response={201: PackageOut},
    summary="Record a CN transmitted outside the workbench (counts once a second person approves it)",
)
def create_historical(request: HttpRequest, payload: HistoricalIn) -> Reply[dict[str, Any]]:
    fields = {k: v for k, v in payload.dict().items() if v not in (None, [])}
    package = historical.record_historical(acting_user=request.user, **fields)
    return Reply(201, package_out(_load(request, package.pk), with_verdict=True))


@router.patch("/notifications/{pk}/historical", response=PackageOut, summary="Correct a historical CN record before approval")
def patch_historical(request: HttpRequest, pk: int, payload: HistoricalPatch) -> dict[str, Any]:
    fields = payload.dict(exclude_unset=True)
    reason = fields.pop("reason", "")
    package = historical.update_historical(acting_user=request.user, package=_load(request, pk), reason=reason, **fields)
    return package_out(_load(request, package.pk), with_verdict=True)


@router.post(
    "/notifications/{pk}/propose-approval",
    response=PackageOut,
    summary="Propose a historical CN record for a second person's approval (GET /api/v1/approvals to follow it)",
)
def propose_approval(request: HttpRequest, pk: int, payload: ProposeIn) -> dict[str, Any]:
    historical.propose_historical(acting_user=request.user, package=_load(request, pk), reason=payload.reason)
    return package_out(_load(request, pk), with_verdict=True)


@router.get(
    "/notifications/{pk}",
    response=PackageOut,
    summary="One CN package with its allowed actions, findings and current restrictions verdict",
)
def read(request: HttpRequest, pk: int) -> dict[str, Any]:
    return package_out(_load(request, pk), with_verdict=True)


@router.patch("/notifications/{pk}", response=PackageOut, summary="Edit a draft CN package")
def patch(request: HttpRequest, pk: int, payload: PackagePatch) -> dict[str, Any]:
    package = services.update_package(acting_user=request.user, package=_load(request, pk), **payload.dict(exclude_unset=True))
    return package_out(_load(request, package.pk), with_verdict=True)


@router.post(
    "/notifications/{pk}/transition",
    response={200: PackageOut, 202: PendingApprovalOut},
    summary="Move a CN through its lifecycle; 202: a transmittal proposed to a second person (nothing moved yet)",
)
def transition(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    params = payload.dict(exclude_unset=True)
    action = params.pop("action")
    note = params.pop("note", "") or ""
    done = workflow.transition(acting_user=request.user, package=_load(request, pk), action=action, note=note, **params)
    if isinstance(done, ApprovalRequest):
        return Reply(202, pending_out(done))
    return package_out(_load(request, done.pk), with_verdict=True)


@router.get("/notifications/{pk}/clock", response=ClockOut, summary="Transmittal, statutory wait end, open holds, clearance date")
def package_clock(request: HttpRequest, pk: int) -> dict[str, Any]:
    return selectors.clock_of(_load(request, pk))


@router.get("/notifications/{pk}/history", response=list[HistoryOut], summary="Lifecycle history")
def history(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    package = _load(request, pk)
    return [
        {
            "action": h.action,
            "from_status": h.from_status,
            "to_status": h.to_status,
            "at": h.at,
            "by": h.by.username if h.by else None,
            "note": h.note,
            "data": h.data,
        }
        for h in package.history.select_related("by")
    ]


@router.get("/notifications/{pk}/holds", response=list[HoldOut], summary="Committee holds on a CN")
def list_holds(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    package = _load(request, pk)
    return [hold_out(h) for h in package.holds.select_related("committee").prefetch_related("questions")]


@router.post("/notifications/{pk}/holds", response={201: HoldOut}, summary="Record a committee hold")
def place_hold(request: HttpRequest, pk: int, payload: HoldIn) -> Reply[dict[str, Any]]:
    hold = services.place_hold(acting_user=request.user, package=_load(request, pk), **payload.dict())
    return Reply(201, hold_out(hold))


def _hold(request: HttpRequest, pk: int, hold_id: int) -> Hold:
    package = _load(request, pk)
    return get_visible(Hold.objects.filter(package=package).select_related("committee", "package"), pk=hold_id)


@router.post("/notifications/{pk}/holds/{hold_id}/lift", response=HoldOut, summary="Lift a committee hold")
def lift_hold(request: HttpRequest, pk: int, hold_id: int, payload: HoldLiftIn) -> dict[str, Any]:
    return hold_out(services.lift_hold(acting_user=request.user, hold=_hold(request, pk, hold_id), **payload.dict()))


@router.post("/notifications/{pk}/holds/{hold_id}/questions", response={201: HoldOut}, summary="Record a question under a hold")
def ask(request: HttpRequest, pk: int, hold_id: int, payload: QuestionIn) -> Reply[dict[str, Any]]:
    hold = _hold(request, pk, hold_id)
    services.ask_question(acting_user=request.user, hold=hold, **payload.dict())
    return Reply(201, hold_out(hold))


@router.post(
    "/notifications/{pk}/holds/{hold_id}/questions/{question_id}/answer",
    response=HoldOut,
    summary="Record State's answer to a question",
)
def answer(request: HttpRequest, pk: int, hold_id: int, question_id: int, payload: AnswerIn) -> dict[str, Any]:
    hold = _hold(request, pk, hold_id)
    question = get_visible(HoldQuestion.objects.filter(hold=hold), pk=question_id)
    services.answer_question(acting_user=request.user, question=question, **payload.dict())
    return hold_out(hold)


@router.post("/notifications/{pk}/attachments", response={201: PackageOut}, summary="Record where an attachment is kept")
def attach(request: HttpRequest, pk: int, payload: AttachmentIn) -> Reply[dict[str, Any]]:
    package = _load(request, pk)
    services.add_attachment(acting_user=request.user, package=package, **payload.dict())
    return Reply(201, package_out(_load(request, pk), with_verdict=True))


@router.get("/notifications/{pk}/document.docx", summary="The CN document (DOCX) filled from the record")
def document(request: HttpRequest, pk: int) -> HttpResponse:
    package = _load(request, pk)
    response = HttpResponse(
        documents.cn_document(package), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{package.number}.docx"'
    return response


@router.get("/notification-rules", response=list[RuleOut], summary="Notification rules in force on a date (default today)")
def list_rules(request: HttpRequest, on: str = "") -> list[dict[str, Any]]:
    day = parse_date(on, "on") or clock.today()
    return [
        {
            "code": r.code,
            "citation": r.citation,
            "title": r.title,
            "kind": r.kind,
            "days": r.days,
            "day_basis": r.day_basis,
            "month": r.month,
            "day": r.day,
            "fy_anchor": r.fy_anchor,
            "offset_days": r.offset_days,
            "emergency_days_after": r.emergency_days_after,
            "committees": r.committee_codes(),
            "amount_tolerance_percent": str(r.amount_tolerance_percent),
            "effective_from": r.effective_from,
            "effective_to": r.effective_to,
            "source": r.source,
            "reference_only": r.reference_only,
        }
        for r in selectors.rules_in_force(day)
    ]


def _window(from_: str, to: str) -> tuple[dt.date, dt.date]:
    start = parse_date(from_, "from") or clock.today()
    end = parse_date(to, "to") or start + dt.timedelta(days=90)
    if end < start:
        raise InvalidInput("to must not be before from", field="to", value=to)
    if (end - start).days > MAX_CALENDAR_DAYS:
        raise InvalidInput(f"the window may span at most {MAX_CALENDAR_DAYS} days", field="to", value=to)
    return start, end


@router.get("/calendar", response=list[CalendarItemOut], summary="Every statutory clock between from and to (default: 90 days)")
def calendar(
    request: HttpRequest, from_: str = Query("", alias="from"), to: str = "", team: str = "", state: str = ""
) -> list[dict[str, Any]]:
    start, end = _window(from_, to)
    if state and state not in deadlines.STATES:
        raise InvalidInput(
            f"state must be one of {', '.join(deadlines.STATES)}", field="state", value=state, allowed=list(deadlines.STATES)
        )
    items = deadlines.calendar(start=start, end=end, team=team)
    return [i.as_dict() for i in items if not state or i.state == state]


@router.get("/calendar.ics", summary="The statutory calendar as an iCalendar (RFC 5545) feed")
def calendar_ics(request: HttpRequest, team: str = "") -> HttpResponse:
    require(request.user, "view")
    today = clock.today()
    items = deadlines.calendar(start=today - dt.timedelta(days=90), end=today + dt.timedelta(days=400), team=team)
    body = ics.render(items, stamp=clock.now(), base_url=request.build_absolute_uri("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
