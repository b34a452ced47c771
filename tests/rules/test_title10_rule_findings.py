"""The Title 10 rules' findings in full, and `facts_of` from pure inputs (issue #12 item 13).

Mutation testing left these alive: assurance findings asserted by code only (a finding could lose
its severity, message, citation or the records it names with every test passing), the reason a
lapsed or suspended agreement is not in force, and `facts_of`, which no pure test reached. Each row
here states the whole finding a page shows. An assurance is in force through its expiry day; the
current fiscal year turns on 1 October (UTC, the product's clock).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine

from secassist.title10 import rules
from secassist.title10.rules import AssuranceRow, ProposalFacts

D = dt.date
C = Decimal
TODAY = D(2026, 11, 2)
YESTERDAY = D(2026, 11, 1)
TOMORROW = D(2026, 11, 3)

FAA505 = "22 U.S.C. 2314 (FAA §505)"
AECA3 = "22 U.S.C. 2753(a) (AECA §3)"
EUM = "22 U.S.C. 2785 (AECA §40A)"
TPT = "22 U.S.C. 2753(a)(2)"


def row(
    kind: str,
    instrument: str,
    state: str = "in_force",
    expires: dt.date | None = None,
    *,
    articles: bool = True,
    training: bool = True,
    services: bool = True,
) -> AssuranceRow:
    return AssuranceRow(kind, instrument, state, expires, articles, training, services)


def finding(code: str, severity: str, message: str, citation: str, **data: Any) -> dict[str, Any]:
    return {"code": code, "severity": severity, "message": message, "citation": citation, "data": data}


def _data(element: str, assurance: str, records: list[str], **more: Any) -> dict[str, Any]:
    return {"element": element, "assurance": assurance, "records": records, **more}


# ---- assurances: each branch of `_one_assurance`, the whole finding -------------------------------

ASSURANCE_CASES = [
    pytest.param(
        "training",
        [],
        finding(
            "T10-A01", "warning", "no FAA §505 assurance on record covering training", FAA505, **_data("training", "faa505", [])
        ),
        id="none-on-record",
    ),
    pytest.param(
        "training",
        [row("faa505", "Exchange of notes 2019", expires=TODAY)],
        finding(
            "T10-A00",
            "info",
            "FAA §505 assurance in force for training (Exchange of notes 2019)",
            FAA505,
            **_data("training", "faa505", ["Exchange of notes 2019"]),
        ),
        id="in-force-on-its-expiry-day",
    ),
    pytest.param(
        "training",
        [row("faa505", "Exchange of notes 2019", expires=YESTERDAY)],
        finding(
            "T10-A02",
            "warning",
            "FAA §505 assurance for training is not in force (Exchange of notes 2019: expired 2026-11-01)",
            FAA505,
            **_data("training", "faa505", ["Exchange of notes 2019"], expires_on=YESTERDAY),
        ),
        id="expired-the-day-before",
    ),
    pytest.param(
        "training",
        [row("faa505", "Exchange of notes 2019", "suspended", expires=TODAY)],
        finding(
            "T10-A02",
            "warning",
            "FAA §505 assurance for training is not in force (Exchange of notes 2019: suspended)",
            FAA505,
            **_data("training", "faa505", ["Exchange of notes 2019"], expires_on=TODAY),
        ),
        id="suspended-expiring-today-says-suspended-not-expired",
    ),
    pytest.param(
        "training",
        [row("faa505", "Exchange of notes 2019", "lapsed", expires=TOMORROW)],
        finding(
            "T10-A02",
            "warning",
            "FAA §505 assurance for training is not in force (Exchange of notes 2019: lapsed)",
            FAA505,
            **_data("training", "faa505", ["Exchange of notes 2019"], expires_on=TOMORROW),
        ),
        id="lapsed-before-its-expiry",
    ),
    pytest.param(
        "training",
        [row("faa505", "Exchange of notes 2019", "lapsed")],
        finding(
            "T10-A02",
            "warning",
            "FAA §505 assurance for training is not in force (Exchange of notes 2019: lapsed)",
            FAA505,
            **_data("training", "faa505", ["Exchange of notes 2019"], expires_on=None),
        ),
        id="lapsed-without-an-expiry",
    ),
    pytest.param(
        "training",
        [row("faa505", "Articles-only notes 2011", training=False)],
        finding(
            "T10-A01",
            "warning",
            "no FAA §505 assurance on record covering training",
            FAA505,
            **_data("training", "faa505", ["Articles-only notes 2011"]),
        ),
        id="on-record-but-not-covering-the-element",
    ),
    pytest.param(
        "training",
        [
            row("faa505", "Notes 2001", expires=YESTERDAY),
            row("faa505", "Notes 2024", expires=TOMORROW),
            row("aeca3", "AECA letter 2020"),
        ],
        finding(
            "T10-A00",
            "info",
            "FAA §505 assurance in force for training (Notes 2024)",
            FAA505,
            **_data("training", "faa505", ["Notes 2001", "Notes 2024"]),
        ),
        id="the-live-one-of-several-is-named",
    ),
    pytest.param(
        "supplies",
        [row("faa505", "Training-only notes 2015", articles=False)],
        finding(
            "T10-A01",
            "warning",
            "no FAA §505 assurance on record covering supplies",
            FAA505,
            **_data("supplies", "faa505", ["Training-only notes 2015"]),
        ),
        id="supplies-need-the-articles-scope",
    ),
]


@pytest.mark.parametrize(("element", "rows", "expected"), ASSURANCE_CASES)
def test_each_assurance_finding_in_full(element, rows, expected):
    found = rules.assurance_findings([element], rows, today=TODAY)
    assert [f.as_dict() for f in found if f.data["assurance"] == expected["data"]["assurance"]] == [expected]


EUM_AND_TPT_CASES = [
    pytest.param(
        [],
        "eum",
        finding("T10-A01", "warning", "no Golden Sentry EUM status recorded for articles", EUM, **_data("articles", "eum", [])),
        id="eum-none",
    ),
    pytest.param(
        [row("eum", "Golden Sentry CVI 2026-03")],
        "eum",
        finding(
            "T10-A00",
            "info",
            "EUM status compliant (Golden Sentry CVI 2026-03)",
            EUM,
            **_data("articles", "eum", ["Golden Sentry CVI 2026-03"]),
        ),
        id="eum-compliant",
    ),
    pytest.param(
        [row("eum", "Golden Sentry CVI 2026-03", "discrepancy"), row("eum", "Golden Sentry CVI 2024-07")],
        "eum",
        finding(
            "T10-A03",
            "warning",
            "EUM status: discrepancy (Golden Sentry CVI 2026-03)",
            EUM,
            **_data("articles", "eum", ["Golden Sentry CVI 2026-03", "Golden Sentry CVI 2024-07"]),
        ),
        id="eum-discrepancy-on-the-latest-record",
    ),
    pytest.param(
        [row("eum", "Golden Sentry CVI 2026-03", "suspended")],
        "eum",
        finding(
            "T10-A03",
            "warning",
            "EUM status: suspended (Golden Sentry CVI 2026-03)",
            EUM,
            **_data("articles", "eum", ["Golden Sentry CVI 2026-03"]),
        ),
        id="eum-suspended",
    ),
    pytest.param(
        [],
        "tpt",
        finding("T10-A00", "info", "no unauthorized third-party transfer on record", TPT, **_data("articles", "tpt", [])),
        id="tpt-none",
    ),
    pytest.param(
        [row("tpt", "2025 retransfer of M4 rifles", "violation"), row("tpt", "2019 retransfer, resolved")],
        "tpt",
        finding(
            "T10-A04",
            "warning",
            "unauthorized transfer or use on record (2025 retransfer of M4 rifles): articles need PM/RSAT review",
            TPT,
            **_data("articles", "tpt", ["2025 retransfer of M4 rifles", "2019 retransfer, resolved"]),
        ),
        id="tpt-violation",
    ),
    pytest.param(
        [row("tpt", "2019 retransfer, resolved", "in_force")],
        "tpt",
        finding(
            "T10-A00",
            "info",
            "no unauthorized third-party transfer on record",
            TPT,
            **_data("articles", "tpt", ["2019 retransfer, resolved"]),
        ),
        id="tpt-resolved",
    ),
]


@pytest.mark.parametrize(("rows", "assurance", "expected"), EUM_AND_TPT_CASES)
def test_end_use_monitoring_and_transfer_findings_in_full(rows, assurance, expected):
    found = rules.assurance_findings(["articles"], rows, today=TODAY)
    assert [f.as_dict() for f in found if f.data["assurance"] == assurance] == [expected]


def test_every_assurance_of_articles_and_services_with_its_citation_in_order():
    found = rules.assurance_findings(["articles", "services", "articles"], [], today=TODAY)
    assert [(f.data["element"], f.data["assurance"], f.code, f.severity, f.citation) for f in found] == [
        ("articles", "faa505", "T10-A01", "warning", FAA505),
        ("articles", "aeca3", "T10-A01", "warning", AECA3),
        ("articles", "eum", "T10-A01", "warning", EUM),
        ("articles", "tpt", "T10-A00", "info", TPT),
        ("services", "faa505", "T10-A01", "warning", FAA505),
        ("services", "aeca3", "T10-A01", "warning", AECA3),
    ]
    assert [f.message for f in found][-1] == "no AECA §3 assurance on record covering services"


# ---- the §333 record: every missing element named, in the statute's order -------------------------

COMPLETE = ProposalFacts(
    authority_code="10USC333",
    country_iso3="KEN",
    country_bureau="AF",
    fiscal_year=2027,
    purposes=("maritime_border",),
    element_costs={"training": C("1150000.50")},
    units=("Kenya Navy Special Boat Unit",),
    cert_human_rights=True,
    cert_institutional_capacity=True,
    texts={name: "stated" for name in rules.S333E_TEXT_FIELDS},
    current_fiscal_year=2027,
)


def test_several_missing_333e_elements_are_listed_comma_separated():
    texts = {**COMPLETE.texts, "absorptive_capacity": "", "ics_linkage": "  ", "alternative_authorities": "\n"}
    assert [f.as_dict() for f in rules.record_findings(replace(COMPLETE, texts=texts))] == [
        {
            "code": "T10-001",
            "severity": "error",
            "message": "§333(e) CN elements missing: absorptive_capacity (333(e)(2)), ics_linkage (333(e)(6)), "
            "alternative_authorities (333(e)(9))",
            "citation": "10 U.S.C. 333(e)",
            "data": {
                "missing": ["absorptive_capacity (333(e)(2))", "ics_linkage (333(e)(6))", "alternative_authorities (333(e)(9))"]
            },
        }
    ]


# ---- facts_of: a proposal read into ProposalFacts, from pure inputs ---------------------------------


def _proposal(**over: Any) -> SimpleNamespace:
    """The attributes `facts_of` reads from a Proposal, with managers' `.all()` as plain lists."""
    values: dict[str, Any] = {
        "authority": SimpleNamespace(code="10USC333"),
        "country": SimpleNamespace(iso3="KEN", bureau="AF"),
        "fiscal_year": 2027,
        "purposes": ["maritime_border", "counterterrorism"],
        "elements": SimpleNamespace(
            all=lambda: [
                SimpleNamespace(kind="training", cost=C("1150000.50")),
                SimpleNamespace(kind="construction", cost=C("750000.01")),
            ]
        ),
        "units": SimpleNamespace(all=lambda: [SimpleNamespace(name="Special Boat Unit"), SimpleNamespace(name="Coast Guard")]),
        "legal_questions": "Does §333(c) reach the Coast Guard?",
        "sustainment_years": 6,
        "sustainment_justification": "Transition to the Kenya Navy in FY2033",
        "construction_details": "Mombasa pier, DD 1391 attached",
        "cert_human_rights": True,
        "cert_institutional_capacity": True,
        **{name: f"{name} text" for name in rules.S333E_TEXT_FIELDS},
    }
    values.update(over)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("now", "current_fy"),
    [
        (dt.datetime(2026, 9, 30, 23, 59, 59, tzinfo=dt.UTC), 2026),  # the last second of FY2026
        (dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC), 2027),  # 1 October: FY2027 begins
        (dt.datetime(2026, 10, 2, 12, 0, tzinfo=dt.UTC), 2027),
    ],
)
def test_facts_of_reads_every_field_of_the_proposal_and_todays_fiscal_year(now, current_fy):
    with time_machine.travel(now, tick=False):
        facts = rules.facts_of(_proposal())
    assert facts == ProposalFacts(
        authority_code="10USC333",
        country_iso3="KEN",
        country_bureau="AF",
        fiscal_year=2027,
        purposes=("maritime_border", "counterterrorism"),
        element_costs={"training": C("1150000.50"), "construction": C("750000.01")},
        units=("Special Boat Unit", "Coast Guard"),
        legal_questions="Does §333(c) reach the Coast Guard?",
        sustainment_years=6,
        sustainment_justification="Transition to the Kenya Navy in FY2033",
        construction_details="Mombasa pier, DD 1391 attached",
        cert_human_rights=True,
        cert_institutional_capacity=True,
        texts={name: f"{name} text" for name in rules.S333E_TEXT_FIELDS},
        current_fiscal_year=current_fy,
    )
    assert type(facts.purposes) is tuple and type(facts.units) is tuple


@pytest.mark.parametrize("purposes", [None, []])
def test_facts_of_a_proposal_without_purposes_elements_or_units(purposes):
    bare = _proposal(
        purposes=purposes,
        elements=SimpleNamespace(all=list),
        units=SimpleNamespace(all=list),
        cert_human_rights=False,
        cert_institutional_capacity=False,
        legal_questions="",
    )
    with time_machine.travel(dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), tick=False):
        facts = rules.facts_of(bare)
    assert (facts.purposes, facts.element_costs, facts.units, facts.current_fiscal_year) == ((), {}, (), 2027)
    assert (facts.cert_human_rights, facts.cert_institutional_capacity, facts.legal_questions) == (False, False, "")


def test_facts_of_feeds_the_fiscal_year_rule_at_the_turn_of_the_year():
    """FY2028 funds are one year ahead on 30 September 2026 (FY2026: flagged) and not on 1 October (FY2027)."""
    proposal = _proposal(fiscal_year=2028)
    with time_machine.travel(dt.datetime(2026, 9, 30, 12, tzinfo=dt.UTC), tick=False):
        before = [f.code for f in rules.record_findings(rules.facts_of(proposal))]
    with time_machine.travel(dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC), tick=False):
        after = [f.code for f in rules.record_findings(rules.facts_of(proposal))]
    assert before == ["T10-007"]
    assert after == []
