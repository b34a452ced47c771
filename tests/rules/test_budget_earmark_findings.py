"""Earmarks and the §634A flag, in full (issue #12 item 13, "tests that bite"): `compliance` (every
field, each kind of earmark a cent below, at and above its amount), BUD-008/009 (`check_earmarks`)
and BUD-019 (`section_634a_flag`) with code, severity, citation, message, remedy and `data` whole."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from secassist.budget import rules

JOR, EGY = 7, 8
FLOOR_CITATION = "the act's earmark (citation on the earmark); SFOPS §7014"
CEILING_CITATION = "the act's earmark (citation on the earmark)"


def em(kind: str, amount: str, *, country: int | None = JOR, purpose: str = "") -> rules.EarmarkView:
    return rules.EarmarkView(
        id=1, kind=kind, country_id=country, purpose=purpose, amount=D(amount), citation="SFOPS §7041(a)", label="Jordan FMF"
    )


def lines(jordan: str, egypt: str = "0.00", *, purpose: str = "") -> list[rules.LineView]:
    return [rules.LineView(1, JOR, purpose, D(jordan)), rules.LineView(2, EGY, "", D(egypt))]


# ---------------------------------------------------------------- compliance


@pytest.mark.parametrize(
    ("earmark", "jordan", "egypt", "matched", "unmatched", "ok", "gap", "text"),
    [
        (em("not_less_than", "100.00"), "99.99", "5.00", "99.99", "5.00", False, "0.01", "short by $0.01"),
        (em("not_less_than", "100.00"), "100.00", "5.00", "100.00", "5.00", True, "0.00", "met"),
        (em("not_less_than", "100.00"), "100.01", "5.00", "100.01", "5.00", True, "0.00", "met"),
        (em("not_more_than", "100.00"), "99.99", "500.00", "99.99", "500.00", True, "0.00", "met"),
        (em("not_more_than", "100.00"), "100.00", "500.00", "100.00", "500.00", True, "0.00", "met"),
        (em("not_more_than", "100.00"), "100.01", "500.00", "100.01", "500.00", False, "0.01", "over by $0.01"),
        # only-for: 100.00 of the 1,000.00 appropriated is reserved, so other lines may use 900.00
        (em("only_for", "100.00"), "0.00", "899.99", "0.00", "899.99", True, "0.00", "met"),
        (em("only_for", "100.00"), "50.00", "900.00", "50.00", "900.00", True, "0.00", "met"),
        (
            em("only_for", "100.00"),
            "0.00",
            "900.01",
            "0.00",
            "900.01",
            False,
            "0.01",
            "other lines use $0.01 of the reserved funds",
        ),
        # no country: every line matches
        (em("not_more_than", "100.00", country=None), "60.00", "40.01", "100.01", "0.00", False, "0.01", "over by $0.01"),
    ],
)
def test_compliance_of_each_kind_at_its_amount(earmark, jordan, egypt, matched, unmatched, ok, gap, text):
    c = rules.compliance(earmark, iter(lines(jordan, egypt)), D("1000.00"))  # any iterable, read more than once
    assert c == rules.Compliance(earmark, D(matched), D(unmatched), ok, D(gap), text)
    assert (str(c.matched), str(c.unmatched), str(c.gap)) == (matched, unmatched, gap)


def test_compliance_with_no_lines_is_in_money():
    c = rules.compliance(em("not_more_than", "100.00"), [], D("1000.00"))
    assert c == rules.Compliance(em("not_more_than", "100.00"), D("0"), D("0"), True, D("0"), "met")
    assert (str(c.matched), str(c.unmatched)) == ("0.00", "0.00")


def test_compliance_matches_lines_by_purpose():
    earmark = em("not_less_than", "100.00", purpose="Border security")
    c = rules.compliance(earmark, lines("80.00", "30.00", purpose=" border security"), D("1000.00"))
    assert (c.matched, c.unmatched, c.ok, c.gap, c.text) == (D("80.00"), D("30.00"), False, D("20.00"), "short by $20.00")


# ---------------------------------------------------------------- BUD-008 and BUD-009


def data(before: str, after: str, amount: str = "100.00") -> dict[str, str]:
    return {
        "earmark": "Jordan FMF",
        "earmark_amount": amount,
        "matched_before": before,
        "matched_after": after,
        "earmark_citation": "SFOPS §7041(a)",
    }


def result(code, citation, message, remedy, data):
    return {"code": code, "severity": "error", "message": message, "citation": citation, "remedy": remedy, "data": data}


@pytest.mark.parametrize(
    ("earmark", "before", "after", "entry_type", "expected"),
    [
        (
            em("not_less_than", "100.00"),
            lines("150.00"),
            lines("99.99", "50.01"),
            "reallocate",
            result(
                "BUD-008",
                FLOOR_CITATION,
                "this reallocate would take Jordan FMF from $150.00 to $99.99, below its floor of $100.00 (SFOPS §7041(a))",
                "move at most $50.00, or give an override with a reason",
                data("150.00", "99.99"),
            ),
        ),
        (
            em("not_less_than", "100.00"),
            lines("90.00"),  # already short: worse is refused, and nothing more may move
            lines("80.00", "10.00"),
            "reprogram",
            result(
                "BUD-008",
                FLOOR_CITATION,
                "this reprogram would take Jordan FMF from $90.00 to $80.00, below its floor of $100.00 (SFOPS §7041(a))",
                "move at most $0.00, or give an override with a reason",
                data("90.00", "80.00"),
            ),
        ),
        (
            em("not_more_than", "100.00"),
            lines("50.00"),
            lines("100.01"),
            "allocate",
            result(
                "BUD-009",
                CEILING_CITATION,
                "this allocate would break Jordan FMF: over by $0.01 (SFOPS §7041(a))",
                "reduce the amount by $0.01, or give an override with a reason",
                data("50.00", "100.01"),
            ),
        ),
        (
            em("not_more_than", "100.00"),
            lines("110.00"),  # already over: a further $10.00 is refused by $10.00
            lines("120.00"),
            "import",
            result(
                "BUD-009",
                CEILING_CITATION,
                "this import would break Jordan FMF: over by $20.00 (SFOPS §7041(a))",
                "reduce the amount by $10.00, or give an override with a reason",
                data("110.00", "120.00"),
            ),
        ),
        (
            em("only_for", "100.00"),
            lines("0.00", "850.00"),
            lines("0.00", "900.01"),
            "allocate",
            result(
                "BUD-009",
                CEILING_CITATION,
                "this allocate would break Jordan FMF: other lines use $0.01 of the reserved funds (SFOPS §7041(a))",
                "reduce the amount by $0.01, or give an override with a reason",
                data("0.00", "0.00"),
            ),
        ),
    ],
)
def test_each_earmark_finding_in_full(earmark, before, after, entry_type, expected):
    found = rules.check_earmarks([earmark], before, after, D("1000.00"), entry_type)
    assert [r.as_dict() for r in found] == [expected]
    assert found[0].data["earmark_amount"] == D("100.00")


@pytest.mark.parametrize(
    ("earmark", "before", "after"),
    [
        (em("not_less_than", "100.00"), lines("90.00"), lines("90.00", "10.00")),  # short, no worse
        (em("not_more_than", "100.00"), lines("120.00"), lines("120.00", "5.00")),  # over, no worse
        (em("only_for", "100.00"), lines("0.00", "950.00"), lines("10.00", "950.00")),  # using reserved, no worse
        (em("not_more_than", "100.00"), lines("120.00"), lines("110.00")),  # over, improving
        (em("not_less_than", "100.00"), lines("150.00"), lines("100.00", "50.00")),  # down to the floor
    ],
)
def test_an_earmark_no_worse_than_before_is_not_blamed(earmark, before, after):
    assert rules.check_earmarks([earmark], before, after, D("1000.00"), "reallocate") == []


def test_every_earmark_is_judged_each_on_its_own():
    floor = em("not_less_than", "100.00")
    ceiling = rules.EarmarkView(2, "not_more_than", EGY, "", D("40.00"), "SFOPS §7041(b)", "Egypt ceiling")
    met = rules.EarmarkView(3, "not_more_than", None, "", D("5000.00"), "SFOPS §7041(c)", "total ceiling")
    found = rules.check_earmarks(
        iter([met, floor, met, ceiling]), lines("150.00", "0.00"), lines("90.00", "60.00"), D("1000.00"), "reallocate"
    )
    assert [(r.code, r.data["earmark"]) for r in found] == [("BUD-008", "Jordan FMF"), ("BUD-009", "Egypt ceiling")]
    assert found[1].message == "this reallocate would break Egypt ceiling: over by $20.00 (SFOPS §7041(b))"


# ---------------------------------------------------------------- BUD-019


def test_bud_019_in_full():
    flag = rules.section_634a_flag(
        amount=D("1000000.01"),
        target_name="Jordan",
        baseline=D("10000000.00"),
        allocated_after=D("15000000.02"),
        source_name="Egypt",
    )
    assert flag is not None
    assert flag.as_dict() == {
        "code": "BUD-019",
        "severity": "warning",
        "message": "reprogramming $1,000,000.01 takes Jordan to $15,000,000.02, $5,000,000.02 above its 653(a) level of "
        "$10,000,000.00: the notification must state the nature and purpose and that the funds come from Egypt",
        "citation": "22 U.S.C. 2394-1(a) (FAA §634A)",
        "remedy": "include nature, purpose and source country in the congressional notification",
        "data": {
            "amount": "1000000.01",
            "baseline_653a": "10000000.00",
            "allocated_after": "15000000.02",
            "above": "5000000.02",
            "source": "Egypt",
        },
    }


@pytest.mark.parametrize(
    ("amount", "baseline", "allocated_after"),
    [
        ("1000000.00", "10000000.00", "20000000.00"),  # not more than $1M moved
        ("999999.99", "10000000.00", "20000000.00"),
        ("2000000.00", "10000000.00", "15000000.00"),  # exactly $5M above
        ("2000000.00", "10000000.00", "14999999.99"),
        ("2000000.00", "0.00", "5000000.00"),  # a zero 653(a) level is a level
        ("2000000.00", None, "99000000.00"),  # no 653(a) level
    ],
)
def test_bud_019_is_quiet_at_and_below_its_thresholds(amount, baseline, allocated_after):
    flag = rules.section_634a_flag(
        amount=D(amount),
        target_name="Jordan",
        baseline=None if baseline is None else D(baseline),
        allocated_after=D(allocated_after),
        source_name="Egypt",
    )
    assert flag is None


def test_bud_019_a_zero_653a_level_is_a_level():
    flag = rules.section_634a_flag(
        amount=D("2000000.00"), target_name="Jordan", baseline=D("0.00"), allocated_after=D("5000000.01"), source_name="Egypt"
    )
    assert flag is not None and flag.data["above"] == D("5000000.01")
