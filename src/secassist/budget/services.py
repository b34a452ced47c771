"""Every write on Title 22 funds. Keyword-only, acting user first, atomic, audited.

Money moves only through `post_entry` (and `reverse_entry`, which posts the mirror image): it
locks the appropriation's total balance row and the line rows (SELECT … FOR UPDATE on
PostgreSQL; SQLite serialises writers), checks every rule against the locked numbers, appends
the ledger entry and writes the new balances in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction

from secassist.accounts.access import require
from secassist.approvals import services as approvals
from secassist.audit.services import record
from secassist.core import clock, fastsql
from secassist.core.dates import add_days, parse_date
from secassist.core.errors import Conflict, InvalidInput, RuleViolation, raise_all
from secassist.core.fiscal import FiscalYear, cancellation_date, period_of_availability_end
from secassist.core.money import CENT, to_money
from secassist.core.registry import registry
from secassist.reference.models import Country, PseudoRegion, Title22Account

from . import rules, workflow
from .models import (
    STAGES,
    ZERO,
    Allocation,
    AllocationStatus,
    Appropriation,
    AppropriationKind,
    Balance,
    Earmark,
    EarmarkKind,
    EntryType,
    LedgerEntry,
    RecipientKind,
    Report653a,
)

LINE_TYPES = frozenset(EntryType.values) - {"appropriate", "expire", "cancel"}
MOVEMENTS = frozenset({"allocate", "reallocate", "reprogram"})


def violation(code: str, message: str, remedy: str, **data: Any) -> RuleViolation:
    """A refusal outside the posting rules, worded like them: code, numbers, citation, what would pass."""
    return RuleViolation(
        f"{code}: {message}. To pass: {remedy}.", code=code, citation=rules.RULES[code][1], remedy=remedy, **data
    )


def raise_first(results: list[rules.RuleResult]) -> None:
    errors = [r for r in results if r.severity == "error"]
    if errors:
        first = errors[0]
        raise RuleViolation(
            f"{first.code}: {first.message}. To pass: {first.remedy}.",
            code=first.code,
            citation=first.citation,
            remedy=first.remedy,
            **first.data,
        )


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            f"{field} must be one of {', '.join(choices.values)}", field=field, value=value, allowed=list(choices.values)
        )
    return value


def _date(value: Any, field: str) -> dt.date:
    day = parse_date(value, field=field)
    assert day is not None  # required=True: parse_date raised on a blank
    return day


def enactment_window(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """When an act funding `fiscal_year` can have been enacted: from a year before the fiscal year
    opens (advance acts, e.g. a September defense bill) to a year after it closes (late full-year
    acts and supplementals: FY2011's full-year act came in April 2011)."""
    return dt.date(fiscal_year - 2, 10, 1), dt.date(fiscal_year + 1, 9, 30)


def _enacted_on(value: Any, fiscal_year: int) -> dt.date:
    earliest, latest = enactment_window(fiscal_year)
    day = parse_date(value, field="enacted_on", earliest=earliest, latest=latest)
    assert day is not None  # required=True: parse_date raised on a blank
    return day


def _text(value: str, field: str, *, required: bool = True, max_length: int = 300) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(f"{field} is required", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"{field} must be at most {max_length} characters", field=field)
    return value


# ---------------------------------------------------------------- appropriations


def computed_dates(account: Title22Account, fiscal_year: int, years_available: int) -> dict[str, dt.date]:
    """Dates from the account's editable years fields (reference data), never constants."""
    period_end = period_of_availability_end(fiscal_year, years_available)
    return {
        "obligation_period_end": period_end,
        "reobligation_window_end": FiscalYear(FiscalYear.of(period_end).year + account.reobligation_years).end,
        "cancellation_date": cancellation_date(period_end, years_after_expiry=account.cancellation_years),
    }


@transaction.atomic
def create_appropriation(
    *,
    acting_user: Any,
    account: str,
    fiscal_year: Any,
    public_law: str,
    amount: Any,
    enacted_on: Any,
    section: str = "",
    kind: str = AppropriationKind.FULL_YEAR,
    years_available: int | None = None,
    program_code: str = "",
    notes: str = "",
) -> Appropriation:
    require(acting_user, "budget.edit")
    acct = Title22Account.objects.filter(code=str(account).upper()).first()
    if acct is None:
        codes = list(Title22Account.objects.values_list("code", flat=True))
        raise InvalidInput(f"account must be one of {', '.join(codes)}", field="account", value=account, allowed=codes)
    fy = FiscalYear.parse(fiscal_year).year
    years = acct.years_available if years_available in (None, "") else int(years_available)  # type: ignore[arg-type]
    if not 1 <= years <= 10:
        raise InvalidInput("years_available must be between 1 and 10", field="years_available", value=years)
    appr = Appropriation(
        account=acct,
        fiscal_year=fy,
        kind=_choice(kind, AppropriationKind, "kind"),
        public_law=_text(public_law, "public_law", max_length=60),
        section=_text(section, "section", required=False, max_length=120),
        enacted_on=_enacted_on(enacted_on, fy),
        amount=to_money(amount),
        years_available=years,
        program_code=_text(program_code, "program_code", required=False, max_length=10),
        notes=notes or "",
        created_at=clock.now(),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        **computed_dates(acct, fy, years),
    )
    if Appropriation.objects.filter(account=acct, fiscal_year=fy, public_law=appr.public_law, section=appr.section).exists():
        raise Conflict(f"FY{fy} {acct.code} under {appr.public_law} {appr.section} is already recorded", field="public_law")
    appr.save()
    Balance.objects.create(appropriation=appr, updated_at=clock.now())
    record(actor=acting_user, action="budget.appropriation.create", obj=appr, after=_appr_dict(appr))
    if appr.amount > 0:
        post_entry(
            acting_user=acting_user,
            appropriation=appr,
            entry_type="appropriate",
            amount=appr.amount,
            effective_on=min(appr.enacted_on, clock.today()),
            document_type="Public law",
            document_ref=appr.public_law,
            reason="enacted appropriation",
        )
    return appr


def _appr_dict(appr: Appropriation) -> dict[str, Any]:
    return {
        "account": appr.account.code,
        "fiscal_year": appr.fiscal_year,
        "kind": appr.kind,
        "public_law": appr.public_law,
        "section": appr.section,
        "enacted_on": appr.enacted_on,
        "amount": appr.amount,
        "years_available": appr.years_available,
        "obligation_period_end": appr.obligation_period_end,
        "reobligation_window_end": appr.reobligation_window_end,
        "cancellation_date": appr.cancellation_date,
    }


@transaction.atomic
def update_appropriation_dates(
    *,
    acting_user: Any,
    appropriation: Appropriation,
    reason: str,
    obligation_period_end: Any = None,
    reobligation_window_end: Any = None,
    cancellation_date: Any = None,
) -> Appropriation:
    """Correct the computed dates when an act says otherwise (e.g. a two-year IMET portion)."""
    require(acting_user, "budget.edit")
    reason = _text(reason, "reason", max_length=2000)
    appr = Appropriation.objects.select_for_update().get(pk=appropriation.pk)
    before = _appr_dict(appr)
    for field, value in (
        ("obligation_period_end", obligation_period_end),
        ("reobligation_window_end", reobligation_window_end),
        ("cancellation_date", cancellation_date),
    ):
        if value not in (None, ""):
            setattr(appr, field, _date(value, field))
    if not appr.obligation_period_end <= appr.reobligation_window_end <= appr.cancellation_date:
        raise InvalidInput(
            "dates must be in order: obligation period end ≤ reobligation window end ≤ cancellation date",
            field="reobligation_window_end",
        )
    appr.save(update_fields=["obligation_period_end", "reobligation_window_end", "cancellation_date"])
    record(actor=acting_user, action="budget.appropriation.dates", obj=appr, before=before, after=_appr_dict(appr), reason=reason)
    return appr


@transaction.atomic
def add_earmark(
    *,
    acting_user: Any,
    appropriation: Appropriation,
    kind: str,
    amount: Any,
    citation: str,
    country: str = "",
    purpose: str = "",
    notes: str = "",
) -> Earmark:
    require(acting_user, "budget.edit")
    ctry = None
    if country:
        ctry = Country.objects.filter(iso3=country.strip().upper()).first()
        if ctry is None:
            raise InvalidInput(f"country {country!r} is not a known ISO3 code", field="country", value=country)
    purpose = _text(purpose, "purpose", required=False, max_length=200)
    if ctry is None and not purpose:
        raise InvalidInput("an earmark names a country or a purpose (or both)", field="country")
    earmark = Earmark.objects.create(
        appropriation=appropriation,
        kind=_choice(kind, EarmarkKind, "kind"),
        country=ctry,
        purpose=purpose,
        # A floor or a reservation of nothing directs nothing; a ceiling of zero is a prohibition.
        amount=to_money(amount, allow_zero=kind == EarmarkKind.NOT_MORE_THAN),
        citation=_text(citation, "citation"),
        notes=notes or "",
        created_at=clock.now(),
    )
    record(
        actor=acting_user,
        action="budget.earmark.create",
        obj=earmark,
        after={
            "appropriation": appropriation.pk,
            "kind": earmark.kind,
            "country": ctry.iso3 if ctry else "",
            "purpose": purpose,
            "amount": earmark.amount,
            "citation": earmark.citation,
        },
    )
    return earmark


# ---------------------------------------------------------------- allocations


def resolve_recipient(kind: str, recipient: str) -> dict[str, Any]:
    kind = _choice(kind, RecipientKind, "recipient_kind")
    recipient = _text(recipient, "recipient", max_length=200)
    if kind == RecipientKind.COUNTRY:
        ctry = Country.objects.filter(iso3=recipient.upper()).first()
        if ctry is None:
            raise InvalidInput(f"recipient {recipient!r} is not a known ISO3 country code", field="recipient", value=recipient)
        return {"country": ctry, "pseudo_region": None, "recipient_name": ctry.name}
    if kind == RecipientKind.PSEUDO_REGION:
        region = (
            PseudoRegion.objects.filter(name=recipient).first() or PseudoRegion.objects.filter(code=recipient.upper()).first()
        )
        if region is None:
            raise InvalidInput(
                f"recipient {recipient!r} is not a known regional program (pseudo-region)", field="recipient", value=recipient
            )
        return {"country": None, "pseudo_region": region, "recipient_name": region.name}
    return {"country": None, "pseudo_region": None, "recipient_name": recipient}


def _checked(problems: list[InvalidInput], validate: Callable[[], Any]) -> Any:
    """Run one field's validation; keep its refusal instead of raising it."""
    try:
        return validate()
    except InvalidInput as exc:
        problems.append(exc)
        return None


@transaction.atomic
def create_allocation(
    *,
    acting_user: Any,
    appropriation: Appropriation,
    recipient_kind: str,
    recipient: str,
    amount: Any = "0",
    purpose: str = "",
    notification_required: bool = True,
    effective_on: Any = None,
    reason: str = "",
    earmark_override: bool = False,
) -> Allocation:
    require(acting_user, "budget.edit")
    # Every field is checked before refusing, so the form shows every problem at once, not the first.
    problems: list[InvalidInput] = []
    who = _checked(problems, lambda: resolve_recipient(recipient_kind, recipient))
    purpose = _checked(problems, lambda: _text(purpose, "purpose", required=False, max_length=200))
    value = _checked(problems, lambda: to_money(amount))
    if problems:
        raise_all(problems)
    if Allocation.objects.filter(
        appropriation=appropriation, recipient_kind=recipient_kind, recipient_name=who["recipient_name"], purpose=purpose
    ).exists():
        raise Conflict(
            f"{who['recipient_name']} already has a line{' for ' + purpose if purpose else ''} in {appropriation}; "
            "allocate more to that line",
            field="recipient",
        )
    # "Needs no notification" opens the way for money: at creation as later (set_notification), it
    # waits for a second person; until then the line needs one.
    waiving = not notification_required and approvals.needs_approval(NOT_REQUIRED_ACT)
    allocation = Allocation.objects.create(
        appropriation=appropriation,
        account_id=appropriation.account_id,
        recipient_kind=recipient_kind,
        purpose=purpose,
        notification_required=bool(notification_required) or waiving,
        created_at=clock.now(),
        **who,
    )
    Balance.objects.create(appropriation=appropriation, allocation=allocation, updated_at=clock.now())
    record(
        actor=acting_user,
        action="budget.allocation.create",
        obj=allocation,
        after={
            "appropriation": appropriation.pk,
            "recipient": who["recipient_name"],
            "kind": recipient_kind,
            "purpose": purpose,
            "notification_required": allocation.notification_required,
        },
    )
    if value > 0:
        post_entry(
            acting_user=acting_user,
            appropriation=appropriation,
            allocation=allocation,
            entry_type="allocate",
            amount=value,
            effective_on=effective_on,
            reason=reason or "initial allocation",
            earmark_override=earmark_override,
        )
    if waiving:
        _propose_not_required(acting_user, allocation, reason or "marked at creation as needing no congressional notification")
    return allocation


NOT_REQUIRED_ACT = "budget.notification_not_required"


def _propose_not_required(acting_user: Any, allocation: Allocation, reason: str) -> Any:
    return approvals.propose(
        acting_user=acting_user,
        act=NOT_REQUIRED_ACT,
        subject=allocation,
        summary=f"record that {allocation} needs no congressional notification (its obligations pass the CN gate)",
        reason=reason,
        payload={"notification_required": False},
        subject_url=f"/funds/allocations/{allocation.pk}/",
    )


@transaction.atomic
def set_notification(*, acting_user: Any, allocation: Allocation, required: bool, reason: str) -> Any:
    """Whether the line needs a congressional notification. Whether it is *notified* is never set
    here: it is computed from CN packages (congress.coverage). Saying a line needs no notification
    opens the way for money, so it goes to a second person (approvals act
    `budget.notification_not_required`) unless an administrator's policy says otherwise;
    returns the line, or the approval request awaiting that person."""
    require(acting_user, "budget.edit")
    reason = _text(reason, "reason", max_length=2000)
    if not required and allocation.notification_required and approvals.needs_approval(NOT_REQUIRED_ACT):
        return _propose_not_required(acting_user, allocation, reason)
    return _write_notification_required(acting_user, allocation, required, reason)


def _write_notification_required(acting_user: Any, allocation: Allocation, required: bool, reason: str) -> Allocation:
    before = {"notification_required": allocation.notification_required}
    Allocation.objects.filter(pk=allocation.pk).update(notification_required=required)
    allocation.notification_required = required
    record(
        actor=acting_user,
        action="budget.allocation.notification",
        obj=allocation,
        before=before,
        after={"notification_required": required},
        reason=reason,
    )
    return allocation


def approve_notification_not_required(*, request: Any, acting_user: Any) -> None:
    """The approvals handler: a second person agreed that the line needs no notification."""
    allocation = Allocation.objects.get(pk=int(request.subject_id))
    _write_notification_required(acting_user, allocation, False, f"approved request #{request.pk}: {request.reason}")


@transaction.atomic
def change_status(*, acting_user: Any, allocation: Allocation, to_status: str, reason: str = "") -> Allocation:
    require(acting_user, "budget.edit")
    _choice(to_status, AllocationStatus, "status")
    if to_status == AllocationStatus.WITHDRAWN:
        bal = Balance.objects.select_for_update().get(allocation=allocation)
        if bal.allocated != 0:
            raise violation(
                "BUD-016",
                f"{allocation.recipient_name} still holds {rules.money(bal.allocated)}",
                "reallocate the money before withdrawing the line",
                allocated=bal.allocated,
            )
    return workflow.transition(acting_user=acting_user, allocation=allocation, to_status=to_status, reason=reason)


# ---------------------------------------------------------------- the ledger


def _values(balance: Balance) -> dict[str, Decimal]:
    return {s: getattr(balance, s) for s in STAGES}


def _validate_request(
    appr: Appropriation, entry_type: str, allocation: Allocation | None, to_allocation: Allocation | None
) -> None:
    if entry_type in LINE_TYPES and allocation is None:
        raise InvalidInput(f"a '{entry_type}' entry is posted on an allocation line", field="allocation")
    if entry_type not in LINE_TYPES and allocation is not None:
        raise InvalidInput(f"a '{entry_type}' entry is posted on the appropriation, not on a line", field="allocation")
    for field, line in (("allocation", allocation), ("to_allocation", to_allocation)):
        if line is not None and line.appropriation_id != appr.pk:
            raise InvalidInput(
                f"{field} belongs to another appropriation; reallocation between appropriations is a transfer", field=field
            )
    if to_allocation is not None and entry_type not in ("reallocate", "reprogram"):
        raise InvalidInput("to_allocation is only used by reallocate and reprogram", field="to_allocation")
    if to_allocation is not None and allocation is not None and to_allocation.pk == allocation.pk:
        raise InvalidInput("a reallocation needs two different lines", field="to_allocation")


def _cn_gate(
    allocation: Allocation, amount: Decimal, on: dt.date, line_before: dict[str, Decimal] | None = None
) -> list[rules.RuleResult]:
    gate = registry.service("congress.obligation_gate")
    if gate is not None:
        # raises RuleViolation (CN-0xx) when not covered
        known = {"line_before": line_before} if line_before is not None else {}
        gate(allocation=allocation, amount=amount, on_date=on, **known)
        return []
    return rules.check_cn_unknown(required=allocation.notification_required, name=allocation.recipient_name, amount=amount)


def restriction_verdict(allocation: Allocation, on: dt.date | None = None) -> dict[str, Any] | None:
    """The restrictions app's verdict for a country line, or None (not a country, or app absent)."""
    check = registry.service("restrictions.check")
    if check is None or allocation.country is None:
        return None
    result = check(
        country=allocation.country.iso3,
        program=allocation.appropriation.account.code,
        fiscal_year=allocation.appropriation.fiscal_year,
        on_date=on or clock.today(),
    )
    return result.as_dict() if hasattr(result, "as_dict") else dict(result)


def _restrictions(line: Allocation, on: dt.date) -> list[rules.RuleResult]:
    verdict = restriction_verdict(line, on)
    return rules.check_restriction(verdict, country=line.recipient_name) if verdict else []


def _is_obligating(account: str, entry_type: str) -> bool:
    return entry_type in ("obligate", "reobligate") or (account == "FMF" and entry_type == "apportion")


def _line_views(appr: Appropriation, deltas: dict[int, Decimal]) -> tuple[list[rules.LineView], list[rules.LineView]]:
    rows = Balance.objects.filter(appropriation=appr, allocation__isnull=False).values_list(
        "allocation_id", "allocation__country_id", "allocation__purpose", "allocated"
    )
    before = [rules.LineView(i, c, p, a) for i, c, p, a in rows]
    after = [rules.LineView(v.id, v.country_id, v.purpose, v.allocated + deltas.get(v.id, ZERO)) for v in before]
    return before, after


def _earmark_views(appr: Appropriation) -> list[rules.EarmarkView]:
    return [
        rules.EarmarkView(e.pk, e.kind, e.country_id, e.purpose, e.amount, e.citation, str(e))
        for e in Earmark.objects.filter(appropriation=appr).select_related("country")
    ]


def post_entry(
    *,
    acting_user: Any,
    appropriation: Appropriation,
    entry_type: str,
    amount: Any,
    allocation: Allocation | None = None,
    to_allocation: Allocation | None = None,
    effective_on: Any = None,
    document_type: str = "",
    document_ref: str = "",
    reason: str = "",
    earmark_override: bool = False,
    reverses: LedgerEntry | None = None,
    approved_by_request: Any = None,
) -> Any:
    """Post one ledger entry after every funds rule. Returns the entry, or — when it overrides an
    earmark and the policy for `budget.earmark_override` needs a second person — the approval
    request proposing it (nothing is posted until that person approves; ADR 0710).
    `approved_by_request` is set only by the approvals handler (the checker carries the act out).

    The balances move by `UPDATE … SET x = x + Δ … RETURNING` (ADR 1021): the rules judge the
    values the database returns, and a change the balance rows' check constraints refuse rolls the
    posting back and is explained by the same rules from the balances as they stand."""
    try:
        return _post_entry(
            acting_user=acting_user,
            appropriation=appropriation,
            entry_type=entry_type,
            amount=amount,
            allocation=allocation,
            to_allocation=to_allocation,
            effective_on=effective_on,
            document_type=document_type,
            document_ref=document_ref,
            reason=reason,
            earmark_override=earmark_override,
            reverses=reverses,
            approved_by_request=approved_by_request,
        )
    except _Overdrawn as refused:
        raise _explain_overdraw(refused) from None


class _Overdrawn(Exception):
    """A balance row's check constraint refused a posting (raised inside its transaction, which rolls back)."""

    def __init__(self, appropriation_id: int, account: str, entry_type: str, value: Decimal, effect: rules.Effect, lines: Any):
        super().__init__(entry_type)
        self.appropriation_id, self.account, self.entry_type = appropriation_id, account, entry_type
        self.value, self.effect, self.lines = value, effect, lines


def _explain_overdraw(refused: _Overdrawn) -> RuleViolation:
    """The rule a refused change breaks, judged on the balances as they stand (outside the rolled-back posting)."""
    total = Balance.objects.get(appropriation_id=refused.appropriation_id, allocation__isnull=True)
    results = rules.check_totals(rules.apply(_values(total), refused.effect.total), refused.value)
    for line, deltas in refused.lines:
        if line is not None:
            after = rules.apply(_values(Balance.objects.get(allocation_id=line.pk)), deltas)
            results += rules.check_line(line.recipient_name, refused.account, refused.entry_type, after, refused.value)
    try:
        raise_first(results)
    except RuleViolation as exc:
        return exc
    return violation(
        "BUD-017",
        "the balances would break a ledger invariant; nothing was posted",
        "post an amount the line's balances allow",
    )


_BALANCE = Balance._meta.db_table


def _move_sql(where: str) -> str:
    """Add the deltas to one balance row and return its stages (SQLite keeps money as floats: each
    sum is rounded back to the cent, as a written Decimal would be stored)."""
    if connection.vendor == "sqlite":
        sets = ", ".join(f"{s} = ROUND({s} + %s, 2)" for s in STAGES)
    else:
        sets = ", ".join(f"{s} = {s} + %s" for s in STAGES)
    return f"UPDATE {_BALANCE} SET {sets}, entries = entries + %s, updated_at = %s WHERE {where} RETURNING {', '.join(STAGES)}"


def _move(where: str, key: int, deltas: Any, count: int, now: Any) -> dict[str, Decimal]:
    params = [deltas.get(s, ZERO) for s in STAGES] + [
        count,
        Balance._meta.get_field("updated_at").get_db_prep_save(now, connection),
        key,
    ]
    with connection.cursor() as cur:
        cur.execute(_move_sql(where), params)
        row = cur.fetchone()
    if row is None:
        raise Balance.DoesNotExist(f"no balance row where {where % key}")
    return {s: Decimal(str(v)).quantize(CENT) for s, v in zip(STAGES, row, strict=True)}


def _move_balances(
    appr: Appropriation, effect: rules.Effect, lines: list[tuple[Allocation | None, Any]], count: int = 1
) -> tuple[dict[str, Decimal], dict[int, dict[str, Decimal]]]:
    """Move the total row, then the line rows in id order (the one lock order of every writer)."""
    now = clock.now()
    after_total = _move("appropriation_id = %s AND allocation_id IS NULL", appr.pk, effect.total, count, now)
    after_lines: dict[int, dict[str, Decimal]] = {}
    for line, deltas in sorted(((ln, d) for ln, d in lines if ln is not None), key=lambda item: item[0].pk):  # type: ignore[union-attr]
        after_lines[line.pk] = _move("allocation_id = %s", line.pk, deltas, count, now)  # type: ignore[union-attr]
    return after_total, after_lines


ENTRY_COLUMNS = (
    "appropriation",
    "allocation",
    "to_allocation",
    "entry_type",
    "amount",
    "effective_on",
    "posted_at",
    "document_type",
    "document_ref",
    "actor",
    "actor_username",
    "reason",
    "reverses",
    "earmark_override",
    "flags",
)


def _appropriation(pk: int) -> Appropriation:
    """The appropriation as it stands, with its account's code (`account_code`) and whether it has
    earmarks (`has_earmarks`): one raw query, no queryset to compile on the posting path."""
    a, ac, e = Appropriation._meta.db_table, Title22Account._meta.db_table, Earmark._meta.db_table
    found = list(
        Appropriation.objects.raw(
            f"SELECT ap.*, ac.code AS account_code, EXISTS (SELECT 1 FROM {e} e WHERE e.appropriation_id = ap.id) "
            f"AS has_earmarks FROM {a} ap JOIN {ac} ac ON ac.id = ap.account_id WHERE ap.id = %s",
            [pk],
        )
    )
    if not found:
        raise Appropriation.DoesNotExist(f"appropriation {pk} does not exist")
    return found[0]


def _has_earmarks(appr: Appropriation) -> bool:
    if hasattr(appr, "has_earmarks"):
        return bool(appr.has_earmarks)
    with connection.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {Earmark._meta.db_table} WHERE appropriation_id = %s LIMIT 1", [appr.pk])
        return cur.fetchone() is not None


@transaction.atomic
def _post_entry(
    *,
    acting_user: Any,
    appropriation: Appropriation,
    entry_type: str,
    amount: Any,
    allocation: Allocation | None,
    to_allocation: Allocation | None,
    effective_on: Any,
    document_type: str,
    document_ref: str,
    reason: str,
    earmark_override: bool,
    reverses: LedgerEntry | None,
    approved_by_request: Any,
) -> Any:
    if approved_by_request is None:
        require(acting_user, "budget.edit")
    _choice(entry_type, EntryType, "entry_type")
    value = to_money(amount)
    if value <= 0:
        raise InvalidInput("amount must be more than zero; corrections are reversing entries", field="amount", value=amount)
    on = clock.today() if effective_on in (None, "") else _date(effective_on, "effective_on")
    if on > clock.today():
        raise InvalidInput("effective_on must not be in the future", field="effective_on", value=on)
    reason = (reason or "").strip()
    if earmark_override and not reason:
        raise InvalidInput("an earmark override needs a reason", field="reason")
    document_type = _text(document_type, "document_type", required=False, max_length=40)
    document_ref = _text(document_ref, "document_ref", required=False, max_length=120)
    appr = _appropriation(appropriation.pk)
    _validate_request(appr, entry_type, allocation, to_allocation)
    account = appr.account_code  # type: ignore[attr-defined]
    dates = rules.Dates(appr.obligation_period_end, appr.reobligation_window_end, appr.cancellation_date, appr.cancelled_recorded)
    results = rules.check_dates(dates, entry_type, on, is_reversal=reverses is not None)
    if reverses is None:
        results = rules.check_account(account, entry_type, document_type, document_ref) + results
        if allocation is not None:
            results += rules.check_status(allocation.status, entry_type, allocation.recipient_name)
    raise_first(results)

    effect = rules.effect_of(entry_type, value, account=account, has_target=to_allocation is not None)
    if reverses is not None:
        effect = effect.negated()
    # The CN gate and the restrictions ask about the line as it stands before this entry (the gate
    # adds the amount to what is already obligated), so they are asked before the balances move —
    # under the line's row lock — and their refusal is raised after the funds rules, as before.
    policy, policy_refusal = (
        ([], None)
        if reverses is not None
        else _policy_before_move(appr, account, entry_type, value, on, allocation, to_allocation)
    )
    moved = [(allocation, effect.line), (to_allocation, effect.to_line)]
    try:
        after_total, after_lines = _move_balances(appr, effect, moved)
    except IntegrityError:  # a check constraint refused it: explained after the rollback
        raise _Overdrawn(appr.pk, account, entry_type, value, effect, moved) from None
    results = rules.check_totals(after_total, value)
    for line, _deltas in moved:
        if line is not None:
            results += rules.check_line(line.recipient_name, account, entry_type, after_lines[line.pk], value)
    raise_first(results)

    if policy_refusal is not None:
        raise policy_refusal
    raise_first(policy)
    overridden = _earmark_checks(appr, entry_type, effect, allocation, to_allocation, earmark_override, reverses, after_total)
    if overridden and reverses is None and approved_by_request is None and approvals.needs_approval(EARMARK_ACT, amount=value):
        _move_balances(appr, effect.negated(), [(ln, {k: -v for k, v in d.items()}) for ln, d in moved], count=-1)
        return _propose_earmark_override(
            acting_user,
            appr,
            allocation,
            to_allocation,
            entry_type,
            value,
            on,
            overridden,
            {
                "document_type": document_type,
                "document_ref": document_ref,
                "reason": reason,
            },
        )
    flags = _flags_634a(appr, entry_type, value, allocation, to_allocation, after_lines) if reverses is None else []

    entry = LedgerEntry(
        appropriation=appr,
        allocation=allocation,
        to_allocation=to_allocation,
        entry_type=entry_type,
        amount=value,
        effective_on=on,
        posted_at=clock.now(),
        document_type=document_type,
        document_ref=document_ref,
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        actor_username=getattr(acting_user, "username", "") or "system",
        reason=reason,
        reverses=reverses,
        earmark_override=bool(overridden),
        flags=flags,
    )
    fastsql.insert(entry, ENTRY_COLUMNS)
    record(
        actor=acting_user,
        action="budget.reverse" if reverses else "budget.post",
        obj=entry,
        reason=reason,
        after={
            "entry_type": entry_type,
            "amount": value,
            "effective_on": on,
            "appropriation": appr.pk,
            "allocation": allocation.pk if allocation else None,
            "to_allocation": to_allocation.pk if to_allocation else None,
            "document": f"{document_type} {document_ref}".strip(),
            "reverses": reverses.pk if reverses else None,
            "flags": flags,
        },
    )
    if overridden:
        record(
            actor=acting_user,
            action="budget.earmark_override",
            obj=entry,
            reason=reason,
            after={"overridden": [r.as_dict() for r in overridden]},
        )
    if reverses is None and allocation is not None and entry_type in workflow.AFTER_POSTING:
        workflow.advance(
            acting_user=acting_user,
            allocation=allocation,
            to_status=workflow.AFTER_POSTING[entry_type],
            reason=f"{entry_type} entry #{entry.pk}",
        )
    return entry


def _policy_before_move(
    appr: Appropriation,
    account: str,
    entry_type: str,
    value: Decimal,
    on: dt.date,
    allocation: Allocation | None,
    to_allocation: Allocation | None,
) -> tuple[list[rules.RuleResult], RuleViolation | None]:
    """The policy checks on the balances before this entry, with the obligated line's balance row
    locked first so that a concurrent obligation cannot pass the gate on the same figures."""
    if allocation is not None and _is_obligating(account, entry_type):
        list(Balance.objects.select_for_update().filter(allocation=allocation).values_list("pk", flat=True))
    try:
        return _policy_checks(appr, account, entry_type, value, on, allocation, to_allocation), None
    except RuleViolation as refusal:
        return [], refusal


def _policy_checks(
    appr: Appropriation,
    account: str,
    entry_type: str,
    value: Decimal,
    on: dt.date,
    allocation: Allocation | None,
    to_allocation: Allocation | None,
    line_before: dict[str, Decimal] | None = None,
) -> list[rules.RuleResult]:
    """The rules that ask another app (CN gate, restrictions) — only for money moving towards a country.
    `line_before`: the obligated line's balance before this entry when the caller holds it (a batch)."""
    results: list[rules.RuleResult] = []
    if allocation is not None and _is_obligating(account, entry_type):
        results += _cn_gate(allocation, value, on, line_before)
    target = to_allocation if entry_type in ("reallocate", "reprogram") else allocation
    towards_country = entry_type == "allocate" or (entry_type in MOVEMENTS and to_allocation is not None)
    if target is not None and (towards_country or _is_obligating(account, entry_type)):
        results += _restrictions(target, on)
    return results


def _earmark_checks(
    appr: Appropriation,
    entry_type: str,
    effect: rules.Effect,
    allocation: Allocation | None,
    to_allocation: Allocation | None,
    override: bool,
    reverses: LedgerEntry | None,
    after_total: dict[str, Decimal],
) -> list[rules.RuleResult]:
    """Earmarks against the appropriation's lines once this entry has moved its rows (they hold the
    values after it: the values before are those less the entry's deltas)."""
    if entry_type not in MOVEMENTS or not _has_earmarks(appr):
        return []
    earmarks = _earmark_views(appr)
    deltas: dict[int, Decimal] = {}
    if allocation is not None:
        deltas[allocation.pk] = effect.line.get("allocated", ZERO)
    if to_allocation is not None:
        deltas[to_allocation.pk] = effect.to_line.get("allocated", ZERO)
    after, _ = _line_views(appr, {})
    before = [rules.LineView(v.id, v.country_id, v.purpose, v.allocated - deltas.get(v.id, ZERO)) for v in after]
    found = rules.check_earmarks(
        earmarks, before, after, after_total["appropriated"], entry_type if reverses is None else "reversal"
    )
    if found and not override:
        raise_first(found)
    return found


def _flags_634a(
    appr: Appropriation,
    entry_type: str,
    value: Decimal,
    allocation: Allocation | None,
    to_allocation: Allocation | None,
    after_lines: dict[int, dict[str, Decimal]],
) -> list[dict[str, Any]]:
    if entry_type not in ("reallocate", "reprogram") or to_allocation is None or allocation is None:
        return []
    flag = rules.section_634a_flag(
        amount=value,
        target_name=to_allocation.recipient_name,
        baseline=to_allocation.baseline_653a,
        allocated_after=after_lines[to_allocation.pk]["allocated"],
        source_name=allocation.recipient_name,
    )
    return [flag.as_dict()] if flag else []


EARMARK_ACT = "budget.earmark_override"
REVERSE_ACT = "budget.reverse_entry"
# A starting value the administrator sets to office practice (/approvals/policies/): reversals of
# more than this need a second person; smaller corrections are posted at once (still audited).
REVERSE_THRESHOLD = Decimal("1000000.00")


def _propose_earmark_override(
    acting_user: Any,
    appr: Appropriation,
    allocation: Allocation | None,
    to_allocation: Allocation | None,
    entry_type: str,
    value: Decimal,
    on: dt.date,
    overridden: list[rules.RuleResult],
    texts: dict[str, str],
) -> Any:
    """Overriding an earmark (a statutory floor or ceiling) commits the Department: propose it."""
    subject: Any = allocation or appr
    broken = "; ".join(f"{r.code} {r.message}" for r in overridden)
    return approvals.propose(
        acting_user=acting_user,
        act=EARMARK_ACT,
        subject=subject,
        summary=f"post {entry_type} of {rules.money(value)} on {subject} although it breaks an earmark ({broken})"[:500],
        reason=texts["reason"],
        payload={
            "appropriation": appr.pk,
            "allocation": allocation.pk if allocation else None,
            "to_allocation": to_allocation.pk if to_allocation else None,
            "entry_type": entry_type,
            "amount": str(value),
            "effective_on": on.isoformat(),
            "overridden": [r.as_dict() for r in overridden],
            **texts,
        },
        subject_url=f"/funds/allocations/{allocation.pk}/" if allocation else f"/funds/appropriations/{appr.pk}/",
    )


def approve_earmark_override(*, request: Any, acting_user: Any) -> None:
    """The approvals handler: the checker agreed; the entry is posted now, every other rule checked again."""
    data = request.payload
    lines = {a.pk: a for a in Allocation.objects.filter(pk__in=[data["allocation"], data["to_allocation"]])}
    post_entry(
        acting_user=acting_user,
        appropriation=Appropriation.objects.get(pk=data["appropriation"]),
        allocation=lines.get(data["allocation"]),
        to_allocation=lines.get(data["to_allocation"]),
        entry_type=data["entry_type"],
        amount=data["amount"],
        effective_on=data["effective_on"],
        document_type=data["document_type"],
        document_ref=data["document_ref"],
        reason=_approved_reason(request, acting_user),
        earmark_override=True,
        approved_by_request=request,
    )


def _approved_reason(request: Any, checker: Any) -> str:
    return f"{request.reason} (proposed by {request.proposed_by.username}, approved by {checker.username}: request #{request.pk})"


@transaction.atomic
def reverse_entry(*, acting_user: Any, entry: LedgerEntry, reason: str) -> Any:
    """A correction: the mirror image of `entry`, checked like any posting (it may not overdraw).
    A reversal of more than the policy's threshold (`budget.reverse_entry`) is proposed to a second
    person instead, once a dry run shows it would pass; returns the reversal or the approval request."""
    require(acting_user, "budget.edit")
    reason = _text(reason, "reason", max_length=2000)
    _must_be_reversible(entry)
    if not approvals.needs_approval(REVERSE_ACT, amount=entry.amount):
        return _post_reversal(acting_user, entry, reason)
    _dry_run_reversal(acting_user, entry, reason)
    return approvals.propose(
        acting_user=acting_user,
        act=REVERSE_ACT,
        subject=entry,
        summary=f"reverse ledger entry #{entry.pk} ({entry.entry_type} of {rules.money(entry.amount)} on "
        f"{entry.allocation or entry.appropriation}, {entry.effective_on})"[:500],
        reason=reason,
        payload={"entry": entry.pk, "entry_type": entry.entry_type, "amount": str(entry.amount), "reason": reason},
        subject_url=_entry_url(entry),
    )


def _entry_url(entry: LedgerEntry) -> str:
    if entry.allocation_id:
        return f"/funds/allocations/{entry.allocation_id}/"
    return f"/funds/appropriations/{entry.appropriation_id}/ledger/"


class _WouldPass(Exception):
    pass


def _dry_run_reversal(acting_user: Any, entry: LedgerEntry, reason: str) -> None:
    """Refuse now (with the rule's message) a reversal that could not pass when approved."""
    try:
        with transaction.atomic():
            _post_reversal(acting_user, entry, reason)
            raise _WouldPass
    except _WouldPass:
        return


def approve_reversal(*, request: Any, acting_user: Any) -> None:
    """The approvals handler: post the reversal now (every rule checked again on today's balances)."""
    entry = LedgerEntry.objects.select_related("appropriation", "allocation", "to_allocation").get(pk=int(request.subject_id))
    _must_be_reversible(entry)
    _post_reversal(acting_user, entry, _approved_reason(request, acting_user), approved_by_request=request)


def _must_be_reversible(entry: LedgerEntry) -> None:
    if entry.reverses_id is not None:
        raise violation(
            "BUD-017", f"entry #{entry.pk} is itself a reversal", "post the original entry again instead", entry=entry.pk
        )
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise violation(
            "BUD-017", f"entry #{entry.pk} has already been reversed", "nothing: the correction exists", entry=entry.pk
        )


def _post_reversal(acting_user: Any, entry: LedgerEntry, reason: str, approved_by_request: Any = None) -> LedgerEntry:
    try:
        with transaction.atomic():
            return post_entry(  # type: ignore[no-any-return]
                acting_user=acting_user,
                appropriation=entry.appropriation,
                entry_type=entry.entry_type,
                amount=entry.amount,
                allocation=entry.allocation,
                to_allocation=entry.to_allocation,
                effective_on=clock.today(),
                document_type=entry.document_type,
                document_ref=entry.document_ref,
                reason=reason,
                reverses=entry,
                earmark_override=True,
                approved_by_request=approved_by_request,
            )
    except IntegrityError:
        raise violation(
            "BUD-017", f"entry #{entry.pk} has already been reversed", "nothing: the correction exists", entry=entry.pk
        ) from None


@transaction.atomic
def record_expiry(*, acting_user: Any, appropriation: Appropriation) -> Appropriation:
    """Record that the obligation period ended: the unobligated balance is now expired."""
    require(acting_user, "budget.edit")
    appr = Appropriation.objects.select_for_update().get(pk=appropriation.pk)
    if clock.today() <= appr.obligation_period_end:
        raise violation(
            "BUD-004",
            f"FY{appr.fiscal_year} {appr.account.code} is available for obligation until {appr.obligation_period_end:%Y-%m-%d}",
            "record the expiry after that date",
            obligation_period_end=appr.obligation_period_end,
        )
    if appr.expired_recorded:
        return appr
    total = Balance.objects.get(appropriation=appr, allocation__isnull=True)
    unobligated = total.appropriated - total.obligated
    if unobligated > 0:
        post_entry(
            acting_user=acting_user,
            appropriation=appr,
            entry_type="expire",
            amount=unobligated,
            effective_on=add_days(appr.obligation_period_end, 1),
            reason="obligation period ended",
        )
    Appropriation.objects.filter(pk=appr.pk).update(expired_recorded=True)
    record(actor=acting_user, action="budget.appropriation.expire", obj=appr, after={"unobligated_expired": unobligated})
    appr.expired_recorded = True
    return appr


@transaction.atomic
def record_cancellation(*, acting_user: Any, appropriation: Appropriation) -> Appropriation:
    """31 U.S.C. 1552(a): the account closes; every remaining balance is cancelled."""
    require(acting_user, "budget.edit")
    appr = Appropriation.objects.select_for_update().get(pk=appropriation.pk)
    if clock.today() < appr.cancellation_date:
        raise violation(
            "BUD-005",
            f"FY{appr.fiscal_year} {appr.account.code} cancels on {appr.cancellation_date:%Y-%m-%d}",
            "record the cancellation on or after that date",
            cancellation_date=appr.cancellation_date,
        )
    if appr.cancelled_recorded:
        return appr
    total = Balance.objects.get(appropriation=appr, allocation__isnull=True)
    remaining = total.appropriated - total.disbursed
    if remaining > 0:
        post_entry(
            acting_user=acting_user,
            appropriation=appr,
            entry_type="cancel",
            amount=remaining,
            effective_on=appr.cancellation_date,
            reason="account closed (31 U.S.C. 1552(a))",
        )
    Appropriation.objects.filter(pk=appr.pk).update(cancelled_recorded=True)
    record(actor=acting_user, action="budget.appropriation.cancel", obj=appr, after={"cancelled": remaining})
    appr.cancelled_recorded = True
    return appr


# ---------------------------------------------------------------- 653(a)


@transaction.atomic
def record_653a_submission(*, acting_user: Any, appropriation: Appropriation, submitted_on: Any) -> Report653a:
    """Freeze the country x account table as sent; it becomes the baseline for §634A."""
    require(acting_user, "budget.edit")
    if not appropriation.is_653a_subject:
        raise violation(
            "BUD-018",
            f"{appropriation} is a continuing resolution, which 22 U.S.C. 2413(b) exempts from 653(a)",
            "report the full-year act's allocations when it is enacted",
            kind=appropriation.kind,
        )
    day = _date(submitted_on, "submitted_on")
    if day < appropriation.enacted_on or day > clock.today():
        raise InvalidInput("submitted_on must be between the enactment date and today", field="submitted_on", value=day)
    if Report653a.objects.filter(appropriation=appropriation).exists():
        raise Conflict(f"the 653(a) report of {appropriation} is already recorded", field="submitted_on")
    from .selectors import lines_653a

    lines = lines_653a(appropriation)
    report = Report653a.objects.create(
        appropriation=appropriation,
        submitted_on=day,
        recorded_at=clock.now(),
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
        lines=[{**ln, "amount": str(ln["amount"])} for ln in lines],
    )
    for alloc in Allocation.objects.filter(appropriation=appropriation).select_related("balance"):
        Allocation.objects.filter(pk=alloc.pk).update(baseline_653a=alloc.balance.allocated)
        workflow.advance(
            acting_user=acting_user, allocation=alloc, to_status=AllocationStatus.REPORTED_653A, reason="reported in 653(a)"
        )
    due = add_days(appropriation.enacted_on, 30)
    record(
        actor=acting_user,
        action="budget.653a.submit",
        obj=report,
        after={"submitted_on": day, "due_on": due, "days_late": max((day - due).days, 0), "lines": len(lines)},
    )
    return report
