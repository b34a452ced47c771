"""Writes on restrictions data: designations, waivers/determinations, security-force units.

Each write checks `restrictions.edit`, validates, saves, bumps DataVersion (so every process's
engine snapshot is rebuilt) and records an audit event, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from secassist.accounts.access import require
from secassist.approvals import services as approvals
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput, RuleViolation
from secassist.core.fiscal import FiscalYear
from secassist.core.safe_url import clean_url
from secassist.reference.models import Authority, Country, Title22Account

from .models import Assessment, DataVersion, Designation, Restriction, SecurityForceUnit, Waiver

EDIT = "restrictions.edit"


def _snapshot(obj: Any) -> dict[str, Any]:
    data = model_to_dict(obj)
    return {k: v for k, v in data.items() if k not in ("recorded_by",)}


def _country(iso3: str) -> Country:
    country = Country.objects.filter(iso3=str(iso3 or "").strip().upper()).first()
    if country is None:
        raise InvalidInput(
            f"country {iso3!r} is not an ISO3 code in the reference data",
            field="country",
            value=iso3,
            allowed="ISO3 codes listed by GET /api/v1/countries",
        )
    return country


def _restriction(key: str) -> Restriction:
    obj = Restriction.objects.filter(key=key, is_active=True).first()
    if obj is None:
        allowed = list(Restriction.objects.filter(is_active=True).values_list("key", flat=True))
        raise InvalidInput(
            f"restriction {key!r} is not in the catalog; allowed: {', '.join(allowed)}",
            field="restriction",
            value=key,
            allowed=allowed,
        )
    return obj


def _text(value: str, field: str, *, required: bool = True, limit: int = 400) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{field} is required", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{field} must be at most {limit} characters", field=field)
    return text


def _fy(value: int | None) -> int | None:
    return None if value in (None, "") else FiscalYear.parse(value).year


def program_codes() -> list[str]:
    return sorted(
        set(Title22Account.objects.values_list("code", flat=True))
        | set(Authority.objects.filter(is_active=True).values_list("code", flat=True))
    )


@transaction.atomic
def record_designation(
    *,
    acting_user: Any,
    restriction: str,
    country: str,
    status: str,
    effect: str = "prohibits",
    fiscal_year: int | None = None,
    effective_from: dt.date | None = None,
    ended_on: dt.date | None = None,
    source_document: str,
    source_url: str = "",
    pd_number: str = "",
    note: str = "",
    confidence: str = "V",
) -> Designation:
    require(acting_user, EDIT)
    obj = Designation(
        restriction=_restriction(restriction),
        country=_country(country),
        status=_text(status, "status", limit=200),
        effect=effect,
        fiscal_year=_fy(fiscal_year),
        effective_from=effective_from,
        ended_on=ended_on,
        source_document=_text(source_document, "source_document"),
        source_url=clean_url(source_url, field="source_url"),
        pd_number=_text(pd_number, "pd_number", required=False, limit=40),
        note=note,
        confidence=confidence,
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
        locally_edited=True,
    )
    if effect not in Designation.Effect.values:
        raise InvalidInput(
            f"effect must be one of {', '.join(Designation.Effect.values)}", field="effect", allowed=Designation.Effect.values
        )
    if obj.fiscal_year is None and obj.effective_from is None:
        raise InvalidInput("give a fiscal year (FY-scoped) or the date it took effect", field="effective_from")
    if ended_on and effective_from and ended_on <= effective_from:
        raise InvalidInput("ended_on must be after effective_from", field="ended_on")
    obj.save()
    DataVersion.bump()
    record(actor=acting_user, action="restrictions.designation.record", obj=obj, after=_snapshot(obj))
    return obj


END_DESIGNATION_ACT = "restrictions.end_designation"
END_WAIVER_ACT = "restrictions.end_waiver"


@transaction.atomic
def end_designation(
    *, acting_user: Any, designation: Designation, ended_on: dt.date, reason: str, approved_under: str = ""
) -> Any:
    """Record a rescission or removal: the designation stops being in force on `ended_on`.

    Ending a designation lifts a prohibition (it opens the way for money), so when the policy for
    `restrictions.end_designation` needs a second person it is proposed (returns the approval
    request) and recorded on approval; the designation row is never edited otherwise (ADR 0710)."""
    if not approved_under:
        require(acting_user, EDIT)
    reason = _text(reason, "reason")
    if designation.effective_from and ended_on <= designation.effective_from:
        raise InvalidInput("ended_on must be after the date the designation took effect", field="ended_on")
    if designation.ended_on is not None:
        raise RuleViolation(
            f"this designation already ended on {designation.ended_on}", code="RST-101", ended_on=designation.ended_on
        )
    if not approved_under and approvals.needs_approval(END_DESIGNATION_ACT):
        return approvals.propose(
            acting_user=acting_user,
            act=END_DESIGNATION_ACT,
            subject=designation,
            summary=f"record that {designation.restriction.short_name} ({designation.status}) no longer applies to "
            f"{designation.country.name} from {ended_on}: checks stop finding this prohibition from that day"[:500],
            reason=reason,
            payload={"ended_on": ended_on.isoformat()},
            subject_url=f"/restrictions/countries/{designation.country.iso3}/",
        )
    if approved_under:
        reason = f"{reason} ({approved_under})"
    before = _snapshot(designation)
    Designation.objects.filter(pk=designation.pk, ended_on__isnull=True).update(ended_on=ended_on, locally_edited=True)
    designation.refresh_from_db()
    DataVersion.bump()
    record(
        actor=acting_user,
        action="restrictions.designation.end",
        obj=designation,
        before=before,
        after=_snapshot(designation),
        reason=reason,
    )
    return designation


@transaction.atomic
def record_waiver(
    *,
    acting_user: Any,
    restriction: str,
    country: str,
    kind: str = "waiver",
    scope_all: bool = False,
    scope_programs: list[str] | None = None,
    scope_text: str = "",
    fiscal_year: int | None = None,
    effective_from: dt.date,
    expires_on: dt.date | None = None,
    legal_authority: str,
    signed_by: str = "",
    signed_on: dt.date | None = None,
    pd_number: str = "",
    justification: str = "",
    cn_due_on: dt.date | None = None,
    cn_sent_on: dt.date | None = None,
    public: bool = True,
    source_document: str,
    source_url: str = "",
    approved_under: str = "",
) -> Any:
    """Record a waiver, determination, certification or exception in the register.

    A waiver or determination commits the Department, so when the policy for
    `restrictions.record_waiver` needs a second person (the default) the validated entry is
    proposed instead (returns the approval request) and recorded when approved (ADR 0710).
    `approved_under` names the approval the caller already holds (the approvals handler, or a
    determination package approved through its own act): then nothing is proposed again."""
    if not approved_under:
        require(acting_user, EDIT)
    if kind not in Waiver.Kind.values:
        raise InvalidInput(f"kind must be one of {', '.join(Waiver.Kind.values)}", field="kind", allowed=Waiver.Kind.values)
    allowed = program_codes()
    programs = sorted({p.strip().upper() for p in (scope_programs or []) if p.strip()})
    unknown = [p for p in programs if p not in allowed]
    if unknown:
        raise InvalidInput(
            f"scope_programs: {', '.join(unknown)} unknown; allowed: {', '.join(allowed)}",
            field="scope_programs",
            allowed=allowed,
        )
    if not scope_all and not programs and kind != Waiver.Kind.DELEGATION:
        raise InvalidInput(
            "choose 'all covered programs' or at least one program in scope", field="scope_programs", allowed=allowed
        )
    fy = _fy(fiscal_year)
    if fy is not None and expires_on is None:
        expires_on = FiscalYear(fy).end  # an FY-scoped waiver ends with its fiscal year
    if expires_on is not None and expires_on < effective_from:
        raise InvalidInput("expires_on must be on or after effective_from", field="expires_on")
    obj = Waiver(
        restriction=_restriction(restriction),
        country=_country(country),
        kind=kind,
        scope_all=scope_all,
        scope_programs=[] if scope_all else programs,
        scope_text=_text(scope_text, "scope_text", required=False),
        fiscal_year=fy,
        effective_from=effective_from,
        expires_on=expires_on,
        legal_authority=_text(legal_authority, "legal_authority", limit=200),
        signed_by=_text(signed_by, "signed_by", required=False, limit=120),
        signed_on=signed_on,
        pd_number=_text(pd_number, "pd_number", required=False, limit=40),
        justification=justification,
        cn_due_on=cn_due_on,
        cn_sent_on=cn_sent_on,
        public=public,
        source_document=_text(source_document, "source_document"),
        source_url=clean_url(source_url, field="source_url"),
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
        locally_edited=True,
    )
    if not obj.restriction.has_waiver and kind in (Waiver.Kind.WAIVER, Waiver.Kind.DETERMINATION):
        raise RuleViolation(
            f"{obj.restriction.citation} provides no waiver ({obj.restriction.waiver_form or 'none'})",
            code="RST-102",
            restriction=obj.restriction.key,
        )
    if not approved_under and approvals.needs_approval(WAIVER_ACT):
        return _propose_waiver(acting_user, obj)
    obj.save()
    DataVersion.bump()
    reason = justification[:300] if not approved_under else f"{approved_under}; {justification}"[:300]
    record(actor=acting_user, action="restrictions.waiver.record", obj=obj, after=_snapshot(obj), reason=reason)
    return obj


def approve_end_designation(*, request: Any, acting_user: Any) -> None:
    designation = Designation.objects.select_related("restriction", "country").get(pk=int(request.subject_id))
    end_designation(
        acting_user=acting_user,
        designation=designation,
        ended_on=dt.date.fromisoformat(request.payload["ended_on"]),
        reason=request.reason,
        approved_under=_approved_under(request, acting_user),
    )


def _approved_under(request: Any, checker: Any) -> str:
    return f"approval request #{request.pk}: proposed by {request.proposed_by.username}, approved by {checker.username}"


@transaction.atomic
def end_waiver(*, acting_user: Any, waiver: Waiver, ended_on: dt.date, reason: str, approved_under: str = "") -> Any:
    """End (revoke, or retract an entry recorded in error) a waiver: its last day in force becomes the
    day before `ended_on`. A reversing act, audited with before/after; never an edit of the entry.
    Through a second person when the policy for `restrictions.end_waiver` says so (the default)."""
    if not approved_under:
        require(acting_user, EDIT)
    reason = _text(reason, "reason")
    waiver.refresh_from_db()
    last_day = ended_on - dt.timedelta(days=1)
    if ended_on <= waiver.effective_from:
        raise InvalidInput(
            f"ended_on must be after the day the waiver took effect ({waiver.effective_from}); an entry recorded in "
            "error ends the day after it",
            field="ended_on",
        )
    if waiver.expires_on is not None and last_day >= waiver.expires_on:
        raise RuleViolation(
            f"this waiver already stops being in force after {waiver.expires_on}", code="RST-103", expires_on=waiver.expires_on
        )
    if not approved_under and approvals.needs_approval(END_WAIVER_ACT):
        return approvals.propose(
            acting_user=acting_user,
            act=END_WAIVER_ACT,
            subject=waiver,
            summary=f"end the {waiver.get_kind_display().lower()} under {waiver.restriction.short_name} for "
            f"{waiver.country.name}: last day in force {last_day} (was {waiver.expires_on or 'open'})"[:500],
            reason=reason,
            payload={"ended_on": ended_on.isoformat()},
            subject_url=f"/restrictions/countries/{waiver.country.iso3}/",
        )
    before = _snapshot(waiver)
    Waiver.objects.filter(pk=waiver.pk).update(expires_on=last_day, locally_edited=True)
    waiver.refresh_from_db()
    DataVersion.bump()
    why = f"{reason} ({approved_under})" if approved_under else reason
    record(actor=acting_user, action="restrictions.waiver.end", obj=waiver, before=before, after=_snapshot(waiver), reason=why)
    return waiver


def approve_end_waiver(*, request: Any, acting_user: Any) -> None:
    waiver = Waiver.objects.select_related("restriction", "country").get(pk=int(request.subject_id))
    end_waiver(
        acting_user=acting_user,
        waiver=waiver,
        ended_on=dt.date.fromisoformat(request.payload["ended_on"]),
        reason=request.reason,
        approved_under=_approved_under(request, acting_user),
    )


WAIVER_ACT = "restrictions.record_waiver"
WAIVER_FIELDS = (
    "kind",
    "scope_all",
    "scope_programs",
    "scope_text",
    "fiscal_year",
    "effective_from",
    "expires_on",
    "legal_authority",
    "signed_by",
    "signed_on",
    "pd_number",
    "justification",
    "cn_due_on",
    "cn_sent_on",
    "public",
    "source_document",
    "source_url",
)


def _propose_waiver(acting_user: Any, obj: Waiver) -> Any:
    """The register entry, validated, waits for a second person; its subject is the country (one
    pending register entry per country at a time)."""
    payload = {f: (v.isoformat() if isinstance(v := getattr(obj, f), dt.date) else v) for f in WAIVER_FIELDS}
    payload.update(restriction=obj.restriction.key, country=obj.country.iso3)
    return approvals.propose(
        acting_user=acting_user,
        act=WAIVER_ACT,
        subject=obj.country,
        summary=(
            f"record the {obj.get_kind_display().lower()} under {obj.restriction.short_name} for {obj.country.name} "
            f"({'FY' + str(obj.fiscal_year) if obj.fiscal_year else 'from ' + str(obj.effective_from)}; "
            f"{'all covered programs' if obj.scope_all else ', '.join(obj.scope_programs) or obj.scope_text}) in the register"
        )[:500],
        reason=obj.justification[:2000],
        payload=payload,
        subject_url=f"/restrictions/countries/{obj.country.iso3}/",
    )


def approve_waiver(*, request: Any, acting_user: Any) -> None:
    """The approvals handler: validate again and record the entry as proposed."""
    data = dict(request.payload)
    for f in ("effective_from", "expires_on", "signed_on", "cn_due_on", "cn_sent_on"):
        data[f] = dt.date.fromisoformat(data[f]) if data.get(f) else None
    record_waiver(
        acting_user=acting_user,
        approved_under=(
            f"approval request #{request.pk}: proposed by {request.proposed_by.username}, approved by {acting_user.username}"
        ),
        **data,
    )


@transaction.atomic
def mark_cn_sent(*, acting_user: Any, waiver: Waiver, sent_on: dt.date) -> Waiver:
    require(acting_user, EDIT)
    before = _snapshot(waiver)
    Waiver.objects.filter(pk=waiver.pk).update(cn_sent_on=sent_on, locally_edited=True)
    waiver.refresh_from_db()
    DataVersion.bump()
    record(actor=acting_user, action="restrictions.waiver.cn_sent", obj=waiver, before=before, after=_snapshot(waiver))
    return waiver


UNIT_FIELDS = (
    "name",
    "aliases",
    "force_type",
    "invest_request_id",
    "vetting_status",
    "vetted_on",
    "vetting_expires_on",
    "credible_information",
    "finding_date",
    "finding_summary",
    "remediation_status",
    "public_list",
)


@transaction.atomic
def save_unit(
    *,
    acting_user: Any,
    country: str,
    unit: SecurityForceUnit | None = None,
    parent: SecurityForceUnit | None = None,
    reason: str = "",
    **fields: Any,
) -> SecurityForceUnit:
    """Register a security-force unit or update it as recorded from INVEST (vetting, finding, remediation)."""
    require(acting_user, EDIT)
    unknown = sorted(set(fields) - set(UNIT_FIELDS))
    if unknown:
        raise InvalidInput(f"unknown unit field(s) {', '.join(unknown)}", field=unknown[0], allowed=list(UNIT_FIELDS))
    target = unit or SecurityForceUnit(country=_country(country))
    before = _snapshot(target) if unit else None
    for key, value in fields.items():
        setattr(target, key, value)
    target.parent = parent
    target.name = _text(target.name, "name", limit=200)
    _validate_unit(target)
    target.recorded_by = acting_user if getattr(acting_user, "pk", None) else None
    target.save()
    DataVersion.bump()
    record(
        actor=acting_user,
        action="restrictions.unit.save" if unit else "restrictions.unit.register",
        obj=target,
        before=before,
        after=_snapshot(target),
        reason=reason,
    )
    return target


def _validate_unit(unit: SecurityForceUnit) -> None:
    for field, choices in (
        ("force_type", SecurityForceUnit.ForceType),
        ("vetting_status", SecurityForceUnit.Vetting),
        ("remediation_status", SecurityForceUnit.Remediation),
    ):
        if getattr(unit, field) not in choices.values:
            raise InvalidInput(f"{field} must be one of {', '.join(choices.values)}", field=field, allowed=list(choices.values))
    if unit.parent_id and unit.parent and unit.parent.country_id != unit.country_id:
        raise InvalidInput("the parent unit must belong to the same country", field="parent")
    if unit.vetted_on and unit.vetting_expires_on and unit.vetting_expires_on < unit.vetted_on:
        raise InvalidInput("vetting_expires_on must be on or after vetted_on", field="vetting_expires_on")
    if unit.credible_information and not unit.finding_date:
        raise InvalidInput("a credible-information finding needs its date", field="finding_date")
    dupe = SecurityForceUnit.objects.filter(country_id=unit.country_id, name__iexact=unit.name).exclude(pk=unit.pk).exists()
    if dupe:
        raise InvalidInput(f"{unit.name!r} is already registered for this country", field="name")


@transaction.atomic
def record_assessment(
    *,
    acting_user: Any,
    restriction: str,
    country: str,
    fiscal_year: int,
    conclusion: str,
    basis: str,
    source_document: str,
    source_url: str = "",
) -> Assessment:
    """Record (or replace) an analyst's assessment of one restriction for one country and fiscal year,
    filling a gap the product's data leaves (the engine's `not_assessed`). Audited with before/after."""
    require(acting_user, EDIT)
    rule = _restriction(restriction)
    if rule.trigger_kind == Restriction.TriggerKind.UNIT_FINDING:
        raise InvalidInput(
            "Leahy restrictions are assessed per unit (the unit registry), not per country",
            field="restriction",
            value=restriction,
        )
    if conclusion not in Assessment.Conclusion.values:
        raise InvalidInput(
            f"conclusion must be one of {', '.join(Assessment.Conclusion.values)}",
            field="conclusion",
            value=conclusion,
            allowed=Assessment.Conclusion.values,
        )
    fy = _fy(fiscal_year)
    if fy is None:
        raise InvalidInput("fiscal_year is required", field="fiscal_year")
    basis_text = _text(basis, "basis", limit=4000)
    values: dict[str, Any] = {
        "conclusion": conclusion,
        "basis": basis_text,
        "source_document": _text(source_document, "source_document"),
        "source_url": clean_url(source_url, field="source_url"),
        "recorded_by": acting_user if getattr(acting_user, "pk", None) else None,
        "recorded_at": clock.now(),
    }
    target = _country(country)
    existing = Assessment.objects.select_for_update().filter(restriction=rule, country=target, fiscal_year=fy).first()
    before = _snapshot(existing) if existing else None
    if existing is None:
        obj = Assessment.objects.create(restriction=rule, country=target, fiscal_year=fy, **values)
    else:
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        obj = existing
    DataVersion.bump()
    record(
        actor=acting_user,
        action="restrictions.assessment.record",
        obj=obj,
        before=before,
        after=_snapshot(obj),
        reason=basis_text[:300],
    )
    return obj
