"""Table-driven tests of the pure oversight rules at their edges (a cent and a day either side)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from secassist.oversight import rules
from secassist.oversight.rules import Layer, Movement, PlanPoint

DAY = dt.date(2027, 2, 15)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (D("50"), D("100"), D("0.5000")),
        (D("0"), D("100"), D("0.0000")),
        (D("100"), D("100"), D("1.0000")),
        (D("1"), D("3"), D("0.3333")),
        (D("2"), D("3"), D("0.6667")),
        (D("5"), D("0"), None),  # nothing to measure against: unknown, never 0 %
        (D("0"), D("0"), None),
    ],
)
def test_a_rate_is_part_over_whole_to_four_places_and_unknown_without_a_base(part: D, whole: D, expected: D | None) -> None:
    assert rules.rate(part, whole) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 1), [("FY2027 Q1", dt.date(2026, 12, 31))]),
        (dt.date(2026, 10, 1), dt.date(2027, 1, 1), [("FY2027 Q1", dt.date(2026, 12, 31)), ("FY2027 Q2", dt.date(2027, 3, 31))]),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31), [("FY2027 Q1", dt.date(2026, 12, 31))]),
        (dt.date(2027, 7, 1), dt.date(2027, 10, 1), [("FY2027 Q4", dt.date(2027, 9, 30)), ("FY2028 Q1", dt.date(2027, 12, 31))]),
        (dt.date(2027, 4, 2), dt.date(2027, 6, 30), [("FY2027 Q3", dt.date(2027, 6, 30))]),
    ],
)
def test_fiscal_quarters_start_on_the_first_of_october(first: dt.date, last: dt.date, expected: list) -> None:
    assert rules.fiscal_quarter_ends(first, last) == expected


def test_the_curve_accumulates_movements_up_to_each_quarter_end_inclusive_and_places_the_plan_beside_it() -> None:
    moves = [
        Movement(dt.date(2026, 12, 31), D("100.00"), D("0")),  # on the quarter end: counts in Q1
        Movement(dt.date(2027, 1, 1), D("50.00"), D("30.00")),  # a day later: Q2
        Movement(dt.date(2027, 3, 1), D("-10.00"), D("20.00")),  # deobligation
    ]
    plan = [PlanPoint(dt.date(2027, 3, 31), D("150.00"), D("60.00"))]
    points = rules.curve(moves, plan, rules.fiscal_quarter_ends(dt.date(2026, 10, 1), dt.date(2027, 3, 31)))
    assert [(p.label, p.obligated, p.disbursed) for p in points] == [
        ("FY2027 Q1", D("100.00"), D("0")),
        ("FY2027 Q2", D("140.00"), D("50.00")),
    ]
    assert (points[0].planned_obligated, points[1].planned_obligated, points[1].planned_disbursed) == (
        None,
        D("150.00"),
        D("60.00"),
    )


def _point(end: dt.date, obligated: str, planned: str, disbursed: str = "0", planned_disbursed: str = "0") -> rules.QuarterPoint:
    return rules.QuarterPoint("Q", end, D(obligated), D(disbursed), D(planned), D(planned_disbursed))


@pytest.mark.parametrize(
    ("actual", "planned", "flagged"),
    [
        ("95.00", "100.00", False),  # exactly 5 % short: within tolerance
        ("94.99", "100.00", True),  # a cent more: behind plan
        ("100.00", "100.00", False),
        ("120.00", "100.00", False),  # ahead of plan is never a flag
        ("0.00", "0.00", False),  # nothing planned: nothing to be behind
    ],
)
def test_obligation_is_behind_plan_when_short_by_more_than_five_percent(actual: str, planned: str, flagged: bool) -> None:
    flags = rules.plan_flags([_point(dt.date(2026, 12, 31), actual, planned)], DAY, "line")
    assert [f.code for f in flags] == (["OVS-010"] if flagged else [])
    if flagged:
        assert flags[0].data["shortfall"] == D(planned) - D(actual)


def test_disbursement_behind_plan_is_its_own_flag() -> None:
    flags = rules.plan_flags([_point(dt.date(2026, 12, 31), "100", "100", "10", "50")], DAY, "line")
    assert [f.code for f in flags] == ["OVS-011"]


@pytest.mark.parametrize(("today", "judged"), [(dt.date(2026, 12, 31), False), (dt.date(2027, 1, 1), True)])
def test_a_quarter_is_judged_against_plan_only_after_it_ends(today: dt.date, judged: bool) -> None:
    flags = rules.plan_flags([_point(dt.date(2026, 12, 31), "0", "100")], today, "line")
    assert bool(flags) is judged


def test_unliquidated_layers_liquidate_the_oldest_obligation_first() -> None:
    moves = [
        Movement(dt.date(2024, 1, 10), D("100.00")),
        Movement(dt.date(2025, 6, 1), D("50.00")),
        Movement(dt.date(2026, 1, 1), D("0"), D("120.00")),
        Movement(dt.date(2026, 2, 1), D("-10.00")),  # deobligation also reduces the oldest
    ]
    layers = rules.unliquidated_layers(moves)
    assert layers == [Layer(dt.date(2025, 6, 1), D("20.00"))]
    assert sum(x.amount for x in layers) == D("150.00") - D("10.00") - D("120.00")


def test_a_fully_disbursed_line_has_no_pipeline() -> None:
    assert rules.unliquidated_layers([Movement(DAY, D("10.00"), D("10.00"))]) == []


@pytest.mark.parametrize(
    ("age", "bucket"),
    [
        (0, "0–180 days"),
        (180, "0–180 days"),
        (181, "181–365 days"),
        (365, "181–365 days"),
        (366, "1–2 years"),
        (730, "1–2 years"),
        (731, "2–5 years"),
        (1825, "2–5 years"),
        (1826, "over 5 years"),
    ],
)
def test_pipeline_age_buckets_have_inclusive_edges(age: int, bucket: str) -> None:
    rows = rules.age_buckets([Layer(DAY - dt.timedelta(days=age), D("7.00"))], DAY)
    assert {r["bucket"]: r["amount"] for r in rows if r["amount"]} == {bucket: D("7.00")}


def _pipeline(unobligated: str = "0", ulo: str = "0", *, expiry_in: int = 999, cancel_in: int = 9999, age: int = 10) -> list[str]:
    layers = [Layer(DAY - dt.timedelta(days=age), D(ulo))] if D(ulo) else []
    flags = rules.pipeline_flags(
        layers,
        today=DAY,
        name="line",
        unobligated=D(unobligated),
        obligation_period_end=DAY + dt.timedelta(days=expiry_in),
        cancellation_date=DAY + dt.timedelta(days=cancel_in),
    )
    return [f.code for f in flags]


@pytest.mark.parametrize(
    ("unobligated", "expiry_in", "codes"),
    [("0.01", 180, ["OVS-012"]), ("0.01", 181, []), ("0.01", 0, ["OVS-012"]), ("0.01", -1, []), ("0.00", 10, [])],
)
def test_unobligated_money_is_at_risk_within_180_days_of_the_obligation_period_end(
    unobligated: str, expiry_in: int, codes: list
) -> None:
    assert _pipeline(unobligated, expiry_in=expiry_in) == codes


@pytest.mark.parametrize(("cancel_in", "codes"), [(365, ["OVS-013"]), (366, []), (0, ["OVS-013"]), (-1, [])])
def test_unliquidated_obligations_are_at_risk_within_a_year_of_cancellation(cancel_in: int, codes: list) -> None:
    assert _pipeline(ulo="5.00", cancel_in=cancel_in) == codes


@pytest.mark.parametrize(("age", "codes"), [(730, []), (731, ["OVS-014"])])
def test_an_obligation_unliquidated_for_more_than_two_years_is_aged(age: int, codes: list) -> None:
    assert _pipeline(ulo="5.00", age=age) == codes


@pytest.mark.parametrize(
    ("planned", "actual", "today", "late", "code"),
    [
        (dt.date(2027, 1, 10), dt.date(2027, 1, 10), DAY, 0, None),
        (dt.date(2027, 1, 10), dt.date(2027, 1, 11), DAY, 1, "OVS-020"),
        (dt.date(2027, 1, 10), dt.date(2027, 1, 9), DAY, 0, None),  # early is on time
        (dt.date(2027, 2, 15), None, DAY, 0, None),  # due today, not yet late
        (dt.date(2027, 2, 14), None, DAY, 1, "OVS-021"),
        (dt.date(2027, 3, 1), None, DAY, 0, None),
    ],
)
def test_days_late_counts_from_the_planned_date(
    planned: dt.date, actual: dt.date | None, today: dt.date, late: int, code: str | None
) -> None:
    assert rules.days_late(planned, actual, today) == late
    flag = rules.delivery_flag("REF", planned, actual, today)
    assert (flag.code if flag else None) == code
    if flag:
        assert flag.data["days_late"] == late and flag.citation.startswith("10 U.S.C. 333(f)")


def test_timeliness_counts_only_elements_due_or_delivered() -> None:
    rows = [
        (DAY - dt.timedelta(days=5), DAY - dt.timedelta(days=5)),
        (DAY - dt.timedelta(days=5), DAY),
        (DAY - dt.timedelta(days=1), None),
        (DAY + dt.timedelta(days=30), None),
    ]
    assert rules.timeliness(rows, DAY) == {"due": 3, "delivered": 2, "on_time": 1, "late": 2, "on_time_rate": D("0.3333")}
    assert rules.timeliness([], DAY)["on_time_rate"] is None


def _indicator(
    direction: str = "increase", values: list | None = None, targets: list | None = None, every: int = 182
) -> rules.IndicatorView:
    return rules.IndicatorView(
        "ind",
        direction,
        D("10"),
        dt.date(2026, 6, 1),
        every,
        targets if targets is not None else [(dt.date(2027, 1, 1), D("20"))],
        values or [],
    )


@pytest.mark.parametrize(
    ("direction", "value", "status"),
    [
        ("increase", "20", "on_track"),
        ("increase", "19.9999", "off_track"),
        ("increase", "25", "on_track"),
        ("decrease", "20", "on_track"),
        ("decrease", "20.0001", "off_track"),
        ("decrease", "3", "on_track"),
    ],
)
def test_an_indicator_is_on_track_when_the_latest_value_meets_the_target_due(direction: str, value: str, status: str) -> None:
    out = rules.indicator_status(_indicator(direction, [(dt.date(2027, 1, 2), D(value))]), DAY)
    assert out["status"] == status
    assert ("OVS-003" in [f.code for f in out["flags"]]) is (status == "off_track")


def test_a_target_not_yet_due_when_the_value_was_measured_is_not_judged() -> None:
    out = rules.indicator_status(_indicator(values=[(dt.date(2026, 12, 31), D("1"))]), DAY)
    assert out["status"] == "no_target_due"


def test_an_indicator_without_values_has_no_data() -> None:
    assert rules.indicator_status(_indicator(targets=[]), dt.date(2026, 7, 1))["status"] == "no_data"


@pytest.mark.parametrize(("today", "overdue"), [(dt.date(2026, 11, 30), False), (dt.date(2026, 12, 1), True)])
def test_a_value_is_overdue_the_day_after_the_reporting_interval_from_the_last_one(today: dt.date, overdue: bool) -> None:
    ind = _indicator(values=[(dt.date(2026, 6, 1) + dt.timedelta(days=1), D("12"))], every=181)  # due 2026-11-30
    codes = [f.code for f in rules.indicator_status(ind, today)["flags"]]
    assert ("OVS-002" in codes) is overdue


@pytest.mark.parametrize(
    ("due", "status", "flagged"),
    [
        (DAY, "open", False),
        (DAY - dt.timedelta(days=1), "open", True),
        (DAY - dt.timedelta(days=1), "in_progress", True),
        (DAY - dt.timedelta(days=1), "closed", False),
        (None, "open", False),
    ],
)
def test_an_evaluation_follow_up_is_overdue_after_its_due_date_until_closed(
    due: dt.date | None, status: str, flagged: bool
) -> None:
    assert (rules.follow_up_flag("F", due, status, DAY) is not None) is flagged


def test_values_print_without_exponent_or_trailing_zeros() -> None:
    assert [rules.num(D(x)) for x in ("20.0000", "12.5000", "0.0000", "1E+1", "100")] == ["20", "12.5", "0", "10", "100"]


def test_every_flag_names_its_rule_citation_and_data() -> None:
    flag = rules.no_indicator_flag("FY2027 FMF Jordan")
    assert flag.as_dict() == {
        "code": "OVS-001",
        "severity": "warning",
        "message": "FY2027 FMF Jordan has no indicator: its results cannot be shown",
        "citation": rules.CITATIONS["OVS-001"],
        "data": {"program": "FY2027 FMF Jordan"},
    }
