"""Writes of the congress app (other than status transitions, which are in workflow.py).

Every function: keyword-only, `acting_user` first, atomic, permission-checked, audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.clearances import versions
from secassist.core import clock
from secassist.core.errors import InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.reference.models import Committee, Office

from . import fields as field_parser
from . import workflow
from .fields import parse_date
from .models import TRANSMITTED_STATUSES, Attachment, Hold, HoldQuestion, Package, PackageLink, Status
from .numbering import next_number
from .rules import AUTHORITY_RULES

DEFAULT_TEAM = "PM/SA-SAT"


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}


@transaction.atomic
def create_package(*, acting_user: Any, **fields: Any) -> Package:
    """Open a draft CN. Required: title, fiscal_year, program, amount (others may follow while drafting)."""
    require(acting_user, "congress.edit")
    values, m2m = field_parser.clean(fields)
    for name in ("title", "fiscal_year", "program", "amount"):
        if values.get(name) in (None, ""):
            raise InvalidInput(f"{name} is required to open a notification", field=name)
    values.setdefault("team", Office.objects.get(code=DEFAULT_TEAM))
    values.setdefault("drafted_on", clock.today())
    now = clock.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                package = Package.objects.create(
                    number=next_number(values["fiscal_year"]),
                    created_at=now,
                    updated_at=now,
                    created_by=acting_user if getattr(acting_user, "pk", None) else None,
                    **values,
                )
            break
        except IntegrityError:  # two drafts took the same number at once: take the next
            continue
    else:
        raise RuleViolation("could not allocate a CN number; try again", code="CN-026")
    for name, objs in m2m.items():
        getattr(package, name).set(objs)
    record(
        actor=acting_user,
        action="congress.create",
        obj=package,
        after={**_snapshot(values), **{k: [o.pk for o in v] for k, v in m2m.items()}, "number": package.number},
    )
    versions.save_version(acting_user=acting_user, subject=package, change_note="draft opened")
    return package


@transaction.atomic
def update_package(*, acting_user: Any, package: Package, change_note: str = "", **fields: Any) -> Package:
    """Edit a draft. Once in clearance the text is frozen: return it to drafting to change it.
    A change of the text is kept as a new version; offices that cleared an earlier one become stale."""
    require(acting_user, "congress.edit")
    values, m2m = field_parser.clean(fields)
    for name in ("title", "program"):
        if name in values and not values[name]:
            raise InvalidInput(f"{name} must not be blank", field=name)
    package.refresh_from_db()
    if package.status != Status.DRAFTING:
        raise TransitionNotAllowed(
            f"{package.number} is {package.get_status_display().lower()}: only a draft can be edited "
            "(return it to drafting first)",
            current=package.status,
        )
    before = _snapshot({k: getattr(package, k) for k in values})
    updated = Package.objects.filter(pk=package.pk, status=Status.DRAFTING).update(updated_at=clock.now(), **values)
    if not updated:
        raise TransitionNotAllowed(f"{package.number} left drafting while you were editing; reload", current=package.status)
    package.refresh_from_db()
    for name, objs in m2m.items():
        before[name] = list(getattr(package, name).values_list("pk", flat=True))
        getattr(package, name).set(objs)
    record(
        actor=acting_user,
        action="congress.update",
        obj=package,
        before=before,
        after={**_snapshot(values), **{k: [o.pk for o in v] for k, v in m2m.items()}},
    )
    versions.save_version(acting_user=acting_user, subject=package, change_note=change_note or "edited")
    return package


@transaction.atomic
def add_link(*, acting_user: Any, package: Package, subject: models.Model, label: str = "") -> PackageLink:
    """Link a Title 10 proposal, a waiver or any other record to the package (named by type and id)."""
    require(acting_user, "congress.edit")
    subject_type = f"{subject._meta.app_label}.{subject._meta.model_name}"
    link, _ = PackageLink.objects.get_or_create(
        package=package, subject_type=subject_type, subject_id=str(subject.pk), defaults={"label": (label or str(subject))[:300]}
    )
    record(actor=acting_user, action="congress.link", obj=package, after={"subject": f"{subject_type}:{subject.pk}"})
    versions.save_version(acting_user=acting_user, subject=package, change_note=f"linked {link.label}"[:300])
    return link


@transaction.atomic
def add_attachment(*, acting_user: Any, package: Package, title: str, location: str) -> Attachment:
    require(acting_user, "congress.edit")
    if not title.strip():
        raise InvalidInput("an attachment needs a title", field="title")
    if not location.strip():
        raise InvalidInput("say where the document is kept (URL, share path or records number)", field="location")
    att = Attachment.objects.create(
        package=package,
        title=title.strip()[:200],
        location=location.strip()[:500],
        added_at=clock.now(),
        added_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record(actor=acting_user, action="congress.attach", obj=package, after={"title": att.title, "location": att.location})
    return att


def _committee(code: Any) -> Committee:
    committee = Committee.objects.filter(code=str(code or "").strip()).first()
    if committee is None:
        raise InvalidInput(
            f"committee {code!r} is not known",
            field="committee",
            value=code,
            allowed=list(Committee.objects.values_list("code", flat=True)),
        )
    return committee


@transaction.atomic
def place_hold(
    *, acting_user: Any, package: Package, committee: Any, reason: str, placed_on: Any = None, placed_by_name: str = ""
) -> Hold:
    """Record a committee hold on a transmitted CN. A cleared-to-obligate CN goes back to waiting."""
    require(acting_user, "congress.edit")
    package.refresh_from_db()
    if package.status not in TRANSMITTED_STATUSES:
        raise RuleViolation(
            f"{package.number} is {package.get_status_display().lower()}: holds are recorded on transmitted notifications",
            code="CN-030",
            status=package.status,
        )
    comm = committee if isinstance(committee, Committee) else _committee(committee)
    if not reason.strip():
        raise InvalidInput("say why the committee placed the hold", field="reason")
    on = parse_date(placed_on, "placed_on") or clock.today()
    if on > clock.today() or (package.transmitted_on and on < package.transmitted_on):
        raise InvalidInput(
            f"placed_on must be between the transmittal ({package.transmitted_on}) and today", field="placed_on", value=on
        )
    if package.holds.filter(committee=comm, lifted_on__isnull=True).exists():
        raise RuleViolation(f"{comm.code} already has an open hold on {package.number}", code="CN-031", committee=comm.code)
    hold = Hold.objects.create(
        package=package,
        committee=comm,
        placed_on=on,
        placed_by_name=placed_by_name.strip()[:200],
        reason=reason.strip(),
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record(
        actor=acting_user,
        action="congress.hold_place",
        obj=package,
        after={"committee": comm.code, "placed_on": on, "reason": hold.reason, "hold": hold.pk},
    )
    if package.status == Status.CLEARED_TO_OBLIGATE:
        workflow.transition(
            acting_user=acting_user,
            package=package,
            action="reopen_on_hold",
            _internal=True,
            note=f"{comm.code} placed a hold on {on}",
        )
    return hold


@transaction.atomic
def lift_hold(*, acting_user: Any, hold: Hold, lifted_on: Any = None, note: str = "") -> Hold:
    require(acting_user, "congress.edit")
    on = parse_date(lifted_on, "lifted_on") or clock.today()
    if on < hold.placed_on or on > clock.today():
        raise InvalidInput(
            f"lifted_on must be between the day the hold was placed ({hold.placed_on}) and today", field="lifted_on", value=on
        )
    updated = Hold.objects.filter(pk=hold.pk, lifted_on__isnull=True).update(
        lifted_on=on, lifted_note=note.strip(), lifted_by=acting_user if getattr(acting_user, "pk", None) else None
    )
    if not updated:
        raise RuleViolation(f"the {hold.committee.code} hold was already lifted on {hold.lifted_on}", code="CN-032")
    hold.refresh_from_db()
    record(
        actor=acting_user,
        action="congress.hold_lift",
        obj=hold.package,
        after={"committee": hold.committee.code, "lifted_on": on, "note": hold.lifted_note, "hold": hold.pk},
        before={"lifted_on": None},
    )
    return hold


@transaction.atomic
def ask_question(*, acting_user: Any, hold: Hold, question: str, asked_on: Any = None) -> HoldQuestion:
    require(acting_user, "congress.edit")
    if not question.strip():
        raise InvalidInput("the question text is required", field="question")
    on = parse_date(asked_on, "asked_on") or clock.today()
    q = HoldQuestion.objects.create(hold=hold, asked_on=on, question=question.strip())
    record(
        actor=acting_user,
        action="congress.question",
        obj=hold.package,
        after={"hold": hold.pk, "committee": hold.committee.code, "question": q.question, "asked_on": on},
    )
    return q


@transaction.atomic
def answer_question(*, acting_user: Any, question: HoldQuestion, answer: str, answered_on: Any = None) -> HoldQuestion:
    require(acting_user, "congress.edit")
    if not answer.strip():
        raise InvalidInput("the answer text is required", field="answer")
    on = parse_date(answered_on, "answered_on") or clock.today()
    if on < question.asked_on:
        raise InvalidInput(f"answered_on must not be before the question was asked ({question.asked_on})", field="answered_on")
    updated = HoldQuestion.objects.filter(pk=question.pk, answered_on__isnull=True).update(answer=answer.strip(), answered_on=on)
    if not updated:
        raise RuleViolation("this question was already answered", code="CN-033")
    question.refresh_from_db()
    record(
        actor=acting_user,
        action="congress.answer",
        obj=question.hold.package,
        after={"question": question.pk, "answer": question.answer, "answered_on": on},
    )
    return question


def source_key(source: models.Model) -> tuple[str, str]:
    return f"{source._meta.app_label}.{source._meta.model_name}", str(source.pk)


@transaction.atomic
def open_package(*, acting_user: Any, source: models.Model, **fields: Any) -> Package:
    """Registry service "congress.open_package": the live CN package of `source`, opened if none.

    Called by title10 after a concurrence decision with the §333(e) elements as fields. The
    source is stored by type and id (no import of the calling app).
    """
    subject_type, subject_id = source_key(source)
    live = [Status.DRAFTING, Status.IN_CLEARANCE, Status.CLEARED, Status.WAITING, Status.CLEARED_TO_OBLIGATE]
    existing = Package.objects.filter(source_type=subject_type, source_id=subject_id, status__in=live).first()
    if existing is not None:
        return existing
    known = {k: v for k, v in fields.items() if k in field_parser.EDITABLE}
    extras = {k: v for k, v in fields.items() if k not in field_parser.EDITABLE}
    label = str(extras.pop("source_label", "") or source)[:300]
    extras.pop("amount_str", None)
    title10 = subject_type.startswith("title10.") or bool(known.get("authority"))
    known.setdefault("team", "PM/SA-T10" if title10 else DEFAULT_TEAM)
    known.setdefault("title", f"Notification for {label}"[:200])
    known.setdefault("fiscal_year", _fy_of(clock.today()))
    authority = known.get("authority")
    authority_code = getattr(authority, "code", authority)
    if "rules" not in known and authority_code in AUTHORITY_RULES:
        known["rules"] = [AUTHORITY_RULES[str(authority_code)]]
    package = create_package(acting_user=acting_user, **known)
    Package.objects.filter(pk=package.pk).update(
        source_type=subject_type, source_id=subject_id, source_label=label, elements=_jsonable(extras)
    )
    package.refresh_from_db()
    PackageLink.objects.get_or_create(
        package=package, subject_type=subject_type, subject_id=subject_id, defaults={"label": str(source)[:300]}
    )
    record(actor=acting_user, action="congress.open_for_source", obj=package, after={"source": f"{subject_type}:{subject_id}"})
    return package


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


def _fy_of(day: dt.date) -> int:
    return day.year + 1 if day.month >= 10 else day.year
