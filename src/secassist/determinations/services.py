"""Writes on determination packages. Each is keyword-only, takes `acting_user`, checks
`restrictions.edit` (the capability of those who keep the waiver register), is atomic and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max

from secassist.accounts.access import require
from secassist.approvals import services as approval_services
from secassist.audit.services import record
from secassist.clearances import selectors as clearance_selectors
from secassist.clearances import services as clearance_services
from secassist.clearances import versions as document_versions
from secassist.clearances.models import Position
from secassist.core import clock
from secassist.core.dates import parse_date
from secassist.core.errors import InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.core.fiscal import FiscalYear
from secassist.reference.models import Country, Office
from secassist.restrictions import services as restriction_services
from secassist.restrictions.models import Waiver

from . import facts, rules, workflow
from .models import OPEN_STATUSES, DeterminationPackage, DeterminationType, JustificationVersion, PackageStatus

EDIT = workflow.EDIT
OWNER_OFFICE = "PM/SA"
MAX_TEXT = 50_000


def _text(value: Any, field: str, *, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"{field} is required", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{field} must be at most {limit} characters", field=field, limit=limit)
    return text


def _url(value: Any, field: str) -> str:
    """Links are https or relative only (never javascript:, data: or plain http)."""
    text = _text(value, field, limit=400)
    if text and not (text.startswith("https://") or (text.startswith("/") and not text.startswith("//"))):
        raise InvalidInput(f"{field} must be an https:// address or a relative path", field=field, value=text)
    return text


def _date(value: Any, field: str) -> dt.date:
    day = parse_date(value, field=field)
    assert day is not None  # required=True: parse_date raised on a blank
    return day


def _dtype(key: str) -> DeterminationType:
    obj = DeterminationType.objects.select_related("restriction").filter(key=key, restriction__isnull=False).first()
    if obj is None:
        allowed = list(DeterminationType.objects.filter(restriction__isnull=False).values_list("key", flat=True))
        raise InvalidInput(f"determination type {key!r} unknown; allowed: {', '.join(allowed)}", field="dtype", allowed=allowed)
    return obj


def _country(iso3: str) -> Country:
    country = Country.objects.filter(iso3=str(iso3 or "").strip().upper()).first()
    if country is None:
        raise InvalidInput(f"country {iso3!r} is not an ISO3 code in the reference data", field="country", value=iso3)
    return country


def _scope(dtype: DeterminationType, scope_all: bool, programs: list[str] | None) -> list[str]:
    allowed = restriction_services.program_codes()
    cleaned = sorted({p.strip().upper() for p in programs or [] if p.strip()})
    unknown = [p for p in cleaned if p not in allowed]
    if unknown:
        raise InvalidInput(
            f"scope_programs: {', '.join(unknown)} unknown; allowed: {', '.join(allowed)}",
            field="scope_programs",
            allowed=allowed,
        )
    if not scope_all and not cleaned:
        raise InvalidInput("choose all covered programs or at least one program", field="scope_programs", allowed=allowed)
    return [] if scope_all else cleaned


def _next_number(fiscal_year: int) -> str:
    prefix = f"DP-FY{fiscal_year}-"
    last = DeterminationPackage.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


@transaction.atomic
def create_package(
    *,
    acting_user: Any,
    dtype: str,
    country: str,
    fiscal_year: int,
    title: str = "",
    kind: str = Waiver.Kind.WAIVER,
    scope_all: bool = False,
    scope_programs: list[str] | None = None,
    scope_text: str = "",
    is_demo: bool = False,
) -> DeterminationPackage:
    require(acting_user, EDIT)
    kind_value = str(kind)
    if kind_value not in Waiver.RELIEVING:
        allowed = sorted(str(k) for k in Waiver.RELIEVING)
        raise InvalidInput(f"kind must be one of {', '.join(allowed)}", field="kind", allowed=allowed)
    dt_obj = _dtype(dtype)
    place = _country(country)
    fy = FiscalYear.parse(fiscal_year).year
    programs = _scope(dt_obj, scope_all, scope_programs)
    assert dt_obj.restriction is not None
    if DeterminationPackage.objects.filter(
        restriction=dt_obj.restriction, country=place, fiscal_year=fy, status__in=OPEN_STATUSES
    ).exists():
        raise RuleViolation(
            f"an open package for {dt_obj.restriction.short_name}, {place.iso3}, FY{fy} already exists",
            code="DET-007",
            restriction=dt_obj.restriction.key,
            country=place.iso3,
            fiscal_year=fy,
        )
    now = clock.now()
    package = DeterminationPackage.objects.create(
        number=_next_number(fy),
        dtype=dt_obj,
        restriction=dt_obj.restriction,
        country=place,
        fiscal_year=fy,
        kind=kind_value,
        scope_all=scope_all,
        scope_programs=programs,
        scope_text=_text(scope_text, "scope_text", limit=400),
        title=_text(title, "title", limit=300) or f"{dt_obj.restriction.short_name} {kind_value} — {place.name}, FY{fy}",
        owner_office=Office.objects.get(code=OWNER_OFFICE),
        status_changed_at=now,
        is_demo=is_demo,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        created_at=now,
        updated_at=now,
    )
    record(
        actor=acting_user,
        action="determinations.package.create",
        obj=package,
        after={
            "number": package.number,
            "restriction": dt_obj.restriction.key,
            "country": place.iso3,
            "fiscal_year": fy,
            "kind": kind_value,
            "scope_all": scope_all,
            "scope_programs": programs,
        },
    )
    return package


@transaction.atomic
def add_version(*, acting_user: Any, package: DeterminationPackage, text: str, change_note: str = "") -> JustificationVersion:
    """Save a new justification version with the facts pulled from the product now."""
    require(acting_user, EDIT)
    package.refresh_from_db()
    if package.status not in OPEN_STATUSES:
        raise RuleViolation(
            f"the justification is frozen once the package is {package.get_status_display().lower()}",
            code="DET-005",
            status=package.status,
        )
    body = _text(text, "text", limit=MAX_TEXT, required=True)
    number = (package.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = JustificationVersion.objects.create(
        package=package,
        number=number,
        text=body,
        change_note=_text(change_note, "change_note", limit=300),
        facts=facts.gather(package),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        created_at=clock.now(),
    )
    DeterminationPackage.objects.filter(pk=package.pk).update(updated_at=clock.now())
    record(
        actor=acting_user,
        action="determinations.version.add",
        obj=package,
        after={"version": number, "change_note": version.change_note, "chars": len(body)},
    )
    # The cleared document is versioned too (ADR 0740): offices that cleared an earlier text become stale.
    document_versions.save_version(
        acting_user=acting_user, subject=package, change_note=version.change_note or f"justification v{number}"
    )
    return version


def document_content(package: DeterminationPackage) -> list[tuple[str, str, str]]:
    """What the clearing offices clear: the package's terms and its latest justification."""
    latest = package.versions.order_by("-number").first()
    return [
        ("title", "Title", package.title),
        ("type", "Determination", package.dtype.title),
        ("restriction", "Restriction", f"{package.restriction.citation}"),
        ("country", "Country", package.country.name),
        ("fiscal_year", "Fiscal year", f"FY{package.fiscal_year}"),
        ("kind", "Kind", package.get_kind_display()),
        ("scope", "Scope", package.scope_label + (f" — {package.scope_text}" if package.scope_text else "")),
        ("justification_version", "Justification version", f"v{latest.number}" if latest else "none written"),
        ("justification", "Justification", latest.text if latest else ""),
    ]


# ---- routing and guards ---------------------------------------------------------------------------


def required_offices(package: DeterminationPackage) -> list[tuple[Office, str]]:
    """The offices that must clear, from the type's routing data ("REGIONAL" = the country's bureau)."""
    codes = []
    for code in package.dtype.clearing_offices:
        if code == "REGIONAL":
            if package.country.bureau:
                codes.append((package.country.bureau, f"regional bureau of {package.country.name}"))
        else:
            codes.append((code, f"routing for {package.dtype.key} (data/determinations/types.csv)"))
    offices = {o.code: o for o in Office.objects.filter(code__in=[c for c, _ in codes])}
    return [(offices[c], reason) for c, reason in codes if c in offices]


def positions(package: DeterminationPackage) -> dict[str, str]:
    """Each asked office's position; "stale" where it was given on an older version of the text."""
    rows = clearance_selectors.for_subject(package).exclude(position=Position.WITHDRAWN)
    return {r.office.code: "stale" if r.is_stale else r.position for r in rows}


def clearance_gap(package: DeterminationPackage) -> rules.Result | None:
    return rules.clearance_gaps([o.code for o, _ in required_offices(package)], positions(package))


def guard_submit(package: DeterminationPackage) -> None:
    if not package.versions.exists():
        raise RuleViolation("write the justification (a first version) before sending the package for clearance", code="DET-005")


def guard_cleared(package: DeterminationPackage) -> None:
    document_versions.require_current_clearances(package, act=f"clear or sign {package.number}")
    gap = clearance_gap(package)
    if gap:
        raise RuleViolation(gap.message, code=gap.code, citation=gap.citation, **gap.data)


def guard_close(package: DeterminationPackage) -> None:
    gap = rules.close_gaps(
        notice_sent=package.notice_sent_on is not None,
        needs_publication=package.dtype.federal_register,
        published=package.fr_published_on is not None,
    )
    if gap:
        raise RuleViolation(gap.message, code=gap.code, **gap.data)


# ---- transitions with effects ---------------------------------------------------------------------


@transaction.atomic
def submit(*, acting_user: Any, package: DeterminationPackage, business_days: int = 5) -> DeterminationPackage:
    package = workflow.transition(acting_user=acting_user, package=package, action="submit")
    clearance_services.request_clearances(
        acting_user=acting_user,
        subject=package,
        offices=required_offices(package),
        business_days=business_days,
        subject_url=f"/determinations/{package.pk}/",
    )
    return package


@transaction.atomic
def retract(*, acting_user: Any, package: DeterminationPackage, action: str, note: str) -> DeterminationPackage:
    """return_to_draft or withdraw: pending clearances are withdrawn with the reason."""
    package = workflow.transition(acting_user=acting_user, package=package, action=action, note=note)
    clearance_services.withdraw_clearances(acting_user=acting_user, subject=package, reason=f"{action}: {note}")
    return package


def notice_clock(package: DeterminationPackage, *, today: dt.date | None = None) -> rules.Clock | None:
    dtype = package.dtype
    if not dtype.notice_direction:
        return None
    return rules.notice_clock(
        direction=dtype.notice_direction,
        days=dtype.notice_days or 0,
        citation=dtype.notice_citation,
        signed_on=package.signed_on,
        sent_on=package.notice_sent_on,
        today=today or clock.today(),
    )


@transaction.atomic
def sign(
    *,
    acting_user: Any,
    package: DeterminationPackage,
    signed_by: str,
    signed_on: Any,
    signature_document: str,
    signature_url: str = "",
    pd_number: str = "",
) -> DeterminationPackage:
    """Record the signature; the waiver enters the register linked to the package (DET-001..004)."""
    require(acting_user, EDIT)
    package.refresh_from_db()
    day = _date(signed_on, "signed_on")
    who = _text(signed_by, "signed_by", limit=120, required=True)
    document = _text(signature_document, "signature_document", limit=300, required=True)
    url = _url(signature_url, "signature_url")
    pd = _text(pd_number, "pd_number", limit=40)
    if package.status != PackageStatus.READY:
        gap = clearance_gap(package)
        if gap and package.status in OPEN_STATUSES:
            raise RuleViolation(gap.message, code=gap.code, citation=gap.citation, **gap.data)
        raise TransitionNotAllowed(
            f"cannot record a signature on a package that is {package.get_status_display().lower()}", current=package.status
        )
    guard_cleared(package)  # defence in depth: the signature never outruns the clearances
    problem = rules.signature_date_problem(day, opened_on=package.created_at.date(), today=clock.today())
    if problem:
        raise RuleViolation(problem.message, code=problem.code, field="signed_on")
    before_gap = rules.before_notice_missing(
        package.dtype.notice_direction, package.notice_sent_on, package.dtype.notice_citation
    )
    if before_gap:
        raise RuleViolation(before_gap.message, code=before_gap.code, citation=before_gap.citation)
    DeterminationPackage.objects.filter(pk=package.pk).update(
        signed_by=who,
        signed_on=day,
        signature_document=document,
        signature_url=url,
        pd_number=pd,
        signature_recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    package.refresh_from_db()
    clock_ = notice_clock(package)
    effective = clock_.effective_from if clock_ and clock_.effective_from else day
    DeterminationPackage.objects.filter(pk=package.pk).update(
        effective_from=effective, notice_due_on=clock_.due_on if clock_ else None
    )
    package.refresh_from_db()
    package = workflow.transition(
        acting_user=acting_user,
        package=package,
        action="sign",
        after={
            "signed_by": who,
            "signed_on": day,
            "document": document,
            "effective_from": effective,
            "notice_due_on": package.notice_due_on,
        },
    )
    return enter_register(acting_user=acting_user, package=package)


def _latest_text(package: DeterminationPackage) -> str:
    latest = package.versions.order_by("-number").first()
    return latest.text if latest else ""


REGISTER_ACT = "determinations.register_waiver"


def enter_register(*, acting_user: Any, package: DeterminationPackage) -> DeterminationPackage:
    """Put the signed waiver into the restrictions register, linked to the package.

    Recording a waiver commits the Department, so when the approval policy for
    `determinations.register_waiver` requires it (the default) the entry is proposed to a second
    person (`approvals`, ADR 0700) and recorded on approval; otherwise it is recorded directly
    through the restrictions service (the register's one door)."""
    if approval_services.needs_approval(REGISTER_ACT):
        latest = package.versions.order_by("-number").first()
        request = approval_services.propose(
            acting_user=acting_user,
            act=REGISTER_ACT,
            subject=package,
            summary=f"approving records the signed {package.get_kind_display().lower()} of {package.number} "
            f"({package.restriction.short_name}, {package.country.iso3}, FY{package.fiscal_year}, "
            f"{package.scope_label}) in the waiver register",
            payload=register_payload(package),
            version=register_version(package),
            subject_url=f"/determinations/{package.pk}/",
            reason=f"signed {package.signed_on} by {package.signed_by}; justification v{latest.number if latest else 0}",
        )
        DeterminationPackage.objects.filter(pk=package.pk).update(
            register_route=f"pending two-person approval (request {request.pk})"
        )
        package.refresh_from_db()
        return package
    waiver = restriction_services.record_waiver(
        acting_user=acting_user,
        approved_under=f"the policy for {REGISTER_ACT} needs no second person",
        **register_fields(package),
    )
    return link_waiver(acting_user=acting_user, package=package, waiver=waiver, route="recorded directly (no approval required)")


def register_version(package: DeterminationPackage) -> str:
    """What the checker approves: the signature and notice as recorded (APR-003 refuses a stale proposal)."""
    return f"{package.signed_on}|{package.pd_number}|{package.effective_from}|{package.scope_label}"


def register_payload(package: DeterminationPackage) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, dt.date) else v) for k, v in register_fields(package).items()}


def approve_register(*, request: Any, acting_user: Any) -> None:
    """`on_approve` of the register act: runs inside the approving transaction."""
    package = DeterminationPackage.objects.select_related("restriction", "country").get(pk=int(request.subject_id))
    if package.waiver_id:
        raise RuleViolation("the package is already linked to a register entry", code="DET-008", waiver=package.waiver_id)
    waiver = restriction_services.record_waiver(
        acting_user=acting_user, approved_under=f"approval request #{request.pk} ({REGISTER_ACT})", **register_fields(package)
    )
    route = f"two-person approval: signed entry proposed by {request.proposed_by.username}, approved by {acting_user.username}"
    link_waiver(acting_user=acting_user, package=package, waiver=waiver, route=route)


def return_register(*, request: Any, acting_user: Any) -> None:
    status = "returned" if request.status == "returned" else "withdrawn"
    DeterminationPackage.objects.filter(pk=int(request.subject_id), waiver__isnull=True).update(
        register_route=f"register entry {status} ({request.comment or 'no comment'}); propose it again when corrected"
    )


def current_register_version(request: Any) -> str:
    return register_version(DeterminationPackage.objects.get(pk=int(request.subject_id)))


@transaction.atomic
def propose_register_again(*, acting_user: Any, package: DeterminationPackage) -> DeterminationPackage:
    """After a checker returned the register entry: propose it again (signed packages without an entry)."""
    require(acting_user, EDIT)
    package.refresh_from_db()
    if package.status not in (PackageStatus.SIGNED, PackageStatus.CLOSED) or package.waiver_id:
        raise RuleViolation("only a signed package without a register entry can be proposed for the register", code="DET-008")
    if approval_services.pending_for(package, REGISTER_ACT) is not None:
        raise TransitionNotAllowed("a register entry for this package is already awaiting approval")
    return enter_register(acting_user=acting_user, package=package)


def register_fields(package: DeterminationPackage) -> dict[str, Any]:
    return {
        "restriction": package.restriction.key,
        "country": package.country.iso3,
        "kind": package.kind,
        "scope_all": package.scope_all,
        "scope_programs": list(package.scope_programs),
        "scope_text": package.scope_text,
        "fiscal_year": package.fiscal_year,
        "effective_from": package.effective_from,
        "legal_authority": f"{package.restriction.citation}: {package.restriction.waiver_form or package.get_kind_display()}"[
            :200
        ],
        "signed_by": package.signed_by,
        "signed_on": package.signed_on,
        "pd_number": package.pd_number,
        "justification": _latest_text(package),
        "cn_due_on": package.notice_due_on,
        "cn_sent_on": package.notice_sent_on,
        "public": True,
        "source_document": f"Determination package {package.number}: {package.signature_document}"[:400],
        "source_url": package.signature_url if package.signature_url.startswith("https://") else "",
    }


@transaction.atomic
def link_waiver(*, acting_user: Any, package: DeterminationPackage, waiver: Waiver, route: str) -> DeterminationPackage:
    updated = DeterminationPackage.objects.filter(pk=package.pk, waiver__isnull=True).update(waiver=waiver, register_route=route)
    if not updated:
        raise RuleViolation("the package is already linked to a register entry", code="DET-008", waiver=package.waiver_id)
    record(actor=acting_user, action="determinations.package.register", obj=package, after={"waiver": waiver.pk, "route": route})
    package.refresh_from_db()
    return package


@transaction.atomic
def record_notice(*, acting_user: Any, package: DeterminationPackage, sent_on: Any) -> DeterminationPackage:
    """The congressional notice (or report) was sent; for "before" clocks this may precede signature."""
    require(acting_user, EDIT)
    package.refresh_from_db()
    day = _date(sent_on, "sent_on")
    if day > clock.today():
        raise InvalidInput(f"sent_on {day} is in the future", field="sent_on")
    if package.status in (PackageStatus.WITHDRAWN, PackageStatus.CLOSED, PackageStatus.DRAFT):
        raise TransitionNotAllowed(
            f"cannot record a notice on a package that is {package.get_status_display().lower()}", current=package.status
        )
    if package.notice_sent_on is not None:
        raise RuleViolation(f"the notice was already recorded as sent on {package.notice_sent_on}", code="DET-003")
    if package.dtype.notice_direction != "before" and package.signed_on is None:
        raise RuleViolation(
            "this notice follows the signature: record the signature first",
            code="DET-003",
            citation=package.dtype.notice_citation,
        )
    if package.signed_on and day < package.signed_on and package.dtype.notice_direction != "before":
        raise InvalidInput(f"sent_on {day} is before the signature ({package.signed_on})", field="sent_on")
    DeterminationPackage.objects.filter(pk=package.pk).update(notice_sent_on=day, updated_at=clock.now())
    record(actor=acting_user, action="determinations.package.notice", obj=package, after={"notice_sent_on": day})
    if package.waiver is not None:
        restriction_services.mark_cn_sent(acting_user=acting_user, waiver=package.waiver, sent_on=day)
    package.refresh_from_db()
    return package


FR_CITATION_MAX = 60


@transaction.atomic
def record_publication(
    *, acting_user: Any, package: DeterminationPackage, fr_citation: str, published_on: Any, fr_url: str = ""
) -> DeterminationPackage:
    require(acting_user, EDIT)
    package.refresh_from_db()
    if package.status != PackageStatus.SIGNED:
        raise TransitionNotAllowed("only a signed package is published", current=package.status)
    day = _date(published_on, "published_on")
    if package.signed_on and day < package.signed_on:
        raise InvalidInput(f"published_on {day} is before the signature ({package.signed_on})", field="published_on")
    if day > clock.today():
        raise InvalidInput(f"published_on {day} is in the future", field="published_on")
    citation = _text(fr_citation, "fr_citation", limit=FR_CITATION_MAX, required=True)
    url = _url(fr_url, "fr_url")
    DeterminationPackage.objects.filter(pk=package.pk).update(
        fr_citation=citation, fr_published_on=day, fr_url=url, updated_at=clock.now()
    )
    record(
        actor=acting_user,
        action="determinations.package.publish",
        obj=package,
        after={"fr_citation": citation, "fr_published_on": day, "fr_url": url},
    )
    package.refresh_from_db()
    return package
