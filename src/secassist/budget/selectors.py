"""Reads of Title 22 funds: overviews, tables, deadlines and the public history.

Everything here reads the maintained balances (never the ledger) except a line's own history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from secassist.core import clock
from secassist.core.dates import add_days
from secassist.core.registry import registry

from . import rules
from .models import (
    ZERO,
    Allocation,
    Appropriation,
    AppropriationKind,
    Balance,
    Earmark,
    HistoricalAmount,
    HistoryImport,
    HistorySource,
    LedgerEntry,
)

DEADLINE_653A_DAYS = 30  # 22 U.S.C. 2413(a): within 30 days of enactment
EXPIRING_DAYS = 90

GREENBOOK_CAVEAT = (
    "Greenbook amounts of $10,000,000 or more were rounded to two significant figures by the source package "
    "(meflynn/greenbook, built from USAID's Greenbook); amounts under $10 M are exact. Figures are obligations in "
    "current U.S. dollars, FY1946–2019."
)
FA_CAVEAT = (
    "ForeignAssistance.gov country summary (downloaded 2022), all accounts combined; transaction types are kept apart and "
    "never added together. FY2021–2022 are incomplete (reporting lag)."
)
PSEUDO_CAVEAT = "Regional and 'not specified' recipients carry real money and count in totals, but are not countries."
TQ_CAVEAT = "FY1976 includes the transition quarter (July–September 1976) as a separate row ('1976tq')."
PROGRAMS = ("FMF", "IMET", "PKO")


# ---------------------------------------------------------------- appropriations and lines


def appropriations(*, fiscal_year: int | None = None, account: str | None = None) -> QuerySet[Appropriation]:
    qs = Appropriation.objects.select_related("account", "report_653a").annotate(lines=Count("allocations"))
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if account:
        qs = qs.filter(account__code=account)
    return qs.order_by("-fiscal_year", "account__code", "id")


def totals_of(appr_ids: list[int]) -> dict[int, Balance]:
    return {b.appropriation_id: b for b in Balance.objects.filter(appropriation_id__in=appr_ids, allocation__isnull=True)}


def allocation_rows(appropriation: Appropriation) -> list[Allocation]:
    return with_notification(
        list(
            Allocation.objects.filter(appropriation=appropriation)
            .select_related("balance", "country", "pseudo_region", "account", "appropriation")
            .order_by("recipient_name", "purpose")
        )
    )


def _unknown_state(line: Allocation) -> dict[str, Any]:
    """Without the congress app nothing can confirm a notification: unknown, never a yes."""
    required = line.notification_required
    return {
        "state": "unknown" if required else "not_required",
        "label": "unknown (the congressional notifications module is not installed)" if required else "not required",
        "cleared": False,
        "cleared_amount": Decimal("0"),
        "ceiling": Decimal("0"),
        "obligated": Decimal("0"),
        "uncovered": Decimal("0"),
        "cns": [],
    }


def notification_states(lines: list[Allocation]) -> dict[int, dict[str, Any]]:
    """Each line's notification state as the congress app computes it from CN packages (the one
    source, congress.coverage); every funds page, the API and the exports read it here."""
    service = registry.service("congress.notification_states")
    if service is None:
        return {a.pk: _unknown_state(a) for a in lines}
    states: dict[int, dict[str, Any]] = service(lines)
    return states


def with_notification(lines: list[Allocation]) -> list[Allocation]:
    """Attach `line.notification` (the state dict) to each line, in a fixed number of queries."""
    states = notification_states(lines)
    for line in lines:
        line.notification = states[line.pk]  # type: ignore[attr-defined]
    return lines


@dataclass(frozen=True)
class CnHint:
    """Whether money moved into a line could be obligated under the line's cleared notifications."""

    needs_cn: bool | None  # None: cannot tell (unknown is never a yes: obligations would be refused)
    code: str
    message: str
    allocated_after: Decimal


def reallocation_cn_hint(*, target: Allocation, amount: Decimal, on_date: dt.date | None = None) -> CnHint:
    """Before a reallocation into `target` is saved: would obligating the line's whole allocation
    after it pass the CN gate? Asked of the gate itself (congress.obligation_gate, the one source
    that refuses obligations), so the hint and the refusal can never disagree."""
    from secassist.core.errors import RuleViolation

    on = on_date or clock.today()
    balance = Balance.objects.filter(allocation=target).first()
    allocated_after = (balance.allocated if balance else ZERO) + amount
    name = target.recipient_name
    if not target.notification_required:
        return CnHint(False, "", f"{name} is recorded as needing no congressional notification.", allocated_after)
    gate = registry.service("congress.obligation_gate")
    state = notification_states([target])[target.pk]
    if gate is None:
        return CnHint(None, "", f"{name}: {state['label']} — obligations will be refused until that is known.", allocated_after)
    to_obligate = allocated_after - state["obligated"]
    if to_obligate <= 0:
        return CnHint(False, "", f"{name} has already obligated {rules.money(state['obligated'])}.", allocated_after)
    try:
        gate(allocation=target, amount=to_obligate, on_date=on)
    except RuleViolation as exc:
        notified = state["ceiling"] > 0
        what = "a new or amended CN for the increase" if notified else "a congressional notification"
        return CnHint(
            True,
            exc.code,
            f"After this move {name} holds {rules.money(allocated_after)}: obligating it needs {what} cleared first "
            f"({exc.code}: {exc.message})",
            allocated_after,
        )
    return CnHint(
        False,
        "",
        f"After this move {name} holds {rules.money(allocated_after)}, within its cleared notification "
        f"coverage of {rules.money(state['ceiling'])}: no new CN is needed to obligate it.",
        allocated_after,
    )


def allocations(
    *, fiscal_year: int | None = None, account: str | None = None, country: str | None = None
) -> QuerySet[Allocation]:
    qs = Allocation.objects.select_related("balance", "country", "pseudo_region", "account", "appropriation").prefetch_related(
        "activities__units"
    )
    if fiscal_year:
        qs = qs.filter(appropriation__fiscal_year=fiscal_year)
    if account:
        qs = qs.filter(account__code=account)
    if country:
        qs = qs.filter(country__iso3=country.upper())
    return qs.order_by("-appropriation__fiscal_year", "account__code", "recipient_name")


def earmark_compliance(
    appropriation: Appropriation, rows: list[Allocation] | None = None, total: Balance | None = None
) -> list[rules.Compliance]:
    rows = rows if rows is not None else allocation_rows(appropriation)
    total = total or Balance.objects.get(appropriation=appropriation, allocation__isnull=True)
    lines = [rules.LineView(a.pk, a.country_id, a.purpose, a.balance.allocated) for a in rows]
    earmarks = Earmark.objects.filter(appropriation=appropriation).select_related("country")
    return [
        rules.compliance(
            rules.EarmarkView(e.pk, e.kind, e.country_id, e.purpose, e.amount, e.citation, str(e)), lines, total.appropriated
        )
        for e in earmarks
    ]


def line_entries(allocation: Allocation) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(Q(allocation=allocation) | Q(to_allocation=allocation))
        .select_related("allocation", "to_allocation", "reverses")
        .order_by("-id")
    )


def appropriation_entries(appropriation: Appropriation) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(appropriation=appropriation)
        .select_related("allocation", "to_allocation", "reverses")
        .order_by("-id")
    )


# ---------------------------------------------------------------- overview


def overview(fiscal_year: int) -> dict[str, Any]:
    """Per account for one FY: appropriated, allocated, obligated, disbursed and what is expiring."""
    today = clock.today()
    horizon = today + dt.timedelta(days=EXPIRING_DAYS)
    apprs = list(appropriations(fiscal_year=fiscal_year))
    totals = totals_of([a.pk for a in apprs])
    by_account: dict[str, dict[str, Any]] = {}
    for appr in apprs:
        bal = totals.get(appr.pk)
        row = by_account.setdefault(
            appr.account.code,
            {
                "account": appr.account.code,
                "name": appr.account.name,
                **{k: ZERO for k in ("appropriated", "allocated", "obligated", "disbursed", "expiring")},
            },
        )
        if bal is None:
            continue
        for k in ("appropriated", "allocated", "obligated", "disbursed"):
            row[k] += getattr(bal, k)
        if today <= appr.obligation_period_end <= horizon:
            row["expiring"] += bal.appropriated - bal.obligated
    rows = sorted(by_account.values(), key=lambda r: r["account"])
    return {
        "fiscal_year": fiscal_year,
        "rows": rows,
        "appropriations": apprs,
        "totals": totals,
        "deadlines": [deadline_653a(a, today) for a in apprs if a.is_653a_subject],
    }


def fiscal_years() -> list[int]:
    years = set(Appropriation.objects.values_list("fiscal_year", flat=True).distinct())
    years.add(clock.today().year + (1 if clock.today().month >= 10 else 0))
    return sorted(years, reverse=True)


def deadline_653a(appropriation: Appropriation, today: dt.date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    due = add_days(appropriation.enacted_on, DEADLINE_653A_DAYS)
    report = getattr(appropriation, "report_653a", None) if hasattr(appropriation, "report_653a") else None
    submitted = report.submitted_on if report else None
    if submitted:
        late = (submitted - due).days
        status = f"submitted {submitted:%Y-%m-%d}" + (f", {late} days late" if late > 0 else ", on time")
    else:
        left = (due - today).days
        status = f"{left} days remaining" if left >= 0 else f"{-left} days overdue"
    return {
        "appropriation": appropriation,
        "enacted_on": appropriation.enacted_on,
        "due_on": due,
        "submitted_on": submitted,
        "days_remaining": (due - today).days if not submitted else None,
        "overdue": not submitted and today > due,
        "status": status,
    }


def lines_653a(appropriation: Appropriation) -> list[dict[str, Any]]:
    """The country x account table: each recipient with its allocated amount (non-zero lines)."""
    rows = []
    for a in allocation_rows(appropriation):
        if a.balance.allocated == 0:
            continue
        rows.append(
            {
                "recipient": a.recipient_name,
                "iso3": a.iso3,
                "kind": a.get_recipient_kind_display(),
                "purpose": a.purpose,
                "account": a.account.code,
                "amount": a.balance.allocated,
            }
        )
    return rows


def report_653a_list(*, unsubmitted_only: bool = False) -> list[dict[str, Any]]:
    """The 653(a) deadline of every full-year appropriation (no per-line GROUP BY: the list needs none).

    `unsubmitted_only` (the dashboard's question) filters in SQL, so it stays as short as the open work."""
    today = clock.today()
    qs = Appropriation.objects.select_related("account", "report_653a").filter(kind=AppropriationKind.FULL_YEAR)
    if unsubmitted_only:
        qs = qs.filter(report_653a__isnull=True)
    return [deadline_653a(a, today) for a in qs.order_by("-fiscal_year", "account__code", "id")]


def overdue_653a_count() -> int:
    """How many 653(a) reports are overdue: one COUNT over the unsubmitted full-year appropriations."""
    due_before = clock.today() - dt.timedelta(days=DEADLINE_653A_DAYS)
    return Appropriation.objects.filter(
        kind=AppropriationKind.FULL_YEAR, report_653a__isnull=True, enacted_on__lt=due_before
    ).count()


# ---------------------------------------------------------------- expiring funds


def expiring(*, days: int = EXPIRING_DAYS, today: dt.date | None = None) -> list[dict[str, Any]]:
    """What stops accepting new obligations, closes its reobligation window, or cancels in the next `days`."""
    today = today or clock.today()
    horizon = today + dt.timedelta(days=days)
    events = (
        ("obligation period ends", "obligation_period_end"),
        ("reobligation window closes", "reobligation_window_end"),
        ("account cancels", "cancellation_date"),
    )
    q = Q()
    for _, field in events:
        q |= Q(**{f"{field}__gte": today, f"{field}__lte": horizon})
    apprs = list(Appropriation.objects.filter(q).select_related("account"))
    totals = totals_of([a.pk for a in apprs])
    out = []
    for appr in apprs:
        bal = totals.get(appr.pk)
        for label, field in events:
            day = getattr(appr, field)
            if today <= day <= horizon and bal is not None:
                at_stake = (
                    bal.appropriated - bal.obligated
                    if field == "obligation_period_end"
                    else (
                        bal.deobligated - bal.reobligated
                        if field == "reobligation_window_end"
                        else bal.appropriated - bal.disbursed
                    )
                )
                out.append(
                    {"appropriation": appr, "event": label, "on": day, "days_left": (day - today).days, "amount": at_stake}
                )
    return sorted(out, key=lambda r: (r["on"], r["appropriation"].account.code))


# ---------------------------------------------------------------- history


def history_imports() -> dict[str, HistoryImport]:
    return {h.source: h for h in HistoryImport.objects.all()}


def history_obligations(*, program: str, fiscal_year: int, country: str | None = None) -> dict[str, Any]:
    """The contract of GET /api/v1/history/obligations (amounts as Decimals; the API stringifies)."""
    qs = HistoricalAmount.objects.filter(
        source=HistorySource.GREENBOOK, program=program, fiscal_year=fiscal_year, transition_quarter=False
    )
    if country:
        qs = qs.filter(country__iso3=country.upper())
    by_country = (
        qs.filter(country__isnull=False)
        .values("country__iso3", "country__name")
        .annotate(amount=Sum("amount_current"))
        .order_by()
    )
    by_region = (
        qs.filter(country__isnull=True)
        .values("recipient_name", "pseudo_region__name")
        .annotate(amount=Sum("amount_current"))
        .order_by()
    )
    countries: list[dict[str, Any]] = sorted(
        ({"iso3": r["country__iso3"], "name": r["country__name"], "amount": r["amount"]} for r in by_country if r["amount"]),
        key=lambda r: (-r["amount"], r["name"]),
    )
    regions: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in by_region:
        regions[r["pseudo_region__name"] or r["recipient_name"]] += r["amount"] or ZERO
    pseudo: list[dict[str, Any]] = sorted(
        ({"name": k, "amount": v} for k, v in regions.items() if v), key=lambda r: (-r["amount"], r["name"])
    )
    countries_total = sum((c["amount"] for c in countries), ZERO)
    total = countries_total + sum((p["amount"] for p in pseudo), ZERO)
    caveats = [GREENBOOK_CAVEAT, PSEUDO_CAVEAT]
    loaded = HistoryImport.objects.filter(source=HistorySource.GREENBOOK).first()
    if loaded is None:
        caveats.append("The Greenbook file has not been imported into this installation (secassist import greenbook).")
    elif not 1946 <= fiscal_year <= 2019:
        caveats.append(f"The Greenbook covers FY1946–2019; FY{fiscal_year} is outside it.")
    rounded = qs.filter(rounded=True).exists() if loaded else False
    if rounded:
        caveats.append("Some amounts in this answer are rounded (≥ $10M, two significant figures).")
    return {
        "program": program,
        "fiscal_year": fiscal_year,
        "source": HistorySource.GREENBOOK.label,
        "total": total,
        "countries_total": countries_total,
        "countries": countries,
        "pseudo_regions": pseudo,
        "caveats": caveats,
    }


def country_history(country_id: int) -> list[dict[str, Any]]:
    """Greenbook obligations by FY and program for one country (for the country-page chart)."""
    rows = (
        HistoricalAmount.objects.filter(source=HistorySource.GREENBOOK, country_id=country_id)
        .values("fiscal_year", "program")
        .annotate(amount=Sum("amount_current"))
        .order_by("fiscal_year", "program")
    )
    return [
        {
            "fiscal_year": r["fiscal_year"],
            "program": r["program"] if r["program"] in PROGRAMS else "Other military",
            "amount": float(r["amount"]),
        }
        for r in rows
    ]


def country_fa_summary(country_id: int) -> list[dict[str, Any]]:
    rows = (
        HistoricalAmount.objects.filter(source=HistorySource.FA_COUNTRY, country_id=country_id)
        .values("fiscal_year", "transaction_type")
        .annotate(amount=Sum("amount_current"))
        .order_by("-fiscal_year", "transaction_type")
    )
    return [dict(r) for r in rows[:60]]


def history_rows(
    *, source: str, program: str = "", fiscal_year: int | None = None, country: str = ""
) -> QuerySet[HistoricalAmount]:
    qs = HistoricalAmount.objects.filter(source=source).select_related("country", "pseudo_region")
    if program:
        qs = qs.filter(program=program)
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if country:
        qs = qs.filter(country__iso3=country.upper())
    return qs.order_by("fiscal_year", "transition_quarter", "recipient_name", "line_no")


@dataclass(frozen=True)
class Title22ActivityView:
    """One Title 22 program as deconfliction compares it: an activity of a line, or a line that has
    none yet (then only its account, purpose and years are known)."""

    key: str
    label: str
    text: str
    fiscal_years: tuple[int, ...]
    units: tuple[str, ...] = ()
    linked_units: tuple[tuple[str, int], ...] = ()
    capabilities: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    allocation_id: int = 0


def title22_activities(country: Any) -> list[Title22ActivityView]:
    """The country's Title 22 activities (withdrawn lines left out), two queries whatever the count."""
    lines = (
        Allocation.objects.filter(country=country)
        .exclude(status="withdrawn")
        .select_related("account", "appropriation")
        .prefetch_related("activities__units")
    )
    out: list[Title22ActivityView] = []
    for a in lines:
        fy = a.appropriation.fiscal_year
        head = f"{a.account.code} FY{fy} {a.recipient_name}"
        activities = list(a.activities.all())
        if not activities:
            out.append(
                Title22ActivityView(
                    key=f"title22:{a.pk}",
                    label=head + (f" — {a.purpose}" if a.purpose else ""),
                    text=f"{a.account.name}. {a.purpose}",
                    fiscal_years=tuple(range(fy, fy + max(a.appropriation.years_available, 1))),
                    allocation_id=a.pk,
                )
            )
        for act in activities:
            units = list(act.units.all())
            out.append(
                Title22ActivityView(
                    key=f"title22:{a.pk}:{act.reference}",
                    label=f"{head} — {act.reference}" + (f": {act.description[:120]}" if act.description else ""),
                    text=f"{a.purpose}. {act.description}",
                    fiscal_years=tuple(range(act.first_fiscal_year, act.last_fiscal_year + 1)),
                    units=tuple(u.name for u in units),
                    linked_units=tuple((u.name, int(u.registry_unit_id)) for u in units if u.registry_unit_id),
                    capabilities=tuple(act.capabilities),
                    platforms=tuple(act.platforms),
                    allocation_id=a.pk,
                )
            )
    return out


# ---------------------------------------------------------------- movements by day (oversight's execution curves)


def line_movements(allocation_ids: list[int]) -> dict[int, list[tuple[dt.date, Decimal, Decimal]]]:
    """Per line, the net change of obligated and disbursed by effective day: one grouped query over the
    lines' own entries (the line index), never the whole ledger. Stage effects come from rules.effect_of,
    the one place that says what an entry does (FMF apportionment is also its obligation)."""
    if not allocation_ids:
        return {}
    rows = (
        LedgerEntry.objects.filter(allocation_id__in=allocation_ids)
        .values("allocation_id", "allocation__account__code", "entry_type", "effective_on", "reverses_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    days: dict[int, dict[dt.date, list[Decimal]]] = defaultdict(dict)
    for r in rows:
        effect = rules.effect_of(r["entry_type"], r["amount"], account=r["allocation__account__code"])
        if r["reverses_id"] is not None:  # a reversal undoes its original (rare: grouped one by one)
            effect = effect.negated()
        obligated = effect.line.get("obligated", ZERO)
        disbursed = effect.line.get("disbursed", ZERO)
        if obligated or disbursed:
            acc = days[r["allocation_id"]].setdefault(r["effective_on"], [ZERO, ZERO])
            acc[0] += obligated
            acc[1] += disbursed
    return {k: sorted((d, o, s) for d, (o, s) in v.items()) for k, v in days.items()}


# ---------------------------------------------------------------- amounts per recipient and program (formulation)

FA_REQUESTS = "President's Budget Requests"
LINE_MEASURES = ("allocated", "obligated")


def line_amounts(*, fiscal_year: int, measure: str = "obligated") -> dict[tuple[str, str], Decimal]:
    """Per (recipient key, account code) the summed balance column of that fiscal year's funds lines:
    the recipient key is the country's ISO3, or the recipient's name for a regional program."""
    if measure not in LINE_MEASURES:
        raise ValueError(f"measure must be one of {LINE_MEASURES}")
    rows = (
        Balance.objects.filter(allocation__appropriation__fiscal_year=fiscal_year, allocation__isnull=False)
        .values("allocation__country__iso3", "allocation__recipient_name", "allocation__account__code")
        .annotate(amount=Sum(measure))
        .order_by()
    )
    out: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        key = (r["allocation__country__iso3"] or r["allocation__recipient_name"], r["allocation__account__code"])
        out[key] += r["amount"] or ZERO
    return dict(out)


def greenbook_amounts(*, fiscal_year: int) -> dict[tuple[str, str], Decimal]:
    """Greenbook obligations of one fiscal year per (country ISO3 or recipient name, FMF/IMET/PKO)."""
    rows = (
        HistoricalAmount.objects.filter(
            source=HistorySource.GREENBOOK, fiscal_year=fiscal_year, transition_quarter=False, program__in=PROGRAMS
        )
        .values("country__iso3", "recipient_name", "program")
        .annotate(amount=Sum("amount_current"))
        .order_by()
    )
    out: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        out[(r["country__iso3"] or r["recipient_name"], r["program"])] += r["amount"] or ZERO
    return dict(out)


def fa_requests(*, iso3s: list[str], fiscal_years: list[int]) -> dict[tuple[str, int], Decimal]:
    """ForeignAssistance.gov "President's Budget Requests" per (country ISO3, FY), all accounts combined."""
    rows = (
        HistoricalAmount.objects.filter(
            source=HistorySource.FA_COUNTRY,
            transaction_type=FA_REQUESTS,
            country__iso3__in=iso3s,
            fiscal_year__in=fiscal_years,
        )
        .values("country__iso3", "fiscal_year")
        .annotate(amount=Sum("amount_current"))
        .order_by()
    )
    return {(r["country__iso3"], r["fiscal_year"]): r["amount"] for r in rows}


def fa_request_years() -> list[int]:
    """The fiscal years the imported FA.gov file holds requests for (newest first)."""
    return list(
        HistoricalAmount.objects.filter(source=HistorySource.FA_COUNTRY, transaction_type=FA_REQUESTS)
        .values_list("fiscal_year", flat=True)
        .distinct()
        .order_by("-fiscal_year")
    )


def ledger_fiscal_years() -> list[int]:
    return list(Appropriation.objects.values_list("fiscal_year", flat=True).distinct().order_by("-fiscal_year"))
