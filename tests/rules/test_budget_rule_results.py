"""Every field of the funds rules' results (issue #12 item 13): code, severity, citation, the numbers in
`data` (what the API's 409 carries and the audit trail keeps), the message and the remedy. The edge
tests (tests/budget/test_rule_edges.py) check which rule fires a cent and a day either side; these
check what it says when it fires, which mutation testing showed could change unnoticed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from secassist.budget import rules

DATES = rules.Dates(dt.date(2027, 9, 30), dt.date(2031, 9, 30), dt.date(2032, 9, 30))
DATE_DATA = {"obligation_period_end": "2027-09-30", "reobligation_window_end": "2031-09-30", "cancellation_date": "2032-09-30"}
ADA = "31 U.S.C. 1341(a)(1)(A) and 1517(a) (Antideficiency Act)"
PERIOD = "31 U.S.C. 1502(a), 1553(a); SFOPS Title IV deobligation/reobligation authority (§7011), DSCA 12-45"
CANCELLED = "31 U.S.C. 1552(a), 1553(a)"
EXPIRED_REMEDY = (
    "use current-year funds; inside the reobligation window only deobligated funds may be reobligated (until 2031-09-30)"
)


def result(code, message, citation, remedy, data):
    return {"code": code, "severity": "error", "message": message, "citation": citation, "remedy": remedy, "data": data}


def dicts(found):
    return [r.as_dict() for r in found]


@pytest.mark.parametrize(
    ("appropriated", "allocated", "amount", "expected"),
    [
        (
            "1000000.00",
            "1000000.01",
            "10.00",
            result(
                "BUD-001",
                "allocating $10.00 would bring allocations to $1,000,000.01, $0.01 more than the $1,000,000.00 appropriated",
                ADA,
                "allocate at most $9.99, or reallocate from another line first",
                {"appropriated": "1000000.00", "allocated_after": "1000000.01", "amount": "10.00", "excess": "0.01"},
            ),
        ),
        (
            "100.00",
            "130.00",
            "20.00",
            result(
                "BUD-001",
                "allocating $20.00 would bring allocations to $130.00, $30.00 more than the $100.00 appropriated",
                ADA,
                "allocate at most $0.00, or reallocate from another line first",  # never a negative amount
                {"appropriated": "100.00", "allocated_after": "130.00", "amount": "20.00", "excess": "30.00"},
            ),
        ),
    ],
)
def test_bud_001_in_full(appropriated, allocated, amount, expected):
    assert dicts(rules.check_totals({"appropriated": D(appropriated), "allocated": D(allocated)}, D(amount))) == [expected]


@pytest.mark.parametrize(
    ("entry_type", "on", "expected"),
    [
        (
            "disburse",
            dt.date(2032, 10, 1),
            result(
                "BUD-005",
                "the account was cancelled on 2032-09-30: nothing may be posted to it (entry dated 2032-10-01)",
                CANCELLED,
                "charge a valid obligation to a current account (up to 1% of its appropriation, 31 U.S.C. 1553(b))",
                {"effective_on": "2032-10-01", **DATE_DATA},
            ),
        ),
        (
            "reobligate",
            dt.date(2031, 10, 1),
            result(
                "BUD-004",
                "the reobligation window closed on 2031-09-30; the entry is dated 2031-10-01",
                PERIOD,
                "only adjustments and disbursements remain possible until cancellation",
                {"effective_on": "2031-10-01", **DATE_DATA},
            ),
        ),
        (
            "obligate",
            dt.date(2027, 10, 1),
            result(
                "BUD-004",
                "the funds expired for new obligations on 2027-09-30; "
                "an entry of type 'obligate' dated 2027-10-01 is not allowed",
                PERIOD,
                EXPIRED_REMEDY,
                {"effective_on": "2027-10-01", **DATE_DATA},
            ),
        ),
        (
            "allocate",
            dt.date(2027, 10, 1),
            result(
                "BUD-005",
                "the funds expired for new obligations on 2027-09-30; "
                "an entry of type 'allocate' dated 2027-10-01 is not allowed",
                CANCELLED,
                EXPIRED_REMEDY,
                {"effective_on": "2027-10-01", **DATE_DATA},
            ),
        ),
    ],
)
def test_each_date_refusal_in_full(entry_type, on, expected):
    assert dicts(rules.check_dates(DATES, entry_type, on)) == [expected]


@pytest.mark.parametrize("entry_type", sorted(rules.EXPIRED_ALLOWED - {"reobligate"}))
def test_expired_funds_accept_adjustments_and_disbursements_until_cancellation(entry_type):
    assert rules.check_dates(DATES, entry_type, dt.date(2032, 9, 30)) == []
    assert [r.code for r in rules.check_dates(DATES, entry_type, dt.date(2032, 10, 1))] == ["BUD-005"]


def test_a_reversal_after_expiry_passes_but_not_after_cancellation():
    assert rules.check_dates(DATES, "obligate", dt.date(2028, 1, 1), is_reversal=True) == []
    assert [r.code for r in rules.check_dates(DATES, "obligate", dt.date(2032, 10, 1), is_reversal=True)] == ["BUD-005"]


def test_a_reobligation_inside_the_window_passes():
    assert rules.check_dates(DATES, "reobligate", dt.date(2031, 9, 30)) == []
    assert rules.check_dates(DATES, "reobligate", dt.date(2027, 10, 1)) == []


@pytest.mark.parametrize(
    ("entry_type", "words"),
    [
        ("apportion", "apportioned"),
        ("obligate", "obligated"),
        ("reobligate", "reobligated"),
        ("commit", "committed"),
        ("disburse", "disbursed"),
        ("transfer_fms", "transferred to the FMS Trust Fund"),
    ],
)
@pytest.mark.parametrize("status", ["planned", "withdrawn"])
def test_bud_016_money_moves_only_on_an_approved_line_in_full(entry_type, words, status):
    assert dicts(rules.check_status(status, entry_type, "Jordan FMF")) == [
        result(
            "BUD-016",
            f"Jordan FMF is {status}: money cannot be {words} on it",
            "PM/SA allocation procedure (653(a) baseline, 22 U.S.C. 2413)",
            "approve the line first",
            {"line": "Jordan FMF", "status": status},
        )
    ]
    assert rules.check_status("approved", entry_type, "Jordan FMF") == []


@pytest.mark.parametrize("entry_type", ["allocate", "deobligate", "expire", "cancel", "adjust"])
def test_entries_that_move_no_money_pass_on_a_planned_line(entry_type):
    assert rules.check_status("planned", entry_type, "Jordan FMF") == []


def test_bud_006_unknown_notification_state_in_full():
    assert dicts(rules.check_cn_unknown(required=True, name="Jordan FMF", amount=D("1234.50"))) == [
        result(
            "BUD-006",
            "Jordan FMF needs a congressional notification and none can be confirmed (the congressional notifications "
            "module is not installed); $1,234.50 cannot be obligated",
            "22 U.S.C. 2394-1 (FAA §634A); SFOPS §7015 regular notification; FMF/PKO heading provisos",
            "install the congressional notifications module and record the CN (or a historical CN record)",
            {"line": "Jordan FMF", "amount": "1234.50", "notification_required": "True"},
        )
    ]


def test_apply_adds_deltas_and_keeps_untouched_keys():
    assert rules.apply({"a": D("1.00"), "b": D("2.00")}, {"a": D("0.50"), "c": D("-1.00")}) == {
        "a": D("1.50"),
        "b": D("2.00"),
        "c": D("-1.00"),
    }


def _earmark(country_id=7, purpose=""):
    return rules.EarmarkView(1, "floor", country_id, purpose, D("100.00"), "SFOPS §7041", "Jordan floor")


@pytest.mark.parametrize(
    ("earmark", "line", "matches"),
    [
        (_earmark(), rules.LineView(1, 7, "anything", D("1.00")), True),  # no purpose: every line of the country
        (_earmark(), rules.LineView(1, 8, "anything", D("1.00")), False),  # another country
        (_earmark(None), rules.LineView(1, 8, "", D("1.00")), True),  # no country: every line
        (_earmark(purpose="Border security"), rules.LineView(1, 7, " border SECURITY ", D("1.00")), True),
        (_earmark(purpose="Border security"), rules.LineView(1, 7, "Counterterrorism", D("1.00")), False),
        (_earmark(purpose="Border security"), rules.LineView(1, 8, "Border security", D("1.00")), False),
    ],
)
def test_an_earmark_matches_lines_of_its_country_and_purpose(earmark, line, matches):
    assert rules.matches(earmark, line) is matches
