"""Reads of program oversight. Every figure a page, the API or a report shows is computed here (from
the funds balances, the lines' own ledger entries through budget.selectors, and the Title 10 proposals
through title10.selectors) and judged by rules.py. Every signed-in role may read oversight records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from secassist.budget import selectors as budget_selectors
from secassist.budget.models import Allocation, AllocationStatus
from secassist.core import clock
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import FiscalYear
from secassist.reference.models import Authority, Country, Title22Account
from secassist.title10 import selectors as title10_selectors
from secassist.title10.models import CONCURRING, Proposal, Status

from . import programs, rules
from .models import (
    Delivery,
    Evaluation,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    ObjectiveLink,
    SpendPlanPoint,
    Title10Execution,
)

ZERO = rules.ZERO
MAX_QUARTERS = 24
RUNNING_T22 = [s for s in AllocationStatus.values if s not in (AllocationStatus.PLANNED, AllocationStatus.WITHDRAWN)]
RUNNING_T10 = [Status.DECIDED, Status.CN_PENDING, Status.READY_TO_EXECUTE]
TEAMS = {"t22": "Title 22 (Security Assistance team)", "t10": "Title 10 (Title 10 team)"}


# ---------------------------------------------------------------- filters


def parse_filters(*, fy: Any = None, country: Any = None, program: Any = None, team: Any = None) -> dict[str, Any]:
    """Validated filters shared by pages, API and reports. fy blank = every fiscal year of funds."""
    out: dict[str, Any] = {"fy": None, "country": None, "program": "", "team": ""}
    if fy not in (None, ""):
        out["fy"] = FiscalYear.parse(fy, field="fy").year
    if country not in (None, ""):
        found = Country.objects.filter(iso3=str(country).upper()[:3]).first()
        if found is None:
            raise InvalidInput("country must be an ISO 3166 alpha-3 code of a known country", field="country", value=country)
        out["country"] = found
    if program not in (None, ""):
        allowed = program_codes()
        if program not in allowed["t22"] + allowed["t10"]:
            raise InvalidInput(
                "program must be a Title 22 account or a Title 10 authority code",
                field="program",
                value=program,
                allowed=allowed["t22"] + allowed["t10"],
            )
        out["program"] = str(program)
        out["team"] = "t22" if program in allowed["t22"] else "t10"
    if team not in (None, ""):
        if team not in TEAMS:
            raise InvalidInput("team must be t22 or t10", field="team", value=team, allowed=list(TEAMS))
        if out["team"] and out["team"] != team:
            raise InvalidInput(f"program {program} is not a {team} program", field="program", value=program)
        out["team"] = str(team)
    return out


def program_codes() -> dict[str, list[str]]:
    return {
        "t22": list(Title22Account.objects.order_by("code").values_list("code", flat=True)),
        "t10": list(Authority.objects.order_by("code").values_list("code", flat=True)),
    }


# ---------------------------------------------------------------- objectives


def objectives(*, country: Country | None = None, kind: str = "") -> QuerySet[Objective]:
    qs = Objective.objects.select_related("country").prefetch_related(
        Prefetch(
            "links",
            queryset=ObjectiveLink.objects.select_related(
                "allocation__appropriation", "allocation__account", "proposal__country"
            ),
        ),
    )
    if country is not None:
        qs = qs.filter(country=country)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("country__name", "kind", "ccmd", "code")


def objective_detail_qs() -> QuerySet[Objective]:
    return objectives().prefetch_related("versions__recorded_by", "indicators")


def links_of(*, allocation_id: int | None = None, proposal_id: int | None = None) -> list[ObjectiveLink]:
    """The other direction of a link: the objectives a program advances (shown on its budget/title10 page)."""
    qs = ObjectiveLink.objects.select_related("objective__country")
    if allocation_id is not None:
        qs = qs.filter(allocation_id=allocation_id)
    elif proposal_id is not None:
        qs = qs.filter(proposal_id=proposal_id)
    else:
        return []
    return list(qs.order_by("objective__kind", "objective__code"))


# ---------------------------------------------------------------- indicators


def indicators(*, country: Country | None = None, team: str = "") -> QuerySet[Indicator]:
    qs = Indicator.objects.select_related(
        "country", "objective", "allocation__appropriation", "allocation__account", "proposal__country"
    ).prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("due_on")),
        Prefetch("values", queryset=IndicatorValue.objects.order_by("as_of", "id")),
        Prefetch("evaluations", queryset=Evaluation.objects.order_by("-evaluated_on", "-id")),
    )
    if country is not None:
        qs = qs.filter(country=country)
    if team == "t22":
        qs = qs.filter(allocation__isnull=False)
    elif team == "t10":
        qs = qs.filter(proposal__isnull=False)
    return qs.order_by("country__name", "name", "id")


def indicator_view(ind: Indicator) -> rules.IndicatorView:
    return rules.IndicatorView(
        ind.name,
        ind.direction,
        ind.baseline_value,
        ind.baseline_on,
        ind.report_every_days,
        [(t.due_on, t.value) for t in ind.targets.all()],
        [(v.as_of, v.value) for v in ind.values.all()],
    )


def indicator_status(ind: Indicator, today: dt.date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    out = rules.indicator_status(indicator_view(ind), today)
    for ev in ind.evaluations.all():
        flag = rules.follow_up_flag(ev.evaluator, ev.follow_up_due, ev.follow_up_status, today)
        if flag:
            out["flags"].append(flag)
    out["program"] = programs.of(ind)
    return out


def indicator_rows(qs: QuerySet[Indicator], today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or clock.today()
    return [{"indicator": ind, **indicator_status(ind, today)} for ind in qs]


def running_programs(*, country: Country | None = None, team: str = "", fy: int | None = None) -> list[programs.Program]:
    """Programs that should be measured: approved-or-later country lines and concurred Title 10 proposals."""
    out: list[programs.Program] = []
    if team in ("", "t22"):
        lines = budget_selectors.allocations(fiscal_year=fy, country=country.iso3 if country else None).filter(
            country__isnull=False, status__in=RUNNING_T22
        )
        out += [programs.Program(allocation=a) for a in lines]
    if team in ("", "t10"):
        props = title10_selectors.proposals(country=country.iso3 if country else "").filter(
            status__in=RUNNING_T10, decision__in=CONCURRING
        )
        if fy:
            props = props.filter(fiscal_year=fy)
        out += [programs.Program(proposal=p) for p in props]
    return out


def programs_without_indicator(progs: list[programs.Program]) -> list[rules.Flag]:
    alloc_ids = {p.allocation.pk for p in progs if p.allocation is not None}
    prop_ids = {p.proposal.pk for p in progs if p.proposal is not None}
    measured = Indicator.objects.filter(Q(allocation_id__in=alloc_ids) | Q(proposal_id__in=prop_ids)).values_list(
        "allocation_id", "proposal_id"
    )
    have_a = {a for a, _ in measured if a}
    have_p = {p for _, p in measured if p}
    return [
        rules.no_indicator_flag(p.label)
        for p in progs
        if (p.allocation is not None and p.allocation.pk not in have_a)
        or (p.proposal is not None and p.proposal.pk not in have_p)
    ]


# ---------------------------------------------------------------- execution


def _quarters(fy: int, today: dt.date, last: dt.date) -> list[tuple[str, dt.date]]:
    start = FiscalYear(fy).start
    return rules.fiscal_quarter_ends(start, max(start, min(today, last)))[:MAX_QUARTERS]


def title22_execution(lines: list[Allocation], today: dt.date) -> list[dict[str, Any]]:
    ids = [a.pk for a in lines]
    moves = budget_selectors.line_movements(ids)
    plans: dict[int, list[rules.PlanPoint]] = defaultdict(list)
    for p in SpendPlanPoint.objects.filter(allocation_id__in=ids).order_by("quarter_end"):
        plans[p.allocation_id].append(rules.PlanPoint(p.quarter_end, p.planned_obligated, p.planned_disbursed))
    return [_line_row(a, [rules.Movement(*m) for m in moves.get(a.pk, [])], plans.get(a.pk, []), today) for a in lines]


def _line_row(a: Allocation, movements: list[rules.Movement], plan: list[rules.PlanPoint], today: dt.date) -> dict[str, Any]:
    appr, bal = a.appropriation, a.balance
    name = programs.Program(allocation=a).label
    points = rules.curve(movements, plan, _quarters(appr.fiscal_year, today, appr.cancellation_date))
    layers = rules.unliquidated_layers(movements)
    unobligated = bal.allocated - bal.obligated
    flags = rules.plan_flags(points, today, name) + rules.pipeline_flags(
        layers,
        today=today,
        name=name,
        unobligated=unobligated,
        obligation_period_end=appr.obligation_period_end,
        cancellation_date=appr.cancellation_date,
    )
    oldest = min((x.obligated_on for x in layers), default=None)
    return {
        "program": f"t22:{a.pk}",
        "label": name,
        "allocation_id": a.pk,
        "appropriation": str(appr),
        "account": a.account.code,
        "fiscal_year": appr.fiscal_year,
        "country": a.iso3,
        "recipient": a.recipient_name,
        "status": a.status,
        "allocated": bal.allocated,
        "obligated": bal.obligated,
        "disbursed": bal.disbursed,
        "unobligated": unobligated,
        "unliquidated": bal.obligated - bal.disbursed,
        "obligation_rate": rules.rate(bal.obligated, bal.allocated),
        "disbursement_rate": rules.rate(bal.disbursed, bal.obligated),
        "obligation_period_end": appr.obligation_period_end,
        "cancellation_date": appr.cancellation_date,
        "at_risk_expiring": sum((f.data["unobligated"] for f in flags if f.code == "OVS-012"), ZERO),
        "at_risk_cancelling": sum((f.data["unliquidated"] for f in flags if f.code == "OVS-013"), ZERO),
        "oldest_unliquidated_on": oldest,
        "oldest_unliquidated_days": (today - oldest).days if oldest else None,
        "ulo_aging": rules.age_buckets(layers, today),
        "quarters": points,
        "flags": flags,
    }


def title10_execution(props: list[Proposal], today: dt.date) -> list[dict[str, Any]]:
    ids = [p.pk for p in props]
    latest: dict[int, Title10Execution] = {}
    for r in Title10Execution.objects.filter(proposal_id__in=ids, as_of__lte=today).order_by("proposal_id", "as_of", "id"):
        latest[r.proposal_id] = r
    dels: dict[int, list[Delivery]] = defaultdict(list)
    for d in Delivery.objects.filter(proposal_id__in=ids).order_by("planned_on"):
        if d.proposal_id is not None:
            dels[d.proposal_id].append(d)
    out = []
    for p in props:
        cost = p.total_cost
        rep = latest.get(p.pk)
        obligated = rep.obligated if rep else ZERO
        disbursed = rep.disbursed if rep else ZERO
        flags = [f for d in dels[p.pk] if (f := rules.delivery_flag(d.reference, d.planned_on, d.actual_on, today))]
        out.append(
            {
                "program": f"t10:{p.reference}",
                "label": f"{p.reference} {p.title}",
                "reference": p.reference,
                "authority": p.authority.code,
                "fiscal_year": p.fiscal_year,
                "country": p.country.iso3,
                "status": p.status,
                "total_cost": cost,
                "obligated": obligated,
                "disbursed": disbursed,
                "unobligated": max(cost - obligated, ZERO),
                "unliquidated": obligated - disbursed,
                "obligation_rate": rules.rate(obligated, cost),
                "disbursement_rate": rules.rate(disbursed, obligated),
                "reported_as_of": rep.as_of if rep else None,
                "report_source": rep.source if rep else "",
                "deliveries": rules.timeliness(((d.planned_on, d.actual_on) for d in dels[p.pk]), today),
                "flags": flags,
            }
        )
    return out


def execution(
    *, fy: int | None, country: Country | None, program: str = "", team: str = "", today: dt.date | None = None
) -> dict[str, Any]:
    """The one computation behind GET /api/v1/oversight/execution, the pages and the two reports."""
    today = today or clock.today()
    t22: list[dict[str, Any]] = []
    t10: list[dict[str, Any]] = []
    if team in ("", "t22"):
        lines = list(
            budget_selectors.allocations(fiscal_year=fy, account=program or None, country=country.iso3 if country else None)
            .select_related("appropriation__account")
            .filter(status__in=RUNNING_T22)
        )
        t22 = title22_execution(lines, today)
    if team in ("", "t10"):
        props = (
            title10_selectors.proposals(authority=program, country=country.iso3 if country else "")
            .filter(status__in=RUNNING_T10, decision__in=CONCURRING)
            .select_related("authority")
        )
        if fy:
            props = props.filter(fiscal_year=fy)
        t10 = title10_execution(list(props), today)
    return {
        "as_of": today,
        "fiscal_year": fy,
        "country": country.iso3 if country else "",
        "program": program,
        "team": team,
        "title22": t22,
        "title10": t10,
        "totals": _totals(t22, t10),
    }


def _totals(t22: list[dict[str, Any]], t10: list[dict[str, Any]]) -> dict[str, Any]:
    def s(rows: list[dict[str, Any]], key: str) -> Decimal:
        return sum((r[key] for r in rows), ZERO)

    return {
        "title22": {
            k: s(t22, k)
            for k in (
                "allocated",
                "obligated",
                "disbursed",
                "unobligated",
                "unliquidated",
                "at_risk_expiring",
                "at_risk_cancelling",
            )
        },
        "title10": {k: s(t10, k) for k in ("total_cost", "obligated", "disbursed", "unobligated", "unliquidated")},
    }


# ---------------------------------------------------------------- deliveries


def deliveries(*, country: Country | None = None, team: str = "", late_only: bool = False) -> QuerySet[Delivery]:
    qs = Delivery.objects.select_related("country", "allocation__appropriation", "allocation__account", "proposal")
    if country is not None:
        qs = qs.filter(country=country)
    if team == "t22":
        qs = qs.filter(allocation__isnull=False)
    elif team == "t10":
        qs = qs.filter(proposal__isnull=False)
    if late_only:
        today = clock.today()
        qs = qs.filter(Q(actual_on__isnull=True, planned_on__lt=today) | Q(actual_on__gt=F("planned_on")))
    return qs.order_by("planned_on", "reference")


def delivery_row(d: Delivery, today: dt.date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    flag = rules.delivery_flag(d.reference, d.planned_on, d.actual_on, today)
    return {
        "delivery": d,
        "program": programs.of(d),
        "days_late": rules.days_late(d.planned_on, d.actual_on, today),
        "flag": flag,
        "state": "delivered" if d.actual_on else ("overdue" if d.planned_on < today else "planned"),
    }


def all_flags(*, country: Country | None = None, team: str = "", today: dt.date | None = None) -> list[rules.Flag]:
    """Programs without an indicator, indicator flags (overdue, off track, follow-up) and late deliveries."""
    today = today or clock.today()
    out = programs_without_indicator(running_programs(country=country, team=team))
    for row in indicator_rows(indicators(country=country, team=team), today):
        out += row["flags"]
    for d in deliveries(country=country, team=team, late_only=True):
        flag = rules.delivery_flag(d.reference, d.planned_on, d.actual_on, today)
        if flag:
            out.append(flag)
    return out
