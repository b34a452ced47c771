"""Every field of the congress rules' findings and line states (issue #12 item 13).

The edge tests (test_congress_rule_edges.py) check which code fires a cent and a day either side of
each edge; these check what the finding says when it fires: severity, citation, the numbers in
`data` (what the API returns and the audit trail keeps) and the message a person reads. Mutation
testing showed that a finding could lose its citation or its numbers with every other test passing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from secassist.congress import rules
from secassist.congress.clocks import ClockSpec
from secassist.congress.rules import Coverage

from .coverage_factory import cleared_cn

D = dt.date
C = Decimal
LABEL = "FY2026 FMF Jordan"
TRANSMITTED = D(2026, 3, 2)
CLEARED = D(2026, 3, 17)


class Rule:
    def __init__(self, citation: str, quantity_threshold_percent: int | None = None) -> None:
        self.citation = citation
        self.quantity_threshold_percent = quantity_threshold_percent


CATALOG = {
    "SFOPS7015F": Rule("SFOPS §7015(f)"),
    "FMF-HEADING": Rule("FMF heading"),
    "PKO-HEADING": Rule("PKO heading"),
    "FAA634A": Rule("FAA §634A"),
    "10USC333E": Rule("10 U.S.C. 333(e)"),
    "SFOPS7015-MDE": Rule("SFOPS §7015(c) (the catalog's)", 10),
}


def bases(**over):
    values = {
        "iso3": "JOR",
        "account": "FMF",
        "authority": "",
        "fiscal_year": 2026,
        "amount": C("1500.00"),
        "cbj_amount": C("1000.00"),
        "mde_items": [],
        "always_notify": {"EGY": "SFOPS §7015(f)"},
        "rules_by_code": {},
        **over,
    }
    return [f.as_dict() for f in rules.suggested_bases(**values)]


def finding(code, severity, message, citation, data):
    return {"code": code, "severity": severity, "message": message, "citation": citation, "data": data}


CN013 = {"amount": "1500.00", "cbj_amount": "1000.00", "change": "500.00", "rules": ["FAA634A", "SFOPS7015"]}
NO_LIST = "no §7015(f) always-notify list is recorded for FY2026; add it to data/congress/always_notify_countries.csv"


def test_every_basis_of_an_fmf_package_with_its_citation_and_numbers():
    mde = [
        {"item": "UH-60M", "quantity": 12, "justified_quantity": 10},
        {"item": "M1A1", "quantity": 3, "justified_quantity": None},
    ]
    found = bases(iso3="EGY", authority="10USC333", rules_by_code=CATALOG, mde_items=mde)
    assert found == [
        finding(
            "CN-010",
            "required",
            "EGY is on the FY2026 always-notify list: any obligation needs regular notification",
            "SFOPS §7015(f)",
            {"fiscal_year": 2026, "iso3": "EGY", "rule": "SFOPS7015F"},
        ),
        finding(
            "CN-011",
            "required",
            "FMF: every increase in a country allocation is notified",
            "FMF heading",
            {"amount": "1500.00", "cbj_amount": "1000.00", "rule": "FMF-HEADING"},
        ),
        finding(
            "CN-012",
            "required",
            "MDE item 'UH-60M': 12 is more than 10% over the justified 10",
            "SFOPS §7015(c) (the catalog's)",
            {"item": "UH-60M", "justified_quantity": 10, "quantity": 12, "threshold_percent": "10"},
        ),
        finding(
            "CN-012",
            "required",
            "MDE item 'M1A1' was not justified to Congress",
            "SFOPS §7015(c) (the catalog's)",
            {"item": "M1A1", "quantity": 3},
        ),
        finding("CN-013", "required", "amount 1,500.00 is above the justified level 1,000.00", "FAA §634A", CN013),
        finding(
            "CN-014",
            "required",
            "10USC333 activities need their own notice before they begin",
            "10 U.S.C. 333(e)",
            {"authority": "10USC333", "rule": "10USC333E"},
        ),
    ]


def test_without_a_catalog_the_rule_code_stands_in_for_the_citation():
    assert bases(account="PKO", always_notify={}) == [
        finding("CN-010", "info", NO_LIST, "SFOPS7015F", {"fiscal_year": 2026}),
        finding(
            "CN-011",
            "required",
            "PKO: no funds obligated except through regular notification",
            "PKO-HEADING",
            {"rule": "PKO-HEADING"},
        ),
        finding("CN-013", "required", "amount 1,500.00 is above the justified level 1,000.00", "FAA634A", CN013),
    ]


def test_imet_at_its_justified_level_needs_only_its_title10_notice():
    found = bases(account="IMET", amount=C("1000.00"), always_notify={}, rules_by_code=CATALOG, authority="10USC127E")
    assert found == [
        finding("CN-010", "info", NO_LIST, "SFOPS §7015(f)", {"fiscal_year": 2026}),
        finding(
            "CN-014",
            "required",
            "10USC127E activities need their own notice before they begin",
            "10USC127E",
            {"authority": "10USC127E", "rule": "10USC127E"},
        ),
    ]


@pytest.mark.parametrize(
    ("authority", "rule"),
    [
        ("10USC333", "10USC333E"),
        ("10USC331", "10USC331D"),
        ("10USC332", "10USC332C"),
        ("10USC341", "10USC341"),
        ("10USC127E", "10USC127E"),
    ],
)
def test_each_title10_authority_has_its_own_notice_rule(authority, rule):
    assert bases(account="IMET", amount=C("1.00"), authority=authority)[-1]["data"] == {"authority": authority, "rule": rule}


def test_an_fmf_line_without_a_justified_level_and_the_default_mde_threshold():
    found = bases(mde_items=[{"item": "UH-60M", "quantity": 13, "justified_quantity": "10"}], cbj_amount=None)
    assert found == [
        finding(
            "CN-011",
            "required",
            "FMF: every increase in a country allocation is notified",
            "FMF-HEADING",
            {"amount": "1500.00", "cbj_amount": "None", "rule": "FMF-HEADING"},
        ),
        finding(
            "CN-012",
            "required",
            "MDE item 'UH-60M': 13 is more than 20% over the justified 10",
            "SFOPS §7015(c)",
            {"item": "UH-60M", "justified_quantity": 10, "quantity": 13, "threshold_percent": "20"},
        ),
    ]


@pytest.mark.parametrize("justified", ["", 0, "0"])
def test_an_mde_item_justified_as_nothing_is_not_justified(justified):
    found = bases(cbj_amount=C("1500.00"), mde_items=[{"item": "x", "quantity": 1, "justified_quantity": justified}])
    assert [f["code"] for f in found] == ["CN-012"]
    assert found[0]["data"] == {"item": "x", "quantity": 1}


def test_an_mde_rule_without_a_threshold_uses_twenty_percent():
    catalog = {"SFOPS7015-MDE": Rule("SFOPS §7015(c)", None)}
    items = [{"item": "x", "quantity": 12, "justified_quantity": 10}]
    assert bases(cbj_amount=C("1500.00"), mde_items=items, rules_by_code=catalog) == []
    items[0]["quantity"] = 13
    assert bases(cbj_amount=C("1500.00"), mde_items=items, rules_by_code=catalog)[0]["data"]["threshold_percent"] == "20"


# ---- spec_of: a rule's numbers, and the defaults for blanks ---------------------------------------


class Row:
    def __init__(self, **fields):
        defaults = {"kind": "before_action", "days": 15, "day_basis": "", "month": None, "day": None}
        defaults.update({"fy_anchor": None, "offset_days": None, "emergency_days_after": None})
        defaults.update(fields)
        self.__dict__.update(defaults)


def test_spec_of_copies_every_number_and_fills_the_blanks():
    full = Row(
        kind="fy_relative",
        days=30,
        day_basis="business",
        month=9,
        day=15,
        fy_anchor="fy_end",
        offset_days=-5,
        emergency_days_after=3,
    )
    assert rules.spec_of(full) == ClockSpec("fy_relative", 30, "business", 9, 15, "fy_end", -5, 3)
    assert rules.spec_of(Row()) == ClockSpec("before_action", 15, "calendar", None, None, "", 0, None)


# ---- the obligation gate: each refusal in full -----------------------------------------------------


def cn(amount="1000.00", cleared_on=CLEARED, tolerance="0", **over) -> Coverage:
    return cleared_cn(amount, cleared_on, tolerance, **{"url": "/notifications/1/", **over})


def gate(coverages, amount="1.00", before="0", on=CLEARED):
    found = rules.gate_verdict(
        allocation_label=LABEL, amount=C(amount), obligated_before=C(before), on_date=on, coverages=coverages
    )
    return found and found.as_dict()


def not_cleared(status, transmitted_on=TRANSMITTED, wait_ends_on=CLEARED, holds=(), on="2026-03-17"):
    return {
        "cn": "CN-26-001",
        "status": status,
        "transmitted_on": transmitted_on,
        "wait_ends_on": wait_ends_on,
        "open_holds": list(holds),
        "on_date": on,
    }


GATE = [
    (
        [],
        {},
        finding(
            "CN-001",
            "block",
            f"no congressional notification covers {LABEL}: draft and transmit a CN before obligating",
            "22 U.S.C. 2394-1 (FAA §634A); SFOPS §7015",
            {"allocation": LABEL, "amount": "1.00", "on_date": "2026-03-17"},
        ),
    ),
    (
        [cn(cleared_on=None, stage="historical_pending", status="historical")],
        {},
        finding(
            "CN-005",
            "block",
            f"CN-26-001 for {LABEL} is a historical CN record that a second person has not yet approved: "
            "it does not count until approved",
            "SFOPS §7015",
            not_cleared("historical"),
        ),
    ),
    (
        [cn(cleared_on=None, open_holds=["SFRC", "HFAC"], status="waiting", stage="waiting")],
        {},
        finding(
            "CN-003",
            "block",
            f"CN-26-001 for {LABEL} is on hold by SFRC, HFAC (transmitted 2026-03-02, waiting period ends 2026-03-17): "
            "State does not obligate while a hold stands",
            "SFOPS §7015",
            not_cleared("waiting", holds=["SFRC", "HFAC"]),
        ),
    ),
    (
        [cn(cleared_on=None, transmitted_on=None, wait_ends_on=None, stage="drafting", status="drafting")],
        {},
        finding(
            "CN-002",
            "block",
            f"CN-26-001 for {LABEL} has not been transmitted to Congress (status: drafting)",
            "SFOPS §7015",
            not_cleared("drafting", transmitted_on=None, wait_ends_on=None),
        ),
    ),
    (
        [cn(cleared_on=None, stage="waiting", status="waiting")],
        {"on": D(2026, 3, 16)},
        finding(
            "CN-002",
            "block",
            f"CN-26-001 for {LABEL} was transmitted on 2026-03-02; its waiting period ends 2026-03-17: "
            "no obligation before 2026-03-17 (requested 2026-03-16)",
            "SFOPS §7015",
            not_cleared("waiting", on="2026-03-16"),
        ),
    ),
    (
        [cn("600.00", tolerance="10"), cn("400.00", number="CN-26-002", citation="FAA §634A")],
        {"amount": "100.00", "before": "960.01"},
        finding(
            "CN-004",
            "block",
            f"obligating 100.00 would bring {LABEL} to 1,060.01, above the 1,000.00 notified in CN-26-001 (transmitted "
            "2026-03-02, cleared 2026-03-17), CN-26-002 (transmitted 2026-03-02, cleared 2026-03-17) (tolerance CN-26-001 10%, "
            "CN-26-002 0%): notify the increase first",
            "SFOPS §7015",
            {
                "notified": "1000.00",
                "ceiling": "1060.00",
                "obligated_before": "960.01",
                "amount": "100.00",
                "cns": ["CN-26-001", "CN-26-002"],
            },
        ),
    ),
]


@pytest.mark.parametrize(("coverages", "kw", "expected"), GATE)
def test_each_refusal_of_the_gate_in_full(coverages, kw, expected):
    assert gate(coverages, **kw) == expected


def test_the_gate_reports_the_cn_nearest_to_clearing():
    later = cn(number="CN-26-009", cleared_on=None, wait_ends_on=D(2026, 3, 30), stage="waiting")
    sooner = cn(number="CN-26-003", cleared_on=None, wait_ends_on=D(2026, 3, 20), stage="waiting")
    untransmitted = cn(number="CN-26-001", cleared_on=None, transmitted_on=None, wait_ends_on=None, stage="drafting")
    assert gate([untransmitted, later, sooner], on=D(2026, 3, 16))["data"]["cn"] == "CN-26-003"
    assert gate([untransmitted], on=D(2026, 3, 16))["data"]["cn"] == "CN-26-001"
    without_end = cn(number="CN-26-004", cleared_on=None, wait_ends_on=None, stage="waiting")
    assert gate([without_end, later], on=D(2026, 3, 16))["data"]["cn"] == "CN-26-009"  # a known end sorts first


def test_a_cn_cleared_the_day_after_is_not_yet_counted_and_the_refusal_says_when():
    assert gate([cn(cleared_on=D(2026, 3, 18))], on=D(2026, 3, 17))["message"].endswith(
        "no obligation before 2026-03-18 (requested 2026-03-17)"
    )


# ---- a line's notification state, in full -------------------------------------------------------


def cns_of(*coverages):
    return [
        {"number": c.number, "status": c.status, "stage": c.stage, "amount": c.amount, "cleared_on": c.cleared_on, "url": c.url}
        for c in coverages
    ]


def state(required, coverages, obligated, on=CLEARED):
    return rules.line_state(required=required, coverages=coverages, obligated=C(obligated), on_date=on).as_dict()


def test_an_exceeded_line_in_full():
    one = cn()
    assert state(True, [one], "1000.01") == {
        "state": "exceeded",
        "label": "obligated beyond the cleared notifications: 0.01 obligated beyond 1,000.00 cleared",
        "cleared": False,
        "cleared_amount": C("1000.00"),
        "ceiling": C("1000.00"),
        "obligated": C("1000.01"),
        "uncovered": C("0.01"),
        "cns": cns_of(one),
    }


def test_a_cleared_line_in_full():
    one, two = cn(), cn("5.00", number="CN-26-002")
    assert state(True, [one, two], "10.00") == {
        "state": "cleared_to_obligate",
        "label": "cleared to obligate up to 1,005.00 (CN-26-001, CN-26-002)",
        "cleared": True,
        "cleared_amount": C("1005.00"),
        "ceiling": C("1005.00"),
        "obligated": C("10.00"),
        "uncovered": C("0"),
        "cns": cns_of(one, two),
    }


def test_a_waiting_line_in_full():
    one = cn(stage="waiting", cleared_on=None, status="waiting")
    two = cn(stage="drafting", number="CN-26-002", cleared_on=None, transmitted_on=None)
    assert state(True, [one, two], "0", on=D(2026, 3, 16)) == {
        "state": "waiting",
        "label": "transmitted — waiting period (CN-26-001, CN-26-002)",
        "cleared": False,
        "cleared_amount": C("0"),
        "ceiling": C("0.00"),
        "obligated": C("0"),
        "uncovered": C("0.00"),
        "cns": cns_of(one, two),
    }


def test_an_obligation_with_no_cn_at_all_is_exceeded_and_a_line_that_needs_none_is_not_required():
    assert state(True, [], "5.00", on=D(2026, 3, 16)) | {"cns": []} == {
        "state": "exceeded",
        "label": "obligated beyond the cleared notifications: 5.00 obligated beyond 0.00 cleared",
        "cleared": False,
        "cleared_amount": C("0"),
        "ceiling": C("0.00"),
        "obligated": C("5.00"),
        "uncovered": C("5.00"),
        "cns": [],
    }
    one = cn()
    assert state(False, [one], "5000.00") == {
        "state": "not_required",
        "label": "not required",
        "cleared": False,
        "cleared_amount": C("1000.00"),
        "ceiling": C("1000.00"),
        "obligated": C("5000.00"),
        "uncovered": C("0"),
        "cns": cns_of(one),
    }
    assert state(True, [], "0")["state"] == "none"
    assert state(True, [], "0")["label"] == "no notification"


@pytest.mark.parametrize(
    ("stages", "expected", "label"),
    [
        (["drafting", "historical_pending"], "historical_pending", "historical CN record awaiting a second person's approval"),
        (["drafting", "in_clearance"], "in_clearance", "CN in clearance"),
        (["in_clearance", "cleared"], "cleared", "CN cleared in the Department, not yet transmitted"),
        (["drafting"], "drafting", "CN drafting"),
        (["mystery", "drafting"], "drafting", "CN drafting"),  # an unknown stage sorts last
        (["mystery"], "mystery", "mystery"),
    ],
)
def test_the_most_advanced_stage_names_the_state_and_its_label(stages, expected, label):
    coverages = [cn(stage=s, number=f"CN-26-00{i}", cleared_on=None) for i, s in enumerate(stages, 1)]
    found = state(True, coverages, "0", on=D(2026, 3, 16))
    assert found["state"] == expected
    assert found["label"] == f"{label} ({', '.join(c.number for c in coverages)})"


def test_a_hold_counts_only_once_the_cn_is_transmitted():
    held = cn(stage="waiting", open_holds=["SFRC"], cleared_on=None)
    assert state(True, [held], "0", on=D(2026, 3, 16))["state"] == "on_hold"
    assert state(True, [held], "0", on=D(2026, 3, 16))["label"] == "transmitted — on hold (CN-26-001)"
    unsent = cn(stage="drafting", open_holds=["SFRC"], transmitted_on=None, cleared_on=None)
    assert state(True, [unsent], "0", on=D(2026, 3, 16))["state"] == "drafting"


def test_an_fmf_package_without_an_always_notify_list_is_told_so():
    assert bases(always_notify={}, cbj_amount=C("1500.00")) == [
        finding("CN-010", "info", NO_LIST, "SFOPS7015F", {"fiscal_year": 2026})
    ]


def test_every_unjustified_mde_item_is_named_and_a_missing_quantity_is_zero():
    items = [
        {"item": "A"},
        {"item": "B", "quantity": 2, "justified_quantity": None},
        {"item": "C", "quantity": 5, "justified_quantity": 1},
    ]
    found = bases(cbj_amount=C("1500.00"), mde_items=items)
    assert [(f["code"], f["citation"], f["data"]) for f in found] == [
        ("CN-012", "SFOPS §7015(c)", {"item": "A", "quantity": 0}),
        ("CN-012", "SFOPS §7015(c)", {"item": "B", "quantity": 2}),
        ("CN-012", "SFOPS §7015(c)", {"item": "C", "quantity": 5, "justified_quantity": 1, "threshold_percent": "20"}),
    ]


def test_amounts_of_a_line_with_nothing_cleared_are_decimal_zero():
    found = rules.line_state(required=True, coverages=[], obligated=C("0"), on_date=CLEARED)
    assert isinstance(found.cleared_amount, Decimal) and isinstance(found.ceiling, Decimal)
    assert str(found.cleared_amount) == "0"
