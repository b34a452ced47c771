"""Every write of the plans app: keyword-only, `acting_user` first, atomic, permission-checked and
audited in the same transaction. Status changes of taskers go through workflow.transition()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.urls import reverse

from secassist.accounts.access import require
from secassist.accounts.roles import Role, has_capability
from secassist.alerts.models import AlertKind
from secassist.alerts.services import deliver
from secassist.audit.services import record
from secassist.clearances import services as clearance_services
from secassist.clearances.models import ClearanceRequest, Position
from secassist.core import clock
from secassist.core.calendar import business_days_between
from secassist.core.dates import parse_date
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.core.safe_url import clean_url
from secassist.reference.models import Bureau, Cocom, Country, Office

from . import rules
from .models import (
    ActionItem,
    ActionStatus,
    Adjudication,
    Classification,
    Comment,
    CommentType,
    CoordinationStatus,
    Dissemination,
    Engagement,
    EngagementKind,
    LinkKind,
    OwnerKind,
    PlanLink,
    PlanningProduct,
    PostureChangeRequest,
    PostureDecision,
    ProductType,
    ReminderLog,
    Tasker,
    TaskerStatus,
)

# ---- validation helpers ------------------------------------------------------------------------


def choice(value: Any, choices: type[models.TextChoices], field: str, *, blank: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    if blank and value == "":
        return ""
    if value not in choices.values:
        allowed = [v for v in choices.values if v]
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}", field=field, value=value, allowed=allowed)
    return value


def text(value: Any, field: str, *, max_length: int | None = None, required: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise InvalidInput(f"{field} is required", field=field)
    if max_length and len(value) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters", field=field, length=len(value))
    return value


def unclassified(**fields: str) -> None:
    """PLN-001: refuse free text that carries classification markings."""
    findings = rules.check_unclassified(fields)
    if findings:
        first = findings[0]
        raise RuleViolation(
            first.message,
            code=first.code,
            field=first.data["field"],
            citation=first.citation,
            markings=first.data["markings"],
            fields=[f.data["field"] for f in findings],
        )


def date_(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(f"{field} is required (YYYY-MM-DD)", field=field)
        return None
    return parse_date(value, field=field)


def countries_from(codes: Iterable[str], field: str = "countries") -> list[Country]:
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    found = {c.iso3: c for c in Country.objects.filter(iso3__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise InvalidInput(f"{field}: unknown ISO3 country codes {', '.join(unknown)}", field=field, value=unknown)
    return [found[c] for c in dict.fromkeys(wanted)]


def offices_from(codes: Iterable[str], field: str = "offices") -> list[Office]:
    wanted = [c.strip() for c in codes if c and c.strip()]
    found = {o.code: o for o in taskable_offices().filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise InvalidInput(
            f"{field}: {', '.join(unknown)} cannot be tasked; allowed: bureaus, offices and posts that clear",
            field=field,
            value=unknown,
            allowed=list(taskable_offices().values_list("code", flat=True)),
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def office_from(code: str, field: str = "office") -> Office:
    """One taskable office by code; a blank is refused naming the field (it was an IndexError)."""
    if not (code or "").strip():
        raise InvalidInput(
            f"{field} is required: the code of a tasked office, e.g. AF",
            field=field,
            allowed=list(taskable_offices().values_list("code", flat=True)),
        )
    return offices_from([code], field)[0]


def taskable_offices() -> models.QuerySet[Office]:
    return (
        Office.objects.filter(models.Q(is_clearing_office=True) | models.Q(kind=Office.Kind.POST))
        .exclude(kind=Office.Kind.EXTERNAL)
        .order_by("code")
    )


def _product_fields(data: dict[str, Any]) -> dict[str, Any]:
    owner_kind = choice(data.get("owner_kind"), OwnerKind, "owner_kind")
    owner_ccmd = choice(data.get("owner_ccmd"), Cocom, "owner_ccmd", blank=True)
    if owner_kind == OwnerKind.CCMD and not owner_ccmd:
        raise InvalidInput(
            "owner_ccmd is required when the owner is a combatant command", field="owner_ccmd", allowed=list(Cocom.values)
        )
    regions = [str(r).strip().upper() for r in (data.get("regions") or []) if str(r).strip()]
    bad = [r for r in regions if r not in Bureau.values]
    if bad:
        raise InvalidInput(
            f"regions must be among {', '.join(Bureau.values)}", field="regions", value=bad, allowed=list(Bureau.values)
        )
    fields: dict[str, Any] = {
        "product_type": choice(data.get("product_type"), ProductType, "product_type"),
        "owner_kind": owner_kind,
        "owner_ccmd": owner_ccmd if owner_kind == OwnerKind.CCMD else "",
        "title": text(data.get("title"), "title", max_length=300, required=True),
        "version": text(data.get("version"), "version", max_length=60),
        "classification": choice(data.get("classification"), Classification, "classification"),
        "dissemination": choice(data.get("dissemination"), Dissemination, "dissemination", blank=True),
        "classified_text_location": text(data.get("classified_text_location"), "classified_text_location", max_length=300),
        "summary": text(data.get("summary"), "summary"),
        "regions": list(dict.fromkeys(regions)),
        "review_opens_on": date_(data.get("review_opens_on"), "review_opens_on", required=False),
        "review_closes_on": date_(data.get("review_closes_on"), "review_closes_on", required=False),
    }
    if (
        fields["classification"] not in (Classification.UNCLASSIFIED, Classification.CUI)
        and not fields["classified_text_location"]
    ):
        raise InvalidInput(
            "a classified product needs the location of its classified text (e.g. the SIPRNet library)",
            field="classified_text_location",
        )
    if fields["review_opens_on"] and fields["review_closes_on"] and fields["review_closes_on"] < fields["review_opens_on"]:
        raise InvalidInput("review_closes_on must not be before review_opens_on", field="review_closes_on")
    unclassified(
        title=fields["title"],
        version=fields["version"],
        summary=fields["summary"],
        classified_text_location=fields["classified_text_location"],
    )
    return fields


def _snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


# ---- planning products -------------------------------------------------------------------------


@transaction.atomic
def create_product(*, acting_user: Any, countries: Iterable[str] = (), **data: Any) -> PlanningProduct:
    require(acting_user, "plans.edit")
    fields = _product_fields(data)
    country_objs = countries_from(countries)
    now = clock.now()
    product = PlanningProduct.objects.create(**fields, created_by=acting_user, created_at=now, updated_at=now)
    product.countries.set(country_objs)
    record(
        actor=acting_user,
        action="plans.product.create",
        obj=product,
        after={**fields, "countries": [c.iso3 for c in country_objs]},
    )
    return product


@transaction.atomic
def update_product(
    *, acting_user: Any, product: PlanningProduct, countries: Iterable[str] | None = None, **data: Any
) -> PlanningProduct:
    require(acting_user, "plans.edit")
    fields = _product_fields(data)
    before = {**_snapshot(product, fields), "countries": sorted(product.countries.values_list("iso3", flat=True))}
    for name, value in fields.items():
        setattr(product, name, value)
    product.updated_at = clock.now()
    product.save()
    if countries is not None:
        product.countries.set(countries_from(countries))
    after = {**fields, "countries": sorted(product.countries.values_list("iso3", flat=True))}
    record(actor=acting_user, action="plans.product.update", obj=product, before=before, after=after)
    return product


@transaction.atomic
def add_link(
    *,
    acting_user: Any,
    product: PlanningProduct,
    kind: str,
    label: str,
    subject_type: str = "",
    subject_id: str = "",
    url: str = "",
    element: str = "",
) -> PlanLink:
    require(acting_user, "plans.edit")
    fields: dict[str, Any] = {
        "kind": choice(kind, LinkKind, "kind"),
        "label": text(label, "label", max_length=300, required=True),
        "subject_type": text(subject_type, "subject_type", max_length=60),
        "subject_id": text(subject_id, "subject_id", max_length=64),
        "url": clean_url(text(url, "url", max_length=300), field="url"),
        "element": text(element, "element", max_length=300),
    }
    if bool(fields["subject_type"]) != bool(fields["subject_id"]):
        raise InvalidInput("subject_type and subject_id go together (e.g. title10.proposal and its id)", field="subject_id")
    unclassified(label=fields["label"], element=fields["element"])
    link = PlanLink.objects.create(product=product, created_at=clock.now(), **fields)
    record(actor=acting_user, action="plans.link.add", obj=link, after={**fields, "product": product.pk})
    return link


@transaction.atomic
def remove_link(*, acting_user: Any, link: PlanLink) -> None:
    require(acting_user, "plans.edit")
    record(
        actor=acting_user,
        action="plans.link.remove",
        obj=link,
        before={"kind": link.kind, "label": link.label, "product": link.product_id},
    )
    link.delete()


# ---- taskers -----------------------------------------------------------------------------------


def _lead(user_id: Any) -> Any:
    from django.contrib.auth import get_user_model

    if user_id in (None, ""):
        return None
    lead = (
        get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if str(user_id).isdigit()
        else get_user_model().objects.filter(username=user_id, is_active=True).first()
    )
    if lead is None or not has_capability(lead, "plans.edit"):
        raise InvalidInput("state_lead must be an active Defense Sector Plans analyst", field="state_lead", value=str(user_id))
    return lead


def _tasker_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "received_on": date_(data.get("received_on"), "received_on"),
        "due_on": date_(data.get("due_on"), "due_on"),
        "office_due_on": date_(data.get("office_due_on"), "office_due_on", required=False),
        "dod_reference": text(data.get("dod_reference"), "dod_reference", max_length=100),
        "requested_by": text(data.get("requested_by"), "requested_by", max_length=200),
        "instructions": text(data.get("instructions"), "instructions"),
        "state_lead": _lead(data.get("state_lead")),
    }
    if fields["due_on"] < fields["received_on"]:
        raise InvalidInput("due_on must not be before received_on", field="due_on")
    if fields["office_due_on"] and fields["office_due_on"] > fields["due_on"]:
        raise RuleViolation(
            f"the office suspense {fields['office_due_on']:%Y-%m-%d} is after DoD's due date {fields['due_on']:%Y-%m-%d}",
            code="PLN-002",
            field="office_due_on",
            office_due_on=fields["office_due_on"],
            due_on=fields["due_on"],
        )
    unclassified(instructions=fields["instructions"], dod_reference=fields["dod_reference"], requested_by=fields["requested_by"])
    return fields


def _audit_tasker(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "state_lead": getattr(fields.get("state_lead"), "username", None)}


@transaction.atomic
def create_tasker(*, acting_user: Any, product: PlanningProduct, offices: Iterable[str] = (), **data: Any) -> Tasker:
    require(acting_user, "plans.edit")
    fields = _tasker_fields(data)
    office_objs = offices_from(offices)
    now = clock.now()
    tasker = Tasker.objects.create(
        product=product, **fields, status=TaskerStatus.RECEIVED, status_changed_at=now, created_by=acting_user, created_at=now
    )
    tasker.offices.set(office_objs)
    record(
        actor=acting_user,
        action="plans.tasker.create",
        obj=tasker,
        after={**_audit_tasker(fields), "product": product.pk, "offices": [o.code for o in office_objs]},
    )
    return tasker


@transaction.atomic
def update_tasker(*, acting_user: Any, tasker: Tasker, offices: Iterable[str] | None = None, **data: Any) -> Tasker:
    """Edit dates, lead and offices. Offices added after tasking are asked to clear at once."""
    require(acting_user, "plans.edit")
    if tasker.status == TaskerStatus.CLOSED:
        raise TransitionNotAllowed("a closed tasker cannot be edited", current=tasker.status)
    fields = _tasker_fields(data)
    before = {**_audit_tasker(_snapshot(tasker, fields)), "offices": sorted(tasker.offices.values_list("code", flat=True))}
    for name, value in fields.items():
        setattr(tasker, name, value)
    tasker.save()
    if offices is not None:
        office_objs = offices_from(offices)
        removed = set(before["offices"]) - {o.code for o in office_objs}
        if removed and tasker.comments.filter(office__code__in=removed).exists():
            raise RuleViolation(
                f"{', '.join(sorted(removed))} already commented and cannot be untasked", code="PLN-005", offices=sorted(removed)
            )
        tasker.offices.set(office_objs)
        if tasker.status in (TaskerStatus.TASKED, TaskerStatus.COMMENTS_DUE):
            days = max(business_days_between(clock.today(), tasker.office_due_on or tasker.due_on), 0)
            clearance_services.request_clearances(
                acting_user=acting_user,
                subject=tasker,
                business_days=days,
                offices=[(o, "tasked to comment on a plan review") for o in office_objs],
                subject_url=reverse("plans:tasker", args=[tasker.pk]),
            )
    after = {**_audit_tasker(fields), "offices": sorted(tasker.offices.values_list("code", flat=True))}
    record(actor=acting_user, action="plans.tasker.update", obj=tasker, before=before, after=after)
    return tasker


# ---- comments ----------------------------------------------------------------------------------


def may_comment_for(user: Any, tasker: Tasker, office: Office) -> None:
    """PLN-005: DSP analysts may enter comments for any tasked office; a clearing officer only for
    their own office, and only when the tasker tasks it."""
    require(user, "plans.comment")
    tasked = set(tasker.offices.values_list("pk", flat=True))
    if office.pk not in tasked:
        raise RuleViolation(
            f"{office.code} is not tasked on this tasker",
            code="PLN-005",
            office=office.code,
            tasked=sorted(tasker.offices.values_list("code", flat=True)),
        )
    if has_capability(user, "plans.edit"):
        return
    if getattr(user, "office_id", None) != office.pk:
        raise AccessDenied(
            f"a clearing officer may comment only for their own office, not {office.code}", code="PLN-005", office=office.code
        )


def _comment_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "page": text(data.get("page"), "page", max_length=20),
        "paragraph": text(data.get("paragraph"), "paragraph", max_length=40),
        "line": text(data.get("line"), "line", max_length=20),
        "comment_type": choice(data.get("comment_type"), CommentType, "comment_type"),
        "comment": text(data.get("comment"), "comment", required=True),
        "rationale": text(data.get("rationale"), "rationale"),
        "proposed_change": text(data.get("proposed_change"), "proposed_change"),
    }
    if fields["comment_type"] == CommentType.CRITICAL and not fields["rationale"]:
        raise InvalidInput("a critical comment needs a rationale", field="rationale")
    unclassified(
        comment=fields["comment"],
        rationale=fields["rationale"],
        proposed_change=fields["proposed_change"],
        page=fields["page"],
        paragraph=fields["paragraph"],
        line=fields["line"],
    )
    return fields


def _open_for_comments(tasker: Tasker) -> None:
    if not tasker.accepts_comments:
        raise RuleViolation(
            "comments are accepted only while the tasker is tasked or comments are due; "
            f"it is {tasker.get_status_display().lower()}",
            code="PLN-004",
            status=tasker.status,
        )


@transaction.atomic
def add_comment(*, acting_user: Any, tasker: Tasker, office: Office, **data: Any) -> Comment:
    locked = Tasker.objects.select_for_update().get(pk=tasker.pk)  # numbers comments one at a time
    _open_for_comments(locked)
    may_comment_for(acting_user, locked, office)
    fields = _comment_fields(data)
    number = (Comment.objects.filter(tasker=locked).aggregate(m=models.Max("number"))["m"] or 0) + 1
    comment = Comment.objects.create(
        tasker=locked, number=number, office=office, **fields, entered_by=acting_user, entered_at=clock.now()
    )
    record(
        actor=acting_user,
        action="plans.comment.add",
        obj=comment,
        after={**fields, "tasker": tasker.pk, "number": number, "office": office.code},
    )
    return comment


def _may_change_comment(user: Any, comment: Comment) -> None:
    _open_for_comments(comment.tasker)
    may_comment_for(user, comment.tasker, comment.office)
    if comment.merged_into_id or comment.duplicates.exists():
        raise RuleViolation("a merged comment cannot be changed", code="PLN-008", number=comment.number)


@transaction.atomic
def update_comment(*, acting_user: Any, existing: Comment, **data: Any) -> Comment:
    """Change a comment (`existing`: the field names include "comment", the text)."""
    _may_change_comment(acting_user, existing)
    fields = _comment_fields(data)
    before = _snapshot(existing, fields)
    Comment.objects.filter(pk=existing.pk).update(**fields)
    existing.refresh_from_db()
    record(actor=acting_user, action="plans.comment.update", obj=existing, before=before, after=fields)
    return existing


@transaction.atomic
def delete_comment(*, acting_user: Any, comment: Comment) -> None:
    _may_change_comment(acting_user, comment)
    record(
        actor=acting_user,
        action="plans.comment.delete",
        obj=comment,
        before={"number": comment.number, "office": comment.office.code, "comment": comment.comment},
    )
    comment.delete()


@transaction.atomic
def adjudicate_comment(*, acting_user: Any, comment: Comment, adjudication: str, dod_response: str = "") -> Comment:
    require(acting_user, "plans.edit")
    if comment.tasker.status != TaskerStatus.ADJUDICATING:
        raise RuleViolation(
            "comments are adjudicated only while the tasker is adjudicating", code="PLN-007", status=comment.tasker.status
        )
    if comment.merged_into is not None:
        primary = comment.merged_into.number
        raise RuleViolation(
            f"comment {comment.number} was merged into comment {primary}: adjudicate that one",
            code="PLN-008",
            merged_into=primary,
        )
    value = choice(adjudication, Adjudication, "adjudication")
    response = text(dod_response, "dod_response")
    if value in (Adjudication.MODIFIED, Adjudication.REJECTED) and not response:
        raise InvalidInput("DoD's response is required when a comment is modified or rejected", field="dod_response")
    unclassified(dod_response=response)
    before = {"adjudication": comment.adjudication, "dod_response": comment.dod_response}
    Comment.objects.filter(pk=comment.pk).update(adjudication=value, dod_response=response)
    comment.refresh_from_db()
    record(
        actor=acting_user,
        action="plans.comment.adjudicate",
        obj=comment,
        before=before,
        after={"adjudication": value, "dod_response": response},
    )
    return comment


SEVERITY: list[str] = [CommentType.CRITICAL.value, CommentType.SUBSTANTIVE.value, CommentType.ADMINISTRATIVE.value]


def _merge(acting_user: Any, primary: Comment, duplicate: Comment, reason: str) -> None:
    offices = [o for o in primary.also_offices.split(", ") if o]
    for code in [duplicate.office.code, *[o for o in duplicate.also_offices.split(", ") if o]]:
        if code != primary.office.code and code not in offices:
            offices.append(code)
    worst = min(primary.comment_type, duplicate.comment_type, key=SEVERITY.index)
    Comment.objects.filter(pk=primary.pk).update(also_offices=", ".join(offices)[:200], comment_type=worst)
    Comment.objects.filter(duplicates=duplicate).update(merged_into=primary)  # never leave chains
    Comment.objects.filter(merged_into=duplicate).update(merged_into=primary)
    Comment.objects.filter(pk=duplicate.pk).update(merged_into=primary)
    primary.refresh_from_db()
    record(
        actor=acting_user,
        action="plans.comment.merge",
        obj=duplicate,
        before={"merged_into": None},
        after={"merged_into": primary.number, "primary_type": worst, "primary_offices": primary.offices_label},
        reason=reason,
    )


def _may_merge(tasker: Tasker) -> None:
    if tasker.status not in (TaskerStatus.COMMENTS_DUE, TaskerStatus.ADJUDICATING):
        raise RuleViolation(
            "duplicates are merged once comments are due or during adjudication", code="PLN-008", status=tasker.status
        )


@transaction.atomic
def merge_duplicates(*, acting_user: Any, tasker: Tasker) -> list[tuple[int, list[int]]]:
    """Apply the PLN-008 rule: returns (primary number, [merged numbers]) for each group merged."""
    require(acting_user, "plans.edit")
    _may_merge(tasker)
    live = list(
        Comment.objects.filter(tasker=tasker, merged_into__isnull=True, adjudication=Adjudication.PENDING).select_related(
            "office"
        )
    )
    merged = []
    for group in rules.duplicate_groups(live):
        primary = group[0]
        for dup in group[1:]:
            _merge(acting_user, primary, dup, f"PLN-008: same location, text ≥{rules.DUPLICATE_SIMILARITY:.0%} alike")
        merged.append((primary.number, [c.number for c in group[1:]]))
    return merged


@transaction.atomic
def merge_comment(*, acting_user: Any, duplicate: Comment, into: Comment, reason: str) -> Comment:
    """A DSP analyst's judgement that two comments say the same thing although the rule missed it."""
    require(acting_user, "plans.edit")
    _may_merge(duplicate.tasker)
    if into.tasker_id != duplicate.tasker_id or into.pk == duplicate.pk:
        raise InvalidInput("merge a comment into another comment of the same tasker", field="into")
    if into.merged_into_id or duplicate.merged_into_id:
        raise RuleViolation("one of these comments is already merged", code="PLN-008")
    if not reason.strip():
        raise InvalidInput("say why the comments are duplicates", field="reason")
    _merge(acting_user, into, duplicate, reason)
    into.refresh_from_db()
    return into


# ---- reminders ---------------------------------------------------------------------------------


def pending_offices(tasker: Tasker) -> list[str]:
    from secassist.clearances.services import subject_key

    subject_type, subject_id = subject_key(tasker)
    return sorted(
        ClearanceRequest.objects.filter(subject_type=subject_type, subject_id=subject_id, position=Position.PENDING).values_list(
            "office__code", flat=True
        )
    )


@transaction.atomic
def send_reminders(*, acting_user: Any = None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Record (once each) the PLN-009 reminders due today and e-mail them after commit."""
    today = today or clock.today()
    sent = []
    for tasker in Tasker.objects.exclude(status=TaskerStatus.CLOSED).select_related("product", "state_lead"):
        for reminder in rules.reminders_due(
            status=tasker.status, office_due_on=tasker.office_due_on, due_on=tasker.due_on, today=today
        ):
            offices = pending_offices(tasker) if reminder.kind == "office_suspense" else []
            users = _reminder_users(tasker, offices)
            recipients = sorted({u.email or u.username for u in users})
            _, created = ReminderLog.objects.get_or_create(
                tasker=tasker,
                kind=reminder.kind,
                due_on=reminder.due_on,
                defaults={"sent_on": today, "recipients": ", ".join(recipients)},
            )
            if not created:
                continue
            subject = f"[secassist] {tasker}: {reminder.message}"
            body = (
                f"{reminder.message}.\nOffices yet to answer: {', '.join(offices) or 'none'}.\nRule PLN-009: {reminder.citation}."
            )
            for user in users:  # in-app and/or e-mail, as each person chose (alerts.deliver)
                deliver(
                    user=user,
                    kind=AlertKind.PLAN_REMINDER,
                    key=f"plan-reminder:{tasker.pk}:{reminder.kind}:{reminder.due_on.isoformat()}",
                    title=subject.removeprefix("[secassist] "),
                    body=body,
                    url=reverse("plans:tasker", args=[tasker.pk]),
                )
            record(
                actor=acting_user,
                action="plans.tasker.remind",
                obj=tasker,
                after={
                    "kind": reminder.kind,
                    "due_on": reminder.due_on,
                    "business_days_left": reminder.business_days_left,
                    "offices": offices,
                    "recipients": recipients,
                },
            )
            sent.append(
                {
                    "tasker": tasker.pk,
                    "kind": reminder.kind,
                    "due_on": reminder.due_on,
                    "message": reminder.message,
                    "business_days_left": reminder.business_days_left,
                    "offices": offices,
                }
            )
    return sent


def _reminder_users(tasker: Tasker, offices: list[str]) -> list[Any]:
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(is_active=True, office__code__in=offices, role=Role.CLEARING_OFFICER))
    if tasker.state_lead and all(u.pk != tasker.state_lead.pk for u in users):
        users.append(tasker.state_lead)
    return users


# ---- posture change requests -------------------------------------------------------------------

POSTURE_TEXT = ("title", "change", "dod_sponsor", "host_nation_agreements", "foreign_policy_implications")


def _posture_fields(data: dict[str, Any]) -> dict[str, Any]:
    country = countries_from([str(data.get("country") or "")], "country")
    if not country:
        raise InvalidInput("country is required (ISO3)", field="country")
    fields: dict[str, Any] = {
        "country": country[0],
        "title": text(data.get("title"), "title", max_length=300, required=True),
        "change": text(data.get("change"), "change", required=True),
        "dod_sponsor": text(data.get("dod_sponsor"), "dod_sponsor", max_length=200, required=True),
        "host_nation_agreements": text(data.get("host_nation_agreements"), "host_nation_agreements"),
        "foreign_policy_implications": text(data.get("foreign_policy_implications"), "foreign_policy_implications"),
        "coordination_status": choice(
            data.get("coordination_status") or CoordinationStatus.RECEIVED, CoordinationStatus, "coordination_status"
        ),
        "received_on": date_(data.get("received_on"), "received_on"),
        "product": data.get("product"),
    }
    if fields["coordination_status"] == CoordinationStatus.DECIDED:
        raise InvalidInput("record a decision with the decide action, not by setting the status", field="coordination_status")
    unclassified(**{k: fields[k] for k in POSTURE_TEXT})
    return fields


def _posture_audit(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "country": fields["country"].iso3, "product": getattr(fields.get("product"), "pk", None)}


@transaction.atomic
def create_posture_change(*, acting_user: Any, **data: Any) -> PostureChangeRequest:
    require(acting_user, "plans.edit")
    fields = _posture_fields(data)
    obj = PostureChangeRequest.objects.create(**fields, created_by=acting_user, updated_at=clock.now())
    record(actor=acting_user, action="plans.posture.create", obj=obj, after=_posture_audit(fields))
    return obj


@transaction.atomic
def update_posture_change(*, acting_user: Any, posture: PostureChangeRequest, **data: Any) -> PostureChangeRequest:
    require(acting_user, "plans.edit")
    if posture.decision:
        raise RuleViolation("a decided posture change is final; record a new request", code="PLN-010", decision=posture.decision)
    fields = _posture_fields(data)
    before = _posture_audit(_snapshot(posture, fields))
    for name, value in fields.items():
        setattr(posture, name, value)
    posture.updated_at = clock.now()
    posture.save()
    record(actor=acting_user, action="plans.posture.update", obj=posture, before=before, after=_posture_audit(fields))
    return posture


@transaction.atomic
def decide_posture_change(
    *, acting_user: Any, posture: PostureChangeRequest, decision: str, decision_on: Any, note: str = ""
) -> PostureChangeRequest:
    require(acting_user, "plans.edit")
    value = choice(decision, PostureDecision, "decision")
    day = date_(decision_on, "decision_on")
    note = text(note, "note")
    unclassified(note=note)
    if value == PostureDecision.APPROVED_WITH_CONDITIONS and not note:
        raise InvalidInput("state the conditions in the note", field="note")
    updated = PostureChangeRequest.objects.filter(pk=posture.pk, decision="").update(
        decision=value,
        decision_on=day,
        decision_note=note,
        coordination_status=CoordinationStatus.DECIDED,
        updated_at=clock.now(),
    )
    if not updated:
        raise RuleViolation("this posture change has already been decided", code="PLN-010", decision=posture.decision)
    record(
        actor=acting_user,
        action="plans.posture.decide",
        obj=posture,
        before={"decision": ""},
        after={"decision": value, "decision_on": day, "note": note},
    )
    posture.refresh_from_db()
    return posture


# ---- engagements and action items --------------------------------------------------------------


def _engagement_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": choice(data.get("kind"), EngagementKind, "kind"),
        "title": text(data.get("title"), "title", max_length=300, required=True),
        "held_on": date_(data.get("held_on"), "held_on"),
        "location": text(data.get("location"), "location", max_length=200),
        "participants": text(data.get("participants"), "participants"),
        "outputs": text(data.get("outputs"), "outputs"),
        "product": data.get("product"),
    }
    unclassified(
        title=fields["title"], location=fields["location"], participants=fields["participants"], outputs=fields["outputs"]
    )
    return fields


@transaction.atomic
def create_engagement(*, acting_user: Any, countries: Iterable[str] = (), **data: Any) -> Engagement:
    require(acting_user, "plans.edit")
    fields = _engagement_fields(data)
    country_objs = countries_from(countries)
    obj = Engagement.objects.create(**fields, created_by=acting_user, created_at=clock.now())
    obj.countries.set(country_objs)
    record(
        actor=acting_user,
        action="plans.engagement.create",
        obj=obj,
        after={**fields, "product": getattr(fields["product"], "pk", None), "countries": [c.iso3 for c in country_objs]},
    )
    return obj


@transaction.atomic
def update_engagement(
    *, acting_user: Any, engagement: Engagement, countries: Iterable[str] | None = None, **data: Any
) -> Engagement:
    require(acting_user, "plans.edit")
    fields = _engagement_fields(data)
    before = {**_snapshot(engagement, fields), "product": engagement.product_id}
    for name, value in fields.items():
        setattr(engagement, name, value)
    engagement.save()
    if countries is not None:
        engagement.countries.set(countries_from(countries))
    record(
        actor=acting_user,
        action="plans.engagement.update",
        obj=engagement,
        before=before,
        after={**fields, "product": getattr(fields["product"], "pk", None)},
    )
    return engagement


# Who may own an action item: people who do the work. A read-only viewer cannot act on it, and
# administrators keep the system, not the office's tasks.
ACTION_OWNER_ROLES = frozenset({Role.SA_ANALYST, Role.T10_ANALYST, Role.DSP_ANALYST, Role.CLEARING_OFFICER, Role.BUDGET_REVIEWER})


def _owner(value: Any) -> Any:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, role__in=ACTION_OWNER_ROLES)
    owner = users.filter(pk=value).first() if str(value).isdigit() else users.filter(username=str(value or "")).first()
    if owner is None:
        raise InvalidInput(
            "owner must be an active user who does the office's work (an analyst, clearing officer or budget reviewer), "
            "not a read-only account or an administrator",
            field="owner",
            value=str(value),
            allowed=sorted(ACTION_OWNER_ROLES),
        )
    return owner


@transaction.atomic
def add_action_item(*, acting_user: Any, engagement: Engagement, description: str, owner: Any, due_on: Any) -> ActionItem:
    require(acting_user, "plans.edit")
    fields: dict[str, Any] = {
        "description": text(description, "description", max_length=500, required=True),
        "owner": _owner(owner),
        "due_on": date_(due_on, "due_on"),
    }
    unclassified(description=fields["description"])
    item = ActionItem.objects.create(engagement=engagement, **fields)
    record(
        actor=acting_user,
        action="plans.action.add",
        obj=item,
        after={**fields, "owner": fields["owner"].username, "engagement": engagement.pk},
    )
    return item


@transaction.atomic
def set_action_status(*, acting_user: Any, item: ActionItem, status: str, note: str = "") -> ActionItem:
    """The owner or a DSP analyst moves an action item along (open, in progress, done, dropped)."""
    require(acting_user, "view")
    if not (has_capability(acting_user, "plans.edit") or getattr(acting_user, "pk", None) == item.owner_id):
        raise AccessDenied("only the owner or a Defense Sector Plans analyst may update this action item")
    value = choice(status, ActionStatus, "status")
    note = text(note, "note")
    unclassified(note=note)
    if value == ActionStatus.DROPPED and not note:
        raise InvalidInput("say why the action item is dropped", field="note")
    old = item.status
    closed_at = clock.now() if value in (ActionStatus.DONE, ActionStatus.DROPPED) else None
    if not ActionItem.objects.filter(pk=item.pk, status=old).update(status=value, note=note or item.note, closed_at=closed_at):
        raise TransitionNotAllowed("the action item changed meanwhile; reload it", current=old)
    item.refresh_from_db()
    record(
        actor=acting_user, action="plans.action.status", obj=item, before={"status": old}, after={"status": value, "note": note}
    )
    return item
