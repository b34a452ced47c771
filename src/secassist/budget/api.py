"""API router of the budget app, mounted at /api/v1/ by secassist.api.

History: GET /history/obligations (a contract other tools depend on). The funds ledger:
/funds/appropriations, /funds/allocations, /funds/postings, /funds/balances. Amounts are decimal
strings; refusals are {"code": "BUD-0xx", "message", "details"} with HTTP 409.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from secassist.accounts.access import require
from secassist.approvals import selectors as approval_selectors
from secassist.approvals.api import PendingApprovalOut, pending_out
from secassist.approvals.models import ApprovalRequest
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import FiscalYear
from secassist.core.money import money_str

from . import activities, batch, selectors, services
from .models import STAGES, ZERO, Allocation, Appropriation, Balance, LedgerEntry

router = Router(tags=["budget"])
ISO3 = re.compile(r"^[A-Za-z]{3}$")


# ---------------------------------------------------------------- history


class HistoryCountry(Schema):
    iso3: str
    name: str
    amount: str


class HistoryRegion(Schema):
    name: str
    amount: str


class HistoryObligationsOut(Schema):
    program: str
    fiscal_year: int
    source: str
    total: str
    countries_total: str
    countries: list[HistoryCountry]
    pseudo_regions: list[HistoryRegion]
    caveats: list[str]


@router.get(
    "/history/obligations",
    response=HistoryObligationsOut,
    summary="Historical obligations (Greenbook) by country for one program and fiscal year",
)
def history_obligations(request: HttpRequest, program: str, fiscal_year: str, country: str | None = None) -> dict[str, Any]:
    """`total` includes regional pseudo-recipients, `countries_total` does not; countries with a non-zero sum, largest
    first. Amounts ≥ $10M are rounded to two significant figures by the source (see `caveats`)."""
    program = program.strip().upper()
    if program not in selectors.PROGRAMS:
        raise InvalidInput(
            f"program must be one of {', '.join(selectors.PROGRAMS)}",
            field="program",
            value=program,
            allowed=list(selectors.PROGRAMS),
        )
    fy = FiscalYear.parse(fiscal_year).year
    if country is not None and not ISO3.match(country):
        raise InvalidInput("country must be an ISO 3166 alpha-3 code such as JOR", field="country", value=country)
    data = selectors.history_obligations(program=program, fiscal_year=fy, country=country)
    return {
        **data,
        "total": money_str(data["total"]),
        "countries_total": money_str(data["countries_total"]),
        "countries": [{**c, "amount": money_str(c["amount"])} for c in data["countries"]],
        "pseudo_regions": [{**p, "amount": money_str(p["amount"])} for p in data["pseudo_regions"]],
    }


# ---------------------------------------------------------------- appropriations


class AppropriationIn(Schema):
    account: str
    fiscal_year: int
    public_law: str
    section: str = ""
    kind: str = "full_year"
    enacted_on: dt.date
    amount: str
    years_available: int | None = None
    program_code: str = ""
    notes: str = ""


class AppropriationOut(Schema):
    id: int
    account: str
    fiscal_year: int
    kind: str
    public_law: str
    section: str
    enacted_on: dt.date
    amount: str
    years_available: int
    obligation_period_end: dt.date
    reobligation_window_end: dt.date
    cancellation_date: dt.date
    program_code: str
    allocated: str
    obligated: str
    disbursed: str
    report_653a_due_on: dt.date | None
    report_653a_submitted_on: dt.date | None


def _appr_out(a: Appropriation, total: Balance | None) -> dict[str, Any]:
    d = selectors.deadline_653a(a) if a.is_653a_subject else None
    return {
        "id": a.pk,
        "account": a.account.code,
        "fiscal_year": a.fiscal_year,
        "kind": a.kind,
        "public_law": a.public_law,
        "section": a.section,
        "enacted_on": a.enacted_on,
        "amount": money_str(a.amount),
        "years_available": a.years_available,
        "obligation_period_end": a.obligation_period_end,
        "reobligation_window_end": a.reobligation_window_end,
        "cancellation_date": a.cancellation_date,
        "program_code": a.program_code,
        "allocated": money_str(total.allocated if total else ZERO),
        "obligated": money_str(total.obligated if total else ZERO),
        "disbursed": money_str(total.disbursed if total else ZERO),
        "report_653a_due_on": d["due_on"] if d else None,
        "report_653a_submitted_on": d["submitted_on"] if d else None,
    }


def _appr(appropriation_id: int) -> Appropriation:
    appr = selectors.appropriations().filter(pk=appropriation_id).first()
    if appr is None:
        raise Http404(f"no appropriation {appropriation_id}")
    return appr


@router.get("/funds/appropriations", response=list[AppropriationOut], summary="Appropriations with their running totals")
def list_appropriations(request: HttpRequest, fiscal_year: int | None = None, account: str | None = None) -> list[dict[str, Any]]:
    apprs = list(selectors.appropriations(fiscal_year=fiscal_year, account=account.upper() if account else None)[:500])
    totals = selectors.totals_of([a.pk for a in apprs])
    return [_appr_out(a, totals.get(a.pk)) for a in apprs]


@router.get("/funds/appropriations/{appropriation_id}", response=AppropriationOut, summary="One appropriation")
def get_appropriation(request: HttpRequest, appropriation_id: int) -> dict[str, Any]:
    appr = _appr(appropriation_id)
    return _appr_out(appr, selectors.totals_of([appr.pk]).get(appr.pk))


@router.post("/funds/appropriations", response={201: AppropriationOut}, summary="Record an enacted appropriation")
def create_appropriation(request: HttpRequest, payload: AppropriationIn) -> Status[dict[str, Any]]:
    appr = services.create_appropriation(acting_user=request.user, **payload.dict())
    return Status(201, _appr_out(appr, selectors.totals_of([appr.pk]).get(appr.pk)))


class EarmarkIn(Schema):
    kind: str
    amount: str
    citation: str
    country: str = ""
    purpose: str = ""
    notes: str = ""


class EarmarkOut(Schema):
    id: int
    kind: str
    country: str
    purpose: str
    amount: str
    citation: str
    matched: str
    compliant: bool
    status: str


@router.get(
    "/funds/appropriations/{appropriation_id}/earmarks",
    response=list[EarmarkOut],
    summary="Earmarks of an appropriation with live compliance",
)
def list_earmarks(request: HttpRequest, appropriation_id: int) -> list[dict[str, Any]]:
    appr = _appr(appropriation_id)
    out = []
    for c in selectors.earmark_compliance(appr):
        e = c.earmark
        iso3 = appr.earmarks.get(pk=e.id).country.iso3 if e.country_id else ""  # type: ignore[union-attr]
        out.append(
            {
                "id": e.id,
                "kind": e.kind,
                "country": iso3,
                "purpose": e.purpose,
                "amount": money_str(e.amount),
                "citation": e.citation,
                "matched": money_str(c.matched),
                "compliant": c.ok,
                "status": c.text,
            }
        )
    return out


@router.post("/funds/appropriations/{appropriation_id}/earmarks", response={201: EarmarkOut}, summary="Record an earmark")
def create_earmark(request: HttpRequest, appropriation_id: int, payload: EarmarkIn) -> Status[dict[str, Any]]:
    appr = _appr(appropriation_id)
    em = services.add_earmark(acting_user=request.user, appropriation=appr, **payload.dict())
    found = next(c for c in selectors.earmark_compliance(appr) if c.earmark.id == em.pk)
    return Status(
        201,
        {
            "id": em.pk,
            "kind": em.kind,
            "country": em.country.iso3 if em.country else "",
            "purpose": em.purpose,
            "amount": money_str(em.amount),
            "citation": em.citation,
            "matched": money_str(found.matched),
            "compliant": found.ok,
            "status": found.text,
        },
    )


# ---------------------------------------------------------------- allocations


class AllocationIn(Schema):
    appropriation_id: int
    recipient_kind: str = "country"
    recipient: str
    amount: str = "0"
    purpose: str = ""
    notification_required: bool = True
    reason: str = ""
    earmark_override: bool = False
    # the Title 22 activity the line pays for (issue #18); all optional
    description: str | None = Field(None, description="what the line pays for; no 200-character limit (max 10,000)")
    units: list[str] | None = Field(None, description="recipient units as named (resolved in the unit registry)")
    capabilities: list[str] | None = Field(None, description="capability category codes (data/reference/capabilities.csv)")
    platforms: list[str] | None = Field(None, description="platform codes or names, e.g. C-130J or Super Hercules")
    first_fiscal_year: int | None = Field(None, description="default: the funds' fiscal year")
    last_fiscal_year: int | None = Field(None, description="default: last year the funds are available")


class ActivityOut(Schema):
    reference: str
    description: str
    units: list[str]
    capabilities: list[str]
    platforms: list[str]
    first_fiscal_year: int
    last_fiscal_year: int


class AllocationOut(Schema):
    id: int
    appropriation_id: int
    account: str
    fiscal_year: int
    recipient_kind: str
    recipient: str
    iso3: str
    purpose: str
    status: str
    notification_required: bool
    notification_cleared: bool  # computed from CN packages (cleared to obligate, obligations within them)
    # not_required | none | drafting | historical_pending | in_clearance | cleared | waiting | on_hold
    # | cleared_to_obligate | exceeded | unknown (congress.rules.STATE_LABELS)
    notification_state: str = ""
    notification_label: str = ""
    notification_cns: list[str] = []
    baseline_653a: str | None
    allocated: str
    apportioned: str
    obligated: str
    committed: str
    disbursed: str
    activities: list[ActivityOut]
    # Acts on this line waiting for a second person (e.g. an allocation that overrides an earmark):
    # filled on the single-line answers (create, get), empty in lists.
    pending_approvals: list[dict[str, Any]] = []


def _activity_out(act: Any) -> dict[str, Any]:
    return {
        "reference": act.reference,
        "description": act.description,
        "units": [u.name for u in act.units.all()],
        "capabilities": list(act.capabilities),
        "platforms": list(act.platforms),
        "first_fiscal_year": act.first_fiscal_year,
        "last_fiscal_year": act.last_fiscal_year,
    }


def _pending_of(a: Allocation) -> list[dict[str, Any]]:
    return [
        {"id": r.pk, "act": r.act, "summary": r.summary, "approval_url": f"/approvals/{r.pk}/"}
        for r in approval_selectors.for_subject(a).filter(status="pending")
    ]


def _alloc_out(a: Allocation) -> dict[str, Any]:
    b = a.balance
    notification = getattr(a, "notification", None) or selectors.notification_states([a])[a.pk]
    return {
        "id": a.pk,
        "appropriation_id": a.appropriation_id,
        "account": a.account.code,
        "fiscal_year": a.appropriation.fiscal_year,
        "recipient_kind": a.recipient_kind,
        "recipient": a.recipient_name,
        "iso3": a.iso3,
        "purpose": a.purpose,
        "status": a.status,
        "notification_required": a.notification_required,
        "notification_cleared": bool(notification["cleared"]),
        "notification_state": notification["state"],
        "notification_label": notification["label"],
        "notification_cns": [c["number"] for c in notification["cns"]],
        "baseline_653a": money_str(a.baseline_653a) if a.baseline_653a is not None else None,
        **{k: money_str(getattr(b, k)) for k in ("allocated", "apportioned", "obligated", "committed", "disbursed")},
        "activities": [_activity_out(act) for act in a.activities.all()],
    }


def _alloc(allocation_id: int) -> Allocation:
    alloc = selectors.allocations().filter(pk=allocation_id).first()
    if alloc is None:
        raise Http404(f"no allocation {allocation_id}")
    return alloc


@router.get("/funds/allocations", response=list[AllocationOut], summary="Allocation lines with their balances")
def list_allocations(
    request: HttpRequest,
    appropriation_id: int | None = None,
    fiscal_year: int | None = None,
    country: str | None = None,
    account: str | None = None,
) -> list[dict[str, Any]]:
    qs = selectors.allocations(fiscal_year=fiscal_year, account=account.upper() if account else None, country=country)
    if appropriation_id:
        qs = qs.filter(appropriation_id=appropriation_id)
    return [_alloc_out(a) for a in selectors.with_notification(list(qs[:2000]))]


@router.get("/funds/allocations/{allocation_id}", response=AllocationOut, summary="One allocation line")
def get_allocation(request: HttpRequest, allocation_id: int) -> dict[str, Any]:
    line = _alloc(allocation_id)
    return {**_alloc_out(line), "pending_approvals": _pending_of(line)}


@router.post("/funds/allocations", response={201: AllocationOut}, summary="Open an allocation line (and allocate to it)")
def create_allocation(request: HttpRequest, payload: AllocationIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    appr = _appr(data.pop("appropriation_id"))
    activity = {k: data.pop(k) for k in activities.ACTIVITY_FIELDS}
    alloc = activities.create_allocation_with_activity(acting_user=request.user, appropriation=appr, activity=activity, **data)
    return Status(201, {**_alloc_out(_alloc(alloc.pk)), "pending_approvals": _pending_of(alloc)})


# ---------------------------------------------------------------- postings and balances


class PostingIn(Schema):
    entry_type: str
    amount: str
    appropriation_id: int | None = None
    allocation_id: int | None = None
    to_allocation_id: int | None = None
    effective_on: dt.date | None = None
    document_type: str = ""
    document_ref: str = ""
    reason: str = ""
    earmark_override: bool = False


class PostingOut(Schema):
    id: int
    appropriation_id: int
    allocation_id: int | None
    to_allocation_id: int | None
    entry_type: str
    amount: str
    effective_on: dt.date
    posted_at: dt.datetime
    document_type: str
    document_ref: str
    actor: str
    reason: str
    reverses: int | None
    earmark_override: bool
    flags: list[dict[str, Any]]


class ReverseIn(Schema):
    reason: str


def _entry_out(e: LedgerEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "appropriation_id": e.appropriation_id,
        "allocation_id": e.allocation_id,
        "to_allocation_id": e.to_allocation_id,
        "entry_type": e.entry_type,
        "amount": money_str(e.amount),
        "effective_on": e.effective_on,
        "posted_at": e.posted_at,
        "document_type": e.document_type,
        "document_ref": e.document_ref,
        "actor": e.actor_username,
        "reason": e.reason,
        "reverses": e.reverses_id,
        "earmark_override": e.earmark_override,
        "flags": e.flags,
    }


@router.get("/funds/postings", response=list[PostingOut], summary="Ledger entries of an appropriation or a line, newest first")
def list_postings(
    request: HttpRequest, appropriation_id: int | None = None, allocation_id: int | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    if allocation_id:
        qs = selectors.line_entries(_alloc(allocation_id))
    elif appropriation_id:
        qs = selectors.appropriation_entries(_appr(appropriation_id))
    else:
        raise InvalidInput("give appropriation_id or allocation_id", field="appropriation_id")
    return [_entry_out(e) for e in qs[: max(1, min(limit, 5000))]]


@router.post(
    "/funds/postings",
    response={201: PostingOut, 202: PendingApprovalOut},
    summary="Post a ledger entry (every funds rule is checked); 202: an earmark override proposed to a second person",
)
def create_posting(request: HttpRequest, payload: PostingIn) -> Status[dict[str, Any]]:
    require(request.user, "budget.edit")
    alloc = _alloc(payload.allocation_id) if payload.allocation_id else None
    target = _alloc(payload.to_allocation_id) if payload.to_allocation_id else None
    if alloc is None and payload.appropriation_id is None:
        raise InvalidInput("give allocation_id (line entries) or appropriation_id", field="allocation_id")
    appr = alloc.appropriation if alloc else _appr(payload.appropriation_id or 0)
    entry = services.post_entry(
        acting_user=request.user,
        appropriation=appr,
        allocation=alloc,
        to_allocation=target,
        entry_type=payload.entry_type,
        amount=payload.amount,
        effective_on=payload.effective_on,
        document_type=payload.document_type,
        document_ref=payload.document_ref,
        reason=payload.reason,
        earmark_override=payload.earmark_override,
    )
    if isinstance(entry, ApprovalRequest):
        return Status(202, pending_out(entry))
    return Status(201, _entry_out(entry))


class BatchIn(Schema):
    entries: list[PostingIn]
    reason: str = ""


@router.post(
    "/funds/postings/batch",
    response={201: list[PostingOut]},
    summary="Post many ledger entries in one transaction (all or nothing; every funds rule is checked)",
)
def create_postings_batch(request: HttpRequest, payload: BatchIn) -> Status[list[dict[str, Any]]]:
    entries = [p.dict() for p in payload.entries]
    created = batch.post_batch(acting_user=request.user, entries=entries, reason=payload.reason)
    return Status(201, [_entry_out(e) for e in created])


@router.post(
    "/funds/postings/{entry_id}/reverse",
    response={201: PostingOut, 202: PendingApprovalOut},
    summary="Reverse a ledger entry (a correction); 202: above the policy's threshold, proposed to a second person",
)
def reverse_posting(request: HttpRequest, entry_id: int, payload: ReverseIn) -> Status[dict[str, Any]]:
    entry = LedgerEntry.objects.select_related("appropriation", "allocation", "to_allocation").filter(pk=entry_id).first()
    if entry is None:
        raise Http404(f"no ledger entry {entry_id}")
    done = services.reverse_entry(acting_user=request.user, entry=entry, reason=payload.reason)
    if isinstance(done, ApprovalRequest):
        return Status(202, pending_out(done))
    return Status(201, _entry_out(done))


class BalanceOut(Schema):
    appropriation_id: int
    allocation_id: int | None
    line: str
    iso3: str
    stage: str
    amount: str


@router.get(
    "/funds/balances",
    response=list[BalanceOut],
    summary="Balances per (appropriation, line, stage); the line-less rows are the appropriation's totals",
)
def list_balances(request: HttpRequest, appropriation_id: int, stage: str | None = None) -> list[dict[str, Any]]:
    appr = _appr(appropriation_id)
    if stage is not None and stage not in STAGES:
        raise InvalidInput(f"stage must be one of {', '.join(STAGES)}", field="stage", value=stage, allowed=list(STAGES))
    rows = Balance.objects.filter(appropriation=appr).select_related("allocation__country").order_by("allocation_id")
    out = []
    for b in rows:
        line = b.allocation.recipient_name if b.allocation else "(appropriation total)"
        iso3 = b.allocation.iso3 if b.allocation else ""
        for s in [stage] if stage else STAGES:
            out.append(
                {
                    "appropriation_id": appr.pk,
                    "allocation_id": b.allocation_id,
                    "line": line,
                    "iso3": iso3,
                    "stage": s,
                    "amount": money_str(getattr(b, s)),
                }
            )
    return out
