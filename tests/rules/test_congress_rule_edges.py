"""The clock engine and the congress rules at their edges: a day and a cent either side.

Each table row is (input just below / at / just above the edge, expected result). The numbers are
the statutes' own: 15 calendar days of notice (SFOPS §7015(a), FAA §634A), the emergency notice
no later than 3 days after the action (§7015(e)), 20 % over the justified MDE quantity (§7015(c)),
and the federal holidays of 5 U.S.C. 6103 for business-day clocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from secassist.congress import clocks, rules
from secassist.congress.clocks import ClockSpec
from secassist.congress.rules import Coverage
from secassist.core.errors import InvalidInput

from .coverage_factory import cleared_cn

D = dt.date
C = Decimal
FIFTEEN = ClockSpec(kind="before_action", days=15)
FIFTEEN_BUSINESS = ClockSpec(kind="before_action", days=15, day_basis="business")


# ---- clocks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transmitted", "ends"),
    [
        (D(2026, 2, 28), D(2026, 3, 15)),  # across the end of February (not a leap year)
        (D(2028, 2, 28), D(2028, 3, 14)),  # leap year: 29 Feb counts
        (D(2026, 9, 30), D(2026, 10, 15)),  # across the fiscal-year boundary
        (D(2026, 12, 31), D(2027, 1, 15)),
    ],
)
def test_a_fifteen_day_wait_counts_every_calendar_day(transmitted, ends):
    assert clocks.wait_ends_on(FIFTEEN, transmitted) == ends
    assert clocks.latest_notice_for_action(FIFTEEN, ends) == transmitted
    assert clocks.latest_notice_for_action(FIFTEEN, ends - dt.timedelta(days=1)) == transmitted - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("transmitted", "ends"),
    [
        # Mon 16 Nov 2026 + 15 business days: Thanksgiving (Thu 26 Nov) skipped -> Tue 8 Dec
        (D(2026, 11, 16), D(2026, 12, 8)),
        # Fri 18 Dec 2026: Christmas (Fri 25 Dec) and New Year's Day (Fri 1 Jan 2027) skipped -> Tue 12 Jan 2027
        (D(2026, 12, 18), D(2027, 1, 12)),
    ],
)
def test_a_business_day_wait_skips_weekends_and_federal_holidays_both_ways(transmitted, ends):
    assert clocks.wait_ends_on(FIFTEEN_BUSINESS, transmitted) == ends
    assert clocks.latest_notice_for_action(FIFTEEN_BUSINESS, ends) == transmitted


def test_counting_business_days_back_from_a_monday_lands_on_the_friday_before():
    assert clocks.subtract_days(D(2026, 11, 30), 1, "business") == D(2026, 11, 27)
    assert clocks.subtract_days(D(2026, 11, 27), 1, "business") == D(2026, 11, 25)  # Thanksgiving skipped
    assert clocks.subtract_days(D(2026, 11, 30), 0, "business") == D(2026, 11, 30)


@pytest.mark.parametrize(("action", "due"), [(D(2026, 2, 27), D(2026, 3, 2)), (D(2026, 9, 29), D(2026, 10, 2))])
def test_the_emergency_notice_is_due_three_days_after_the_action(action, due):
    assert clocks.emergency_due(ClockSpec(kind="before_action", days=15, emergency_days_after=3), action) == due


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 9, 15), D(2026, 9, 15), [D(2026, 9, 15)]),  # both bounds inclusive
        (D(2026, 9, 14), D(2026, 9, 16), [D(2026, 9, 15)]),
        (D(2026, 9, 16), D(2027, 9, 14), []),  # a day after, to a day before the next
        (D(2026, 1, 1), D(2026, 9, 14), []),
        (D(2026, 9, 15), D(2027, 9, 15), [D(2026, 9, 15), D(2027, 9, 15)]),
    ],
)
def test_fixed_date_occurrences_include_both_ends_of_the_window(start, end, expected):
    assert clocks.occurrences(ClockSpec(kind="fixed_date", month=9, day=15), start, end) == expected


@pytest.mark.parametrize(
    ("anchor", "offset", "fy", "expected"),
    [
        ("fy_end", 0, 2026, D(2026, 9, 30)),
        ("fy_end", 1, 2026, D(2026, 10, 1)),
        ("fy_start", 0, 2026, D(2025, 10, 1)),
        ("fy_start", -1, 2026, D(2025, 9, 30)),
    ],
)
def test_fy_relative_dates_sit_on_the_fiscal_year_boundary(anchor, offset, fy, expected):
    spec = ClockSpec(kind="fy_relative", fy_anchor=anchor, offset_days=offset)
    assert clocks.fy_relative(spec, fy) == expected
    assert clocks.occurrences(spec, expected, expected) == [expected]
    assert clocks.occurrences(spec, expected + dt.timedelta(days=1), expected + dt.timedelta(days=300)) == []
    assert clocks.occurrences(spec, expected - dt.timedelta(days=300), expected - dt.timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: clocks.add_days(D(2026, 1, 1), 1, "lunar"), "day_basis"),
        (lambda: clocks.wait_ends_on(ClockSpec(kind="before_action"), D(2026, 1, 1)), "days"),
        (lambda: clocks.fixed_date_in(ClockSpec(kind="fixed_date", month=9), 2026), "month"),
        (lambda: clocks.fy_relative(ClockSpec(kind="fy_relative", fy_anchor="fy_middle"), 2026), "fy_anchor"),
        (lambda: clocks.emergency_due(FIFTEEN, D(2026, 1, 1)), "is_emergency"),
    ],
)
def test_a_clock_missing_its_numbers_is_refused_naming_the_field(call, field):
    with pytest.raises(InvalidInput) as refused:
        call()
    assert refused.value.details["field"] == field


@pytest.mark.parametrize(
    ("wait_end", "lifts", "cleared"),
    [
        (D(2026, 3, 17), [D(2026, 3, 16)], D(2026, 3, 17)),  # hold lifted the day before the wait ends
        (D(2026, 3, 17), [D(2026, 3, 17)], D(2026, 3, 17)),
        (D(2026, 3, 17), [D(2026, 3, 18)], D(2026, 3, 18)),  # lifted the day after: cleared that day
        (D(2026, 3, 17), [D(2026, 3, 20), D(2026, 3, 18)], D(2026, 3, 20)),
        (D(2026, 3, 17), [D(2026, 3, 18), None], None),  # one hold still open
        (None, [D(2026, 3, 18)], None),  # not transmitted
    ],
)
def test_cleared_to_obligate_is_the_later_of_the_wait_end_and_the_last_lifted_hold(wait_end, lifts, cleared):
    assert clocks.cleared_to_obligate_on(wait_end, lifts) == cleared


# ---- rule selection -------------------------------------------------------------------------


@dataclass
class Rule:
    code: str
    kind: str = "before_action"
    days: int | None = 15
    day_basis: str = "calendar"
    creates_waiting_period: bool = True
    emergency_days_after: int | None = None
    reference_only: bool = False
    amount_tolerance_percent: int = 0
    month: int | None = None
    day: int | None = None
    fy_anchor: str = ""
    offset_days: int = 0


def test_the_longest_waiting_period_governs_and_business_days_win_a_tie():
    spec, rule = rules.waiting_spec([Rule("A", days=15), Rule("B", days=16), Rule("C", days=14)])
    assert (rule.code, spec.days) == ("B", 16)
    spec, rule = rules.waiting_spec([Rule("A", days=15), Rule("B", days=15, day_basis="business"), Rule("C", days=15)])
    assert (rule.code, spec.day_basis) == ("B", "business")
    assert rules.waiting_spec([Rule("A", creates_waiting_period=False), Rule("B", kind="after_event")]) is None
    assert rules.waiting_spec([Rule("A", days=None)]) is None


def test_the_shortest_emergency_notice_and_the_tightest_tolerance_govern():
    spec, rule = rules.emergency_spec([Rule("A", emergency_days_after=4), Rule("B", emergency_days_after=3), Rule("C")])
    assert (rule.code, spec.emergency_days_after) == ("B", 3)
    assert rules.emergency_spec([Rule("A")]) is None
    percent, rule = rules.tolerance_percent([Rule("A", amount_tolerance_percent=10), Rule("B", amount_tolerance_percent=9)])
    assert (percent, rule.code) == (C(9), "B")
    assert rules.tolerance_percent([Rule("A", reference_only=True)]) is None
    percent, rule = rules.tolerance_percent(
        [Rule("A", amount_tolerance_percent=0, reference_only=True), Rule("B", amount_tolerance_percent=5)]
    )
    assert (percent, rule.code) == (C(5), "B")  # a reference-only rule sets no tolerance


# ---- suggested bases: a cent either side of the justified level -------------------------------


def _bases(account: str = "FMF", amount: str = "1000000.00", cbj: str | None = "1000000.00", **over) -> set[str]:
    values = {
        "iso3": "JOR",
        "account": account,
        "authority": "",
        "fiscal_year": 2026,
        "amount": C(amount),
        "cbj_amount": C(cbj) if cbj is not None else None,
        "mde_items": [],
        "always_notify": {"EGY": "SFOPS §7015(f)"},
        "rules_by_code": {},
        **over,
    }
    return {f.code for f in rules.suggested_bases(**values) if f.severity == "required"}


@pytest.mark.parametrize(
    ("account", "amount", "expected"),
    [
        ("FMF", "999999.99", set()),
        ("FMF", "1000000.00", set()),
        ("FMF", "1000000.01", {"CN-011", "CN-013"}),
        ("IMET", "1000000.00", set()),
        ("IMET", "1000000.01", {"CN-013"}),
        ("PKO", "999999.99", {"CN-011"}),
        ("PKO", "1000000.01", {"CN-011", "CN-013"}),
    ],
)
def test_a_cent_above_the_justified_level_needs_notice(account, amount, expected):
    assert _bases(account, amount) == expected


def test_fmf_without_a_justified_level_is_an_increase_and_always_notify_countries_need_notice():
    assert _bases("FMF", cbj=None) == {"CN-011"}
    assert _bases("IMET", iso3="EGY") == {"CN-010"}
    assert _bases("IMET", authority="10USC333") == {"CN-014"}


@pytest.mark.parametrize(
    ("justified", "quantity", "flagged"),
    [(10, 12, False), (10, 13, True), (5, 6, False), (5, 7, True), (0, 1, True), (None, 1, True), (10, 0, False)],
)
def test_mde_quantities_are_flagged_only_past_twenty_percent_over_the_justified(justified, quantity, flagged):
    items = [{"item": "UH-60M", "quantity": quantity, "justified_quantity": justified}]
    assert ("CN-012" in _bases("FMF", mde_items=items)) is flagged
    assert "CN-012" not in _bases("IMET", mde_items=items)


def test_the_mde_threshold_comes_from_the_rule_when_the_catalog_has_one():
    items = [{"item": "UH-60M", "quantity": 11, "justified_quantity": 10}]
    rule = type("R", (), {"quantity_threshold_percent": 10, "citation": "SFOPS §7015(c)"})()
    assert "CN-012" not in _bases("FMF", mde_items=items, rules_by_code={"SFOPS7015-MDE": rule})
    items[0]["quantity"] = 12
    assert "CN-012" in _bases("FMF", mde_items=items, rules_by_code={"SFOPS7015-MDE": rule})


# ---- the obligation gate: a cent and a day either side -----------------------------------------


CLEARED_ON = D(2026, 3, 17)


def cn(amount: str = "1000.00", cleared_on=CLEARED_ON, tolerance: str = "0", **over) -> Coverage:
    return cleared_cn(amount, cleared_on, tolerance, **over)


def _gate(amount: str, on: dt.date = CLEARED_ON, before: str = "0", coverages=None):
    found = rules.gate_verdict(
        allocation_label="FY2026 FMF Jordan",
        amount=C(amount),
        obligated_before=C(before),
        on_date=on,
        coverages=[cn()] if coverages is None else coverages,
    )
    return found.code if found else None


@pytest.mark.parametrize(("amount", "code"), [("999.99", None), ("1000.00", None), ("1000.01", "CN-004")])
def test_an_obligation_up_to_the_cent_notified_passes_and_a_cent_more_is_refused(amount, code):
    assert _gate(amount) == code
    assert _gate("0.01", before=str(C(amount) - C("0.01"))) == code  # the same edge reached by earlier obligations


@pytest.mark.parametrize(("on", "code"), [(D(2026, 3, 16), "CN-002"), (D(2026, 3, 17), None), (D(2026, 3, 18), None)])
def test_obligation_is_allowed_from_the_day_the_cn_clears(on, code):
    assert _gate("1.00", on=on) == code


@pytest.mark.parametrize(("amount", "code"), [("1099.99", None), ("1100.00", None), ("1100.01", "CN-004")])
def test_a_rule_tolerance_raises_the_ceiling_by_its_percentage_to_the_cent(amount, code):
    assert _gate(amount, coverages=[cn(tolerance="10")]) == code


def test_the_ceilings_of_several_cleared_cns_add_up_and_uncleared_ones_do_not():
    two = [cn("600.00"), cn("400.00", number="CN-26-002"), cn("5000.00", number="CN-26-003", cleared_on=D(2026, 3, 18))]
    assert _gate("1000.00", coverages=two) is None
    assert _gate("1000.01", coverages=two) == "CN-004"
    assert rules.covered_ceiling([cn("333.33", tolerance="10")]) == C("366.66")


@pytest.mark.parametrize(
    ("coverage", "code"),
    [
        (None, "CN-001"),
        (cn(cleared_on=None, stage="historical_pending"), "CN-005"),
        (cn(cleared_on=None, open_holds=["SFRC"]), "CN-003"),
        (cn(cleared_on=None, transmitted_on=None, wait_ends_on=None, stage="drafting"), "CN-002"),
        (cn(cleared_on=None), "CN-002"),
    ],
)
def test_each_reason_a_cn_does_not_cover_has_its_own_code(coverage, code):
    assert _gate("1.00", coverages=[] if coverage is None else [coverage]) == code


@pytest.mark.parametrize(
    ("obligated", "state", "uncovered"),
    [("999.99", "cleared_to_obligate", "0"), ("1000.00", "cleared_to_obligate", "0"), ("1000.01", "exceeded", "0.01")],
)
def test_a_lines_state_turns_exceeded_a_cent_past_its_ceiling(obligated, state, uncovered):
    line = rules.line_state(required=True, coverages=[cn()], obligated=C(obligated), on_date=D(2026, 3, 17))
    assert (line.state, line.uncovered, line.cleared) == (state, C(uncovered), state == "cleared_to_obligate")
    assert rules.line_state(required=False, coverages=[], obligated=C(obligated), on_date=D(2026, 3, 17)).state == "not_required"


@pytest.mark.parametrize(
    ("on", "coverages", "state"),
    [
        (D(2026, 3, 16), [cn()], "cleared"),
        (D(2026, 3, 16), [cn(open_holds=["HFAC"])], "on_hold"),
        (D(2026, 3, 16), [cn(stage="waiting"), cn(stage="drafting")], "waiting"),
        (D(2026, 3, 16), [], "none"),
        (D(2026, 3, 17), [cn()], "cleared_to_obligate"),
    ],
)
def test_a_lines_state_before_clearance_is_its_most_advanced_cn(on, coverages, state):
    if state == "cleared":
        coverages = [cn(stage="cleared")]
    assert rules.line_state(required=True, coverages=coverages, obligated=C("0"), on_date=on).state == state
