"""Every funds rule at its edges: one cent below, at and above each limit; the day before, of and
after each date. (Issue #12 item 13: allocating $1 over the appropriation used to pass every test.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from secassist.budget import rules

CENT = D("0.01")


def line(**kw: str) -> dict[str, D]:
    values = {k: D("0") for k in rules.LINE_STAGES}
    values.update({k: D(v) for k, v in kw.items()})
    return values


@pytest.mark.parametrize(
    ("allocated_after", "fires"),
    [(D("999999.99"), False), (D("1000000.00"), False), (D("1000000.01"), True), (D("1000001.00"), True)],
)
def test_bud_001_allocations_up_to_the_appropriation_pass_and_a_cent_more_fails(allocated_after, fires):
    found = rules.check_totals({"appropriated": D("1000000.00"), "allocated": allocated_after}, D("10.00"))
    assert [r.code for r in found] == (["BUD-001"] if fires else [])
    if fires:
        excess = allocated_after - D("1000000.00")
        assert found[0].data["excess"] == excess
        assert (
            found[0].remedy
            == f"allocate at most {rules.money(max(D('10.00') - excess, D('0')))}, or reallocate from another line first"
        )


@pytest.mark.parametrize(("obligated", "fires"), [("99.99", False), ("100.00", False), ("100.01", True)])
def test_bud_002_obligations_up_to_the_allocation(obligated, fires):
    found = rules.check_line("L", "PKO", "obligate", line(allocated="100", apportioned="100", obligated=obligated), CENT)
    assert [r.code for r in found] == (["BUD-002"] if fires else [])


@pytest.mark.parametrize(("allocated", "fires"), [("50.01", False), ("50.00", False), ("49.99", True)])
def test_bud_002_a_reallocation_may_take_the_allocation_down_to_what_is_used_and_no_lower(allocated, fires):
    found = rules.check_line("L", "FMF", "reallocate", line(allocated=allocated, apportioned="50", obligated="50"), CENT)
    assert [r.code for r in found] == (["BUD-002"] if fires else [])


@pytest.mark.parametrize(("apportioned", "fires"), [("99.99", False), ("100.00", False), ("100.01", True)])
def test_bud_013_apportionments_up_to_the_allocation(apportioned, fires):
    found = rules.check_line("L", "PKO", "apportion", line(allocated="100", apportioned=apportioned), CENT)
    assert [r.code for r in found] == (["BUD-013"] if fires else [])


@pytest.mark.parametrize(("obligated", "fires"), [("49.99", False), ("50.00", False), ("50.01", True)])
def test_bud_013_pko_obligations_up_to_the_apportionment(obligated, fires):
    found = rules.check_line("L", "PKO", "obligate", line(allocated="100", apportioned="50", obligated=obligated), CENT)
    assert [r.code for r in found] == (["BUD-013"] if fires else [])


def test_bud_013_does_not_apply_to_fmf_whose_apportionment_is_its_obligation():
    assert rules.check_line("L", "FMF", "obligate", line(allocated="100", apportioned="50", obligated="60"), CENT) == []


@pytest.mark.parametrize(("disbursed", "fires"), [("49.99", False), ("50.00", False), ("50.01", True)])
def test_bud_003_disbursements_up_to_obligations(disbursed, fires):
    after = line(allocated="100", apportioned="100", obligated="50", disbursed=disbursed)
    assert [r.code for r in rules.check_line("L", "IMET", "disburse", after, CENT)] == (["BUD-003"] if fires else [])


@pytest.mark.parametrize(("committed", "fires"), [("49.99", False), ("50.00", False), ("50.01", True)])
def test_bud_003_commitments_up_to_obligations(committed, fires):
    after = line(allocated="100", apportioned="100", obligated="50", committed=committed)
    assert [r.code for r in rules.check_line("L", "IMET", "commit", after, CENT)] == (["BUD-003"] if fires else [])


@pytest.mark.parametrize(("obligated", "fires"), [("20.01", False), ("20.00", False), ("19.99", True)])
def test_bud_015_deobligation_down_to_what_was_disbursed(obligated, fires):
    after = line(allocated="100", apportioned="100", obligated=obligated, disbursed="20", deobligated="5")
    found = rules.check_line("L", "IMET", "deobligate", after, D("5"))
    assert [r.code for r in found] == (["BUD-015"] if fires else [])
    if fires:
        assert found[0].remedy == f"deobligate at most {rules.money(D('5') - (D('20') - D(obligated)))}"


def test_bud_015_a_deobligation_below_zero_fails_even_with_nothing_disbursed():
    after = line(allocated="100", apportioned="100", obligated="-0.01", deobligated="5")
    assert [r.code for r in rules.check_line("L", "IMET", "deobligate", after, D("5"))] == ["BUD-015"]


@pytest.mark.parametrize(("reobligated", "fires"), [("4.99", False), ("5.00", False), ("5.01", True)])
def test_bud_014_reobligations_up_to_what_was_deobligated(reobligated, fires):
    after = line(allocated="100", apportioned="100", obligated="50", deobligated="5", reobligated=reobligated)
    assert [r.code for r in rules.check_line("L", "IMET", "reobligate", after, CENT)] == (["BUD-014"] if fires else [])


@pytest.mark.parametrize(("value", "fires"), [("0.00", False), ("-0.01", True)])
def test_bud_017_no_stage_may_go_negative(value, fires):
    after = line(allocated="100", apportioned="100", obligated="50", committed=value)
    assert [r.code for r in rules.check_line("L", "IMET", "commit", after, CENT)] == (["BUD-017"] if fires else [])


# ---------------------------------------------------------------- dates

DATES = rules.Dates(
    obligation_period_end=dt.date(2027, 9, 30),
    reobligation_window_end=dt.date(2028, 9, 30),
    cancellation_date=dt.date(2032, 9, 30),
)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (DATES.obligation_period_end - DAY, None),
        (DATES.obligation_period_end, None),
        (DATES.obligation_period_end + DAY, "BUD-004"),
    ],
)
def test_bud_004_obligations_through_the_last_day_of_availability(on, code):
    assert [r.code for r in rules.check_dates(DATES, "obligate", on)] == ([code] if code else [])


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (DATES.reobligation_window_end - DAY, None),
        (DATES.reobligation_window_end, None),
        (DATES.reobligation_window_end + DAY, "BUD-004"),
    ],
)
def test_bud_004_reobligation_through_the_last_day_of_the_window(on, code):
    assert [r.code for r in rules.check_dates(DATES, "reobligate", on)] == ([code] if code else [])


@pytest.mark.parametrize(
    ("on", "code"),
    [(DATES.cancellation_date - DAY, None), (DATES.cancellation_date, None), (DATES.cancellation_date + DAY, "BUD-005")],
)
def test_bud_005_disbursements_through_the_cancellation_date_and_none_after(on, code):
    assert [r.code for r in rules.check_dates(DATES, "disburse", on)] == ([code] if code else [])


def test_bud_005_a_recorded_cancellation_refuses_even_before_the_date():
    cancelled = rules.Dates(DATES.obligation_period_end, DATES.reobligation_window_end, DATES.cancellation_date, True)
    assert [r.code for r in rules.check_dates(cancelled, "disburse", dt.date(2027, 1, 1))] == ["BUD-005"]


@pytest.mark.parametrize(("entry_type", "code"), [("allocate", "BUD-005"), ("apportion", "BUD-004"), ("obligate", "BUD-004")])
def test_new_money_after_expiry_is_refused_with_the_right_code(entry_type, code):
    assert [r.code for r in rules.check_dates(DATES, entry_type, DATES.obligation_period_end + DAY)] == [code]


def test_a_reversal_after_expiry_is_allowed():
    assert rules.check_dates(DATES, "obligate", DATES.obligation_period_end + DAY, is_reversal=True) == []


# ---------------------------------------------------------------- §634A thresholds


@pytest.mark.parametrize(
    ("amount", "above", "fires"),
    [
        (D("1000000.00"), D("6000000"), False),
        (D("1000000.01"), D("6000000"), True),
        (D("2000000"), D("5000000.00"), False),
        (D("2000000"), D("5000000.01"), True),
    ],
)
def test_bud_019_fires_above_one_million_moved_and_five_million_over_the_653a_level(amount, above, fires):
    baseline = D("10000000")
    flag = rules.section_634a_flag(
        amount=amount, target_name="T", baseline=baseline, allocated_after=baseline + above, source_name="S"
    )
    assert (flag is not None) == fires
    if flag:
        assert flag.code == "BUD-019"
        assert flag.severity == "warning"
        assert flag.data["above"] == above


def test_bud_019_needs_a_653a_level():
    assert (
        rules.section_634a_flag(amount=D("9e9"), target_name="T", baseline=None, allocated_after=D("9e9"), source_name="S")
        is None
    )


# ---------------------------------------------------------------- earmarks at their amounts


def _em(kind: str, amount: str) -> rules.EarmarkView:
    return rules.EarmarkView(id=1, kind=kind, country_id=7, purpose="", amount=D(amount), citation="§7041", label="Jordan")


def _lines(jordan: str, other: str = "0") -> list[rules.LineView]:
    return [rules.LineView(1, 7, "", D(jordan)), rules.LineView(2, 8, "", D(other))]


@pytest.mark.parametrize(("after", "fires"), [("100.01", False), ("100.00", False), ("99.99", True)])
def test_bud_008_a_floor_holds_down_to_its_amount(after, fires):
    found = rules.check_earmarks([_em("not_less_than", "100")], _lines("150"), _lines(after), D("1000"), "reallocate")
    assert [r.code for r in found] == (["BUD-008"] if fires else [])


@pytest.mark.parametrize(("after", "fires"), [("99.99", False), ("100.00", False), ("100.01", True)])
def test_bud_009_a_ceiling_holds_up_to_its_amount(after, fires):
    found = rules.check_earmarks([_em("not_more_than", "100")], _lines("50"), _lines(after), D("1000"), "allocate")
    assert [r.code for r in found] == (["BUD-009"] if fires else [])


@pytest.mark.parametrize(("other", "fires"), [("899.99", False), ("900.00", False), ("900.01", True)])
def test_bud_009_reserved_funds_may_not_be_used_by_other_lines(other, fires):
    found = rules.check_earmarks([_em("only_for", "100")], _lines("0", "0"), _lines("0", other), D("1000"), "allocate")
    assert [r.code for r in found] == (["BUD-009"] if fires else [])


def test_an_earmark_already_broken_is_not_blamed_on_a_change_that_does_not_worsen_it():
    found = rules.check_earmarks([_em("not_less_than", "100")], _lines("90"), _lines("95"), D("1000"), "reallocate")
    assert found == []
