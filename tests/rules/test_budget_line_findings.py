"""The funds rules of one line, in full (issue #12 item 13, "tests that bite"): what each entry type
does to the stages (`effect_of`, `Effect.negated`), and every finding of `check_line` (BUD-002, 003,
013, 014, 015, 017) with its code, severity, citation, message, remedy and `data` asserted whole, a
cent below, at and above each limit. The mutation run of `budget/rules.py` showed these could change
unnoticed while only the codes were asserted (tests/budget/test_rule_edges.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from secassist.budget import rules

ALLOTMENT = "31 U.S.C. 1517(a)(2) (administrative subdivision of funds); 31 U.S.C. 1341(a)(1)(A)"
RECORDING = "31 U.S.C. 1341(a)(1)(A); 31 U.S.C. 1501(a) (recording obligations)"
APPORTIONMENT = "31 U.S.C. 1512, 1517(a)(1) (apportionment)"
REOBLIGATION = "SFOPS Title IV deobligation/reobligation authority (§7011); DSCA 12-45"
DEOBLIGATION = "31 U.S.C. 1501(a); 31 U.S.C. 1553(a)"
LEDGER = "ledger integrity (append-only ledger, reversing entries)"


# ---------------------------------------------------------------- effects of each entry type

A, MINUS_A = D("12.34"), D("-12.34")


@pytest.mark.parametrize(
    ("entry_type", "account", "kwargs", "line", "to_line", "total"),
    [
        ("appropriate", "PKO", {}, {}, {}, {"appropriated": A}),
        ("allocate", "PKO", {}, {"allocated": A}, {}, {"allocated": A}),
        ("reallocate", "PKO", {"has_target": True}, {"allocated": MINUS_A}, {"allocated": A}, {}),
        ("reprogram", "PKO", {"has_target": True}, {"allocated": MINUS_A}, {"allocated": A}, {}),
        ("reallocate", "PKO", {}, {"allocated": MINUS_A}, {}, {"allocated": MINUS_A}),  # no target: back to the total
        ("reprogram", "PKO", {"has_target": False}, {"allocated": MINUS_A}, {}, {"allocated": MINUS_A}),
        ("apportion", "FMF", {}, {"apportioned": A, "obligated": A}, {}, {"apportioned": A, "obligated": A}),
        ("apportion", "PKO", {}, {"apportioned": A}, {}, {"apportioned": A}),
        ("apportion", "IMET", {}, {"apportioned": A}, {}, {"apportioned": A}),
        ("obligate", "IMET", {}, {"obligated": A}, {}, {"obligated": A}),
        (
            "deobligate",
            "PKO",
            {},
            {"obligated": MINUS_A, "deobligated": A},
            {},
            {"obligated": MINUS_A, "deobligated": A},
        ),
        (
            "reobligate",
            "PKO",
            {},
            {"obligated": A, "reobligated": A},
            {},
            {"obligated": A, "reobligated": A},
        ),
        ("commit", "IMET", {}, {"committed": A}, {}, {"committed": A}),
        ("disburse", "IMET", {}, {"disbursed": A}, {}, {"disbursed": A}),
        ("transfer_fms", "FMF", {}, {"disbursed": A}, {}, {"disbursed": A}),
        ("expire", "FMF", {}, {}, {}, {"expired": A}),
        ("cancel", "FMF", {}, {}, {}, {"cancelled": A}),
    ],
)
def test_each_entry_type_moves_exactly_its_stages(entry_type, account, kwargs, line, to_line, total):
    effect = rules.effect_of(entry_type, A, account=account, **kwargs)
    assert (dict(effect.line), dict(effect.to_line), dict(effect.total)) == (line, to_line, total)


def test_an_unknown_entry_type_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^unknown entry type 'adjust'$"):
        rules.effect_of("adjust", A, account="FMF")


def test_a_reversal_negates_every_stage_of_every_side():
    effect = rules.Effect(
        line={"allocated": D("-5.00"), "obligated": D("2.50")},
        to_line={"allocated": D("5.00")},
        total={"obligated": D("2.50"), "deobligated": D("-1.00")},
    )
    negated = effect.negated()
    assert (dict(negated.line), dict(negated.to_line), dict(negated.total)) == (
        {"allocated": D("5.00"), "obligated": D("-2.50")},
        {"allocated": D("-5.00")},
        {"obligated": D("-2.50"), "deobligated": D("1.00")},
    )
    assert rules.Effect().negated() == rules.Effect()


# ---------------------------------------------------------------- RuleResult


def test_a_result_reads_its_title_and_citation_from_the_rule_table_and_defaults_to_an_error():
    r = rules.RuleResult("BUD-014", "m")
    assert r.title == "Reobligations may not exceed what was deobligated"
    assert r.citation == REOBLIGATION
    assert r.as_dict() == {
        "code": "BUD-014",
        "severity": "error",
        "message": "m",
        "citation": REOBLIGATION,
        "remedy": "",
        "data": {},
    }


def test_money_is_the_office_format():
    assert [rules.money(D(v)) for v in ("1234567.5", "0", "-0.01")] == ["$1,234,567.50", "$0.00", "-$0.01"]


# ---------------------------------------------------------------- check_line in full

STAGES = ("allocated", "apportioned", "obligated", "committed", "disbursed", "deobligated", "reobligated")


def after(**kw: str) -> dict[str, D]:
    values = {k: D("0.00") for k in rules.LINE_STAGES}
    values.update({k: D(v) for k, v in kw.items()})
    return values


def finding(code, citation, message, remedy, values, amount):
    data = {"line": "Jordan", "amount": amount, **{k: str(values[k]) for k in STAGES}}
    return {"code": code, "severity": "error", "message": message, "citation": citation, "remedy": remedy, "data": data}


# (account, entry_type, after, amount, code, citation, message, remedy)
FIRING = [
    # BUD-002: a line's allocation may not be moved below what is apportioned or obligated (the larger)
    (
        "FMF",
        "reallocate",
        after(allocated="49.99", apportioned="50.00", obligated="50.00"),
        "10.00",
        "BUD-002",
        ALLOTMENT,
        "moving $10.00 away from Jordan would leave its allocation at $49.99, below the $50.00 already apportioned or obligated",
        "move at most $9.99, or deobligate first",
    ),
    (
        "PKO",
        "reprogram",
        after(allocated="59.99", apportioned="60.00", obligated="50.00"),  # apportioned is the larger
        "10.00",
        "BUD-002",
        ALLOTMENT,
        "moving $10.00 away from Jordan would leave its allocation at $59.99, below the $60.00 already apportioned or obligated",
        "move at most $9.99, or deobligate first",
    ),
    (
        "PKO",
        "allocate",  # the reversal of an allocation
        after(allocated="59.99", apportioned="50.00", obligated="60.00"),  # obligated is the larger
        "25.00",
        "BUD-002",
        ALLOTMENT,
        "moving $25.00 away from Jordan would leave its allocation at $59.99, below the $60.00 already apportioned or obligated",
        "move at most $24.99, or deobligate first",
    ),
    (
        "FMF",
        "reallocate",
        after(allocated="30.00", apportioned="50.00", obligated="50.00"),  # short by more than the amount
        "10.00",
        "BUD-002",
        ALLOTMENT,
        "moving $10.00 away from Jordan would leave its allocation at $30.00, below the $50.00 already apportioned or obligated",
        "move at most $0.00, or deobligate first",
    ),
    # BUD-013: apportionments up to the allocation
    (
        "PKO",
        "apportion",
        after(allocated="100.00", apportioned="100.01"),
        "10.00",
        "BUD-013",
        APPORTIONMENT,
        "apportioning $10.00 to Jordan would bring apportionments to $100.01, $0.01 more than its $100.00 allocation",
        "apportion at most $9.99, or allocate more to the line first",
    ),
    (
        "FMF",
        "apportion",
        after(allocated="100.00", apportioned="120.00", obligated="120.00"),
        "10.00",
        "BUD-013",
        APPORTIONMENT,
        "apportioning $10.00 to Jordan would bring apportionments to $120.00, $20.00 more than its $100.00 allocation",
        "apportion at most $0.00, or allocate more to the line first",
    ),
    (
        "PKO",
        "deobligate",  # a reallocation rule does not apply to other entries: the next rule speaks
        after(allocated="40.00", apportioned="50.00", obligated="40.00", deobligated="10.00"),
        "10.00",
        "BUD-013",
        APPORTIONMENT,
        "apportioning $10.00 to Jordan would bring apportionments to $50.00, $10.00 more than its $40.00 allocation",
        "apportion at most $0.00, or allocate more to the line first",
    ),
    # BUD-002: obligations up to the allocation
    (
        "PKO",
        "obligate",
        after(allocated="100.00", apportioned="100.00", obligated="100.01"),
        "10.00",
        "BUD-002",
        ALLOTMENT,
        "obligating $10.00 on Jordan would bring obligations to $100.01, $0.01 more than its $100.00 allocation",
        "obligate at most $9.99, or allocate more to the line first",
    ),
    (
        "IMET",
        "reobligate",
        after(allocated="100.00", apportioned="100.00", obligated="130.00", deobligated="40.00", reobligated="20.00"),
        "20.00",
        "BUD-002",
        ALLOTMENT,
        "obligating $20.00 on Jordan would bring obligations to $130.00, $30.00 more than its $100.00 allocation",
        "obligate at most $0.00, or allocate more to the line first",
    ),
    # BUD-013: PKO and IMET obligations up to the apportionment
    (
        "PKO",
        "obligate",
        after(allocated="100.00", apportioned="50.00", obligated="50.01"),
        "10.00",
        "BUD-013",
        APPORTIONMENT,
        "obligating $10.00 on Jordan would bring obligations to $50.01, $0.01 more than the $50.00 apportioned",
        "obligate at most $9.99, or record the OMB apportionment first",
    ),
    (
        "IMET",
        "reobligate",
        after(allocated="100.00", apportioned="50.00", obligated="70.00", deobligated="40.00", reobligated="20.00"),
        "10.00",
        "BUD-013",
        APPORTIONMENT,
        "obligating $10.00 on Jordan would bring obligations to $70.00, $20.00 more than the $50.00 apportioned",
        "obligate at most $0.00, or record the OMB apportionment first",
    ),
    # BUD-015: deobligations down to what is disbursed, and never below zero
    (
        "IMET",
        "deobligate",
        after(allocated="100.00", apportioned="100.00", obligated="19.99", disbursed="20.00", deobligated="5.00"),
        "5.00",
        "BUD-015",
        DEOBLIGATION,
        "deobligating $5.00 from Jordan would leave obligations at $19.99, below the $20.00 already disbursed",
        "deobligate at most $4.99",
    ),
    (
        "IMET",
        "deobligate",
        after(allocated="100.00", apportioned="100.00", obligated="-0.01", deobligated="5.00"),
        "5.00",
        "BUD-015",
        DEOBLIGATION,
        "deobligating $5.00 from Jordan would leave obligations at -$0.01, below the $0.00 already disbursed",
        "deobligate at most $4.99",
    ),
    (
        "PKO",
        "deobligate",
        after(allocated="100.00", apportioned="100.00", obligated="10.00", disbursed="20.00", deobligated="5.00"),
        "5.00",
        "BUD-015",
        DEOBLIGATION,
        "deobligating $5.00 from Jordan would leave obligations at $10.00, below the $20.00 already disbursed",
        "deobligate at most $0.00",
    ),
    # BUD-014: reobligations up to what was deobligated
    (
        "IMET",
        "reobligate",
        after(allocated="100.00", apportioned="100.00", obligated="50.00", deobligated="5.00", reobligated="5.01"),
        "1.00",
        "BUD-014",
        REOBLIGATION,
        "reobligating $1.00 on Jordan would reobligate $5.01 in all, $0.01 more than the $5.00 deobligated",
        "reobligate at most $0.99",
    ),
    (
        "FMF",
        "reobligate",
        after(allocated="100.00", apportioned="50.00", obligated="60.00", deobligated="5.00", reobligated="8.00"),
        "1.00",
        "BUD-014",
        REOBLIGATION,
        "reobligating $1.00 on Jordan would reobligate $8.00 in all, $3.00 more than the $5.00 deobligated",
        "reobligate at most $0.00",
    ),
    # BUD-003: disbursements, then commitments, up to obligations
    (
        "IMET",
        "disburse",
        after(allocated="100.00", apportioned="100.00", obligated="50.00", disbursed="50.01"),
        "1.00",
        "BUD-003",
        RECORDING,
        "disbursing $1.00 on Jordan would bring disbursed to $50.01, $0.01 more than the $50.00 obligated",
        "post at most $0.99, or obligate more first",
    ),
    (
        "IMET",
        "commit",
        after(allocated="100.00", apportioned="100.00", obligated="50.00", committed="50.01"),
        "1.00",
        "BUD-003",
        RECORDING,
        "committing $1.00 on Jordan would bring committed to $50.01, $0.01 more than the $50.00 obligated",
        "post at most $0.99, or obligate more first",
    ),
    (
        "PKO",
        "commit",
        after(allocated="100.00", apportioned="100.00", obligated="50.00", committed="60.00", disbursed="55.00"),
        "10.00",
        "BUD-003",
        RECORDING,
        "disbursing $10.00 on Jordan would bring disbursed to $55.00, $5.00 more than the $50.00 obligated",
        "post at most $5.00, or obligate more first",
    ),
    (
        "FMF",
        "transfer_fms",
        after(allocated="100.00", apportioned="100.00", obligated="100.00", disbursed="120.00"),
        "10.00",
        "BUD-003",
        RECORDING,
        "disbursing $10.00 on Jordan would bring disbursed to $120.00, $20.00 more than the $100.00 obligated",
        "post at most $0.00, or obligate more first",
    ),
    # BUD-017: no stage may go negative, each named
    (
        "IMET",
        "commit",
        after(allocated="100.00", apportioned="100.00", obligated="50.00", committed="-0.01"),
        "1.00",
        "BUD-017",
        LEDGER,
        "the change would make committed of Jordan negative",
        "reverse only what the line still holds",
    ),
    (
        "IMET",
        "deobligate",
        after(allocated="100.00", apportioned="100.00", obligated="50.00", deobligated="-1.00", reobligated="-1.00"),
        "1.00",
        "BUD-017",
        LEDGER,
        "the change would make deobligated, reobligated of Jordan negative",
        "reverse only what the line still holds",
    ),
]


@pytest.mark.parametrize(("account", "entry_type", "values", "amount", "code", "citation", "message", "remedy"), FIRING)
def test_each_line_finding_in_full(account, entry_type, values, amount, code, citation, message, remedy):
    found = rules.check_line("Jordan", account, entry_type, values, D(amount))
    assert [r.as_dict() for r in found] == [finding(code, citation, message, remedy, values, amount)]
    assert found[0].data["amount"] == D(amount) and found[0].data["line"] == "Jordan"


QUIET = [
    # at each limit, to the cent
    ("FMF", "reallocate", after(allocated="50.00", apportioned="50.00", obligated="50.00")),
    ("PKO", "reprogram", after(allocated="60.00", apportioned="60.00", obligated="50.00")),
    ("PKO", "allocate", after(allocated="60.00", apportioned="50.00", obligated="60.00")),
    ("PKO", "apportion", after(allocated="100.00", apportioned="100.00", obligated="0.00")),
    ("PKO", "obligate", after(allocated="100.00", apportioned="100.00", obligated="100.00")),
    ("PKO", "obligate", after(allocated="100.00", apportioned="50.00", obligated="50.00")),
    (
        "IMET",
        "reobligate",
        after(allocated="100.00", apportioned="50.00", obligated="50.00", deobligated="5.00", reobligated="5.00"),
    ),
    (
        "IMET",
        "deobligate",
        after(allocated="100.00", apportioned="100.00", obligated="20.00", disbursed="20.00", deobligated="5.00"),
    ),
    ("IMET", "deobligate", after(allocated="100.00", apportioned="100.00", deobligated="5.00")),  # down to exactly zero
    ("IMET", "disburse", after(allocated="100.00", apportioned="100.00", obligated="50.00", disbursed="50.00")),
    ("IMET", "commit", after(allocated="100.00", apportioned="100.00", obligated="50.00", committed="50.00")),
    # the obligation-over-apportionment rule is for obligating entries of PKO and IMET only
    ("FMF", "obligate", after(allocated="100.00", apportioned="50.00", obligated="60.00")),
    (
        "FMF",
        "reobligate",
        after(allocated="100.00", apportioned="50.00", obligated="60.00", deobligated="9.00", reobligated="9.00"),
    ),
    ("PKO", "commit", after(allocated="100.00", apportioned="50.00", obligated="60.00", committed="10.00")),
    ("PKO", "deobligate", after(allocated="100.00", apportioned="50.00", obligated="60.00", deobligated="5.00")),
    # the reallocation rule is for entries that move allocation only
    ("PKO", "obligate", after(allocated="100.00", apportioned="100.00", obligated="100.00")),
]


@pytest.mark.parametrize(("account", "entry_type", "values"), QUIET)
def test_at_each_limit_the_line_passes(account, entry_type, values):
    assert rules.check_line("Jordan", account, entry_type, values, D("1.00")) == []


def test_a_stage_the_line_has_never_had_is_reported_as_zero():
    """`data` lists every stage: one missing from the balances reads 0.00 (here BUD-002 speaks before the later
    rules read the stages that are missing)."""
    values = {"allocated": D("40.00"), "apportioned": D("50.00"), "obligated": D("50.00")}
    [r] = rules.check_line("Jordan", "FMF", "reallocate", values, D("10.00"))
    assert r.data == {
        "line": "Jordan",
        "amount": D("10.00"),
        "allocated": D("40.00"),
        "apportioned": D("50.00"),
        "obligated": D("50.00"),
        "committed": D("0.00"),
        "disbursed": D("0.00"),
        "deobligated": D("0.00"),
        "reobligated": D("0.00"),
    }
