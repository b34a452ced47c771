"""API router of the title10 app, mounted at /api/v1/ by secassist.api.

Proposals (intake, routing, review, decision, CN, execution, withdrawal), their automated
checks and deconfliction decisions, the assurances registry and the pipeline figures. Refusals
are the DomainError family (mapped once to JSON {"code","message","details"}).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from secassist.accounts.access import require
from secassist.approvals.api import PendingApprovalOut, pending_out
from secassist.approvals.models import ApprovalRequest
from secassist.clearances.selectors import for_subject
from secassist.core.errors import InvalidInput
from secassist.core.money import money_str

from . import access, checks, selectors, services
from .models import Assurance, Proposal
from .models import Status as ProposalStatus

router = Router(tags=["title10"])


class ElementIn(Schema):
    kind: str
    description: str = ""
    cost: str


class ProposalIn(Schema):
    reference: str
    title: str
    authority: str
    fiscal_year: int
    ccmd: str
    country: str
    purposes: list[str]
    description: str
    units: list[str] = []
    capabilities: list[str] = []
    platforms: list[str] = []
    elements: list[ElementIn]
    absorptive_capacity: str = ""
    timeline: str = ""
    delivery_schedule: str = ""
    sustainment_plan: str = ""
    sustainment_cost: str = "0"
    sustainment_source: str = ""
    sustainment_years: int = 0
    sustainment_justification: str = ""
    prior_assistance: str = ""
    tcp_linkage: str = ""
    ics_linkage: str = ""
    construction_details: str = ""
    alternative_authorities: str = ""
    cert_human_rights: bool = False
    cert_institutional_capacity: bool = False
    legal_questions: str = ""
    foc_extension: bool = False
    program_code: str = ""
    received_on: dt.date | None = None


class ProposalPatch(Schema):
    """Fields to change; any not given (or null) keep their stored value. `reference` cannot change.
    `elements`, when given, replaces every element (give all of them)."""

    reference: str | None = None
    title: str | None = None
    authority: str | None = None
    fiscal_year: int | None = None
    ccmd: str | None = None
    country: str | None = None
    purposes: list[str] | None = None
    description: str | None = None
    units: list[str] | None = None
    capabilities: list[str] | None = None
    platforms: list[str] | None = None
    elements: list[ElementIn] | None = None
    absorptive_capacity: str | None = None
    timeline: str | None = None
    delivery_schedule: str | None = None
    sustainment_plan: str | None = None
    sustainment_cost: str | None = None
    sustainment_source: str | None = None
    sustainment_years: int | None = None
    sustainment_justification: str | None = None
    prior_assistance: str | None = None
    tcp_linkage: str | None = None
    ics_linkage: str | None = None
    construction_details: str | None = None
    alternative_authorities: str | None = None
    cert_human_rights: bool | None = None
    cert_institutional_capacity: bool | None = None
    legal_questions: str | None = None
    foc_extension: bool | None = None
    program_code: str | None = None
    received_on: dt.date | None = None
    reason: str = ""


class ElementOut(Schema):
    kind: str
    description: str
    cost: str


class ProposalOut(Schema):
    reference: str
    title: str
    authority: str
    fiscal_year: int
    ccmd: str
    country: str
    purposes: list[str]
    units: list[str]
    capabilities: list[str]
    platforms: list[str]
    elements: list[ElementOut]
    total_cost: str
    status: str
    decision: str
    decision_reasons: str
    decision_conditions: str
    decided_on: dt.date | None
    received_on: dt.date
    cfy_end_date: dt.date
    foc_extension: bool
    cn_reference: str
    url: str


class DecisionIn(Schema):
    decision: str
    reasons: str
    conditions: str = ""


class ReasonIn(Schema):
    reason: str = ""


class DeconflictionIn(Schema):
    candidate_key: str
    verdict: str
    justification: str


class UnitLinkIn(Schema):
    name: str = Field(description="the unit name as written on the proposal or a Title 22 activity")
    registry_unit_id: int = Field(description="id of the unit in the security-force unit registry")
    reason: str = ""


class UnitLinkOut(Schema):
    name: str
    registry_unit_id: int
    registry_name: str


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    citation: str
    data: dict[str, Any]


class CandidateOut(Schema):
    key: str
    label: str
    score: float
    text_similarity: float
    flagged: bool
    reasons: list[str]
    classification: str = Field(
        "related", description="duplicate (same unit, capability, years) | overlap (two of three) | related"
    )
    evidence: dict[str, bool] = Field(default_factory=dict, description="same_unit, same_capability, years_overlap")
    unresolved_units: list[str] = Field(default_factory=list, description="unit names not in the registry (not compared)")
    decision: str | None
    justification: str | None


class ChecksOut(Schema):
    record: list[FindingOut]
    restrictions: dict[str, Any]
    assurances: list[FindingOut]
    deconfliction: list[CandidateOut]
    leahy: dict[str, Any]
    concurrence_blockers: list[FindingOut]


class RouteOut(Schema):
    office: str
    rule: str
    reason: str
    sla_business_days: int


class ClearanceOut(Schema):
    id: int
    office: str
    reason: str
    due_on: dt.date
    position: str
    comments: str


class AssuranceIn(Schema):
    country: str
    kind: str
    instrument: str
    state: str = "in_force"
    signed_on: dt.date | None = None
    expires_on: dt.date | None = None
    covers_articles: bool = True
    covers_training: bool = True
    covers_services: bool = True
    notes: str = ""
    source: str = ""


class AssuranceOut(Schema):
    id: int
    country: str
    kind: str
    instrument: str
    state: str
    signed_on: dt.date | None
    expires_on: dt.date | None
    covers_articles: bool
    covers_training: bool
    covers_services: bool
    source: str


def _out(p: Proposal) -> dict[str, Any]:
    return {
        "reference": p.reference,
        "title": p.title,
        "authority": p.authority.code,
        "fiscal_year": p.fiscal_year,
        "ccmd": p.ccmd,
        "country": p.country.iso3,
        "purposes": list(p.purposes),
        "units": [u.name for u in p.units.all()],
        "capabilities": list(p.capabilities),
        "platforms": list(p.platforms),
        "elements": [{"kind": e.kind, "description": e.description, "cost": money_str(e.cost)} for e in p.elements.all()],
        "total_cost": money_str(p.total_cost),
        "status": p.status,
        "decision": p.decision,
        "decision_reasons": p.decision_reasons,
        "decision_conditions": p.decision_conditions,
        "decided_on": p.decided_on,
        "received_on": p.received_on,
        "cfy_end_date": p.cfy_end_date,
        "foc_extension": p.foc_extension,
        "cn_reference": p.cn_reference,
        "url": f"/title10/p/{p.reference}/",
    }


def _fresh(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _out(access.proposal_for(request.user, reference))


def _assurance_out(a: Assurance) -> dict[str, Any]:
    return {
        "id": a.pk,
        "country": a.country.iso3,
        "kind": a.kind,
        "instrument": a.instrument,
        "state": a.state,
        "signed_on": a.signed_on,
        "expires_on": a.expires_on,
        "covers_articles": a.covers_articles,
        "covers_training": a.covers_training,
        "covers_services": a.covers_services,
        "source": a.source,
    }


@router.get(
    "/title10/proposals", response=list[ProposalOut], summary="Title 10 proposals, filterable by status, authority and country"
)
def list_proposals(request: HttpRequest, status: str = "", authority: str = "", country: str = "") -> list[dict[str, Any]]:
    require(request.user, "view")
    if status and status not in ProposalStatus.values:
        raise InvalidInput(
            f"status must be one of {', '.join(ProposalStatus.values)}", field="status", allowed=list(ProposalStatus.values)
        )
    qs = selectors.proposals(status=status, authority=authority, country=country).prefetch_related("units")
    return [_out(p) for p in qs[:1000]]


@router.post("/title10/proposals", response={201: ProposalOut}, summary="Record a DoD proposal (all §333(e) elements)")
def create_proposal(request: HttpRequest, payload: ProposalIn) -> Status:
    raw = payload.dict()
    raw["fiscal_year"] = str(payload.fiscal_year)
    raw["sustainment_years"] = str(payload.sustainment_years)
    raw["elements"] = [e.dict() for e in payload.elements]
    proposal = services.create_proposal(acting_user=request.user, raw=raw)
    return Status(201, _fresh(request, proposal.reference))


@router.patch(
    "/title10/proposals/{reference}",
    response=ProposalOut,
    summary="Edit a proposal while it is received or in clearance (T10-050 afterwards); re-routes in clearance",
)
def edit_proposal(request: HttpRequest, reference: str, payload: ProposalPatch) -> dict[str, Any]:
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    reason = str(changes.pop("reason", ""))
    for name in ("fiscal_year", "sustainment_years"):
        if changes.get(name) is not None:
            changes[name] = str(changes[name])
    if payload.elements is not None:
        changes["elements"] = [e.model_dump() for e in payload.elements]
    services.edit_proposal(
        acting_user=request.user, proposal=access.proposal_for(request.user, reference), changes=changes, reason=reason
    )
    return _fresh(request, reference)


@router.get("/title10/proposals/{reference}", response=ProposalOut, summary="One proposal")
def get_proposal(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _fresh(request, reference)


@router.get(
    "/title10/proposals/{reference}/checks", response=ChecksOut, summary="The automated checks, each with rule, citation and data"
)
def get_checks(request: HttpRequest, reference: str) -> dict[str, Any]:
    p = access.proposal_for(request.user, reference)
    found = checks.all_checks(p)
    decided = checks.pair_decisions(p)
    return {
        "record": [f.as_dict() for f in found["record"]],
        "restrictions": found["restrictions"],
        "assurances": [f.as_dict() for f in found["assurances"]],
        "deconfliction": [
            {
                "key": c.key,
                "label": c.label,
                "score": c.score,
                "text_similarity": c.text_similarity,
                "flagged": c.flagged,
                "reasons": c.reasons,
                "classification": c.classification,
                "evidence": c.evidence,
                "unresolved_units": c.unresolved_units,
                "decision": decided[c.key].verdict if c.key in decided else None,
                "justification": decided[c.key].justification if c.key in decided else None,
            }
            for c in found["deconfliction"]
        ],
        "leahy": found["leahy"],
        "concurrence_blockers": [f.as_dict() for f in services.concurrence_blockers(p)],
    }


@router.get(
    "/title10/proposals/{reference}/routes", response=list[RouteOut], summary="Offices the routing rules name, with reasons"
)
def get_routes(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    p = access.proposal_for(request.user, reference)
    return [
        {"office": r.office_code, "rule": r.code, "reason": r.reason, "sla_business_days": r.sla_business_days}
        for r in services.planned_routes(p)
    ]


@router.get("/title10/proposals/{reference}/clearances", response=list[ClearanceOut], summary="Clearance requests of a proposal")
def get_clearances(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    p = access.proposal_for(request.user, reference)
    return [
        {
            "id": c.pk,
            "office": c.office.code,
            "reason": c.reason,
            "due_on": c.due_on,
            "position": c.position,
            "comments": c.comments,
        }
        for c in for_subject(p)
    ]


@router.post("/title10/proposals/{reference}/route", response=ProposalOut, summary="Send for clearance (received → in clearance)")
def route(request: HttpRequest, reference: str) -> dict[str, Any]:
    services.route_proposal(acting_user=request.user, proposal=access.proposal_for(request.user, reference))
    return _fresh(request, reference)


@router.post(
    "/title10/proposals/{reference}/review", response=ProposalOut, summary="Begin State review (in clearance → under review)"
)
def review(request: HttpRequest, reference: str, payload: ReasonIn) -> dict[str, Any]:
    services.begin_review(acting_user=request.user, proposal=access.proposal_for(request.user, reference), reason=payload.reason)
    return _fresh(request, reference)


@router.post(
    "/title10/proposals/{reference}/decision",
    response={200: ProposalOut, 202: PendingApprovalOut},
    summary="Concur / concur with conditions / non-concur; a concurrence under a CN authority opens the CN package; "
    "202: proposed to a second person (nothing decided yet)",
)
def decision(request: HttpRequest, reference: str, payload: DecisionIn) -> Any:
    done = services.decide(
        acting_user=request.user,
        proposal=access.proposal_for(request.user, reference),
        decision=payload.decision,
        reasons=payload.reasons,
        conditions=payload.conditions,
    )
    if isinstance(done, ApprovalRequest):
        return Status(202, pending_out(done))
    return _fresh(request, reference)


@router.post("/title10/proposals/{reference}/cn", response=ProposalOut, summary="Open the CN package (decided → CN pending)")
def open_cn(request: HttpRequest, reference: str) -> dict[str, Any]:
    services.open_cn_package(acting_user=request.user, proposal=access.proposal_for(request.user, reference))
    return _fresh(request, reference)


@router.post(
    "/title10/proposals/{reference}/ready", response=ProposalOut, summary="Mark ready to execute (a §333 CN must have cleared)"
)
def ready(request: HttpRequest, reference: str) -> dict[str, Any]:
    services.mark_ready(acting_user=request.user, proposal=access.proposal_for(request.user, reference))
    return _fresh(request, reference)


@router.post("/title10/proposals/{reference}/withdraw", response=ProposalOut, summary="Withdraw a proposal (reason required)")
def withdraw(request: HttpRequest, reference: str, payload: ReasonIn) -> dict[str, Any]:
    services.withdraw(acting_user=request.user, proposal=access.proposal_for(request.user, reference), reason=payload.reason)
    return _fresh(request, reference)


@router.post(
    "/title10/proposals/{reference}/unit-links",
    response=UnitLinkOut,
    summary="Link an unresolved unit name to the registry (it becomes an alias of the unit)",
)
def link_unit(request: HttpRequest, reference: str, payload: UnitLinkIn) -> dict[str, Any]:
    unit = services.link_unit_name(
        acting_user=request.user,
        proposal=access.proposal_for(request.user, reference),
        name=payload.name,
        registry_unit_id=payload.registry_unit_id,
        reason=payload.reason,
    )
    return {"name": " ".join(payload.name.split()), "registry_unit_id": unit.id, "registry_name": unit.name}


@router.post(
    "/title10/proposals/{reference}/deconfliction", response=CandidateOut, summary="Record the analyst's decision on a candidate"
)
def deconflict(request: HttpRequest, reference: str, payload: DeconflictionIn) -> dict[str, Any]:
    d = services.record_deconfliction(
        acting_user=request.user,
        proposal=access.proposal_for(request.user, reference),
        candidate_key=payload.candidate_key,
        verdict=payload.verdict,
        justification=payload.justification,
    )
    return {
        "key": d.candidate_key,
        "label": d.candidate_label,
        "score": float(d.score),
        "text_similarity": 0.0,
        "flagged": True,
        "reasons": d.reasons,
        "decision": d.verdict,
        "justification": d.justification,
    }


@router.get("/title10/assurances", response=list[AssuranceOut], summary="The assurances registry")
def list_assurances(request: HttpRequest, country: str = "") -> list[dict[str, Any]]:
    require(request.user, "view")
    return [_assurance_out(a) for a in selectors.assurances(country=country)[:2000]]


@router.post("/title10/assurances", response={201: AssuranceOut}, summary="Record an assurance for a country")
def create_assurance(request: HttpRequest, payload: AssuranceIn) -> Status:
    country = access.country_for(request.user, payload.country)
    values = payload.dict()
    values.pop("country")
    return Status(201, _assurance_out(services.save_assurance(acting_user=request.user, country=country, **values)))


@router.get(
    "/title10/dashboard", response=dict[str, Any], summary="Pipeline figures: by status and authority, overdue, turnaround"
)
def dashboard(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "view")
    d = selectors.dashboard()
    return {
        "total": d["total"],
        "by_status": {v: n for v, _, n in d["by_status"]},
        "by_authority": {
            a: dict(zip([s for s, _, _ in d["by_status"]], counts, strict=True)) for a, counts, _ in d["by_authority"]
        },
        "median_days_to_decision": d["median_days_to_decision"],
        "decided_count": d["decided_count"],
        "overdue_clearances": [
            {"id": c.pk, "office": c.office.code, "subject": c.subject_label, "due_on": c.due_on.isoformat()}
            for c in d["overdue"]
        ],
        "office_turnaround": d["turnaround"],
    }
