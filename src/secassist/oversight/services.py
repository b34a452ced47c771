"""Every write of program oversight: keyword-only, `acting_user` first, atomic, permission-checked,
audited in the same transaction. Refusals are the core.errors family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.dates import parse_date
from secassist.core.errors import Conflict, InvalidInput
from secassist.core.money import to_money
from secassist.core.safe_url import clean_url
from secassist.reference.models import Cocom, Country

from .models import (
    Delivery,
    Direction,
    ElementKind,
    Evaluation,
    FollowUp,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    ObjectiveKind,
    ObjectiveLink,
    ObjectiveVersion,
    SpendPlanPoint,
    Title10Execution,
)
from .programs import Program

EARLIEST = dt.date(1990, 1, 1)
HORIZON_YEARS = 15
MAX_VALUE = Decimal("1e13")


# ---------------------------------------------------------------- input helpers


def text(value: Any, field: str, *, required: bool = True, max_length: int = 300) -> str:
    out = str(value or "").strip()
    if required and not out:
        raise InvalidInput(f"{field} is required", field=field)
    if len(out) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters", field=field, max_length=max_length)
    return out


def day(value: Any, field: str, *, past_only: bool = False) -> dt.date:
    out = optional_day(value, field, past_only=past_only, required=True)
    assert out is not None
    return out


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February (replace() alone would raise)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def optional_day(value: Any, field: str, *, past_only: bool = False, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(f"{field} is required (YYYY-MM-DD)", field=field)
        return None
    value = parse_date(value, field=field)
    today = clock.today()
    latest = today if past_only else _years_after(today, HORIZON_YEARS)
    if not EARLIEST <= value <= latest:
        raise InvalidInput(
            f"{field} must be between {EARLIEST:%Y-%m-%d} and {latest:%Y-%m-%d}"
            + (" (it cannot be in the future)" if past_only else ""),
            field=field,
            value=str(value),
        )
    return value


def number(value: Any, field: str) -> Decimal:
    try:
        out = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field} must be a number, e.g. 75 or 12.5", field=field, value=str(value)) from None
    if not out.is_finite() or abs(out) >= MAX_VALUE or out != out.quantize(Decimal("0.0001")):
        raise InvalidInput(f"{field} must be finite, below 10^13, with at most four decimal places", field=field)
    return out.quantize(Decimal("0.0001"))


def safe_url(value: Any, field: str) -> str:
    """Evidence links: https or relative only (the one rule, `secassist.core.safe_url`)."""
    return clean_url(text(value, field, required=False, max_length=500), field=field)


def choice(value: Any, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            f"{field} must be one of {', '.join(choices.values)}", field=field, value=value, allowed=list(choices.values)
        )
    return str(value)


def _country(iso3: Any) -> Country:
    found = Country.objects.filter(iso3=str(iso3 or "").upper()).first()
    if found is None:
        raise InvalidInput("country must be an ISO 3166 alpha-3 code of a known country", field="country", value=iso3)
    return found


# ---------------------------------------------------------------- objectives


@transaction.atomic
def create_objective(
    *,
    acting_user: Any,
    country: str,
    kind: str,
    code: str,
    title: str,
    description: str = "",
    ccmd: str = "",
    is_demo: bool = False,
) -> Objective:
    require(acting_user, "oversight.edit")
    kind = choice(kind, ObjectiveKind, "kind")
    ccmd = (ccmd or "").strip()
    if kind == ObjectiveKind.CAMPAIGN:
        ccmd = choice(ccmd, Cocom, "ccmd")
    elif ccmd:
        raise InvalidInput("ccmd is only for campaign objectives; leave it blank for an ICS objective", field="ccmd")
    now = clock.now()
    where = _country(country)
    fields: dict[str, Any] = {
        "country": where,
        "kind": kind,
        "ccmd": ccmd,
        "code": text(code, "code", max_length=40),
        "title": text(title, "title"),
        "description": text(description, "description", required=False, max_length=5000),
    }
    if Objective.objects.filter(country=where, kind=kind, ccmd=ccmd, code=fields["code"]).exists():
        raise Conflict(f"{where.iso3} already has objective {fields['code']}; revise it instead", field="code")
    obj = Objective.objects.create(**fields, is_demo=is_demo, created_at=now, updated_at=now)
    ObjectiveVersion.objects.create(
        objective=obj,
        version=1,
        title=obj.title,
        description=obj.description,
        reason="created",
        recorded_at=now,
        recorded_by=_user(acting_user),
    )
    record(actor=acting_user, action="oversight.objective_create", obj=obj, after=_objective_dict(obj))
    return obj


@transaction.atomic
def revise_objective(*, acting_user: Any, objective: Objective, title: str, description: str, reason: str) -> Objective:
    """A new version; the earlier text stays (the strategy's history is part of the record)."""
    require(acting_user, "oversight.edit")
    reason = text(reason, "reason", max_length=2000)
    locked = Objective.objects.select_for_update().get(pk=objective.pk)
    before = _objective_dict(locked)
    locked.title = text(title, "title")
    locked.description = text(description, "description", required=False, max_length=5000)
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save(update_fields=["title", "description", "version", "updated_at"])
    ObjectiveVersion.objects.create(
        objective=locked,
        version=locked.version,
        title=locked.title,
        description=locked.description,
        reason=reason,
        recorded_at=locked.updated_at,
        recorded_by=_user(acting_user),
    )
    record(
        actor=acting_user,
        action="oversight.objective_revise",
        obj=locked,
        before=before,
        after=_objective_dict(locked),
        reason=reason,
    )
    return locked


def _objective_dict(obj: Objective) -> dict[str, Any]:
    return {
        "country": obj.country.iso3,
        "kind": obj.kind,
        "ccmd": obj.ccmd,
        "code": obj.code,
        "title": obj.title,
        "description": obj.description,
        "version": obj.version,
    }


@transaction.atomic
def link_objective(*, acting_user: Any, objective: Objective, program: Program, rationale: str = "") -> ObjectiveLink:
    require(acting_user, "oversight.edit")
    if program.country_id != objective.country_id:
        raise InvalidInput(
            f"{program.label} is for {program.country_iso3}; objective {objective.code} is {objective.country.iso3}'s",
            field="program",
        )
    try:
        with transaction.atomic():
            link = ObjectiveLink.objects.create(
                objective=objective,
                **program.fk(),
                rationale=text(rationale, "rationale", required=False, max_length=2000),
                created_at=clock.now(),
                created_by=_user(acting_user),
            )
    except IntegrityError:
        raise Conflict(f"{program.label} is already linked to {objective.code}", field="program") from None
    record(
        actor=acting_user, action="oversight.objective_link", obj=link, after={"objective": objective.pk, "program": program.key}
    )
    return link


@transaction.atomic
def unlink_objective(*, acting_user: Any, link: ObjectiveLink, reason: str) -> None:
    require(acting_user, "oversight.edit")
    reason = text(reason, "reason", max_length=2000)
    before = {"objective": link.objective_id, "allocation": link.allocation_id, "proposal": link.proposal_id}
    record(actor=acting_user, action="oversight.objective_unlink", obj=link, before=before, reason=reason)
    link.delete()


# ---------------------------------------------------------------- indicators, values, evaluations


@transaction.atomic
def create_indicator(
    *,
    acting_user: Any,
    program: Program,
    name: str,
    unit: str,
    baseline_value: Any,
    baseline_on: Any,
    direction: str = Direction.INCREASE,
    report_every_days: int = 182,
    objective: Objective | None = None,
    targets: Iterable[tuple[Any, Any]] = (),
    is_demo: bool = False,
) -> Indicator:
    require(acting_user, "oversight.edit")
    if objective is not None and objective.country_id != program.country_id:
        raise InvalidInput("the objective must be of the program's country", field="objective")
    if not 1 <= int(report_every_days) <= 731:
        raise InvalidInput("report_every_days must be between 1 and 731", field="report_every_days")
    ind = Indicator.objects.create(
        **program.fk(),
        country_id=program.country_id,
        objective=objective,
        name=text(name, "name", max_length=200),
        unit=text(unit, "unit", max_length=60),
        direction=choice(direction, Direction, "direction"),
        baseline_value=number(baseline_value, "baseline_value"),
        baseline_on=day(baseline_on, "baseline_on", past_only=True),
        report_every_days=int(report_every_days),
        is_demo=is_demo,
        created_at=clock.now(),
        created_by=_user(acting_user),
    )
    seen: set[dt.date] = set()
    for i, (due, value) in enumerate(targets):
        due_on = day(due, f"targets[{i}].due_on")
        if due_on in seen:
            raise InvalidInput(f"two targets are due on {due_on}", field=f"targets[{i}].due_on")
        if due_on <= ind.baseline_on:
            raise InvalidInput("a target must be due after the baseline date", field=f"targets[{i}].due_on")
        seen.add(due_on)
        IndicatorTarget.objects.create(indicator=ind, due_on=due_on, value=number(value, f"targets[{i}].value"))
    record(
        actor=acting_user,
        action="oversight.indicator_create",
        obj=ind,
        after={
            "program": program.key,
            "name": ind.name,
            "unit": ind.unit,
            "baseline": ind.baseline_value,
            "baseline_on": ind.baseline_on,
            "targets": sorted((str(d), str(v)) for d, v in ind.targets.values_list("due_on", "value")),
        },
    )
    return ind


@transaction.atomic
def record_value(
    *, acting_user: Any, indicator: Indicator, as_of: Any, value: Any, evidence: str, evidence_url: str = ""
) -> IndicatorValue:
    require(acting_user, "oversight.edit")
    on = day(as_of, "as_of", past_only=True)
    if on < indicator.baseline_on:
        raise InvalidInput(f"as_of must not be before the baseline date {indicator.baseline_on}", field="as_of")
    row = IndicatorValue.objects.create(
        indicator=indicator,
        as_of=on,
        value=number(value, "value"),
        evidence=text(evidence, "evidence", max_length=5000),
        evidence_url=safe_url(evidence_url, "evidence_url"),
        recorded_at=clock.now(),
        recorded_by=_user(acting_user),
    )
    record(
        actor=acting_user,
        action="oversight.value_record",
        obj=row,
        after={
            "indicator": indicator.pk,
            "as_of": on,
            "value": row.value,
            "evidence": row.evidence,
            "evidence_url": row.evidence_url,
        },
    )
    return row


@transaction.atomic
def record_evaluation(
    *,
    acting_user: Any,
    indicator: Indicator,
    evaluator: str,
    evaluated_on: Any,
    findings: str,
    recommendations: str = "",
    follow_up_due: Any = None,
) -> Evaluation:
    require(acting_user, "oversight.evaluate")
    row = Evaluation.objects.create(
        indicator=indicator,
        evaluator=text(evaluator, "evaluator", max_length=200),
        evaluated_on=day(evaluated_on, "evaluated_on", past_only=True),
        findings=text(findings, "findings", max_length=10000),
        recommendations=text(recommendations, "recommendations", required=False, max_length=10000),
        follow_up_due=optional_day(follow_up_due, "follow_up_due"),
        recorded_at=clock.now(),
        recorded_by=_user(acting_user),
    )
    record(
        actor=acting_user,
        action="oversight.evaluation_record",
        obj=row,
        after={
            "indicator": indicator.pk,
            "evaluator": row.evaluator,
            "evaluated_on": row.evaluated_on,
            "findings": row.findings,
            "recommendations": row.recommendations,
            "follow_up_due": row.follow_up_due,
            "follow_up_status": row.follow_up_status,
        },
    )
    return row


@transaction.atomic
def update_follow_up(*, acting_user: Any, evaluation: Evaluation, status: str, note: str) -> Evaluation:
    require(acting_user, "oversight.evaluate")
    status = choice(status, FollowUp, "status")
    note = text(note, "note", max_length=5000)
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    before = {"follow_up_status": locked.follow_up_status, "follow_up_note": locked.follow_up_note}
    locked.follow_up_status, locked.follow_up_note = status, note
    locked.save(update_fields=["follow_up_status", "follow_up_note"])
    record(
        actor=acting_user,
        action="oversight.follow_up_update",
        obj=locked,
        before=before,
        after={"follow_up_status": status, "follow_up_note": note},
    )
    return locked


# ---------------------------------------------------------------- execution inputs


@transaction.atomic
def set_spend_plan(
    *, acting_user: Any, program: Program, points: Iterable[tuple[Any, Any, Any]], is_demo: bool = False
) -> list[SpendPlanPoint]:
    """Replace a Title 22 line's spend plan (cumulative planned obligation and disbursement at quarter ends)."""
    require(acting_user, "oversight.edit")
    if program.allocation is None:
        raise InvalidInput("a spend plan is for a Title 22 line; Title 10 execution is reported by DoD", field="program")
    rows, seen = [], set()
    for i, (end, obligated, disbursed) in enumerate(points):
        q_end = day(end, f"points[{i}].quarter_end")
        if (q_end + dt.timedelta(days=1)).day != 1 or q_end.month not in (3, 6, 9, 12) or q_end in seen:
            raise InvalidInput(
                "each point must be a distinct quarter end (31 Dec, 31 Mar, 30 Jun, 30 Sep)", field=f"points[{i}].quarter_end"
            )
        seen.add(q_end)
        o, d = (
            to_money(obligated, field=f"points[{i}].planned_obligated"),
            to_money(disbursed, field=f"points[{i}].planned_disbursed"),
        )
        if d > o:
            raise InvalidInput("planned disbursement cannot exceed planned obligation", field=f"points[{i}].planned_disbursed")
        rows.append(
            SpendPlanPoint(
                allocation=program.allocation,
                quarter_end=q_end,
                planned_obligated=o,
                planned_disbursed=d,
                is_demo=is_demo,
                recorded_at=clock.now(),
            )
        )
    old = SpendPlanPoint.objects.filter(allocation=program.allocation)
    before = [(str(p.quarter_end), str(p.planned_obligated), str(p.planned_disbursed)) for p in old]
    old.delete()
    SpendPlanPoint.objects.bulk_create(rows)
    record(
        actor=acting_user,
        action="oversight.plan_set",
        obj=program.allocation,
        before=before,
        after=[(str(p.quarter_end), str(p.planned_obligated), str(p.planned_disbursed)) for p in rows],
    )
    return rows


@transaction.atomic
def record_title10_execution(
    *, acting_user: Any, program: Program, as_of: Any, obligated: Any, disbursed: Any, source: str, is_demo: bool = False
) -> Title10Execution:
    require(acting_user, "oversight.edit")
    if program.proposal is None:
        raise InvalidInput(
            "DoD execution reports are for Title 10 proposals; Title 22 execution comes from the ledger", field="program"
        )
    on = day(as_of, "as_of", past_only=True)
    o, d = to_money(obligated, field="obligated"), to_money(disbursed, field="disbursed")
    if d > o:
        raise InvalidInput("disbursed cannot exceed obligated", field="disbursed")
    if Title10Execution.objects.filter(proposal=program.proposal, as_of=on).exists():
        raise Conflict(f"an execution report as of {on} is already recorded for {program.label}", field="as_of")
    row = Title10Execution.objects.create(
        proposal=program.proposal,
        as_of=on,
        obligated=o,
        disbursed=d,
        source=text(source, "source"),
        is_demo=is_demo,
        recorded_at=clock.now(),
        recorded_by=_user(acting_user),
    )
    record(
        actor=acting_user,
        action="oversight.t10_execution_record",
        obj=row,
        after={"proposal": program.key, "as_of": on, "obligated": o, "disbursed": d, "source": row.source},
    )
    return row


# ---------------------------------------------------------------- deliveries


def delivery_fields(raw: dict[str, Any], program: Program) -> dict[str, Any]:
    planned = day(raw.get("planned_on"), "planned_on")
    actual = optional_day(raw.get("actual_on"), "actual_on", past_only=True)
    qty = raw.get("quantity")
    if qty in (None, ""):
        quantity = None
    else:
        try:
            quantity = int(str(qty).strip())
        except ValueError:
            raise InvalidInput("quantity must be a whole number", field="quantity", value=str(qty)) from None
        if not 0 <= quantity <= 10_000_000:
            raise InvalidInput("quantity must be between 0 and 10,000,000", field="quantity")
    return {
        **program.fk(),
        "country_id": program.country_id,
        "kind": choice(str(raw.get("kind", "")).strip().lower(), ElementKind, "kind"),
        "description": text(raw.get("description"), "description"),
        "quantity": quantity,
        "planned_on": planned,
        "actual_on": actual,
    }


@transaction.atomic
def save_delivery(
    *, acting_user: Any, reference: str, program: Program, raw: dict[str, Any], is_demo: bool = False
) -> tuple[Delivery, str]:
    """Create the element, or update the one with the same reference. Returns (delivery, created|updated|unchanged)."""
    require(acting_user, "oversight.edit")
    reference = text(reference, "reference", max_length=80)
    return upsert_delivery(
        acting_user=acting_user, reference=reference, fields=delivery_fields(raw, program), program=program, is_demo=is_demo
    )


def upsert_delivery(
    *, acting_user: Any, reference: str, fields: dict[str, Any], program: Program, is_demo: bool = False
) -> tuple[Delivery, str]:
    """The write under save_delivery and the import (which checks its own permission, once per file)."""
    existing = Delivery.objects.select_for_update().filter(reference=reference).first()
    if existing is None:
        row = Delivery.objects.create(reference=reference, **fields, is_demo=is_demo, updated_at=clock.now())
        record(
            actor=acting_user, action="oversight.delivery_create", obj=row, after={**_delivery_dict(row), "program": program.key}
        )
        return row, "created"
    before = _delivery_dict(existing)
    for k, v in fields.items():
        setattr(existing, k, v)
    if _delivery_dict(existing) == before:
        return existing, "unchanged"
    existing.updated_at = clock.now()
    existing.save()
    record(actor=acting_user, action="oversight.delivery_update", obj=existing, before=before, after=_delivery_dict(existing))
    return existing, "updated"


def _delivery_dict(d: Delivery) -> dict[str, Any]:
    return {
        "reference": d.reference,
        "allocation": d.allocation_id,
        "proposal": d.proposal_id,
        "kind": d.kind,
        "description": d.description,
        "quantity": d.quantity,
        "planned_on": d.planned_on,
        "actual_on": d.actual_on,
    }


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None
