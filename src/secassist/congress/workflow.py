"""The CN lifecycle: transition table, guards, and the one `transition()` service.

drafting → in_clearance → cleared → waiting (transmitted; statutory wait computed) →
cleared_to_obligate; or withdrawn; or superseded. `transition()` does a conditional
`UPDATE … WHERE status = old`, so of two concurrent transitions exactly one wins; each step
writes a history row and an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.clearances import selectors as clearance_selectors
from secassist.clearances import services as clearance_services
from secassist.clearances import versions as clearance_versions
from secassist.core import clock
from secassist.core.errors import InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.reference.models import Committee, Office

from . import clocks, rules, transmittal
from .fields import parse_date
from .models import Package, PackageHistory, PackageKind, Status
from .numbering import next_number

S = Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    capability: str
    guard: Callable[..., dict[str, Any]]
    user_action: bool = True


def _need_reason(params: dict[str, Any], action: str) -> str:
    reason = str(params.get("reason") or "").strip()
    if not reason:
        raise InvalidInput(f"a reason is required to {action} a notification", field="reason")
    return reason


def _guard_submit(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    missing = [
        name
        for name, ok in (
            ("title", package.title),
            ("program", package.program),
            ("country or pseudo_region", package.country_id or package.pseudo_region_id),
            ("rules (statutory bases)", package.rules.exists()),
        )
        if not ok
    ]
    if missing:
        raise RuleViolation(
            f"{package.number} cannot go to clearance: missing {', '.join(missing)}", code="CN-024", missing=missing
        )
    if package.is_emergency and not package.emergency_justification.strip():
        raise RuleViolation(
            "an emergency notification needs the explanation of the emergency (SFOPS §7015(e))",
            code="CN-025",
            field="emergency_justification",
        )
    codes = params.get("clearing_offices") or []
    codes = codes.split() if isinstance(codes, str) else list(codes)
    if not codes:
        allowed = list(Office.objects.filter(is_clearing_office=True).values_list("code", flat=True))
        raise InvalidInput("name at least one clearing office", field="clearing_offices", allowed=allowed)
    offices = list(Office.objects.filter(code__in=codes, is_clearing_office=True))
    unknown = sorted(set(codes) - {o.code for o in offices})
    if unknown:
        allowed = list(Office.objects.filter(is_clearing_office=True).values_list("code", flat=True))
        raise InvalidInput(
            f"clearing_offices: {', '.join(unknown)} is not a clearing office",
            field="clearing_offices",
            value=unknown,
            allowed=allowed,
        )
    return {"_offices": offices}


def _guard_clear(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    rows = list(clearance_selectors.for_subject(package).exclude(position="withdrawn"))
    pending = [r.office.code for r in rows if r.position == "pending"]
    refused = [r.office.code for r in rows if r.position == "do_not_clear"]
    if not rows or pending or refused:
        parts = []
        if not rows:
            parts.append("no clearing office was asked")
        if pending:
            parts.append(f"still pending: {', '.join(pending)}")
        if refused:
            parts.append(f"did not clear: {', '.join(refused)}")
        raise RuleViolation(
            f"{package.number} cannot be marked cleared: {'; '.join(parts)}", code="CN-020", pending=pending, not_cleared=refused
        )
    clearance_versions.require_current_clearances(package, act=f"mark {package.number} cleared")
    return {}


def _guard_transmit(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    # The text transmitted must be the text every office cleared (ADR 0740): refuse a stale clearance.
    clearance_versions.require_current_clearances(package, act=f"transmit {package.number}")
    today = clock.today()
    sent = parse_date(params.get("transmitted_on"), "transmitted_on") or today
    if sent > today:
        raise RuleViolation(
            f"transmitted_on {sent} is in the future; record the transmittal when it is sent",
            code="CN-021",
            field="transmitted_on",
            today=today,
        )
    if sent < package.drafted_on:
        raise RuleViolation(
            f"transmitted_on {sent} is before the draft was begun ({package.drafted_on})", code="CN-021", field="transmitted_on"
        )
    codes = params.get("addressees") or []
    codes = codes.split() if isinstance(codes, str) else list(codes)
    bases = list(package.rules.all())
    if not codes:
        codes = sorted({c.code for r in bases for c in r.committees.all()})
    committees = list(Committee.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in committees})
    if unknown or not committees:
        raise InvalidInput(
            f"addressees: unknown committee code(s) {', '.join(unknown) or '(none given)'}",
            field="addressees",
            value=unknown,
            allowed=list(Committee.objects.values_list("code", flat=True)),
        )
    frozen = clearance_versions.latest(package)
    waiting = _waiting(package, sent, bases)
    waiting.setdefault("_data", {}).update(
        version=frozen.number if frozen else None, sha256=frozen.content_hash if frozen else None
    )
    return {"transmitted_on": sent, "transmitted_version": frozen, "_addressees": committees, **waiting}


def _waiting(package: Package, sent: dt.date, bases: list[Any]) -> dict[str, Any]:
    """The statutory waiting period that a transmittal on `sent` opens under the package's bases."""
    updates: dict[str, Any] = {}
    waiting = rules.waiting_spec(bases)
    if package.is_emergency or waiting is None:
        # Emergency (§7015(e)) and after-event notices: no waiting period before the action.
        updates.update(wait_days=0, wait_basis="calendar", wait_ends_on=sent)
        emergency = rules.emergency_spec(bases)
        if package.is_emergency and emergency and package.action_on:
            due = clocks.emergency_due(emergency[0], package.action_on)
            updates["_data"] = {"emergency_due_on": due.isoformat(), "late": sent > due, "rule": emergency[1].code}
    else:
        spec, rule = waiting
        updates.update(wait_days=spec.days, wait_basis=spec.day_basis, wait_ends_on=clocks.wait_ends_on(spec, sent))
        updates["_data"] = {"rule": rule.code, "citation": rule.citation, "days": spec.days, "basis": spec.day_basis}
    return updates


def _guard_historical_approve(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    """A historical record, approved by a second person, becomes a CN transmitted on its recorded date."""
    if package.kind != PackageKind.HISTORICAL or package.reported_transmitted_on is None:
        raise TransitionNotAllowed(f"{package.number} is not a complete historical record", current=package.status)
    sent = package.reported_transmitted_on
    return {"transmitted_on": sent, **_waiting(package, sent, list(package.rules.all()))}


def _guard_clear_to_obligate(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    today = clock.today()
    open_holds = list(package.holds.filter(lifted_on__isnull=True).select_related("committee"))
    if open_holds:
        raise RuleViolation(
            f"{package.number} is on hold by {', '.join(h.committee.code for h in open_holds)}: lift the hold(s) first",
            code="CN-023",
            open_holds=[h.committee.code for h in open_holds],
        )
    if package.wait_ends_on is None or today < package.wait_ends_on:
        raise RuleViolation(
            f"{package.number}'s waiting period ends {package.wait_ends_on}; today is {today}",
            code="CN-022",
            wait_ends_on=package.wait_ends_on,
            today=today,
        )
    lifts = list(package.holds.values_list("lifted_on", flat=True))
    return {"cleared_to_obligate_on": clocks.cleared_to_obligate_on(package.wait_ends_on, lifts)}


def _guard_withdraw(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"_reason": _need_reason(params, "withdraw")}


def _guard_return(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"_reason": _need_reason(params, "return")}


def _guard_supersede(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    reason = _need_reason(params, "supersede")
    successor_id = params.get("superseded_by")
    successor = None
    if successor_id not in (None, ""):
        if not str(successor_id).isdigit():
            raise InvalidInput("superseded_by must be the id of another notification", field="superseded_by", value=successor_id)
        successor = Package.objects.filter(pk=int(successor_id)).first()
        if successor is None or successor.pk == package.pk or successor.status in (S.WITHDRAWN, S.SUPERSEDED):
            raise InvalidInput("superseded_by must name another live notification", field="superseded_by", value=successor_id)
    return {"_reason": reason, "_successor": successor}


def _guard_reopen(package: Package, params: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"cleared_to_obligate_on": None}


LIVE = (S.DRAFTING, S.IN_CLEARANCE, S.CLEARED, S.WAITING, S.CLEARED_TO_OBLIGATE)
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", "Send to clearance", (S.DRAFTING,), S.IN_CLEARANCE, "congress.edit", _guard_submit),
        Transition("return", "Return to drafting", (S.IN_CLEARANCE, S.CLEARED), S.DRAFTING, "congress.edit", _guard_return),
        Transition("clear", "Mark cleared", (S.IN_CLEARANCE,), S.CLEARED, "congress.edit", _guard_clear),
        Transition("transmit", "Record transmittal", (S.CLEARED,), S.WAITING, "congress.edit", _guard_transmit),
        Transition(
            "clear_to_obligate",
            "Clear to obligate",
            (S.WAITING,),
            S.CLEARED_TO_OBLIGATE,
            "congress.edit",
            _guard_clear_to_obligate,
        ),
        Transition("withdraw", "Withdraw", LIVE, S.WITHDRAWN, "congress.edit", _guard_withdraw),
        Transition(
            "supersede",
            "Supersede",
            (S.CLEARED, S.WAITING, S.CLEARED_TO_OBLIGATE),
            S.SUPERSEDED,
            "congress.edit",
            _guard_supersede,
        ),
        # A historical record approved by a second person (historical.py, through the approvals app):
        # the approver's rights were checked by approvals.services (maker != checker, role in the policy).
        Transition(
            "historical_approve",
            "Historical record approved",
            (S.DRAFTING,),
            S.WAITING,
            "approvals.decide",
            _guard_historical_approve,
            user_action=False,
        ),
        Transition(
            "historical_clear",
            "Historical record: waiting period over",
            (S.WAITING,),
            S.CLEARED_TO_OBLIGATE,
            "approvals.decide",
            _guard_clear_to_obligate,
            user_action=False,
        ),
        Transition(
            "reopen_on_hold",
            "Back to waiting (hold placed)",
            (S.CLEARED_TO_OBLIGATE,),
            S.WAITING,
            "congress.edit",
            _guard_reopen,
            user_action=False,
        ),
    ]
}
USER_ACTIONS = [a for a, t in TRANSITIONS.items() if t.user_action]


# A historical record is not drafted, cleared and transmitted here: it is approved (historical.py).
NOT_FOR_HISTORICAL = frozenset({"submit", "return", "clear", "transmit"})


def available_actions(package: Package) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS.values()
        if t.user_action
        and package.status in t.sources
        and not (package.kind == PackageKind.HISTORICAL and t.action in NOT_FOR_HISTORICAL)
    ]


@transaction.atomic
def transition(*, acting_user: Any, package: Package, action: str, note: str = "", **params: Any) -> Any:
    """Move the CN; returns the package, or — for a transmittal that needs a second person
    (transmittal.py, ADR 0710) — the approval request proposing it (the package is unchanged)."""
    spec = TRANSITIONS.get(action)
    if spec is None or (not spec.user_action and not params.pop("_internal", False)):
        raise InvalidInput(f"action must be one of {', '.join(USER_ACTIONS)}", field="action", value=action, allowed=USER_ACTIONS)
    approved_by = params.pop("_approved_by", None)  # set only by the approvals handler: the checker's rights were checked there
    if approved_by is None:
        require(acting_user, spec.capability)
    package.refresh_from_db()
    old = package.status
    if old not in spec.sources:
        allowed = [t.action for t in available_actions(package)]
        raise TransitionNotAllowed(
            f"{package.number} is {package.get_status_display().lower()}: '{action}' is allowed only "
            f"from {', '.join(spec.sources)}",
            current=old,
            action=action,
            allowed=allowed,
        )
    if package.kind == PackageKind.HISTORICAL and action in NOT_FOR_HISTORICAL:
        raise TransitionNotAllowed(
            f"{package.number} is a historical record: it is proposed for a second person's approval, not {action}ted here",
            current=old,
            action=action,
        )
    extra = spec.guard(package, params, acting_user)
    if action == "transmit" and approved_by is None and transmittal.needs_approval(package):
        return transmittal.propose(acting_user=acting_user, package=package, extra=extra, note=note)
    updates = {k: v for k, v in extra.items() if not k.startswith("_")}
    now = clock.now()
    # Conditional update on the old status: of two concurrent transitions exactly one wins.
    won = Package.objects.filter(pk=package.pk, status=old).update(status=spec.target, updated_at=now, **updates)
    if not won:
        package.refresh_from_db()
        raise TransitionNotAllowed(
            f"{package.number} changed while you were working (now {package.get_status_display()}); reload and try again",
            current=package.status,
            action=action,
        )
    package.refresh_from_db()
    _after(package, action, extra, acting_user)
    reason = extra.get("_reason", "")
    data = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in updates.items() if k != "transmitted_version"}
    data.update(extra.get("_data", {}))
    PackageHistory.objects.create(
        package=package,
        action=action,
        from_status=old,
        to_status=spec.target,
        at=now,
        by=acting_user if getattr(acting_user, "pk", None) else None,
        note="\n".join(x for x in (note.strip(), reason) if x),
        data=data,
    )
    record(
        actor=acting_user,
        action=f"congress.{action}",
        obj=package,
        before={"status": old},
        after={"status": spec.target, **data},
        reason=reason or note,
    )
    return package


def _after(package: Package, action: str, extra: dict[str, Any], user: Any) -> None:
    if action == "submit":
        clearance_services.request_clearances(
            acting_user=user,
            subject=package,
            subject_url=f"/notifications/{package.pk}/",
            offices=[(o, f"CN {package.number}: clearance before transmittal") for o in extra["_offices"]],
        )
    elif action in ("return", "withdraw"):
        clearance_services.withdraw_clearances(acting_user=user, subject=package, reason=extra.get("_reason", action))
    elif action == "transmit":
        package.addressees.set(extra["_addressees"])
    if action in ("clear_to_obligate", "historical_clear"):
        _mark_lines_notified(package, user)
    elif action == "supersede":
        successor = extra.get("_successor") or _copy_as_draft(package, user)
        Package.objects.filter(pk=successor.pk).update(supersedes=package)
        extra.setdefault("_data", {})["superseded_by"] = successor.number


def _mark_lines_notified(package: Package, user: Any) -> None:
    """The funds lines a cleared CN covers move forward to "Notified to Congress" (never backward)."""
    from secassist.budget import workflow as budget_workflow

    for allocation in package.allocations.all():
        budget_workflow.advance(
            acting_user=user,
            allocation=allocation,
            to_status="notified",
            reason=f"{package.number} cleared to obligate",
        )


def _copy_as_draft(package: Package, user: Any) -> Package:
    """The successor of a superseded CN: a new draft with the same facts, to be amended and re-notified."""
    now = clock.now()
    copy = Package.objects.create(
        number=next_number(package.fiscal_year),
        title=package.title,
        team=package.team,
        fiscal_year=package.fiscal_year,
        account=package.account,
        authority=package.authority,
        appropriation_fy=package.appropriation_fy,
        public_law=package.public_law,
        country=package.country,
        pseudo_region=package.pseudo_region,
        program=package.program,
        implementing_agency=package.implementing_agency,
        amount=package.amount,
        cbj_amount=package.cbj_amount,
        description=package.description,
        purpose=package.purpose,
        mde_items=package.mde_items,
        classification=package.classification,
        elements=package.elements,
        drafted_on=clock.today(),
        action_on=package.action_on,
        event_on=package.event_on,
        source_type=package.source_type,
        source_id=package.source_id,
        source_label=package.source_label,
        created_at=now,
        created_by=user if getattr(user, "pk", None) else None,
        updated_at=now,
    )
    copy.rules.set(package.rules.all())
    copy.allocations.set(package.allocations.all())
    record(actor=user, action="congress.create", obj=copy, after={"number": copy.number, "copied_from": package.number})
    return copy
