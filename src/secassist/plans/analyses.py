"""Analysis products (issue #17): issue papers and recommendations to leadership, drafted in versions,
cleared through the clearances app, delivered with a record of the decision taken, linked to the
countries, plans and posture changes they concern.

States: draft → in clearance → cleared → delivered; withdrawn from any open state; return to draft
from clearance. One `transition()` (conditional UPDATE on the old status, history row, audit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.clearances import selectors as clearance_selectors
from secassist.clearances import services as clearance_services
from secassist.clearances import versions as document_versions
from secassist.clearances.models import Position
from secassist.core import clock
from secassist.core.errors import InvalidInput, RuleViolation, TransitionNotAllowed

from . import services
from .models import (
    AnalysisHistory,
    AnalysisKind,
    AnalysisProduct,
    AnalysisStatus,
    AnalysisVersion,
    PlanningProduct,
    PostureChangeRequest,
)

EDIT = "plans.edit"
A = AnalysisStatus
OPEN = (A.DRAFT, A.IN_CLEARANCE, A.CLEARED)
CLEARED_POSITIONS = (Position.CLEAR, Position.CLEAR_WITH_COMMENTS)


def _links(model: type, ids: Iterable[int], field: str) -> list[Any]:
    wanted = sorted({int(i) for i in ids})
    found = list(model.objects.filter(pk__in=wanted))  # type: ignore[attr-defined]
    missing = sorted(set(wanted) - {o.pk for o in found})
    if missing:
        raise InvalidInput(f"{field}: no record(s) {', '.join(map(str, missing))}", field=field, value=missing)
    return found


@transaction.atomic
def create_analysis(
    *,
    acting_user: Any,
    kind: str,
    title: str,
    issue: str,
    addressee: str,
    countries: Iterable[str] = (),
    products: Iterable[int] = (),
    posture_changes: Iterable[int] = (),
    clearing_offices: Iterable[str] = (),
    is_demo: bool = False,
) -> AnalysisProduct:
    require(acting_user, EDIT)
    fields = {
        "kind": services.choice(kind, AnalysisKind, "kind"),
        "title": services.text(title, "title", max_length=300, required=True),
        "issue": services.text(issue, "issue", max_length=5000, required=True),
        "addressee": services.text(addressee, "addressee", max_length=200, required=True),
    }
    services.unclassified(title=fields["title"], issue=fields["issue"], addressee=fields["addressee"])
    country_objs = services.countries_from(countries)
    product_objs = _links(PlanningProduct, products, "products")
    posture_objs = _links(PostureChangeRequest, posture_changes, "posture_changes")
    office_objs = services.offices_from(clearing_offices, "clearing_offices")
    now = clock.now()
    analysis = AnalysisProduct.objects.create(
        **fields, status_changed_at=now, is_demo=is_demo, created_by=acting_user, created_at=now
    )
    analysis.countries.set(country_objs)
    analysis.products.set(product_objs)
    analysis.posture_changes.set(posture_objs)
    analysis.clearing_offices.set(office_objs)
    record(
        actor=acting_user,
        action="plans.analysis.create",
        obj=analysis,
        after={
            **fields,
            "countries": [c.iso3 for c in country_objs],
            "products": [p.pk for p in product_objs],
            "posture_changes": [p.pk for p in posture_objs],
            "clearing_offices": [o.code for o in office_objs],
        },
    )
    return analysis


@transaction.atomic
def add_version(*, acting_user: Any, analysis: AnalysisProduct, text: str, change_note: str = "") -> AnalysisVersion:
    """A new version, while a draft (PLN-025: return a product to draft to revise it during clearance)."""
    require(acting_user, EDIT)
    analysis.refresh_from_db()
    if analysis.status != A.DRAFT:
        raise RuleViolation(
            f"the text is revised only in draft; this product is {analysis.get_status_display().lower()}",
            code="PLN-025",
            status=analysis.status,
        )
    body = services.text(text, "text", max_length=50_000, required=True)
    note = services.text(change_note, "change_note", max_length=300)
    services.unclassified(text=body, change_note=note)
    number = (analysis.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = AnalysisVersion.objects.create(
        analysis=analysis, number=number, text=body, change_note=note, created_by=acting_user, created_at=clock.now()
    )
    record(actor=acting_user, action="plans.analysis.version", obj=analysis, after={"version": number, "change_note": note})
    # Versioned for clearance too (ADR 0740): offices that cleared an earlier text become stale.
    document_versions.save_version(acting_user=acting_user, subject=analysis, change_note=note or f"text v{number}")
    return version


def document_content(analysis: AnalysisProduct) -> list[tuple[str, str, str]]:
    """What the clearing offices clear: the product's framing and its latest text."""
    latest = analysis.versions.order_by("-number").first()
    return [
        ("kind", "Kind", analysis.get_kind_display()),
        ("title", "Title", analysis.title),
        ("issue", "Issue", analysis.issue),
        ("addressee", "For", analysis.addressee),
        ("text_version", "Text version", f"v{latest.number}" if latest else "none written"),
        ("text", "Text", latest.text if latest else ""),
    ]


def positions(analysis: AnalysisProduct) -> dict[str, str]:
    """Each asked office's position; "stale" where it was given on an older version of the text."""
    rows = clearance_selectors.for_subject(analysis).exclude(position=Position.WITHDRAWN)
    return {r.office.code: "stale" if r.is_stale else r.position for r in rows}


def _guard_submit(analysis: AnalysisProduct) -> None:
    if not analysis.versions.exists() or not analysis.clearing_offices.exists():
        raise RuleViolation(
            "an analysis product needs a first version and at least one clearing office before clearance", code="PLN-023"
        )


def _guard_cleared(analysis: AnalysisProduct) -> None:
    document_versions.require_current_clearances(analysis, act="mark the analysis cleared")
    asked = positions(analysis)
    required = list(analysis.clearing_offices.values_list("code", flat=True))
    outstanding = {c: asked.get(c, "not asked") for c in required if asked.get(c) not in CLEARED_POSITIONS}
    if outstanding:
        raise RuleViolation(
            "every clearing office must clear first; outstanding: " + ", ".join(f"{c} ({p})" for c, p in outstanding.items()),
            code="PLN-024",
            outstanding=outstanding,
        )


def _effect_submit(user: Any, analysis: AnalysisProduct) -> None:
    clearance_services.request_clearances(
        acting_user=user,
        subject=analysis,
        offices=[(o, f"clearance of a {analysis.get_kind_display().lower()}") for o in analysis.clearing_offices.all()],
        subject_url=f"/api/v1/plans/analyses/{analysis.pk}",
    )


def _effect_retract(user: Any, analysis: AnalysisProduct) -> None:
    clearance_services.withdraw_clearances(acting_user=user, subject=analysis, reason="analysis returned to draft or withdrawn")


TRANSITIONS: dict[str, tuple[tuple[str, ...], str, Any, Any, bool]] = {
    # action: (sources, target, guard, effect, needs_note)
    "submit": ((A.DRAFT,), A.IN_CLEARANCE, _guard_submit, _effect_submit, False),
    "mark_cleared": ((A.IN_CLEARANCE,), A.CLEARED, _guard_cleared, None, False),
    "return_to_draft": ((A.IN_CLEARANCE, A.CLEARED), A.DRAFT, None, _effect_retract, True),
    "withdraw": (OPEN, A.WITHDRAWN, None, _effect_retract, True),
}


def available(analysis: AnalysisProduct) -> list[str]:
    actions = [a for a, spec in TRANSITIONS.items() if analysis.status in spec[0]]
    return actions + (["deliver"] if analysis.status == A.CLEARED else [])


def _move(acting_user: Any, analysis: AnalysisProduct, action: str, target: str, note: str, after: dict[str, Any]) -> None:
    old = analysis.status
    now = clock.now()
    if not AnalysisProduct.objects.filter(pk=analysis.pk, status=old).update(status=target, status_changed_at=now, **after):
        raise TransitionNotAllowed("the analysis changed meanwhile; reload it", action=action)
    AnalysisHistory.objects.create(
        analysis=analysis, from_status=old, to_status=target, action=action, actor=acting_user, at=now, note=note
    )
    record(
        actor=acting_user,
        action=f"plans.analysis.{action}",
        obj=analysis,
        before={"status": old},
        after={"status": target, **after},
        reason=note,
    )


@transaction.atomic
def transition(*, acting_user: Any, analysis: AnalysisProduct, action: str, note: str = "") -> AnalysisProduct:
    require(acting_user, EDIT)
    spec = TRANSITIONS.get(action)
    if spec is None:
        allowed = [*TRANSITIONS, "deliver"]
        raise InvalidInput(f"action must be one of {', '.join(allowed)}", field="action", allowed=allowed)
    sources, target, guard, effect, needs_note = spec
    if needs_note and not note.strip():
        raise InvalidInput("a note giving the reason is required", field="note")
    analysis.refresh_from_db()
    if analysis.status not in sources:
        raise TransitionNotAllowed(
            f"cannot {action.replace('_', ' ')} an analysis that is {analysis.get_status_display().lower()}",
            current=analysis.status,
            allowed_from=list(sources),
        )
    if guard:
        guard(analysis)
    _move(acting_user, analysis, action, target, note, {})
    if effect:
        effect(acting_user, analysis)
    analysis.refresh_from_db()
    return analysis


@transaction.atomic
def deliver(
    *, acting_user: Any, analysis: AnalysisProduct, delivered_on: Any, decision: str, decided_by: str, decision_on: Any = None
) -> AnalysisProduct:
    """Delivered to leadership, with the decision taken (cleared products only)."""
    require(acting_user, EDIT)
    analysis.refresh_from_db()
    if analysis.status != A.CLEARED:
        if analysis.status == A.IN_CLEARANCE:
            _guard_cleared(analysis)  # names the outstanding offices when that is why
        raise TransitionNotAllowed(
            f"only a cleared analysis is delivered; this one is {analysis.get_status_display().lower()}",
            current=analysis.status,
        )
    day = services.date_(delivered_on, "delivered_on")
    assert day is not None  # required=True raises on a missing date
    decided_on: dt.date = services.date_(decision_on, "decision_on", required=False) or day
    if day > clock.today() or decided_on > clock.today():
        raise InvalidInput("delivery and decision dates cannot be in the future", field="delivered_on")
    if decided_on < day:
        raise InvalidInput("the decision cannot precede the delivery", field="decision_on")
    decision_text = services.text(decision, "decision", max_length=5000, required=True)
    decider = services.text(decided_by, "decided_by", max_length=200, required=True)
    services.unclassified(decision=decision_text, decided_by=decider)
    fields: dict[str, Any] = {
        "delivered_on": day,
        "decision": decision_text,
        "decided_by": decider,
        "decision_on": decided_on,
    }
    _move(acting_user, analysis, "deliver", A.DELIVERED, "", fields)
    analysis.refresh_from_db()
    return analysis


def load_for(user: Any, subject_id: str) -> AnalysisProduct:
    """The analysis for a user (404 for missing and not-yours): the versioned-document loader."""
    from secassist.accounts.access import get_visible

    from .selectors import analyses

    return get_visible(analyses(user), pk=int(subject_id) if str(subject_id).isdigit() else 0)
