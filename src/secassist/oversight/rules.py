"""Pure computations and checks of program oversight: execution rates against plan, the pipeline
(unliquidated obligations) and its age, funds at risk, late deliveries and indicator status.

No queries here: selectors gather the figures, these functions decide. Every flag explains itself
(`code`, `severity`, `message`, `citation`, `data`); codes are listed in docs/user-guide/oversight.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from secassist.core.dates import add_days
from secassist.core.money import fmt_money

ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")
EXPIRING_WINDOW_DAYS = 180  # unobligated money whose obligation period ends within this is at risk
CANCELLING_WINDOW_DAYS = 365  # unliquidated obligations of an account that cancels within this are at risk
AGED_ULO_DAYS = 730  # an obligation still unliquidated two years on is a stale pipeline
PLAN_TOLERANCE = Decimal("0.05")  # behind plan when actual is more than 5 % of the planned amount short
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–180 days", 0, 180),
    ("181–365 days", 181, 365),
    ("1–2 years", 366, 730),
    ("2–5 years", 731, 1825),
    ("over 5 years", 1826, None),
)

CITATIONS = {
    "OVS-001": "22 U.S.C. 2394c (FATAA) monitoring and evaluation; 10 U.S.C. 383 (assessment, monitoring and evaluation)",
    "OVS-002": "22 U.S.C. 2394c; 10 U.S.C. 383",
    "OVS-003": "22 U.S.C. 2394c; 10 U.S.C. 383",
    "OVS-004": "22 U.S.C. 2394c; 10 U.S.C. 383",
    "OVS-010": "execution plan of the line (spend plan); 10 U.S.C. 333(f) / FMF pipeline reporting",
    "OVS-011": "execution plan of the line (spend plan); 10 U.S.C. 333(f) / FMF pipeline reporting",
    "OVS-012": "31 U.S.C. 1502(a) (period of availability); the appropriation's obligation period",
    "OVS-013": "31 U.S.C. 1552(a) (closed account: remaining balance cancelled)",
    "OVS-014": "10 U.S.C. 333(f) (unliquidated obligations); FMF pipeline reporting",
    "OVS-020": "10 U.S.C. 333(f) (deliveries and their timeliness)",
    "OVS-021": "10 U.S.C. 333(f) (deliveries and their timeliness)",
}


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def citation(self) -> str:
        return CITATIONS[self.code]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
            "data": {k: str(v) if isinstance(v, (Decimal, dt.date)) else v for k, v in self.data.items()},
        }


def num(value: Decimal) -> str:
    """A value as people write it: 20.0000 → 20, 12.5000 → 12.5 (never 2E+1)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole to four places; None (unknown, not zero) when there is nothing to measure against."""
    if whole <= 0:
        return None
    return (part / whole).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)


# ---------------------------------------------------------------- execution curves


@dataclass(frozen=True)
class Movement:
    """Net change of a line's obligated and disbursed amounts on one day (from the ledger)."""

    on: dt.date
    obligated: Decimal = ZERO
    disbursed: Decimal = ZERO


@dataclass(frozen=True)
class PlanPoint:
    quarter_end: dt.date
    obligated: Decimal
    disbursed: Decimal


@dataclass(frozen=True)
class QuarterPoint:
    label: str
    end: dt.date
    obligated: Decimal
    disbursed: Decimal
    planned_obligated: Decimal | None
    planned_disbursed: Decimal | None


def fiscal_quarter_ends(first_day: dt.date, last_day: dt.date) -> list[tuple[str, dt.date]]:
    """The fiscal quarters (FY starts 1 Oct) from the one holding `first_day` to the one holding `last_day`."""
    out: list[tuple[str, dt.date]] = []
    year, month = first_day.year, ((first_day.month - 1) // 3) * 3 + 1
    while dt.date(year, month, 1) <= last_day:
        end_month = month + 2
        end = (dt.date(year + 1, 1, 1) if end_month == 12 else dt.date(year, end_month + 1, 1)) - dt.timedelta(days=1)
        fy = year + 1 if month >= 10 else year
        quarter = (month - 10) % 12 // 3 + 1
        out.append((f"FY{fy} Q{quarter}", end))
        month += 3
        if month > 12:
            month, year = 1, year + 1
    return out


def curve(
    movements: Iterable[Movement], plan: Sequence[PlanPoint], quarters: Sequence[tuple[str, dt.date]]
) -> list[QuarterPoint]:
    """Cumulative obligated and disbursed at each quarter end, beside the plan for that quarter end."""
    moves = sorted(movements, key=lambda m: m.on)
    planned = {p.quarter_end: p for p in plan}
    out, obligated, disbursed, i = [], ZERO, ZERO, 0
    for label, end in quarters:
        while i < len(moves) and moves[i].on <= end:
            obligated += moves[i].obligated
            disbursed += moves[i].disbursed
            i += 1
        p = planned.get(end)
        out.append(QuarterPoint(label, end, obligated, disbursed, p.obligated if p else None, p.disbursed if p else None))
    return out


def plan_flags(points: Sequence[QuarterPoint], today: dt.date, name: str) -> list[Flag]:
    """Behind plan at the last completed quarter end that has a plan (a quarter still running is not judged)."""
    judged = [p for p in points if p.end < today and p.planned_obligated is not None]
    if not judged:
        return []
    last = judged[-1]
    flags = []
    for code, stage, actual, planned in (
        ("OVS-010", "obligated", last.obligated, last.planned_obligated),
        ("OVS-011", "disbursed", last.disbursed, last.planned_disbursed),
    ):
        assert planned is not None
        shortfall = planned - actual
        if planned > 0 and shortfall > planned * PLAN_TOLERANCE:
            flags.append(
                Flag(
                    code,
                    "warning",
                    f"{name}: {fmt_money(actual)} {stage} by {last.end:%Y-%m-%d} against {fmt_money(planned)} planned "
                    f"({fmt_money(shortfall)} short, more than {PLAN_TOLERANCE:.0%} of plan)",
                    {
                        "quarter": last.label,
                        "quarter_end": last.end,
                        "actual": actual,
                        "planned": planned,
                        "shortfall": shortfall,
                    },
                )
            )
    return flags


# ---------------------------------------------------------------- pipeline age


@dataclass(frozen=True)
class Layer:
    obligated_on: dt.date
    amount: Decimal

    def age_days(self, today: dt.date) -> int:
        return (today - self.obligated_on).days


def unliquidated_layers(movements: Iterable[Movement]) -> list[Layer]:
    """What is still unliquidated, by the day it was obligated.

    Liquidations (disbursements) and reductions (deobligations, reversals) are applied to the oldest
    obligations first (first in, first out): the office cannot tell from the ledger which obligation a
    voucher paid, and FIFO is the convention of pipeline ageing. The layers sum to obligated − disbursed.
    """
    moves = list(movements)
    consumed = sum((m.disbursed for m in moves), ZERO) - sum((m.obligated for m in moves if m.obligated < 0), ZERO)
    out = []
    for m in sorted(moves, key=lambda m: m.on):
        if m.obligated <= 0:
            continue
        used = min(m.obligated, max(consumed, ZERO))
        consumed -= used
        if m.obligated - used > 0:
            out.append(Layer(m.on, m.obligated - used))
    return out


def age_buckets(layers: Iterable[Layer], today: dt.date) -> list[dict[str, Any]]:
    totals = {label: ZERO for label, _, _ in AGE_BUCKETS}
    for layer in layers:
        age = max(layer.age_days(today), 0)
        for label, low, high in AGE_BUCKETS:
            if age >= low and (high is None or age <= high):
                totals[label] += layer.amount
                break
    return [{"bucket": label, "amount": totals[label]} for label, _, _ in AGE_BUCKETS]


def pipeline_flags(
    layers: Sequence[Layer],
    *,
    today: dt.date,
    name: str,
    unobligated: Decimal,
    obligation_period_end: dt.date,
    cancellation_date: dt.date,
) -> list[Flag]:
    flags = []
    days_to_expiry = (obligation_period_end - today).days
    if unobligated > 0 and 0 <= days_to_expiry <= EXPIRING_WINDOW_DAYS:
        flags.append(
            Flag(
                "OVS-012",
                "warning",
                f"{name}: {fmt_money(unobligated)} not yet obligated and the obligation period ends "
                f"{obligation_period_end:%Y-%m-%d} ({days_to_expiry} days)",
                {"unobligated": unobligated, "obligation_period_end": obligation_period_end, "days_left": days_to_expiry},
            )
        )
    ulo = sum((x.amount for x in layers), ZERO)
    days_to_cancel = (cancellation_date - today).days
    if ulo > 0 and 0 <= days_to_cancel <= CANCELLING_WINDOW_DAYS:
        flags.append(
            Flag(
                "OVS-013",
                "error",
                f"{name}: {fmt_money(ulo)} obligated but not disbursed, and the account cancels "
                f"{cancellation_date:%Y-%m-%d} ({days_to_cancel} days)",
                {"unliquidated": ulo, "cancellation_date": cancellation_date, "days_left": days_to_cancel},
            )
        )
    aged = sum((x.amount for x in layers if x.age_days(today) > AGED_ULO_DAYS), ZERO)
    if aged > 0:
        flags.append(
            Flag(
                "OVS-014",
                "info",
                f"{name}: {fmt_money(aged)} obligated more than {AGED_ULO_DAYS} days ago is still undisbursed",
                {"aged_unliquidated": aged, "older_than_days": AGED_ULO_DAYS},
            )
        )
    return flags


# ---------------------------------------------------------------- deliveries


def days_late(planned_on: dt.date, actual_on: dt.date | None, today: dt.date) -> int:
    """Days past the planned date: delivered late, or not delivered and the date has passed. 0 when on time."""
    return max(((actual_on or today) - planned_on).days, 0)


def delivery_flag(reference: str, planned_on: dt.date, actual_on: dt.date | None, today: dt.date) -> Flag | None:
    late = days_late(planned_on, actual_on, today)
    if late == 0:
        return None
    if actual_on is not None:
        return Flag(
            "OVS-020",
            "warning",
            f"{reference} delivered {actual_on:%Y-%m-%d}, {late} days after the planned {planned_on:%Y-%m-%d}",
            {"reference": reference, "planned_on": planned_on, "actual_on": actual_on, "days_late": late},
        )
    return Flag(
        "OVS-021",
        "error",
        f"{reference} not delivered; planned for {planned_on:%Y-%m-%d}, {late} days ago",
        {"reference": reference, "planned_on": planned_on, "days_late": late},
    )


def timeliness(rows: Iterable[tuple[dt.date, dt.date | None]], today: dt.date) -> dict[str, Any]:
    """§333(f) timeliness: of the elements due by today, how many came on time."""
    due = delivered = on_time = late = 0
    for planned_on, actual_on in rows:
        if planned_on > today and actual_on is None:
            continue
        due += 1
        delivered += actual_on is not None
        if days_late(planned_on, actual_on, today) == 0:
            on_time += 1
        else:
            late += 1
    return {
        "due": due,
        "delivered": delivered,
        "on_time": on_time,
        "late": late,
        "on_time_rate": rate(Decimal(on_time), Decimal(due)),
    }


# ---------------------------------------------------------------- indicators


@dataclass(frozen=True)
class IndicatorView:
    name: str
    direction: str
    baseline_value: Decimal
    baseline_on: dt.date
    report_every_days: int
    targets: Sequence[tuple[dt.date, Decimal]]  # (due_on, value)
    values: Sequence[tuple[dt.date, Decimal]]  # (as_of, value)


def next_report_due(ind: IndicatorView) -> dt.date:
    last = max((on for on, _ in ind.values), default=ind.baseline_on)
    return add_days(last, ind.report_every_days)


def target_due(ind: IndicatorView, on: dt.date) -> tuple[dt.date, Decimal] | None:
    """The latest target due on or before `on`."""
    due = [t for t in ind.targets if t[0] <= on]
    return max(due, key=lambda t: t[0]) if due else None


def meets(direction: str, value: Decimal, target: Decimal) -> bool:
    return value >= target if direction == "increase" else value <= target


def indicator_status(ind: IndicatorView, today: dt.date) -> dict[str, Any]:
    """on_track / off_track / no_data / no_target_due, with the figures the verdict used and its flags."""
    flags: list[Flag] = []
    latest = max(ind.values, key=lambda v: v[0]) if ind.values else None
    due_on = next_report_due(ind)
    if today > due_on:
        flags.append(
            Flag(
                "OVS-002",
                "warning",
                f"{ind.name}: a value was due by {due_on:%Y-%m-%d} ({(today - due_on).days} days overdue)",
                {"due_on": due_on, "days_overdue": (today - due_on).days},
            )
        )
    if latest is None:
        return {"status": "no_data", "latest": None, "target": None, "next_due": due_on, "flags": flags}
    target = target_due(ind, latest[0])
    if target is None:
        return {"status": "no_target_due", "latest": latest, "target": None, "next_due": due_on, "flags": flags}
    if meets(ind.direction, latest[1], target[1]):
        status = "on_track"
    else:
        status = "off_track"
        flags.append(
            Flag(
                "OVS-003",
                "warning",
                f"{ind.name}: {num(latest[1])} as of {latest[0]:%Y-%m-%d} misses the target "
                f"{num(target[1])} due {target[0]:%Y-%m-%d}",
                {"value": latest[1], "as_of": latest[0], "target": target[1], "target_due": target[0]},
            )
        )
    return {"status": status, "latest": latest, "target": target, "next_due": due_on, "flags": flags}


def no_indicator_flag(program: str) -> Flag:
    return Flag("OVS-001", "warning", f"{program} has no indicator: its results cannot be shown", {"program": program})


def follow_up_flag(evaluator: str, due: dt.date | None, status: str, today: dt.date) -> Flag | None:
    if status == "closed" or due is None or due >= today:
        return None
    return Flag(
        "OVS-004",
        "warning",
        f"follow-up of the evaluation by {evaluator} was due {due:%Y-%m-%d} and is still {status.replace('_', ' ')}",
        {"follow_up_due": due, "days_overdue": (today - due).days},
    )
