"""Demo step (order 550): objectives, indicators, spend plans and deliveries for Jordan and Ukraine.

It builds on what the earlier demo steps recorded: the current-year demo lines of the funds ledger
(budget, order 100) and the sample DoD proposals (title10, order 400). Execution figures are never
written here: they are computed from that ledger. Everything this step creates is marked demo
(`is_demo`, "(demo)" in titles); dates are relative to the day the step runs. Idempotent: what exists
is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from secassist.budget import selectors as budget_selectors
from secassist.budget.demo import DEMO_LAW
from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.title10 import selectors as title10_selectors

from . import services
from .models import Delivery, Indicator, Objective, SpendPlanPoint
from .programs import Program

#: (iso3, kind, ccmd, code, title)
OBJECTIVES = [
    ("JOR", "ics", "", "MO 1", "A secure and stable Jordan able to defend its borders (demo)"),
    ("JOR", "campaign", "CENTCOM", "LOE 2", "Partner border security and counter-ISIS (demo)"),
    ("UKR", "ics", "", "MO 1", "Ukraine defends its sovereignty and territorial integrity (demo)"),
    ("UKR", "campaign", "EUCOM", "LOE 1", "Interoperable partner forces with professional military education (demo)"),
]
#: program spec -> objective codes it advances
LINKS = [
    (("JOR", "FMF"), [("JOR", "MO 1"), ("JOR", "LOE 2")]),
    (("JOR", "IMET"), [("JOR", "MO 1")]),
    (("UKR", "IMET"), [("UKR", "MO 1"), ("UKR", "LOE 1")]),
    ("CENTCOM-333-FY27-004", [("JOR", "MO 1"), ("JOR", "LOE 2")]),
    ("CENTCOM-333-FY27-009", [("JOR", "MO 1")]),
]
#: cumulative (obligated share, disbursed share) planned at the end of each quarter of the FY of funds
PLANS = {
    "FMF": [
        (Decimal("1"), Decimal("0.10")),
        (Decimal("1"), Decimal("0.35")),
        (Decimal("1"), Decimal("0.60")),
        (Decimal("1"), Decimal("0.85")),
    ],
    "IMET": [
        (Decimal("1"), Decimal("0.20")),
        (Decimal("1"), Decimal("0.45")),
        (Decimal("1"), Decimal("0.70")),
        (Decimal("1"), Decimal("0.95")),
    ],
}


def run(*, acting_user: Any, stdout: Any) -> None:
    say = stdout.write
    today = clock.today()
    progs = _programs(say)
    objectives = _objectives(acting_user)
    _links(acting_user, progs, objectives)
    _indicators(acting_user, progs, objectives, today)
    _plans(acting_user, progs)
    _deliveries(acting_user, progs, today)
    say(
        f"  oversight demo: {len(objectives)} objectives, {Indicator.objects.filter(is_demo=True).count()} indicators, "
        f"{Delivery.objects.filter(is_demo=True).count()} deliveries for Jordan and Ukraine ({len(progs)} programs found)"
    )


def _programs(say: Any) -> dict[Any, Program]:
    out: dict[Any, Program] = {}
    for spec, _ in LINKS:
        if isinstance(spec, tuple):
            line = (
                budget_selectors.allocations(country=spec[0], account=spec[1]).filter(appropriation__public_law=DEMO_LAW).first()
            )
            if line is not None:
                out[spec] = Program(allocation=line)
        else:
            proposal = title10_selectors.proposals().filter(reference=spec).first()
            if proposal is not None:
                out[spec] = Program(proposal=proposal)
        if spec not in out:
            say(f"  oversight demo: {spec} not found (its demo step did not run); left out")
    return out


def _objectives(user: Any) -> dict[tuple[str, str], Objective]:
    out = {}
    for iso3, kind, ccmd, code, title in OBJECTIVES:
        obj = Objective.objects.filter(country__iso3=iso3, kind=kind, ccmd=ccmd, code=code).first()
        if obj is None:
            obj = services.create_objective(
                acting_user=user,
                country=iso3,
                kind=kind,
                ccmd=ccmd,
                code=code,
                title=title,
                description="Demonstration objective, paraphrasing the public strategy's intent.",
                is_demo=True,
            )
        out[(iso3, code)] = obj
    return out


def _links(user: Any, progs: dict[Any, Program], objectives: dict[tuple[str, str], Objective]) -> None:
    for spec, codes in LINKS:
        if spec not in progs:
            continue
        for code in codes:
            try:
                services.link_objective(acting_user=user, objective=objectives[code], program=progs[spec], rationale="demo link")
            except DomainError:  # already linked: idempotent
                continue


def _indicators(user: Any, progs: dict[Any, Program], objectives: dict[tuple[str, str], Objective], today: dt.date) -> None:
    days = dt.timedelta
    specs = [
        # program, objective, name, unit, direction, baseline, baseline age,
        # targets [(days from today, value)], values [(days ago, value)]
        (
            ("JOR", "FMF"),
            ("JOR", "MO 1"),
            "Northern and eastern border sectors under persistent surveillance (demo)",
            "%",
            "increase",
            "40",
            400,
            [(-40, "55"), (300, "70")],
            [(200, "47"), (30, "58")],
        ),
        (
            ("JOR", "IMET"),
            ("JOR", "MO 1"),
            "IMET graduates serving as Border Guard instructors (demo)",
            "officers",
            "increase",
            "12",
            420,
            [(-60, "20"), (240, "26")],
            [(50, "15")],
        ),
        (
            ("UKR", "IMET"),
            ("UKR", "LOE 1"),
            "Officers completing U.S. professional military education (demo)",
            "officers",
            "increase",
            "30",
            500,
            [(-200, "45"), (160, "60")],
            [(250, "38")],
        ),
        (
            "CENTCOM-333-FY27-004",
            ("JOR", "LOE 2"),
            "Border Guard response time to detected incursions (demo)",
            "minutes",
            "decrease",
            "95",
            100,
            [(420, "45")],
            [],
        ),
    ]
    for spec, obj_code, name, unit, direction, baseline, age, targets, values in specs:
        if spec not in progs or Indicator.objects.filter(name=name, is_demo=True).exists():
            continue
        ind = services.create_indicator(
            acting_user=user,
            program=progs[spec],
            objective=objectives[obj_code],
            name=name,
            unit=unit,
            direction=direction,
            baseline_value=baseline,
            baseline_on=today - days(age),
            targets=[(today + days(d), v) for d, v in targets],
            is_demo=True,
        )
        for ago, value in values:
            services.record_value(
                acting_user=user,
                indicator=ind,
                as_of=today - days(ago),
                value=value,
                evidence="Demo: quarterly report of the Office of Military Cooperation (illustrative)",
            )
        if spec == ("JOR", "IMET"):
            services.record_evaluation(
                acting_user=user,
                indicator=ind,
                evaluator="PM/SA monitoring visit (demo)",
                evaluated_on=today - days(45),
                findings="Graduates are often posted outside the Border Guard after return (demo finding).",
                recommendations="Agree a utilisation plan with the Jordan Armed Forces before nominating students (demo).",
                follow_up_due=today - days(5),
            )


def _plans(user: Any, progs: dict[Any, Program]) -> None:
    for spec in (("JOR", "FMF"), ("JOR", "IMET"), ("UKR", "IMET")):
        prog = progs.get(spec)
        if prog is None or prog.allocation is None or SpendPlanPoint.objects.filter(allocation=prog.allocation).exists():
            continue
        alloc = prog.allocation
        amount = alloc.balance.allocated
        fy = alloc.appropriation.fiscal_year
        ends = [dt.date(fy - 1, 12, 31), dt.date(fy, 3, 31), dt.date(fy, 6, 30), dt.date(fy, 9, 30)]
        points = [
            (end, (amount * o).quantize(Decimal("0.01")), (amount * d).quantize(Decimal("0.01")))
            for end, (o, d) in zip(ends, PLANS[spec[1]], strict=True)
        ]
        services.set_spend_plan(acting_user=user, program=prog, points=points, is_demo=True)


def _deliveries(user: Any, progs: dict[Any, Program], today: dt.date) -> None:
    days = dt.timedelta
    rows = [
        # reference, program, kind, description, quantity, planned (days from today), actual (days from today or None)
        ("DEMO-JO-IMET-001", ("JOR", "IMET"), "training", "Border security instructor course, first cohort (demo)", 8, -10, -4),
        (
            "DEMO-JO-IMET-002",
            ("JOR", "IMET"),
            "training",
            "English-language training, Defense Language Institute (demo)",
            6,
            -8,
            -8,
        ),
        ("DEMO-JO-IMET-003", ("JOR", "IMET"), "training", "Intermediate-level education seats (demo)", 2, -3, None),
        ("DEMO-JO-IMET-004", ("JOR", "IMET"), "training", "Maintenance officer course (demo)", 4, 60, None),
        ("DEMO-JO-FMF-001", ("JOR", "FMF"), "articles", "Thermal imaging cameras, first lot (demo)", 24, 120, None),
        ("DEMO-UA-IMET-001", ("UKR", "IMET"), "training", "Command and General Staff College seats (demo)", 3, 90, None),
        (
            "DEMO-CENTCOM-333-FY27-004-A",
            "CENTCOM-333-FY27-004",
            "articles",
            "Ground surveillance radars (schedule: Q1 FY2028) (demo)",
            6,
            None,
            None,
        ),
    ]
    for reference, spec, kind, description, qty, planned, actual in rows:
        if spec not in progs:
            continue
        planned_on = dt.date(2027, 12, 15) if planned is None else today + days(planned)
        raw = {
            "kind": kind,
            "description": description,
            "quantity": qty,
            "planned_on": planned_on,
            "actual_on": today + days(actual) if actual is not None else None,
        }
        existing = Delivery.objects.filter(reference=reference).first()
        if existing is None:
            services.save_delivery(acting_user=user, reference=reference, program=progs[spec], raw=raw, is_demo=True)
