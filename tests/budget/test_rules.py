"""The pure funds rules, table-driven: every rule code fires on its case and stays quiet otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from secassist.budget import rules

Z = D("0")


def line(**kw: str) -> dict[str, D]:
    values = {k: Z for k in rules.LINE_STAGES}
    values.update({k: D(v) for k, v in kw.items()})
    return values


@pytest.mark.parametrize(
    ("entry_type", "account", "target", "expected"),
    [
        ("appropriate", "FMF", False, rules.Effect(total={"appropriated": D(10)})),
        ("allocate", "IMET", False, rules.Effect(line={"allocated": D(10)}, total={"allocated": D(10)})),
        ("reallocate", "FMF", True, rules.Effect(line={"allocated": D(-10)}, to_line={"allocated": D(10)})),
        ("reallocate", "FMF", False, rules.Effect(line={"allocated": D(-10)}, total={"allocated": D(-10)})),
        (
            "apportion",
            "FMF",
            False,
            rules.Effect(line={"apportioned": D(10), "obligated": D(10)}, total={"apportioned": D(10), "obligated": D(10)}),
        ),
        ("apportion", "PKO", False, rules.Effect(line={"apportioned": D(10)}, total={"apportioned": D(10)})),
        ("obligate", "PKO", False, rules.Effect(line={"obligated": D(10)}, total={"obligated": D(10)})),
        (
            "deobligate",
            "IMET",
            False,
            rules.Effect(line={"obligated": D(-10), "deobligated": D(10)}, total={"obligated": D(-10), "deobligated": D(10)}),
        ),
        ("transfer_fms", "FMF", False, rules.Effect(line={"disbursed": D(10)}, total={"disbursed": D(10)})),
        ("cancel", "FMF", False, rules.Effect(total={"cancelled": D(10)})),
    ],
)
def test_each_entry_type_moves_the_stages_the_account_rules_say(entry_type, account, target, expected):
    assert rules.effect_of(entry_type, D(10), account=account, has_target=target) == expected


@pytest.mark.parametrize(
    ("account", "entry_type", "after", "code"),
    [
        ("PKO", "obligate", line(allocated="100", apportioned="100", obligated="101"), "BUD-002"),
        ("PKO", "obligate", line(allocated="100", apportioned="50", obligated="60"), "BUD-013"),
        ("FMF", "apportion", line(allocated="100", apportioned="120", obligated="120"), "BUD-013"),
        ("FMF", "reallocate", line(allocated="40", apportioned="50", obligated="50"), "BUD-002"),
        ("IMET", "disburse", line(allocated="100", apportioned="100", obligated="50", disbursed="51"), "BUD-003"),
        ("IMET", "commit", line(allocated="100", apportioned="100", obligated="50", committed="51"), "BUD-003"),
        (
            "IMET",
            "deobligate",
            line(allocated="100", apportioned="100", obligated="10", disbursed="20", deobligated="40"),
            "BUD-015",
        ),
        (
            "IMET",
            "reobligate",
            line(allocated="100", apportioned="100", obligated="50", deobligated="5", reobligated="6"),
            "BUD-014",
        ),
        ("IMET", "obligate", line(allocated="100", apportioned="100", obligated="100"), None),
        ("FMF", "transfer_fms", line(allocated="100", apportioned="100", obligated="100", disbursed="100"), None),
    ],
)
def test_line_invariants(account, entry_type, after, code):
    found = rules.check_line("Jordan", account, entry_type, after, D("1"))
    assert [r.code for r in found] == ([code] if code else [])
    for r in found:
        assert r.remedy and r.citation and "Jordan" in r.message


def test_allocations_above_the_appropriation_name_the_excess():
    [r] = rules.check_totals({"appropriated": D(100), "allocated": D(130)}, D(50))
    assert r.code == "BUD-001" and "$30.00 more" in r.message and "$20.00" in r.remedy


DATES = rules.Dates(dt.date(2027, 9, 30), dt.date(2031, 9, 30), dt.date(2032, 9, 30))


@pytest.mark.parametrize(
    ("entry_type", "on", "code"),
    [
        ("obligate", dt.date(2027, 9, 30), None),
        ("obligate", dt.date(2027, 10, 1), "BUD-004"),
        ("apportion", dt.date(2027, 10, 1), "BUD-004"),
        ("allocate", dt.date(2027, 10, 1), "BUD-005"),
        ("reobligate", dt.date(2031, 9, 30), None),
        ("reobligate", dt.date(2031, 10, 1), "BUD-004"),
        ("deobligate", dt.date(2030, 1, 1), None),
        ("disburse", dt.date(2032, 9, 30), None),
        ("disburse", dt.date(2032, 10, 1), "BUD-005"),
        ("deobligate", dt.date(2032, 10, 1), "BUD-005"),
    ],
)
def test_period_of_availability_rules(entry_type, on, code):
    assert [r.code for r in rules.check_dates(DATES, entry_type, on)] == ([code] if code else [])


def test_a_recorded_cancellation_refuses_everything_even_before_the_date():
    dates = rules.Dates(DATES.obligation_period_end, DATES.reobligation_window_end, DATES.cancellation_date, True)
    assert rules.check_dates(dates, "disburse", dt.date(2028, 1, 1))[0].code == "BUD-005"


@pytest.mark.parametrize(
    ("account", "entry_type", "doc_type", "doc_ref", "code"),
    [
        ("FMF", "obligate", "", "", "BUD-010"),
        ("FMF", "disburse", "", "", "BUD-011"),
        ("PKO", "transfer_fms", "", "", "BUD-011"),
        ("PKO", "obligate", "LOA", "X-1", "BUD-012"),
        ("IMET", "obligate", "632(b) MOA", "", "BUD-012"),
        ("IMET", "reobligate", "", "", "BUD-012"),
        ("PKO", "obligate", "632(b) MOA", "MOA-17", None),
        ("FMF", "apportion", "SF 132", "A-1", None),
        ("FMF", "transfer_fms", "", "", None),
        ("IMET", "disburse", "", "", None),
    ],
)
def test_account_specific_rules(account, entry_type, doc_type, doc_ref, code):
    assert [r.code for r in rules.check_account(account, entry_type, doc_type, doc_ref)] == ([code] if code else [])


@pytest.mark.parametrize(
    ("status", "entry_type", "code"),
    [
        ("planned", "apportion", "BUD-016"),
        ("withdrawn", "obligate", "BUD-016"),
        ("planned", "allocate", None),
        ("approved", "apportion", None),
    ],
)
def test_money_moves_only_on_approved_lines(status, entry_type, code):
    assert [r.code for r in rules.check_status(status, entry_type, "Jordan")] == ([code] if code else [])


def test_an_unknown_notification_state_refuses_and_restriction_verdicts_are_cited():
    assert rules.check_cn_unknown(required=True, name="Jordan", amount=D(1))[0].code == "BUD-006"
    assert rules.check_cn_unknown(required=False, name="Jordan", amount=D(1)) == []
    verdict = {"verdict": "prohibited", "findings": [{"code": "RST-001", "citation": "22 U.S.C. 2371"}]}
    [r] = rules.check_restriction(verdict, country="Iran")
    assert r.code == "BUD-007" and "22 U.S.C. 2371" in r.message
    assert rules.check_restriction({"verdict": "allowed_under_waiver", "findings": []}, country="X") == []


ISR, EGY = 1, 2
FLOOR = rules.EarmarkView(1, "not_less_than", ISR, "", D(100), "P.L. 1 §1", "floor ISR")
CEIL = rules.EarmarkView(2, "not_more_than", EGY, "", D(50), "P.L. 1 §2", "ceiling EGY")
ONLY = rules.EarmarkView(3, "only_for", None, "demining", D(30), "P.L. 1 §3", "only demining")


@pytest.mark.parametrize(
    ("earmark", "before", "after", "code"),
    [
        (FLOOR, {ISR: 100, EGY: 0}, {ISR: 90, EGY: 10}, "BUD-008"),  # a reallocation takes the floor below
        (FLOOR, {ISR: 50, EGY: 0}, {ISR: 60, EGY: 0}, None),  # under the floor but improving: fine
        (FLOOR, {ISR: 120, EGY: 0}, {ISR: 100, EGY: 20}, None),  # down to exactly the floor: fine
        (CEIL, {ISR: 0, EGY: 40}, {ISR: 0, EGY: 60}, "BUD-009"),
        (CEIL, {ISR: 0, EGY: 40}, {ISR: 0, EGY: 50}, None),
        (ONLY, {ISR: 60, EGY: 0}, {ISR: 80, EGY: 0}, "BUD-009"),  # 100 appropriated, 30 reserved: others max 70
        (ONLY, {ISR: 60, EGY: 0}, {ISR: 70, EGY: 0}, None),
    ],
)
def test_earmarks_cannot_be_newly_broken_or_worsened(earmark, before, after, code):
    def lines(values: dict[int, int]) -> list[rules.LineView]:
        return [rules.LineView(i, i, "", D(v)) for i, v in values.items()]

    found = rules.check_earmarks([earmark], lines(before), lines(after), D(100), "reallocate")
    assert [r.code for r in found] == ([code] if code else [])


def test_earmark_compliance_text_is_live():
    lines = [rules.LineView(1, ISR, "", D(80))]
    c = rules.compliance(FLOOR, lines, D(100))
    assert not c.ok and c.text == "short by $20.00" and c.matched == D(80)


@pytest.mark.parametrize(
    ("amount", "baseline", "after", "flagged"),
    [
        ("1000001", "10000000", "15000001", True),
        ("1000000", "10000000", "16000000", False),  # not more than $1M
        ("2000000", "10000000", "15000000", False),  # not more than $5M above
        ("2000000", None, "20000000", False),  # no 653(a) level yet
    ],
)
def test_section_634a_reprogramming_flag(amount, baseline, after, flagged):
    flag = rules.section_634a_flag(
        amount=D(amount),
        target_name="Jordan",
        baseline=D(baseline) if baseline else None,
        allocated_after=D(after),
        source_name="Egypt",
    )
    assert (flag is not None) == flagged
    if flag:
        assert flag.code == "BUD-019" and flag.severity == "warning" and "Egypt" in flag.message
