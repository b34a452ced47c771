"""The Title 10 rules at their edges: a cent and a day (or a year) either side.

The limits are the statute's and DSCA's: small-scale construction capped at $2,000,000 (10 U.S.C.
333(c)(1)(E); DSCA 25-03), construction details required above $750,000 (333(e)(8)), sustainment
beyond five years justified (333(d)(3)), funds of FY N for programs ending by the end of FY N+2
(333(g)), notification no more than one FY early (DSCA 19-22); an assurance is in force through
its expiry day."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from secassist.title10 import rules
from secassist.title10.rules import AssuranceRow, ProposalFacts

C = Decimal
D = dt.date

COMPLETE = ProposalFacts(
    authority_code="10USC333",
    country_iso3="KEN",
    country_bureau="AF",
    fiscal_year=2027,
    purposes=("maritime_border",),
    element_costs={"articles": C("6200000.00"), "training": C("1150000.50")},
    units=("Kenya Navy Special Boat Unit",),
    cert_human_rights=True,
    cert_institutional_capacity=True,
    texts={name: "stated" for name in rules.S333E_TEXT_FIELDS},
    current_fiscal_year=2027,
)


def codes(facts: ProposalFacts) -> set[str]:
    return {f.code for f in rules.record_findings(facts)}


def test_a_complete_333_record_has_no_findings_and_other_authorities_are_not_held_to_it():
    assert codes(COMPLETE) == set()
    assert codes(replace(COMPLETE, authority_code="10USC331", units=(), texts={})) == set()


@pytest.mark.parametrize(
    ("construction", "expected"),
    [
        ("1999999.99", {"T10-005"}),
        ("2000000.00", {"T10-005"}),
        ("2000000.01", {"T10-004", "T10-005"}),
        ("749999.99", set()),
        ("750000.00", set()),
        ("750000.01", {"T10-005"}),
    ],
)
def test_construction_limits_bite_a_cent_above_the_cap_and_the_detail_threshold(construction, expected):
    facts = replace(COMPLETE, element_costs={**COMPLETE.element_costs, "construction": C(construction)})
    assert codes(facts) == expected
    assert codes(replace(facts, construction_details="Mombasa pier, DD 1391 attached")) == expected - {"T10-005"}


@pytest.mark.parametrize(("years", "flagged"), [(4, False), (5, False), (6, True)])
def test_sustainment_beyond_five_years_needs_a_justification(years, flagged):
    facts = replace(COMPLETE, sustainment_years=years)
    assert ("T10-006" in codes(facts)) is flagged
    assert "T10-006" not in codes(replace(facts, sustainment_justification="Transition to the Kenya Navy in FY2033"))


@pytest.mark.parametrize(("fiscal_year", "flagged"), [(2027, False), (2028, False), (2029, True)])
def test_funds_more_than_one_fiscal_year_ahead_are_flagged(fiscal_year, flagged):
    assert ("T10-007" in codes(replace(COMPLETE, fiscal_year=fiscal_year))) is flagged
    assert "T10-007" not in codes(replace(COMPLETE, fiscal_year=fiscal_year, current_fiscal_year=None))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"units": ()}, "T10-002"),
        ({"cert_human_rights": False}, "T10-003"),
        ({"cert_institutional_capacity": False}, "T10-003"),
        ({"texts": {**COMPLETE.texts, "ics_linkage": "   "}}, "T10-001"),
    ],
)
def test_each_missing_333_element_is_named(change, code):
    found = rules.record_findings(replace(COMPLETE, **change))
    assert [f.code for f in found] == [code]
    assert found[0].severity == "error" and found[0].citation.startswith("10 U.S.C. 333")


def test_a_missing_text_element_is_named_with_its_paragraph():
    found = rules.record_findings(replace(COMPLETE, texts={**COMPLETE.texts, "timeline": ""}))
    assert found[0].data == {"missing": ["timeline (333(e)(3))"]}


@pytest.mark.parametrize(("fiscal_year", "end"), [(2026, D(2028, 9, 30)), (2027, D(2029, 9, 30))])
def test_333_funds_may_fund_programs_ending_by_the_end_of_the_second_following_fiscal_year(fiscal_year, end):
    assert rules.cfy_end_date(fiscal_year) == end


EXPIRES = D(2026, 11, 2)


def _row(kind: str = "faa505", state: str = "in_force", expires: dt.date | None = EXPIRES, **scope: bool) -> AssuranceRow:
    covers = {"covers_articles": True, "covers_training": True, "covers_services": True, **scope}
    return AssuranceRow(kind=kind, instrument="Exchange of notes 2019", state=state, expires_on=expires, **covers)


@pytest.mark.parametrize(
    ("today", "code"), [(D(2026, 11, 1), "T10-A00"), (D(2026, 11, 2), "T10-A00"), (D(2026, 11, 3), "T10-A02")]
)
def test_an_assurance_is_in_force_through_its_expiry_day(today, code):
    assert [f.code for f in rules.assurance_findings(["training"], [_row()], today=today)] == [code]


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (_row(expires=None), "T10-A00"),
        (_row(state="suspended", expires=None), "T10-A02"),
        (_row(covers_training=False), "T10-A01"),
        (None, "T10-A01"),
    ],
)
def test_an_assurance_must_be_in_force_and_cover_the_element(row, code):
    found = rules.assurance_findings(["training"], [row] if row else [], today=D(2026, 11, 2))
    assert [f.code for f in found] == [code]


@pytest.mark.parametrize(
    ("state", "code"),
    [("compliant", "T10-A00"), ("discrepancy", "T10-A03"), ("violation", "T10-A03"), ("suspended", "T10-A03")],
)
def test_end_use_monitoring_status_other_than_compliant_is_flagged(state, code):
    found = rules.assurance_findings(["articles"], [_row("eum", state=state)], today=D(2026, 11, 2))
    assert {f.data["assurance"]: f.code for f in found}["eum"] == code


@pytest.mark.parametrize(("state", "code"), [("violation", "T10-A04"), ("compliant", "T10-A00")])
def test_an_unauthorized_transfer_on_record_is_flagged_for_articles(state, code):
    found = rules.assurance_findings(["articles"], [_row("tpt", state=state)], today=D(2026, 11, 2))
    assert {f.data["assurance"]: f.code for f in found}["tpt"] == code


def test_articles_need_four_assurances_and_each_element_kind_is_checked_once():
    found = rules.assurance_findings(["articles", "articles", "training"], [], today=D(2026, 11, 2))
    assert [(f.data["element"], f.data["assurance"]) for f in found] == [
        ("articles", "faa505"),
        ("articles", "aeca3"),
        ("articles", "eum"),
        ("articles", "tpt"),
        ("training", "faa505"),
    ]


def test_routes_name_each_office_once_with_the_first_rule_and_the_longest_sla():
    routes = {r.office_code: r for r in rules.routes_for(replace(COMPLETE, legal_questions="Is §333(c) satisfied?"))}
    assert set(routes) >= {"AF", "EMB-KEN", "DRL", "PM/RSAT", "L", "PM/SA"}
    assert (routes["AF"].code, routes["AF"].sla_business_days) == ("RT-01", 5)
    assert (routes["EMB-KEN"].sla_business_days, routes["DRL"].sla_business_days) == (7, 10)
    bare = {
        r.office_code for r in rules.routes_for(replace(COMPLETE, units=(), element_costs={}, purposes=(), country_bureau=""))
    }
    assert bare == {"EMB-KEN", "PM/SA"}


def test_an_office_named_by_two_rules_keeps_the_first_code_and_the_longer_sla():
    # An office that is both the "bureau" (RT-01, 5 days) and the Leahy office (RT-03, 10 days).
    route = {r.office_code: r for r in rules.routes_for(replace(COMPLETE, country_bureau="DRL"))}["DRL"]
    assert (route.code, route.sla_business_days) == ("RT-01", 10)
    assert route.reason.count(";") == 1
    inl = {r.office_code: r for r in rules.routes_for(replace(COMPLETE, purposes=("counternarcotics", "counter_toc")))}["INL"]
    assert (inl.code, inl.sla_business_days, inl.reason.count(";")) == ("RT-05", 5, 1)


def test_every_record_finding_in_full_with_its_severity_citation_and_numbers():
    """Mutation testing: a finding could lose its severity ("error" blocks concurrence), its citation or
    its numbers with every code-only test passing. This asserts the whole of each §333 finding."""
    bad = replace(
        COMPLETE,
        texts={**COMPLETE.texts, "timeline": ""},
        units=(),
        cert_institutional_capacity=False,
        element_costs={"construction": C("2000000.01")},
        sustainment_years=6,
        fiscal_year=2029,
    )
    assert [f.as_dict() for f in rules.record_findings(bad)] == [
        {
            "code": "T10-001",
            "severity": "error",
            "message": "§333(e) CN elements missing: timeline (333(e)(3))",
            "citation": "10 U.S.C. 333(e)",
            "data": {"missing": ["timeline (333(e)(3))"]},
        },
        {
            "code": "T10-002",
            "severity": "error",
            "message": "no recipient unit named; the CN must name the specific unit",
            "citation": "10 U.S.C. 333(e)(1)",
            "data": {},
        },
        {
            "code": "T10-003",
            "severity": "error",
            "message": "SecDef certification of the required elements (human rights/LOAC and institutional capacity building) "
            "is not recorded",
            "citation": "10 U.S.C. 333(c)(2)-(4)",
            "data": {"human_rights": True, "institutional_capacity": False},
        },
        {
            "code": "T10-004",
            "severity": "error",
            "message": "small-scale construction $2,000,000.01 exceeds the $2,000,000 cap",
            "citation": "10 U.S.C. 333(c)(1)(E); DSCA 25-03",
            "data": {"construction": C("2000000.01"), "cap": C("2000000.00")},
        },
        {
            "code": "T10-005",
            "severity": "error",
            "message": "construction over $750,000 needs location, title, cost, DD Form 1391 and the 5-year master plan",
            "citation": "10 U.S.C. 333(e)(8)",
            "data": {"construction": C("2000000.01"), "threshold": C("750000.00")},
        },
        {
            "code": "T10-006",
            "severity": "error",
            "message": "sustainment for 6 years (over 5) needs a justification and transition plan",
            "citation": "10 U.S.C. 333(d)(3), (e)(7)",
            "data": {"sustainment_years": 6},
        },
        {
            "code": "T10-007",
            "severity": "warning",
            "message": "FY2029 funds are more than one fiscal year ahead of FY2027: a §333 proposal may be conditionally "
            "approved and notified no more than one FY early",
            "citation": "DSCA policy memo 19-22",
            "data": {"fiscal_year": 2029, "current": 2027},
        },
    ]
