"""Every write of the Title 10 app: intake, routing, review, decision, CN, deconfliction
decisions, the assurances registry and embassy offices. Each is atomic, checks the acting user's
capability (a CLI or demo run without a named user acts as 'system') and writes an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from secassist.accounts.access import require
from secassist.approvals import services as approvals
from secassist.audit.services import record
from secassist.clearances import services as clearance_services
from secassist.clearances import versions as document_versions
from secassist.clearances.models import ClearanceRequest, Position
from secassist.core import clock
from secassist.core.errors import Conflict, InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.core.registry import registry
from secassist.reference.models import Country, Office

from . import checks, cn, rules, workflow
from .intake import BOOL_FIELDS, COLUMN_NAMES, ELEMENT_KINDS, TEXT_FIELDS, Lookups, as_raw, clean_proposal, comparable
from .intake import COLUMNS as INTAKE_COLUMNS
from .models import CONCURRING, Assurance, Decision, DeconflictionDecision, Proposal, ProposalElement, ProposalUnit, Status


def _may(user: Any, capability: str) -> None:
    if user is not None:
        require(user, capability)


# ---------------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------------


def raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise InvalidInput(
            message if len(problems) == 1 else f"{message} (and {len(problems) - 1} more problems)",
            field=field,
            problems=[f"{f}: {m}" for f, m in problems],
            fields=dict(problems),
        )


@transaction.atomic
def create_proposal(*, acting_user: Any, raw: dict[str, Any], lookups: Lookups | None = None) -> Proposal:
    """Record a DoD proposal from form, API or workbook values (see intake.COLUMNS)."""
    _may(acting_user, "title10.edit")
    clean, problems = clean_proposal(raw, lookups or Lookups(), today=clock.today())
    raise_problems(problems)
    if Proposal.objects.filter(reference=clean["reference"]).exists():
        raise Conflict(
            f"a proposal with reference {clean['reference']} already exists", field="reference", reference=clean["reference"]
        )
    now = clock.now()
    proposal = Proposal(created_at=now, created_by=acting_user if getattr(acting_user, "pk", None) else None)
    _fill(proposal, clean, now)
    record(actor=acting_user, action="title10.proposal.create", obj=proposal, after=_audit_view(proposal))
    document_versions.save_version(acting_user=acting_user, subject=proposal, change_note="received from DoD")
    return proposal


@transaction.atomic
def replace_received_proposal(*, acting_user: Any, proposal: Proposal, clean: dict[str, Any]) -> Proposal:
    """A re-imported row that changed: allowed only while the proposal is still 'received'."""
    _may(acting_user, "title10.edit")
    if proposal.status != Status.RECEIVED:
        raise TransitionNotAllowed(
            f"{proposal.reference} is already {proposal.get_status_display().lower()}; "
            "its record is no longer replaced by an import",
            current=proposal.status,
        )
    before = _audit_view(proposal)
    _fill(proposal, clean, clock.now())
    record(actor=acting_user, action="title10.proposal.update", obj=proposal, before=before, after=_audit_view(proposal))
    document_versions.save_version(acting_user=acting_user, subject=proposal, change_note="replaced by a re-import")
    return proposal


@dataclass(frozen=True)
class EditResult:
    """What an edit changed, the record checks recomputed on the edited proposal, and the
    offices newly asked to clear (an edit while in clearance re-runs routing)."""

    proposal: Proposal
    changed: list[str]
    findings: list[rules.Finding]
    clearances_added: list[str]


#: the record fields an edit may not change: the reference is the proposal's identity
IMMUTABLE_ON_EDIT = ("reference",)


@transaction.atomic
def edit_proposal(*, acting_user: Any, proposal: Proposal, changes: dict[str, Any], reason: str = "") -> EditResult:
    """Change a proposal's record while it is still editable (received or in clearance, T10-050).

    `changes` holds input values under the intake column names (intake.COLUMNS; the API may give
    `elements` as a list); fields not given keep their stored value. The edited record is
    validated exactly as at intake, the audit event carries the full before and after, the
    record checks are recomputed, and — while in clearance — routing is re-run so that offices
    the edited proposal newly requires are asked; existing clearance requests stay as they are.
    """
    _may(acting_user, "title10.edit")
    locked = Proposal.objects.select_for_update().select_related("authority", "country").get(pk=proposal.pk)
    if not workflow.is_editable(locked.status):
        raise RuleViolation(
            workflow.not_editable_message(locked), code="T10-050", status=locked.status, editable=list(workflow.EDITABLE)
        )
    unknown = sorted(set(changes) - set(COLUMN_NAMES) - {"elements"})
    if unknown:
        raise InvalidInput(
            f"unknown proposal field(s): {', '.join(unknown)}", field=unknown[0], allowed=[*COLUMN_NAMES, "elements"]
        )
    for name in IMMUTABLE_ON_EDIT:
        if name in changes and str(changes[name] or "").strip() != getattr(locked, name):
            raise InvalidInput(
                f"the {name} of a proposal cannot be changed by an edit (it stays {getattr(locked, name)}); "
                "withdraw the proposal and record it under the new reference",
                field=name,
            )
    lookups = Lookups()
    stored = as_raw(locked)
    current, _ = clean_proposal(stored, lookups, today=clock.today())
    merged = {**stored, **changes}
    if "elements" in changes:
        for kind in ELEMENT_KINDS:
            merged.pop(f"{kind}_cost", None)
            merged.pop(f"{kind}_description", None)
    clean, problems = clean_proposal(merged, lookups, today=clock.today())
    raise_problems(problems)
    changed = _changed_fields(current, clean)
    if not changed:
        return EditResult(locked, [], rules.record_findings(rules.facts_of(locked)), [])
    before = _edit_view(locked)
    routes_before = {r.office_code for r in planned_routes(locked)}
    _fill(locked, clean, clock.now())
    locked = Proposal.objects.select_related("authority", "country").get(pk=locked.pk)
    findings = rules.record_findings(rules.facts_of(locked))
    added: list[ClearanceRequest] = []
    if locked.status == Status.IN_CLEARANCE and set(changed) & ROUTING_INPUTS:
        routes = planned_routes(locked)
        offices = _route_offices(acting_user=acting_user, proposal=locked, routes=routes)
        added = _request_routes(acting_user=acting_user, proposal=locked, routes=routes, offices=offices)
    after = {
        **_edit_view(locked),
        "changed": changed,
        "record_findings": [f"{f.code} ({f.severity})" for f in findings],
        "routes_before": sorted(routes_before),
        "routes_after": sorted(r.office_code for r in planned_routes(locked)),
        "clearances_added": [c.office.code for c in added],
    }
    record(actor=acting_user, action="title10.proposal.edit", obj=locked, before=before, after=after, reason=reason)
    # Offices that cleared the record before this edit now hold a stale clearance (ADR 0740).
    document_versions.save_version(acting_user=acting_user, subject=locked, change_note=reason or f"edited: {', '.join(changed)}")
    return EditResult(locked, changed, findings, [c.office.code for c in added])


#: the inputs of the routing rules (rules.ROUTING_RULES): a change to one re-runs routing in clearance
ROUTING_INPUTS = frozenset({"country", "units", "purposes", "authority", "elements", "legal_questions"})


def _changed_fields(current: dict[str, Any], clean: dict[str, Any]) -> list[str]:
    a, b = comparable(current), comparable(clean)
    out = [k for k in b if a.get(k) != b.get(k)]
    if current.get("received_on") != clean.get("received_on"):
        out.append("received_on")
    return out


def _edit_view(proposal: Proposal) -> dict[str, Any]:
    """The whole editable record, for the before/after of an edit's audit event."""
    view = _audit_view(proposal)
    view["elements"] = {e.kind: {"cost": str(e.cost), "description": e.description} for e in proposal.elements.all()}
    for name in ("title", "ccmd", "description", "received_on", "sustainment_years", *TEXT_FIELDS, *BOOL_FIELDS):
        view[name] = getattr(proposal, name)
    view["sustainment_cost"] = str(proposal.sustainment_cost)
    return view


def _fill(proposal: Proposal, clean: dict[str, Any], now: dt.datetime) -> None:
    simple = {k: v for k, v in clean.items() if k not in ("elements", "units")}
    for key, value in simple.items():
        setattr(proposal, key, value)
    proposal.cfy_end_date = rules.cfy_end_date(clean["fiscal_year"])
    proposal.updated_at = now
    proposal.save()
    proposal.elements.all().delete()
    ProposalElement.objects.bulk_create(
        [ProposalElement(proposal=proposal, kind=k, description=d, cost=c) for k, d, c in clean["elements"]]
    )
    proposal.units.all().delete()
    registry_ids = checks.resolve_units(proposal.country, clean["units"])
    ProposalUnit.objects.bulk_create(
        [ProposalUnit(proposal=proposal, name=u, registry_unit_id=registry_ids.get(u)) for u in clean["units"]]
    )


def _audit_view(proposal: Proposal) -> dict[str, Any]:
    return {
        "reference": proposal.reference,
        "authority": proposal.authority.code,
        "country": proposal.country.iso3,
        "fiscal_year": proposal.fiscal_year,
        "purposes": proposal.purposes,
        "status": proposal.status,
        "elements": {e.kind: str(e.cost) for e in proposal.elements.all()},
        "units": [u.name for u in proposal.units.all()],
        "capabilities": list(proposal.capabilities),
        "platforms": list(proposal.platforms),
        "cfy_end_date": proposal.cfy_end_date,
        "foc_extension": proposal.foc_extension,
    }


# ---------------------------------------------------------------------------------------------
# Routing and clearance
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def ensure_embassy_office(*, acting_user: Any, country: Country) -> Office:
    """The embassy as a clearing office (reference data: creating one is audited)."""
    code = rules.embassy_code(country.iso3)
    office = Office.objects.filter(code=code).first()
    if office is not None:
        return office
    office = Office.objects.create(
        code=code,
        name=f"U.S. Embassy — {country.name}",
        kind=Office.Kind.POST,
        is_clearing_office=True,
        description="Chief of Mission clearance on Title 10 proposals",
        source="created by the Title 10 routing rule RT-02",
    )
    record(actor=acting_user, action="title10.embassy_office.create", obj=office, after={"code": code, "country": country.iso3})
    return office


def planned_routes(proposal: Proposal) -> list[rules.Route]:
    return rules.routes_for(rules.facts_of(proposal))


@transaction.atomic
def route_proposal(*, acting_user: Any, proposal: Proposal) -> list[ClearanceRequest]:
    """Send the proposal to every office the routing rules name, each with its reason and SLA."""
    workflow.require_allowed(proposal, Status.IN_CLEARANCE)
    routes = planned_routes(proposal)
    offices = _route_offices(acting_user=acting_user, proposal=proposal, routes=routes)
    proposal = workflow.transition(
        acting_user=acting_user,
        proposal=proposal,
        to_status=Status.IN_CLEARANCE,
        reason="; ".join(f"{r.office_code} ({r.code})" for r in routes),
    )
    return _request_routes(acting_user=acting_user, proposal=proposal, routes=routes, offices=offices)


def _route_offices(*, acting_user: Any, proposal: Proposal, routes: list[rules.Route]) -> dict[str, Office]:
    """The clearing office of every route (creating the embassy office if needed); T10-030 if one is missing."""
    offices = {o.code: o for o in Office.objects.filter(code__in=[r.office_code for r in routes])}
    embassy = rules.embassy_code(proposal.country.iso3)
    if any(r.office_code == embassy for r in routes) and embassy not in offices:
        offices[embassy] = ensure_embassy_office(acting_user=acting_user, country=proposal.country)
    missing = [r.office_code for r in routes if r.office_code not in offices]
    if missing:
        raise RuleViolation(
            f"routing names offices not in the reference data: {', '.join(missing)}", code="T10-030", offices=missing
        )
    return offices


def _request_routes(
    *, acting_user: Any, proposal: Proposal, routes: list[rules.Route], offices: dict[str, Office]
) -> list[ClearanceRequest]:
    """Ask each routed office to clear; offices already asked keep their request (and its answer)."""
    url = reverse("title10:detail", args=[proposal.reference])
    created: list[ClearanceRequest] = []
    for sla in sorted({r.sla_business_days for r in routes}):
        batch = [(offices[r.office_code], f"{r.code}: {r.reason}") for r in routes if r.sla_business_days == sla]
        created += clearance_services.request_clearances(
            acting_user=acting_user, subject=proposal, offices=batch, business_days=sla, subject_url=url
        )
    return created


@transaction.atomic
def escalate_overdue_clearances(*, acting_user: Any) -> int:
    """Escalate every pending clearance past its due date (shown on the pipeline dashboard)."""
    _may(acting_user, "title10.edit")
    return clearance_services.escalate_overdue(acting_user=acting_user)


@transaction.atomic
def begin_review(*, acting_user: Any, proposal: Proposal, reason: str = "") -> Proposal:
    from secassist.clearances.selectors import for_subject

    pending = [c.office.code for c in for_subject(proposal) if c.position == Position.PENDING]
    if pending:
        raise RuleViolation(f"clearances still pending from {', '.join(pending)}", code="T10-010", pending=pending)
    document_versions.require_current_clearances(proposal, act=f"begin State's review of {proposal.reference}")
    return workflow.transition(
        acting_user=acting_user,
        proposal=proposal,
        to_status=Status.UNDER_REVIEW,
        reason=reason or "all clearing offices have answered",
    )


# ---------------------------------------------------------------------------------------------
# Decision, CN, execution
# ---------------------------------------------------------------------------------------------


def _not_assessed_blocker(verdict: dict[str, Any]) -> rules.Finding:
    """An unknown is never a yes: State does not concur while a restriction that could apply is not assessed;
    an analyst's recorded assessment of each gap (restrictions register, audited) lifts it."""
    result = verdict.get("result") or {}
    body = result.as_dict() if hasattr(result, "as_dict") else result
    gaps = [g for g in body.get("not_assessed") or [] if isinstance(g, dict)]
    named = "; ".join(f"{g.get('restriction')} ({(g.get('designation') or {}).get('missing_period', '')})" for g in gaps)
    return rules.Finding(
        "T10-017",
        "error",
        f"restrictions not assessed: {named or 'the data does not cover the period'} — record an analyst's assessment of "
        "each before State concurs",
        "10 U.S.C. 333(d)(1); restrictions engine (ADR 0600)",
        {"verdict": "not_assessed", "not_assessed": [g.get("restriction_key") for g in gaps]},
    )


def concurrence_blockers(proposal: Proposal) -> list[rules.Finding]:
    """What stops State from concurring now; each names its rule. Non-concurrence is always open."""
    out = [f for f in rules.record_findings(rules.facts_of(proposal)) if f.severity == "error"]
    verdict = checks.restrictions_check(proposal)
    restrictions_cite = "10 U.S.C. 333(d)(1): Title 22 prohibitions apply to §333 assistance"
    if verdict["status"] == "unavailable":
        out.append(
            rules.Finding(
                "T10-012",
                "error",
                "restrictions engine not installed: the restriction screen has not run, so State cannot concur",
                restrictions_cite,
                {},
            )
        )
    elif verdict["status"] == "error":
        out.append(
            rules.Finding(
                "T10-012",
                "error",
                f"restriction screen failed: {verdict['message']}",
                restrictions_cite,
                {},
            )
        )
    elif verdict["verdict"] == "prohibited":
        out.append(
            rules.Finding(
                "T10-013",
                "error",
                "the restrictions engine finds this assistance prohibited",
                "10 U.S.C. 333(d)(1)",
                {"verdict": verdict["verdict"]},
            )
        )
    elif verdict["verdict"] == "not_assessed":
        out.append(_not_assessed_blocker(verdict))
    undecided = [c for c in checks.deconfliction_candidates(proposal) if c.flagged and c.key not in checks.decided_keys(proposal)]
    if undecided:
        out.append(
            rules.Finding(
                "T10-014",
                "error",
                f"{len(undecided)} deconfliction candidate(s) without an analyst decision: "
                + ", ".join(c.label for c in undecided[:5]),
                "10 U.S.C. 333(e)(5), (e)(9): prior assistance and other authorities, deconflicted by State's review",
                {"candidates": [c.key for c in undecided]},
            )
        )
    barred = [u["name"] for u in checks.leahy_check(proposal)["units"] if u["severity"] == "error"]
    if barred:
        out.append(
            rules.Finding(
                "T10-016",
                "error",
                f"Leahy: {', '.join(barred)} not eligible (not in the registry, barred or not remediated)",
                "10 U.S.C. 362; 22 U.S.C. 2378d",
                {"units": barred},
            )
        )
    from secassist.clearances.selectors import for_subject

    refused = [c.office.code for c in for_subject(proposal) if c.position == Position.DO_NOT_CLEAR]
    if refused:
        out.append(
            rules.Finding(
                "T10-015",
                "error",
                f"{', '.join(refused)} did not clear; resolve before concurring",
                "PM/SA clearance practice",
                {"offices": refused},
            )
        )
    return out


DECIDE_ACT = "title10.decide"


@transaction.atomic
def decide(
    *, acting_user: Any, proposal: Proposal, decision: str, reasons: str, conditions: str = "", approved_by: Any = None
) -> Any:
    """Record State's position; a concurrence on a CN-bearing authority opens the CN package.

    State's position commits the Department, so when the policy for `title10.decide` needs a second
    person (the default) the checked decision is proposed instead (returns the approval request);
    the approver carries it out (`approve_decision`, ADR 0710). `approved_by` is set only there."""
    if approved_by is None:
        _may(acting_user, "title10.decide")
    if decision not in Decision.values:
        raise InvalidInput(
            f"decision must be one of {', '.join(Decision.values)}", field="decision", allowed=list(Decision.values)
        )
    if not reasons.strip():
        raise InvalidInput("reasons are required for a decision", field="reasons")
    if decision == Decision.CONCUR_WITH_CONDITIONS and not conditions.strip():
        raise InvalidInput("state the conditions of the concurrence", field="conditions")
    workflow.require_allowed(proposal, Status.DECIDED)
    # State decides on the record its offices cleared, never on a later edit of it (ADR 0740).
    document_versions.require_current_clearances(proposal, act=f"record State's decision on {proposal.reference}")
    if decision in CONCURRING:
        blockers = concurrence_blockers(proposal)
        if blockers:
            raise RuleViolation(
                "State cannot concur yet: " + "; ".join(f"{b.code} {b.message}" for b in blockers),
                code=blockers[0].code,
                blockers=[b.as_dict() for b in blockers],
            )
    if approved_by is None and approvals.needs_approval(DECIDE_ACT):
        return _propose_decision(acting_user, proposal, decision, reasons, conditions)
    proposal = workflow.transition(
        acting_user=acting_user,
        approved_by=approved_by,
        proposal=proposal,
        to_status=Status.DECIDED,
        reason=reasons,
        decision=decision,
        decision_reasons=reasons,
        decision_conditions=conditions if decision == Decision.CONCUR_WITH_CONDITIONS else "",
        decided_by=acting_user if getattr(acting_user, "pk", None) else None,
        decided_on=clock.today(),
    )
    if decision in CONCURRING and cn.bears_cn(proposal) and registry.service("congress.open_package") is not None:
        proposal = open_cn_package(acting_user=acting_user, proposal=proposal, approved_by=approved_by)
    return proposal


def decision_version(proposal: Proposal) -> str:
    """What the approver approves: the proposal as last edited (an edit after the proposal refuses, APR-003)."""
    return f"{proposal.status}|{proposal.updated_at.isoformat() if proposal.updated_at else ''}"


def _propose_decision(acting_user: Any, proposal: Proposal, decision: str, reasons: str, conditions: str) -> Any:
    label = Decision(decision).label
    return approvals.propose(
        acting_user=acting_user,
        act=DECIDE_ACT,
        subject=proposal,
        summary=f"record State's decision on {proposal.reference}: {label.lower()}"
        + (" (and open its CN package)" if decision in CONCURRING and cn.bears_cn(proposal) else ""),
        reason=reasons,
        payload={"decision": decision, "reasons": reasons, "conditions": conditions},
        version=decision_version(proposal),
        subject_url=f"/title10/proposals/{proposal.reference}/",
    )


def approve_decision(*, request: Any, acting_user: Any) -> None:
    """The approvals handler: the checks run again on today's facts, then the decision is recorded."""
    proposal = Proposal.objects.get(pk=int(request.subject_id))
    data = request.payload
    decide(
        acting_user=acting_user,
        proposal=proposal,
        decision=data["decision"],
        reasons=f"{data['reasons']}\n(proposed by {request.proposed_by.username}, approved by {acting_user.username}: "
        f"approval request #{request.pk})",
        conditions=data.get("conditions", ""),
        approved_by=request,
    )


def current_decision_version(request: Any) -> str:
    proposal = Proposal.objects.filter(pk=int(request.subject_id)).first()
    return decision_version(proposal) if proposal else "deleted"


@transaction.atomic
def open_cn_package(*, acting_user: Any, proposal: Proposal, approved_by: Any = None) -> Proposal:
    if approved_by is None:
        _may(acting_user, "title10.edit")
    if proposal.decision not in CONCURRING or not cn.bears_cn(proposal):
        raise RuleViolation(
            "a CN package is opened only for a concurrence under an authority with a CN clock",
            code="T10-020",
            decision=proposal.decision,
            authority=proposal.authority.code,
        )
    workflow.require_allowed(proposal, Status.CN_PENDING)
    package = cn.open_package(acting_user=acting_user, proposal=proposal)
    number = str(getattr(package, "number", "") or getattr(package, "pk", ""))
    return workflow.transition(
        acting_user=acting_user,
        approved_by=approved_by,
        proposal=proposal,
        to_status=Status.CN_PENDING,
        reason=f"CN package {number} opened in the notifications workbench",
        cn_reference=number,
    )


@transaction.atomic
def mark_ready(*, acting_user: Any, proposal: Proposal) -> Proposal:
    workflow.require_allowed(proposal, Status.READY_TO_EXECUTE)
    if proposal.decision not in CONCURRING:
        raise RuleViolation("only a concurred proposal can be executed", code="T10-022", decision=proposal.decision)
    if proposal.status == Status.DECIDED and cn.bears_cn(proposal):
        raise RuleViolation(
            f"{proposal.authority.citation} requires a congressional notification "
            f"{proposal.authority.cn_days_before} days before activities; open the CN package first",
            code="T10-021",
            authority=proposal.authority.code,
        )
    reason = "concurred; no CN clock under this authority"
    if proposal.status == Status.CN_PENDING:
        status = cn.clearance_status(proposal)
        if status is None:
            raise RuleViolation("notifications workbench not installed: the CN's clearance cannot be confirmed", code="T10-023")
        cleared = status.get("cleared_to_obligate_on")
        if not cleared or cleared > clock.today():
            raise RuleViolation(
                f"CN {status.get('number', proposal.cn_reference)} has not cleared "
                f"(status {status.get('status', 'unknown')}, wait ends {status.get('wait_ends_on') or 'not set'})",
                code="T10-021",
                cn=status.get("number"),
                wait_ends_on=status.get("wait_ends_on"),
            )
        reason = f"CN {status.get('number')} cleared to obligate on {cleared}"
    return workflow.transition(acting_user=acting_user, proposal=proposal, to_status=Status.READY_TO_EXECUTE, reason=reason)


@transaction.atomic
def withdraw(*, acting_user: Any, proposal: Proposal, reason: str) -> Proposal:
    if not reason.strip():
        raise InvalidInput("a reason is required to withdraw a proposal", field="reason")
    proposal = workflow.transition(acting_user=acting_user, proposal=proposal, to_status=Status.WITHDRAWN, reason=reason)
    clearance_services.withdraw_clearances(acting_user=acting_user, subject=proposal, reason=f"proposal withdrawn: {reason}")
    return proposal


# ---------------------------------------------------------------------------------------------
# Deconfliction decisions and the assurances registry
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_deconfliction(
    *, acting_user: Any, proposal: Proposal, candidate_key: str, verdict: str, justification: str
) -> DeconflictionDecision:
    _may(acting_user, "title10.edit")
    if verdict not in DeconflictionDecision.Verdict.values:
        raise InvalidInput(
            f"verdict must be one of {', '.join(DeconflictionDecision.Verdict.values)}",
            field="verdict",
            allowed=list(DeconflictionDecision.Verdict.values),
        )
    if not justification.strip():
        raise InvalidInput("a justification is required", field="justification")
    candidate = next((c for c in checks.deconfliction_candidates(proposal) if c.key == candidate_key), None)
    if candidate is None:
        raise InvalidInput(f"{candidate_key!r} is not a deconfliction candidate of {proposal.reference}", field="candidate_key")
    # one pair, one decision: a decision the other proposal already holds on this pair is updated there
    existing = checks.pair_decisions(proposal).get(candidate_key)
    before = {"verdict": existing.verdict, "justification": existing.justification} if existing else None
    holder, key = (existing.proposal, existing.candidate_key) if existing else (proposal, candidate_key)
    obj, _ = DeconflictionDecision.objects.update_or_create(
        proposal=holder,
        candidate_key=key,
        defaults={
            "candidate_label": candidate.label[:300],
            "score": Decimal(str(round(candidate.score, 3))),
            "reasons": candidate.reasons,
            "verdict": verdict,
            "justification": justification,
            "decided_by": acting_user if getattr(acting_user, "pk", None) else None,
            "decided_at": clock.now(),
        },
    )
    record(
        actor=acting_user,
        action="title10.deconfliction.decide",
        obj=obj,
        before=before,
        after={
            "candidate": candidate_key,
            "verdict": verdict,
            "justification": justification,
            "score": candidate.score,
            "reasons": candidate.reasons,
        },
    )
    return obj


ASSURANCE_FIELDS = (
    "kind",
    "instrument",
    "state",
    "signed_on",
    "expires_on",
    "covers_articles",
    "covers_training",
    "covers_services",
    "notes",
    "source",
)


@transaction.atomic
def save_assurance(*, acting_user: Any, country: Country, assurance: Assurance | None = None, **values: Any) -> Assurance:
    _may(acting_user, "title10.edit")
    unknown = set(values) - set(ASSURANCE_FIELDS)
    if unknown:
        raise InvalidInput(
            f"unknown assurance fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0], allowed=list(ASSURANCE_FIELDS)
        )
    if values.get("kind", getattr(assurance, "kind", None)) not in Assurance.Kind.values:
        raise InvalidInput(
            f"kind must be one of {', '.join(Assurance.Kind.values)}", field="kind", allowed=list(Assurance.Kind.values)
        )
    if values.get("state", getattr(assurance, "state", Assurance.State.IN_FORCE)) not in Assurance.State.values:
        raise InvalidInput(
            f"state must be one of {', '.join(Assurance.State.values)}", field="state", allowed=list(Assurance.State.values)
        )
    if not str(values.get("instrument", getattr(assurance, "instrument", ""))).strip():
        raise InvalidInput("instrument is required (agreement reference or event)", field="instrument")
    signed, expires = values.get("signed_on"), values.get("expires_on")
    if signed and expires and expires < signed:
        raise InvalidInput("expires_on is before signed_on", field="expires_on")
    before = {f: getattr(assurance, f) for f in ASSURANCE_FIELDS} if assurance else None
    obj = assurance or Assurance(country=country)
    for key, value in values.items():
        setattr(obj, key, value)
    obj.updated_at = clock.now()
    obj.save()
    record(
        actor=acting_user,
        action="title10.assurance.save",
        obj=obj,
        before=before,
        after={"country": country.iso3, **{f: getattr(obj, f) for f in ASSURANCE_FIELDS}},
    )
    return obj


# ---------------------------------------------------------------------------------------------
# Linking an unresolved unit name to the security-force unit registry
# ---------------------------------------------------------------------------------------------

MAX_ALIASES = 400  # restrictions.SecurityForceUnit.aliases


@transaction.atomic
def link_unit_name(*, acting_user: Any, proposal: Proposal, name: str, registry_unit_id: int, reason: str = "") -> Any:
    """Record that `name` (as written on this proposal or on a Title 22 activity it is compared
    with) is the registered unit `registry_unit_id`: the name becomes an alias of the unit in the
    registry (audited there) so it resolves everywhere, and this proposal's unit of that name is
    linked to it. Returns the registry unit."""
    _may(acting_user, "title10.edit")
    require(acting_user, "restrictions.edit")
    from secassist.restrictions import services as registry_services

    name = " ".join(str(name or "").split())
    if not name or len(name) > 200:
        raise InvalidInput("name: the unit name as written, 1 to 200 characters", field="name")
    index = checks.unit_index(proposal.country)
    unit = index.units.get(int(registry_unit_id or 0))
    if unit is None:
        raise InvalidInput(f"no registered unit {registry_unit_id} for {proposal.country.iso3}", field="registry_unit_id")
    current = index.resolve(name)
    if current is not None and current.id != unit.id:
        raise InvalidInput(f"{name!r} already names {current.name} in the registry; change it there", field="name")
    if current is None:
        aliases = "; ".join([*unit.aliases, name])
        if len(aliases) > MAX_ALIASES:
            raise InvalidInput(
                f"the aliases of {unit.name} are full ({MAX_ALIASES} characters); edit them in the registry", field="name"
            )
        model = checks._unit_model()
        target = model.objects.select_related("parent").get(pk=unit.id)
        registry_services.save_unit(
            acting_user=acting_user,
            country=proposal.country.iso3,
            unit=target,
            parent=target.parent,
            aliases=aliases,
            reason=reason or f"name used on {proposal.reference}",
        )
    ProposalUnit.objects.filter(proposal=proposal, name=name).update(registry_unit_id=unit.id)
    record(
        actor=acting_user,
        action="title10.unit.link",
        obj=proposal,
        after={"name": name, "registry_unit_id": unit.id, "registry_name": unit.name},
        reason=reason,
    )
    return unit


def document_content(proposal: Proposal) -> list[tuple[str, str, str]]:
    """What State's offices clear: the proposal's record as DoD submitted (or amended) it."""
    raw = as_raw(proposal)
    labels = {c.name: c.help for c in INTAKE_COLUMNS}
    out = []
    for name in COLUMN_NAMES:
        if name in ("received_on", "reference"):
            continue
        value = raw.get(name, "")
        text = (
            "; ".join(map(str, value))
            if isinstance(value, list)
            else ("yes" if value is True else "no" if value is False else str(value or ""))
        )
        out.append((name, labels.get(name, name).split(";")[0], text))
    return out


def load_for(user: Any, subject_id: str) -> Proposal:
    """The proposal for a user by id (404 for missing and not-yours): the versioned-document loader."""
    from . import access

    proposal = Proposal.objects.filter(pk=int(subject_id) if str(subject_id).isdigit() else 0).only("reference").first()
    return access.proposal_for(user, proposal.reference if proposal else "")
