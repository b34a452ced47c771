"""The restrictions engine's `evaluate()` without a database (issue #12 item 13, ADR 0855).

`evaluate(snapshot, query)` is pure: the snapshot (catalog, designations, waivers, coverage claims,
assessments, units) is built here in memory, so mutation testing can run every case per mutant. The
database-backed case table (tests/restrictions/test_case_table.py) checks the product's real data;
these check each rule and transition at its edges — the day before, of and after a designation's
start and end and a waiver's first and last day, coverage gaps, precedence between verdicts — and
assert every finding in full (code, restriction, citation, effect, the designation/waiver facts, the
source and the explanation a person reads: the API returns all of them).

The engine has no amount thresholds (the funds gate BUD-020 lives in budget/rules and is tested there),
so there is no "cent either side" here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from itertools import combinations
from typing import Any

import pytest

from secassist.restrictions import engine
from secassist.restrictions.engine import (
    AssessmentFact,
    CheckResult,
    CoveragePeriod,
    DesignationFact,
    ExceptionRule,
    Finding,
    ProgramInfo,
    Query,
    RestrictionRule,
    Snapshot,
    UnitFact,
    WaiverFact,
    evaluate,
    verdict_of,
)

D = dt.date
DAY = dt.timedelta(days=1)
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)
ON = D(2026, 3, 15)  # in FY2026
FY = 2026

PROGRAMS = {
    p.code: p
    for p in (
        ProgramInfo("FMF", "title22", "22 U.S.C. 2763", "Foreign Military Financing"),
        ProgramInfo("IMET", "title22", "22 U.S.C. 2347", "International Military Education and Training"),
        ProgramInfo("ESF", "title22", "22 U.S.C. 2346", "Economic Support Fund"),
        ProgramInfo("10USC333", "title10", "10 U.S.C. 333", "Building partner capacity", True, "10 U.S.C. 333(c)(3)"),
        ProgramInfo("10USC332", "title10", "10 U.S.C. 332", "Institution building", True, ""),
        ProgramInfo("10USC321", "title10", "10 U.S.C. 321", "Training with friendly forces"),
    )
}
COUNTRIES = {"ARC": "Arcadia", "BOR": "Borduria"}  # "ZZZ" is not in the reference data: its code stands for its name

# A complete, dated coverage claim from 2000 to date: a rule built with it never leaves a gap by default.
REGISTER = CoveragePeriod("Rule list", "complete", None, None, D(2000, 1, 1), None, "Register", "https://example.gov/reg", "")


def rule(rid: int = 1, **over: Any) -> RestrictionRule:
    values: dict[str, Any] = {
        "id": rid,
        "key": f"rule-{rid}",
        "rule_code": f"RST-{rid:03d}",
        "short_name": f"Rule {rid}",
        "citation": f"Act §{rid}",
        "source": f"Statute {rid}",
        "trigger_kind": "country_designation",
        "recipient_scope": "government",
        "accounts": frozenset({"FMF", "IMET"}),
        "authorities": frozenset(),
        "covers_all_title10": False,
        "reaches_inheriting_title10": False,
        "exceptions": (),
        "waiver_holder": "",
        "has_waiver": False,
        "duration": "open_ended",
        "periods": (REGISTER,),
    }
    values.update(over)
    return RestrictionRule(**values)


def designation(rid: int = 1, **over: Any) -> DesignationFact:
    values: dict[str, Any] = {
        "id": 100 + rid,
        "restriction_id": rid,
        "country": "ARC",
        "status": "designated",
        "effect": "prohibits",
        "fiscal_year": None,
        "effective_from": D(2025, 1, 1),
        "ended_on": None,
        "source_document": f"Notice {rid}",
        "source_url": f"https://example.gov/notice/{rid}",
        "pd_number": "",
        "note": "",
    }
    values.update(over)
    return DesignationFact(**values)


def waiver(rid: int = 1, **over: Any) -> WaiverFact:
    values: dict[str, Any] = {
        "id": 200 + rid,
        "restriction_id": rid,
        "country": "ARC",
        "kind": "waiver",
        "relieves": True,
        "scope_all": True,
        "scope_programs": frozenset(),
        "scope_text": "",
        "fiscal_year": None,
        "effective_from": D(2026, 3, 1),
        "expires_on": D(2026, 6, 30),
        "legal_authority": "Act §1(b)",
        "signed_by": "Secretary of State",
        "pd_number": "2026-07",
        "source_document": "PD 2026-07",
        "source_url": "https://example.gov/pd/2026-07",
    }
    values.update(over)
    return WaiverFact(**values)


def unit(uid: int, name: str, **over: Any) -> UnitFact:
    values: dict[str, Any] = {
        "id": uid,
        "country": "ARC",
        "name": name,
        "vetting_status": "approved",
        "vetted_on": D(2025, 6, 1),
        "vetting_expires_on": D(2026, 12, 31),
        "credible_information": False,
        "finding_date": None,
        "remediation_status": "",
    }
    values.update(over)
    return UnitFact(**values)


def snapshot(
    rules: tuple[RestrictionRule, ...] = (),
    designations: tuple[DesignationFact, ...] = (),
    waivers: tuple[WaiverFact, ...] = (),
    units: tuple[UnitFact, ...] = (),
    unit_rules: tuple[RestrictionRule, ...] = (),
    assessments: tuple[AssessmentFact, ...] = (),
) -> Snapshot:
    by_country: dict[str, list[DesignationFact]] = defaultdict(list)
    for d in designations:
        by_country[d.country].append(d)
    by_rule: dict[tuple[int, str], list[WaiverFact]] = defaultdict(list)
    for w in waivers:
        by_rule[(w.restriction_id, w.country)].append(w)
    return Snapshot(
        token="v42",
        restrictions={r.id: r for r in (*rules, *unit_rules)},
        designations={k: tuple(v) for k, v in by_country.items()},
        waivers={k: tuple(v) for k, v in by_rule.items()},
        units={u.id: u for u in units},
        programs=PROGRAMS,
        countries=COUNTRIES,
        unit_rules=unit_rules,
        assessments={(a.restriction_id, a.country, a.fiscal_year): a for a in assessments},
    )


def check(
    snap: Snapshot, *, program: str = "FMF", country: str = "ARC", fy: int = FY, on: dt.date = ON, **kw: Any
) -> CheckResult:
    return evaluate(snap, Query(country, program, fy, on, **kw), evaluated_at=NOW)


def finding(code, restriction, key, citation, effect, explanation, designation=None, waiver=None, source=""):
    return {
        "code": code,
        "restriction": restriction,
        "restriction_key": key,
        "citation": citation,
        "effect": effect,
        "designation": designation,
        "waiver": waiver,
        "explanation": explanation,
        "source": source,
    }


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def facts_of(d: DesignationFact) -> dict[str, Any]:
    return {
        "id": d.id,
        "country": d.country,
        "status": d.status,
        "fiscal_year": d.fiscal_year,
        "effective_from": iso(d.effective_from),
        "ended_on": iso(d.ended_on),
        "source_document": d.source_document,
        "source_url": d.source_url,
        "pd_number": d.pd_number,
        "confidence": d.confidence,
    }


def waiver_of(w: WaiverFact) -> dict[str, Any]:
    return {
        "id": w.id,
        "kind": w.kind,
        "pd_number": w.pd_number,
        "fiscal_year": w.fiscal_year,
        "effective_from": iso(w.effective_from),
        "expires_on": iso(w.expires_on),
        "scope": "all" if w.scope_all else sorted(w.scope_programs),
        "scope_text": w.scope_text,
        "legal_authority": w.legal_authority,
        "signed_by": w.signed_by,
        "source_document": w.source_document,
        "source_url": w.source_url,
    }


def of_rule(r: RestrictionRule, effect: str, explanation: str, d: DesignationFact, waiver=None, code=None) -> dict[str, Any]:
    """The finding a designation of rule r yields (code: the rule's own unless given)."""
    return finding(
        code or r.rule_code, r.short_name, r.key, r.citation, effect, explanation, facts_of(d), waiver, d.source_document
    )


def findings(result: CheckResult) -> list[dict[str, Any]]:
    return [f.as_dict() for f in result.findings]


NO_RELIEF = "No waiver or exception in force covers this assistance. The statute provides no waiver."


# ---- a designation's start and end, a day either side ----------------------------------------------------------

START, END = D(2026, 3, 1), D(2026, 6, 30)
DATED = designation(effective_from=START, ended_on=END)


@pytest.mark.parametrize(
    ("on", "verdict"),
    [
        (START - DAY, "allowed"),
        (START, "prohibited"),
        (START + DAY, "prohibited"),
        (END - DAY, "prohibited"),
        (END, "allowed"),  # ended_on is the day it stopped applying
        (END + DAY, "allowed"),
    ],
)
def test_a_dated_designation_prohibits_from_its_first_day_until_the_day_it_ended(on, verdict):
    result = check(snapshot((rule(),), (DATED,)), on=on)
    assert result.verdict == verdict
    expected = (
        "Arcadia: designated from 2026-03-01 until 2026-06-30 (Rule 1). Act §1 covers FMF. "
        "No waiver or exception in force covers this assistance. The statute provides no waiver."
    )
    assert findings(result) == ([of_rule(rule(), "prohibits", expected, DATED)] if verdict == "prohibited" else [])
    assert result.conditions == [] and result.waivers_relied_on == [] and result.gaps == []


@pytest.mark.parametrize(
    ("fy", "status", "said"),
    [
        (2025, "Tier 3", None),
        (2026, "Tier 3", "Tier 3, FY2026"),
        (2026, "Tier 3 (FY2026 list)", "Tier 3 (FY2026 list)"),  # a status naming its year is not repeated
        (2027, "Tier 3", None),
    ],
)
def test_a_fiscal_year_designation_prohibits_in_its_own_year_only(fy, status, said):
    d = designation(fiscal_year=2026, effective_from=None, status=status, pd_number="2025-15")
    result = check(snapshot((rule(),), (d,)), fy=fy, on=D(2026, 3, 15))
    if said is None:
        assert result.verdict == "allowed" and result.findings == []
        return
    expected = f"Arcadia: {said} (Rule 1, PD 2025-15). Act §1 covers FMF. {NO_RELIEF}"
    assert findings(result) == [of_rule(rule(), "prohibits", expected, d)]
    assert result.verdict == "prohibited"


def test_an_open_designation_without_an_end_and_an_unconfirmed_source_says_so():
    d = designation(confidence="U", effective_from=D(2021, 2, 1))
    result = check(snapshot((rule(),), (d,)), country="ARC")
    expected = (
        "Arcadia: designated from 2021-02-01 (Rule 1). UNCONFIRMED: this record rests on an unconfirmed source; verify "
        f"it before relying on it. Act §1 covers FMF. {NO_RELIEF}"
    )
    assert findings(result) == [of_rule(rule(), "prohibits", expected, d)]


def test_a_country_missing_from_the_reference_data_is_named_by_its_code():
    d = designation(country="ZZZ")
    result = check(snapshot((rule(),), (d,)), country="ZZZ")
    assert findings(result) == [
        of_rule(rule(), "prohibits", f"ZZZ: designated from 2025-01-01 (Rule 1). Act §1 covers FMF. {NO_RELIEF}", d)
    ]


def test_another_countrys_designation_does_not_reach_this_one():
    result = check(snapshot((rule(),), (designation(country="BOR"),)), country="ARC")
    assert result.verdict == "allowed" and result.findings == []


def test_designations_that_do_not_apply_are_passed_over_and_the_rest_still_judged():
    """Every designation that is skipped comes before the one that prohibits: skipping must go on, not stop."""
    rules = (
        rule(1),
        rule(2, recipient_scope="units"),  # does not reach assistance to the government
        rule(3, accounts=frozenset({"IMET"})),  # does not cover FMF
        rule(4, periods=()),  # no coverage: a recorded "none" answers for the country
        rule(5),
    )
    designations = (
        designation(1, ended_on=D(2025, 6, 1)),  # ended
        designation(99),  # a restriction not in the catalog (inactive)
        designation(2),
        designation(3),
        designation(4, effect="none", status="on the majors list only"),
        designation(5),
    )
    result = check(snapshot(rules, designations))
    assert findings(result) == [
        of_rule(
            rules[4],
            "prohibits",
            f"Arcadia: designated from 2025-01-01 (Rule 5). Act §5 covers FMF. {NO_RELIEF}",
            designations[5],
        )
    ]
    assert result.verdict == "prohibited"


def test_a_designated_restriction_is_answered_by_its_designation_not_by_a_gap():
    r = rule(periods=())  # no coverage claim at all
    d = designation()
    result = check(snapshot((r,), (d,)))
    assert findings(result) == [
        of_rule(r, "prohibits", f"Arcadia: designated from 2025-01-01 (Rule 1). Act §1 covers FMF. {NO_RELIEF}", d)
    ]


def test_a_recorded_none_answers_for_the_country_without_a_finding():
    r = rule(periods=())
    result = check(snapshot((r,), (designation(effect="none", status="listed, no effect"),)))
    assert result.verdict == "allowed" and result.findings == [] and result.gaps == []


# ---- how a restriction reaches a program and a recipient ----------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "program", "how"),
    [
        ({}, "FMF", "Act §1 covers FMF"),
        ({}, "IMET", "Act §1 covers IMET"),
        ({}, "ESF", None),
        ({"authorities": frozenset({"10USC321"})}, "FMF", "Act §1 covers FMF"),
        ({"authorities": frozenset({"10USC321"})}, "10USC321", "Act §1 covers 10 U.S.C. 321 directly"),
        ({"authorities": frozenset({"10USC321"})}, "10USC333", None),
        ({"covers_all_title10": True}, "10USC321", "Act §1 covers 10 U.S.C. 321 directly"),
        ({"covers_all_title10": True}, "ESF", None),  # a Title 22 account is covered only when listed
        (
            {"reaches_inheriting_title10": True},
            "10USC333",
            "10 U.S.C. 333 may not fund assistance otherwise prohibited by law (10 U.S.C. 333(c)(3)), "
            "so the Rule 1 bar reaches it",
        ),
        (
            {"reaches_inheriting_title10": True},
            "10USC332",
            "10 U.S.C. 332 may not fund assistance otherwise prohibited by law (10 U.S.C. 332), so the Rule 1 bar reaches it",
        ),
        ({"reaches_inheriting_title10": True}, "10USC321", None),  # 321 does not inherit Title 22 bars
        ({}, "10USC333", None),  # the restriction does not reach inheriting authorities
        ({"accounts": frozenset({"10USC333"})}, "10USC333", None),  # a Title 10 code among the accounts is no authority
    ],
)
def test_how_a_restriction_reaches_a_program(over, program, how):
    assert rule(**over).coverage(PROGRAMS[program]) == how


def test_the_way_a_restriction_reaches_the_program_is_told_in_the_finding():
    r = rule(reaches_inheriting_title10=True)
    d = designation()
    result = check(snapshot((r,), (d,)), program="10USC333")
    expected = (
        "Arcadia: designated from 2025-01-01 (Rule 1). 10 U.S.C. 333 may not fund assistance otherwise prohibited by law "
        f"(10 U.S.C. 333(c)(3)), so the Rule 1 bar reaches it. {NO_RELIEF}"
    )
    assert findings(result) == [of_rule(r, "prohibits", expected, d)]
    assert check(snapshot((r,), (d,)), program="10USC321").findings == []


@pytest.mark.parametrize(
    ("scope", "government", "units", "non_government"),
    [("all", True, True, True), ("government", True, True, False), ("units", False, True, False)],
)
def test_which_recipients_a_restriction_reaches(scope, government, units, non_government):
    r = rule(recipient_scope=scope)
    assert (r.reaches_recipient("government"), r.reaches_recipient("units"), r.reaches_recipient("non_government")) == (
        government,
        units,
        non_government,
    )
    result = check(snapshot((r,), (designation(),)), recipient="non_government")
    assert result.verdict == ("prohibited" if non_government else "allowed")


# ---- a waiver's first and last day (inclusive), its scope and its kind ------------------------------------------

WAIVABLE = rule(has_waiver=True, waiver_holder="the Secretary of State")
OPEN = designation()
FACTS = "Arcadia: designated from 2025-01-01 (Rule 1). Act §1 covers FMF."


@pytest.mark.parametrize(
    ("on", "effect"),
    [
        (D(2026, 2, 28), "prohibits"),
        (D(2026, 3, 1), "waived"),
        (D(2026, 3, 2), "waived"),
        (D(2026, 6, 29), "waived"),
        (D(2026, 6, 30), "waived"),
        (D(2026, 7, 1), "prohibits"),
    ],
)
def test_a_waiver_relieves_from_its_first_through_its_last_day(on, effect):
    w = waiver()
    result = check(snapshot((WAIVABLE,), (OPEN,), (w,)), on=on)
    if effect == "waived":
        explanation = f"{FACTS} Relieved for FMF by PD 2026-07, in force 2026-03-01 to 2026-06-30; scope: all."
        assert findings(result) == [of_rule(WAIVABLE, "waived", explanation, OPEN, waiver_of(w))]
        assert result.verdict == "allowed_under_waiver"
        assert result.waivers_relied_on == [
            {"code": "RST-001", "restriction": "Rule 1", "restriction_key": "rule-1", **waiver_of(w)}
        ]
    else:
        explanation = (
            f"{FACTS} No waiver or exception in force covers this assistance (PD 2026-07, in force 2026-03-01 to 2026-06-30 "
            f"is not in force on {on} for FY2026). Waiver: the Secretary of State."
        )
        assert findings(result) == [of_rule(WAIVABLE, "prohibits", explanation, OPEN)]
        assert result.verdict == "prohibited"
        assert result.waivers_relied_on == []


def test_a_waiver_for_the_restriction_in_another_country_does_not_relieve():
    result = check(snapshot((WAIVABLE,), (OPEN,), (waiver(country="BOR"),)))
    assert findings(result) == [
        of_rule(
            WAIVABLE,
            "prohibits",
            f"{FACTS} No waiver or exception in force covers this assistance. Waiver: the Secretary of State.",
            OPEN,
        )
    ]


def test_a_waiver_of_another_restriction_does_not_relieve():
    result = check(snapshot((WAIVABLE, rule(2)), (OPEN,), (waiver(2),)))
    assert [f.effect for f in result.findings] == ["prohibits"]


@pytest.mark.parametrize(
    ("over", "scope_said"),
    [
        ({"scope_all": False, "scope_programs": frozenset({"PKO", "IMET"})}, "IMET; PKO"),
        ({"scope_all": False, "scope_programs": frozenset({"IMET"}), "scope_text": "IMET courses only"}, "IMET courses only"),
        ({"scope_all": False, "scope_programs": frozenset()}, ""),
    ],
)
def test_a_waiver_that_does_not_cover_the_program_says_what_it_covers(over, scope_said):
    w = waiver(**over)
    result = check(snapshot((WAIVABLE,), (OPEN,), (w,)))
    explanation = (
        f"{FACTS} No waiver or exception in force covers this assistance (PD 2026-07, in force 2026-03-01 to 2026-06-30 "
        f"covers only {scope_said}, not FMF). Waiver: the Secretary of State."
    )
    assert findings(result) == [of_rule(WAIVABLE, "prohibits", explanation, OPEN)]
    covered = check(snapshot((WAIVABLE,), (OPEN,), (w,)), program="IMET")
    assert [f.effect for f in covered.findings] == (["waived"] if "IMET" in w.scope_programs else ["prohibits"])


def test_a_fiscal_year_waiver_in_force_that_does_not_cover_the_program_says_so():
    w = waiver(fiscal_year=2026, expires_on=None, scope_all=False, scope_programs=frozenset({"IMET"}))
    result = check(snapshot((WAIVABLE,), (OPEN,), (w,)))
    assert result.findings[0].explanation == (
        f"{FACTS} No waiver or exception in force covers this assistance (PD 2026-07 (FY2026), in force 2026-03-01 covers "
        "only IMET, not FMF). Waiver: the Secretary of State."
    )


def test_a_waiver_naming_programs_says_its_scope_when_it_relieves():
    w = waiver(scope_all=False, scope_programs=frozenset({"IMET", "FMF"}))
    result = check(snapshot((WAIVABLE,), (OPEN,), (w,)))
    explanation = f"{FACTS} Relieved for FMF by PD 2026-07, in force 2026-03-01 to 2026-06-30; scope: FMF; IMET."
    assert findings(result) == [of_rule(WAIVABLE, "waived", explanation, OPEN, waiver_of(w))]
    assert result.findings[0].waiver["scope"] == ["FMF", "IMET"]


def test_the_first_waiver_in_force_that_covers_the_program_is_the_one_relied_on():
    lapsed = waiver(id=1, pd_number="2024-01", effective_from=D(2024, 1, 1), expires_on=D(2024, 12, 31))
    narrow = waiver(id=2, pd_number="2025-02", scope_all=False, scope_programs=frozenset({"IMET"}), expires_on=None)
    good = waiver(id=3, pd_number="2026-03", kind="exception", expires_on=None, fiscal_year=2026)
    later = waiver(id=4, pd_number="2026-04", expires_on=None)
    result = check(snapshot((WAIVABLE,), (OPEN,), (lapsed, narrow, good, later)))
    explanation = f"{FACTS} Relieved for FMF by PD 2026-03 (FY2026), in force 2026-03-01; scope: all."
    assert findings(result) == [of_rule(WAIVABLE, "excepted", explanation, OPEN, waiver_of(good))]
    assert result.verdict == "allowed_under_waiver"
    assert result.waivers_relied_on == [
        {"code": "RST-001", "restriction": "Rule 1", "restriction_key": "rule-1", **waiver_of(good)}
    ]


def test_a_certified_exception_without_a_pd_number_is_named_by_its_kind():
    w = waiver(kind="certification", pd_number="", expires_on=None)
    result = check(snapshot((WAIVABLE,), (OPEN,), (w,)))
    explanation = f"{FACTS} Relieved for FMF by the certification, in force 2026-03-01; scope: all."
    assert findings(result) == [of_rule(WAIVABLE, "waived", explanation, OPEN, waiver_of(w))]


def test_why_nothing_relieves_names_at_most_four_waivers():
    ws = (
        waiver(id=1, kind="delegation", relieves=False, pd_number="2020-01"),
        waiver(id=2, pd_number="2021-02", fiscal_year=2025, expires_on=None),
        waiver(id=3, pd_number="2022-03", scope_all=False, scope_programs=frozenset({"IMET"})),
        waiver(id=4, kind="delegation", relieves=False, pd_number="", expires_on=None),
        waiver(id=5, pd_number="2024-05", effective_from=D(2026, 4, 1)),
    )
    result = check(snapshot((WAIVABLE,), (OPEN,), ws))
    explanation = (
        f"{FACTS} No waiver or exception in force covers this assistance ("
        "PD 2020-01, in force 2026-03-01 to 2026-06-30 is a delegation, which does not itself waive; "
        "PD 2021-02 (FY2025), in force 2026-03-01 is not in force on 2026-03-15 for FY2026; "
        "PD 2022-03, in force 2026-03-01 to 2026-06-30 covers only IMET, not FMF; "
        "the delegation, in force 2026-03-01 is a delegation, which does not itself waive"
        "). Waiver: the Secretary of State."
    )
    assert findings(result) == [of_rule(WAIVABLE, "prohibits", explanation, OPEN)]


@pytest.mark.parametrize(
    ("has_waiver", "holder", "said"),
    [
        (True, "the President", "Waiver: the President"),
        (True, "", "The statute provides no waiver"),
        (False, "the President", "The statute provides no waiver"),
    ],
)
def test_who_may_waive_is_named_only_when_the_statute_provides_a_waiver(has_waiver, holder, said):
    r = rule(has_waiver=has_waiver, waiver_holder=holder)
    result = check(snapshot((r,), (OPEN,)))
    assert result.findings[0].explanation == f"{FACTS} No waiver or exception in force covers this assistance. {said}."


# ---- exceptions by purpose ---------------------------------------------------------------------------------------

CERTIFIED = ExceptionRule(frozenset({"IMET"}), frozenset({"humanitarian"}), True, "Humanitarian training, certified", "Act §1(c)")
CERTIFIED_ALL = ExceptionRule(frozenset(), frozenset({"humanitarian", "democracy"}), True, "Any program, certified", "Act §1(e)")
SELF_EXECUTING = ExceptionRule(frozenset(), frozenset({"democracy"}), False, "Democracy assistance", "Act §1(d)")
EXCEPTING = rule(exceptions=(CERTIFIED, CERTIFIED_ALL, SELF_EXECUTING))


@pytest.mark.parametrize(
    ("exc", "program", "purpose", "matches"),
    [
        (CERTIFIED, "IMET", "humanitarian", True),
        (CERTIFIED, "FMF", "humanitarian", False),
        (CERTIFIED, "IMET", "general", False),
        (SELF_EXECUTING, "FMF", "democracy", True),
        (SELF_EXECUTING, "10USC333", "democracy", True),
        (SELF_EXECUTING, "FMF", "humanitarian", False),
    ],
)
def test_an_exception_matches_its_purposes_and_programs(exc, program, purpose, matches):
    assert exc.matches(program, purpose) is matches


def test_a_self_executing_exception_excepts_its_purpose_without_a_waiver():
    d = designation()
    result = check(snapshot((EXCEPTING,), (d,)), purpose="democracy")
    explanation = (
        "Arcadia: designated from 2025-01-01 (Rule 1). Act §1 covers FMF, but the purpose 'democracy' is excepted: "
        "Democracy assistance (Act §1(d))."
    )
    assert findings(result) == [of_rule(EXCEPTING, "excepted", explanation, d)]
    assert result.verdict == "allowed_under_waiver"
    assert result.waivers_relied_on == []  # a statutory exception relies on no waiver


@pytest.mark.parametrize(
    ("program", "purpose", "hints"),
    [
        (
            "IMET",
            "humanitarian",
            ". An exception needs a certification recorded in the register: Humanitarian training, certified (Act §1(c)); "
            "Any program, certified (Act §1(e))",
        ),
        (
            "FMF",
            "humanitarian",
            ". An exception needs a certification recorded in the register: Any program, certified (Act §1(e))",
        ),
        ("FMF", "general", ""),
    ],
)
def test_an_exception_that_needs_a_certification_is_pointed_to_not_applied(program, purpose, hints):
    d = designation()
    result = check(snapshot((EXCEPTING,), (d,)), program=program, purpose=purpose)
    explanation = (
        f"Arcadia: designated from 2025-01-01 (Rule 1). Act §1 covers {program}. "
        f"No waiver or exception in force covers this assistance{hints}. The statute provides no waiver."
    )
    assert findings(result) == [of_rule(EXCEPTING, "prohibits", explanation, d)]


@pytest.mark.parametrize(("program", "effect"), [("IMET", "excepted"), ("FMF", "prohibits")])
def test_a_self_executing_exception_limited_to_programs_excepts_only_those(program, effect):
    limited = ExceptionRule(frozenset({"IMET"}), frozenset({"democracy"}), False, "IMET democracy courses", "Act §1(g)")
    result = check(snapshot((rule(exceptions=(limited,)),), (designation(),)), program=program, purpose="democracy")
    assert [f.effect for f in result.findings] == [effect]
    if effect == "excepted":
        assert result.findings[0].explanation == (
            "Arcadia: designated from 2025-01-01 (Rule 1). Act §1 covers IMET, but the purpose 'democracy' is excepted: "
            "IMET democracy courses (Act §1(g))."
        )


def test_an_exception_is_applied_before_a_waiver_is_looked_for():
    d = designation()
    r = replace(EXCEPTING, has_waiver=True, waiver_holder="the President")
    result = check(snapshot((r,), (d,), (waiver(),)), purpose="democracy")
    assert [(f.effect, f.waiver) for f in result.findings] == [("excepted", None)]


# ---- conditions and unresolved designations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "said"),
    [
        ("", "A determination may be needed before assistance proceeds."),
        ("Review under §1(f) first.", "Review under §1(f) first."),
    ],
)
def test_a_condition_allows_with_conditions_and_is_listed(note, said):
    d = designation(effect="condition", status="listed", note=note)
    result = check(snapshot((rule(),), (d,)))
    explanation = f"Arcadia: listed from 2025-01-01 (Rule 1). Act §1 covers FMF. {said}"
    assert findings(result) == [of_rule(rule(), "condition", explanation, d)]
    assert result.verdict == "allowed_with_conditions"
    assert result.conditions == [
        {
            "code": "RST-001",
            "restriction": "Rule 1",
            "restriction_key": "rule-1",
            "citation": "Act §1",
            "unit": None,
            "text": explanation,
        }
    ]


@pytest.mark.parametrize(
    ("duration", "note", "said", "period"),
    [
        ("open_ended", "", "Whether the restriction applies is unresolved.", "2026-03-15"),
        ("fy_scoped", "No determination read.", "No determination read.", "FY2026"),
        ("per_act", "", "Whether the restriction applies is unresolved.", "FY2026"),
    ],
)
def test_an_unresolved_designation_is_not_assessed_even_with_a_waiver_in_force(duration, note, said, period):
    r = rule(duration=duration, has_waiver=True, waiver_holder="the President")
    d = designation(effect="unknown", status="coded coup", note=note)
    result = check(snapshot((r,), (d,), (waiver(),)))
    explanation = f"Arcadia: coded coup from 2025-01-01 (Rule 1). Act §1 covers FMF. {said}"
    to_fill = "the Department's position recorded as a designation, a decision, or an analyst's assessment"
    assert findings(result) == [
        finding(
            "RST-093",
            "Rule 1",
            "rule-1",
            "Act §1",
            "not_assessed",
            explanation,
            {**facts_of(d), "missing_period": period, "to_fill": to_fill},
            None,
            "Notice 1",
        )
    ]
    assert result.verdict == "not_assessed"
    assert [g.as_dict() for g in result.gaps] == findings(result)
    assert result.waivers_relied_on == []


@pytest.mark.parametrize(("duration", "fy_scoped"), [("fy_scoped", True), ("per_act", True), ("open_ended", False)])
def test_fiscal_year_scoped_durations(duration, fy_scoped):
    assert rule(duration=duration).fy_scoped is fy_scoped


# ---- coverage gaps: not_assessed ---------------------------------------------------------------------------------

TIP_FY = CoveragePeriod("Tier 3 list", "complete", 2020, 2025, None, None, "TIP Reports 2019-2024", "https://example.gov/tip", "")
TIP = rule(2, duration="fy_scoped", periods=(TIP_FY,))


@pytest.mark.parametrize(("fy", "gap"), [(2019, True), (2020, False), (2025, False), (2026, True)])
def test_a_fiscal_year_restriction_without_complete_data_for_the_year_is_not_assessed(fy, gap):
    result = check(snapshot((TIP,)), fy=fy)
    if not gap:
        assert result.verdict == "allowed" and result.findings == []
        return
    fill = f"the Rule 2 list for FY{fy} from its primary source"
    explanation = (
        f"Act §2 covers FMF. The product has no Rule 2 data covering FY{fy} (complete periods: Tier 3 list FY2020–FY2025 "
        f"(complete; TIP Reports 2019-2024)): whether it restricts assistance to Arcadia cannot be said. To fill: {fill}; or "
        f"record an analyst's assessment of Rule 2 for ARC FY{fy}."
    )
    expected = finding(
        "RST-093",
        "Rule 2",
        "rule-2",
        "Act §2",
        "not_assessed",
        explanation,
        {"missing_period": f"FY{fy}", "coverage": "missing", "to_fill": fill},
        None,
        "Statute 2",
    )
    assert findings(result) == [expected]
    assert result.verdict == "not_assessed"
    assert result.as_dict()["not_assessed"] == [expected]


DATED_CLAIM = CoveragePeriod("Rule list", "complete", None, None, START, END, "Register 2026", "", "")


@pytest.mark.parametrize(
    ("on", "gap"),
    [(START - DAY, True), (START, False), (START + DAY, False), (END - DAY, False), (END, False), (END + DAY, True)],
)
def test_an_open_ended_restriction_is_not_assessed_outside_its_dated_claim(on, gap):
    r = rule(periods=(DATED_CLAIM,))
    result = check(snapshot((r,)), on=on)
    if not gap:
        assert result.verdict == "allowed" and result.findings == []
        return
    fill = f"the Rule 1 list for {on} from its primary source"
    explanation = (
        f"Act §1 covers FMF. The product has no Rule 1 data covering {on} (complete periods: Rule list 2026-03-01 to "
        f"2026-06-30 (complete; Register 2026)): whether it restricts assistance to Arcadia cannot be said. To fill: {fill}; "
        "or record an analyst's assessment of Rule 1 for ARC FY2026."
    )
    assert findings(result) == [
        finding(
            "RST-093",
            "Rule 1",
            "rule-1",
            "Act §1",
            "not_assessed",
            explanation,
            {"missing_period": str(on), "coverage": "missing", "to_fill": fill},
            None,
            "Statute 1",
        )
    ]


def test_a_gap_lists_every_complete_period_recorded():
    r = rule(
        periods=(
            CoveragePeriod("List", "complete", None, None, D(2020, 1, 1), D(2020, 12, 31), "Register 2020", "", ""),
            CoveragePeriod("List", "partial", None, None, D(2021, 1, 1), D(2021, 12, 31), "Register 2021", "", ""),
            CoveragePeriod("List", "complete", None, None, D(2022, 1, 1), D(2022, 12, 31), "Register 2022", "", ""),
        ),
    )
    result = check(snapshot((r,)))
    assert result.findings[0].explanation == (
        "Act §1 covers FMF. The product has no Rule 1 data covering 2026-03-15 (complete periods: List 2020-01-01 to "
        "2020-12-31 (complete; Register 2020); List 2022-01-01 to 2022-12-31 (complete; Register 2022)): whether it restricts "
        "assistance to Arcadia cannot be said. To fill: the Rule 1 list for 2026-03-15 from its primary source; or record an "
        "analyst's assessment of Rule 1 for ARC FY2026."
    )


def test_a_period_no_claim_covers_asks_for_its_own_list_not_another_periods_to_fill():
    r = rule(
        periods=(
            CoveragePeriod("Old list", "partial", 2010, 2010, None, None, "PD 2010-1", "", ""),
            CoveragePeriod("Old list", "partial", 2011, 2012, None, None, "PD 2011-1", "", "Read PD 2011-1 in full"),
            CoveragePeriod("Old list", "partial", 2013, 2013, None, None, "PD 2013-1", "", "Read PD 2013-1"),
        ),
    )
    result = check(snapshot((r,)), country="ZZZ")
    explanation = (
        "Act §1 covers FMF. The product has no Rule 1 data covering 2026-03-15 (complete periods: none recorded): whether it "
        "restricts assistance to ZZZ cannot be said. To fill: the Rule 1 list for 2026-03-15 from its primary source; or "
        "record an analyst's assessment of Rule 1 for ZZZ FY2026."
    )
    assert findings(result) == [
        finding(
            "RST-093",
            "Rule 1",
            "rule-1",
            "Act §1",
            "not_assessed",
            explanation,
            {
                "missing_period": "2026-03-15",
                "coverage": "missing",
                "to_fill": "the Rule 1 list for 2026-03-15 from its primary source",
            },
            None,
            "Statute 1",
        )
    ]


def test_partial_data_for_the_period_names_the_parts_recorded_and_what_fills_the_rest():
    parts = (
        CoveragePeriod("Tier 3 list", "partial", 2026, 2026, None, None, "TIP Report 2025", "", "Read PD 2025-15"),
        CoveragePeriod("Waivers", "partial", 2025, 2026, None, None, "PD 2025-15 excerpt", "", ""),
        CoveragePeriod("Withheld", "partial", 2026, 2027, None, None, "Fed. Reg. 2025", "", "Read the FR notice"),
        CoveragePeriod("Tier 3 list", "complete", 2024, 2025, None, None, "TIP Report 2024", "", ""),
    )
    r = replace(TIP, periods=parts)
    result = check(snapshot((r,)))
    fill = "Read PD 2025-15; Read the FR notice"
    explanation = (
        "Act §2 covers FMF. The product's Rule 2 data for FY2026 is partial (Tier 3 list FY2026 (partial; TIP Report 2025); "
        "Waivers FY2025–FY2026 (partial; PD 2025-15 excerpt); Withheld FY2026–FY2027 (partial; Fed. Reg. 2025)), and Arcadia "
        f"is not on the part recorded: whether it restricts assistance to Arcadia cannot be said. To fill: {fill}; or record an "
        "analyst's assessment of Rule 2 for ARC FY2026."
    )
    assert findings(result) == [
        finding(
            "RST-093",
            "Rule 2",
            "rule-2",
            "Act §2",
            "not_assessed",
            explanation,
            {"missing_period": "FY2026", "coverage": "partial", "to_fill": fill},
            None,
            "TIP Report 2025; PD 2025-15 excerpt; Fed. Reg. 2025",
        )
    ]


def test_partial_data_with_nothing_named_to_fill_it_asks_for_the_list_from_its_source():
    part = CoveragePeriod("Rule list", "partial", None, None, D(2026, 1, 1), None, "Gazette", "", "")
    r = rule(periods=(part,))
    result = check(snapshot((r,)))
    assert result.findings[0].explanation == (
        "Act §1 covers FMF. The product's Rule 1 data for 2026-03-15 is partial "
        "(Rule list 2026-01-01 to date (partial; Gazette)), and Arcadia is not on the part recorded: whether it restricts "
        "assistance to Arcadia cannot be said. To fill: the Rule 1 list for 2026-03-15 from its primary source; or record an "
        "analyst's assessment of Rule 1 for ARC FY2026."
    )
    assert result.findings[0].designation == {
        "missing_period": "2026-03-15",
        "coverage": "partial",
        "to_fill": "the Rule 1 list for 2026-03-15 from its primary source",
    }
    assert result.findings[0].source == "Gazette"


def test_coverage_on_prefers_a_complete_claim_and_returns_only_the_claims_that_say_so():
    partial = CoveragePeriod("A", "partial", 2026, 2026, None, None, "a", "", "")
    complete = CoveragePeriod("B", "complete", 2025, 2026, None, None, "b", "", "")
    elsewhere = CoveragePeriod("C", "complete", 2020, 2021, None, None, "c", "", "")
    r = rule(duration="fy_scoped", periods=(partial, complete, elsewhere))
    assert r.coverage_on(2026, ON) == ("complete", (complete,))
    assert r.coverage_on(2022, ON) == ("missing", ())
    assert replace(r, periods=(partial, elsewhere)).coverage_on(2026, ON) == ("partial", (partial,))
    # an open-ended rule reads a dated claim by its dates
    dated = CoveragePeriod("D", "complete", 2020, 2021, D(2026, 1, 1), None, "d", "", "")
    assert replace(r, duration="open_ended", periods=(dated,)).coverage_on(2026, ON) == ("complete", (dated,))
    assert replace(r, periods=(dated,)).coverage_on(2026, ON) == ("missing", ())


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        (CoveragePeriod("L", "complete", 2026, 2026, None, None, "doc", "", ""), "L FY2026 (complete; doc)"),
        (CoveragePeriod("L", "partial", 2020, 2026, None, None, "doc", "", ""), "L FY2020–FY2026 (partial; doc)"),
        (CoveragePeriod("L", "complete", None, None, START, END, "doc", "", ""), "L 2026-03-01 to 2026-06-30 (complete; doc)"),
        (CoveragePeriod("L", "complete", None, None, START, None, "doc", "", ""), "L 2026-03-01 to date (complete; doc)"),
    ],
)
def test_a_coverage_claim_is_labelled_by_its_span_status_and_source(claim, label):
    assert claim.label() == label


# ---- analysts' assessments fill a gap -----------------------------------------------------------------------------


def assessment(conclusion: str, **over: Any) -> AssessmentFact:
    values: dict[str, Any] = {
        "id": 7,
        "restriction_id": 2,
        "country": "ARC",
        "fiscal_year": 2026,
        "conclusion": conclusion,
        "basis": "Not on the FY2026 list (TIP Report 2025, p. 12).",
        "source_document": "TIP Report 2025",
        "source_url": "https://example.gov/tip/2025",
        "recorded_by": "analyst1",
        "recorded_at": dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC),
    }
    values.update(over)
    return AssessmentFact(**values)


ASSESSMENT_DICT = {
    "id": 7,
    "country": "ARC",
    "fiscal_year": 2026,
    "conclusion": "does_not_apply",
    "basis": "Not on the FY2026 list (TIP Report 2025, p. 12).",
    "source_document": "TIP Report 2025",
    "source_url": "https://example.gov/tip/2025",
    "recorded_by": "analyst1",
    "recorded_at": "2026-02-01T09:30:00+00:00",
}


def test_an_assessment_that_the_restriction_does_not_apply_fills_the_gap_and_is_relied_on():
    result = check(snapshot((TIP,), assessments=(assessment("does_not_apply"),)))
    assert result.verdict == "allowed" and result.findings == []
    assert result.assessments == [{"code": "RST-002", "restriction": "Rule 2", **ASSESSMENT_DICT}]
    assert result.as_dict()["assessments_relied_on"] == result.assessments


def test_an_assessment_that_the_restriction_applies_prohibits():
    a = assessment("applies", basis="Tier 3 in the 2025 report; no waiver.")
    result = check(snapshot((TIP,), assessments=(a,)))
    explanation = (
        "Arcadia: an analyst's assessment of 2026-02-01 (analyst1) concludes that Rule 2 applies in FY2026: Tier 3 in the 2025 "
        "report; no waiver. Act §2 covers FMF."
    )
    as_dict = {**ASSESSMENT_DICT, "conclusion": "applies", "basis": "Tier 3 in the 2025 report; no waiver."}
    assert findings(result) == [
        finding(
            "RST-094", "Rule 2", "rule-2", "Act §2", "prohibits", explanation, {"assessment": as_dict}, None, "TIP Report 2025"
        )
    ]
    assert result.verdict == "prohibited"
    assert result.assessments == [{"code": "RST-002", "restriction": "Rule 2", **as_dict}]


@pytest.mark.parametrize("over", [{"fiscal_year": 2025}, {"country": "BOR"}, {"restriction_id": 1}])
def test_an_assessment_of_another_year_country_or_restriction_does_not_fill_the_gap(over):
    result = check(snapshot((TIP,), assessments=(assessment("does_not_apply", **over),)))
    assert [f.code for f in result.findings] == ["RST-093"] and result.verdict == "not_assessed"
    assert result.assessments == []


def test_an_assessment_fills_only_its_own_restrictions_gap():
    other = rule(3, periods=())
    result = check(snapshot((TIP, other), assessments=(assessment("does_not_apply"),)))
    assert [(f.code, f.restriction) for f in result.findings] == [("RST-093", "Rule 3")]
    assert [a["code"] for a in result.assessments] == ["RST-002"]
    assert result.verdict == "not_assessed"


def test_an_assessment_of_a_country_missing_from_the_reference_data_names_it_by_its_code():
    a = assessment("applies", country="ZZZ", basis="Listed.")
    result = check(snapshot((TIP,), assessments=(a,)), country="ZZZ")
    assert result.findings[0].explanation == (
        "ZZZ: an analyst's assessment of 2026-02-01 (analyst1) concludes that Rule 2 applies in FY2026: Listed. "
        "Act §2 covers FMF."
    )


def test_an_assessment_is_not_consulted_where_the_data_is_complete():
    result = check(snapshot((TIP,), assessments=(assessment("applies", fiscal_year=2024),)), fy=2024)
    assert result.verdict == "allowed" and result.findings == [] and result.assessments == []


# ---- which restrictions are judged for gaps, and in which order ---------------------------------------------------


def test_gaps_are_judged_for_every_reaching_restriction_in_rule_code_order():
    rules = (
        rule(6, periods=()),
        rule(1, periods=()),  # answered by its designation
        rule(2),  # complete data
        rule(3, periods=(), recipient_scope="units"),  # does not reach the government
        rule(4, periods=(), trigger_kind="unit_finding"),  # a Leahy law: judged per unit, never a country gap
        rule(5, periods=(), accounts=frozenset({"ESF"})),  # does not cover FMF
    )
    result = check(snapshot(rules, (designation(1),)))
    assert [(f.code, f.effect) for f in result.findings] == [("RST-001", "prohibits"), ("RST-093", "not_assessed")]
    assert [f.restriction for f in result.findings] == ["Rule 1", "Rule 6"]
    two = check(snapshot((rule(9, periods=()), rule(8, periods=())), ()))
    assert [f.restriction for f in two.findings] == ["Rule 8", "Rule 9"]


def test_rules_reaching_is_remembered_per_program_and_recipient():
    snap = snapshot((rule(2), rule(1), rule(3, recipient_scope="units"), rule(4, trigger_kind="unit_finding")))
    fmf = PROGRAMS["FMF"]
    first = snap.rules_reaching(fmf, "government")
    assert [(r.id, how) for r, how in first] == [(1, "Act §1 covers FMF"), (2, "Act §2 covers FMF")]
    assert snap.rules_reaching(fmf, "government") is first
    assert snap.reach == {("FMF", "government"): first}
    assert [r.id for r, _ in snap.rules_reaching(fmf, "units")] == [1, 2, 3]
    assert snap.rules_reaching(PROGRAMS["ESF"], "units") == ()


def test_designations_for_a_year_are_the_dated_ones_and_that_years_and_are_remembered():
    dated, fy26, fy25 = designation(1), designation(2, fiscal_year=2026), designation(3, fiscal_year=2025)
    snap = snapshot(designations=(dated, fy26, fy25))
    first = snap.designations_for("ARC", 2026)
    assert first == (dated, fy26)
    assert snap.designations_for("ARC", 2026) is first
    assert snap.by_year == {("ARC", 2026): first}
    assert snap.designations_for("ARC", 2025) == (dated, fy25)
    assert snap.designations_for("BOR", 2026) == ()


# ---- Leahy: vetting is a condition for units; a unit finding prohibits ------------------------------------------

LEAHY_STATE = rule(
    90,
    key="leahy-state",
    rule_code="RST-080",
    short_name="Leahy (State)",
    citation="22 U.S.C. 2378d",
    source="FAA §620M",
    trigger_kind="unit_finding",
    recipient_scope="units",
    accounts=frozenset({"FMF", "IMET"}),
    periods=(),
)
LEAHY_DOD = rule(
    91,
    key="leahy-dod",
    rule_code="RST-081",
    short_name="Leahy (DoD)",
    citation="10 U.S.C. 362",
    source="10 U.S.C. 362",
    trigger_kind="unit_finding",
    recipient_scope="units",
    accounts=frozenset(),
    covers_all_title10=True,
    has_waiver=True,
    waiver_holder="the Secretary of Defense",
    periods=(),
)
UNITS = (
    unit(1, "1st Bn"),  # vetted and current
    unit(2, "2nd Bn", vetting_status="pending", vetted_on=None, vetting_expires_on=None),
    unit(3, "3rd Bn", vetting_expires_on=D(2026, 3, 14)),
    unit(4, "4th Bde", credible_information=True, finding_date=D(2025, 6, 1), remediation_status="none"),
    unit(5, "5th Bde", credible_information=True, finding_date=None, remediation_status="in_progress"),
    unit(6, "6th Bde", credible_information=True, finding_date=D(2025, 6, 1), remediation_status="remediated"),
)


def unit_facts(u: UnitFact) -> dict[str, Any]:
    return {
        "id": None,
        "country": u.country,
        "status": "unit",
        "unit_id": u.id,
        "unit": u.name,
        "vetting_status": u.vetting_status,
        "vetted_on": iso(u.vetted_on),
        "vetting_expires_on": iso(u.vetting_expires_on),
        "credible_information": u.credible_information,
        "finding_date": iso(u.finding_date),
        "remediation_status": u.remediation_status,
    }


def leahy(code, effect, explanation, designation=None, waiver=None, r=LEAHY_STATE):
    return finding(code, r.short_name, r.key, r.citation, effect, explanation, designation, waiver, r.source)


VETTING = (
    "22 U.S.C. 2378d applies to assistance to security-force units under 22 U.S.C. 2763: each unit (and each nominated "
    "individual's unit) must be vetted in INVEST and cleared before assistance is provided."
)


def test_every_named_unit_is_judged_vetting_expiry_and_findings():
    snap = snapshot(units=UNITS, unit_rules=(LEAHY_STATE, LEAHY_DOD), waivers=(waiver(90),))
    result = check(snap, recipient="units", units=(1, 2, 3, 4, 5, 6))
    u = {x.id: x for x in UNITS}
    expected = [
        leahy("RST-090", "condition", VETTING),
        leahy(
            "RST-091",
            "condition",
            "2nd Bn has no current approved Leahy vetting on 2026-03-15 (status pending): vet before assistance.",
            unit_facts(u[2]),
        ),
        leahy(
            "RST-091",
            "condition",
            "3rd Bn has no current approved Leahy vetting on 2026-03-15 (status approved, expired 2026-03-14): vet before "
            "assistance.",
            unit_facts(u[3]),
        ),
        leahy(
            "RST-092",
            "prohibits",
            "Credible information of a gross violation of human rights by 4th Bde (finding of 2025-06-01; remediation: none). "
            "22 U.S.C. 2378d bars assistance to it.",
            unit_facts(u[4]),
        ),
        leahy(
            "RST-092",
            "prohibits",
            "Credible information of a gross violation of human rights by 5th Bde (finding of undated; remediation: "
            "in_progress). 22 U.S.C. 2378d bars assistance to it.",
            unit_facts(u[5]),
        ),
    ]
    # the State rule has no waiver: a waiver recorded against it relieves nothing
    assert findings(result) == expected
    assert result.verdict == "prohibited"
    assert [c["unit"] for c in result.conditions] == [None, "2nd Bn", "3rd Bn"]
    assert result.conditions[1] == {
        "code": "RST-091",
        "restriction": "Leahy (State)",
        "restriction_key": "leahy-state",
        "citation": "22 U.S.C. 2378d",
        "unit": "2nd Bn",
        "text": "2nd Bn has no current approved Leahy vetting on 2026-03-15 (status pending): vet before assistance.",
    }
    assert [f.as_dict() for f in result.prohibiting] == expected[3:]


@pytest.mark.parametrize(
    ("on", "effect"),
    [(D(2026, 2, 28), "prohibits"), (D(2026, 3, 1), "waived"), (D(2026, 6, 30), "waived"), (D(2026, 7, 1), "prohibits")],
)
def test_a_unit_finding_under_a_waivable_leahy_law_is_waived_only_while_the_waiver_is_in_force(on, effect):
    w = waiver(91)
    snap = snapshot(units=UNITS, unit_rules=(LEAHY_STATE, LEAHY_DOD), waivers=(w,))
    result = check(snap, program="10USC333", units=(4,), on=on)
    vetting = (
        "10 U.S.C. 362 applies to assistance to security-force units under 10 U.S.C. 333: each unit (and each nominated "
        "individual's unit) must be vetted in INVEST and cleared before assistance is provided."
    )
    barred = (
        "Credible information of a gross violation of human rights by 4th Bde (finding of 2025-06-01; remediation: none). "
        "10 U.S.C. 362 bars assistance to it."
    )
    facts = unit_facts(UNITS[3])
    if effect == "waived":
        last = leahy(
            "RST-092",
            "waived",
            f"{barred} Waived by PD 2026-07, in force 2026-03-01 to 2026-06-30.",
            facts,
            waiver_of(w),
            LEAHY_DOD,
        )
    else:
        last = leahy("RST-092", "prohibits", barred, facts, None, LEAHY_DOD)
    assert findings(result) == [leahy("RST-090", "condition", vetting, r=LEAHY_DOD), last]
    # a waiver never hides the vetting condition
    assert [c["code"] for c in result.conditions] == ["RST-090"]
    assert result.verdict == ("allowed_under_waiver" if effect == "waived" else "prohibited")
    if effect == "waived":
        assert result.waivers_relied_on == [
            {"code": "RST-092", "restriction": "Leahy (DoD)", "restriction_key": "leahy-dod", **waiver_of(w)}
        ]


@pytest.mark.parametrize(
    ("recipient", "units", "codes"),
    [
        ("government", (), []),
        ("non_government", (), []),
        ("units", (), ["RST-090"]),
        ("government", (1,), ["RST-090"]),  # naming units makes it assistance to units
        ("government", (2,), ["RST-090", "RST-091"]),
    ],
)
def test_leahy_applies_when_the_assistance_goes_to_units(recipient, units, codes):
    snap = snapshot(units=UNITS, unit_rules=(LEAHY_STATE, LEAHY_DOD))
    result = check(snap, recipient=recipient, units=units)
    assert [f.code for f in result.findings] == codes
    assert result.verdict == ("allowed_with_conditions" if codes else "allowed")


def test_leahy_does_not_apply_to_a_program_no_leahy_law_covers():
    snap = snapshot(units=UNITS, unit_rules=(LEAHY_STATE,))
    assert check(snap, program="ESF", recipient="units", units=(4,)).findings == []
    assert [f.citation for f in check(snap, program="IMET", recipient="units").findings] == ["22 U.S.C. 2378d"]


def test_the_first_leahy_law_covering_the_program_is_the_one_applied():
    both = replace(LEAHY_DOD, accounts=frozenset({"FMF"}))
    snap = snapshot(unit_rules=(both, LEAHY_STATE))
    assert [f.citation for f in check(snap, recipient="units").findings] == ["10 U.S.C. 362"]


# ---- before the statute: not in force (ADR 0621) -------------------------------------------------------------------

FIRST = D(2009, 6, 21)


@pytest.mark.parametrize(
    ("duration", "first", "fy", "on", "in_force"),
    [
        # FY-scoped: in force for a fiscal year that had not ended (30 September) before the first day; the date is not read
        ("fy_scoped", FIRST, 2008, D(2030, 1, 1), False),
        ("fy_scoped", FIRST, 2009, D(1990, 1, 1), True),
        ("fy_scoped", D(2009, 9, 30), 2009, ON, True),  # first day = the FY's last day
        ("fy_scoped", D(2009, 10, 1), 2009, ON, False),  # first day = the next FY's first day
        ("fy_scoped", D(2009, 10, 1), 2010, ON, True),
        ("per_act", D(2009, 10, 1), 2009, ON, False),
        # dated: from the first day; the fiscal year is not read
        ("open_ended", FIRST, 2030, FIRST - DAY, False),
        ("open_ended", FIRST, 2000, FIRST, True),
        ("open_ended", FIRST, 2000, FIRST + DAY, True),
        # no first day recorded: coverage decides
        ("fy_scoped", None, 1950, D(1950, 1, 1), True),
        ("open_ended", None, 1950, D(1950, 1, 1), True),
    ],
)
def test_a_restriction_is_in_force_from_its_statutes_first_day(duration, first, fy, on, in_force):
    assert rule(duration=duration, in_force_from=first).in_force_on(fy, on) is in_force


def test_before_a_fiscal_year_statute_the_check_says_not_in_force_and_never_blocks():
    r = rule(2, duration="fy_scoped", periods=(), in_force_from=FIRST, in_force_citation="P.L. 110-457, title IV")
    result = check(snapshot((r,)), fy=2008, on=D(2008, 3, 1))
    explanation = (
        "Rule 2 (Act §2) was not in force for FY2008: the statute is in force from 2009-06-21 (P.L. 110-457, title IV), "
        "and FY2008 ended on 2008-09-30, before that day. It does not restrict assistance to Arcadia for FY2008."
    )
    assert findings(result) == [
        finding(
            "RST-095",
            "Rule 2",
            "rule-2",
            "Act §2",
            "not_in_force",
            explanation,
            {"period_asked": "FY2008", "in_force_from": "2009-06-21", "in_force_citation": "P.L. 110-457, title IV"},
            None,
            "P.L. 110-457, title IV",
        )
    ]
    assert result.verdict == "allowed"
    assert result.gaps == [] and result.conditions == [] and result.waivers_relied_on == [] and result.prohibiting == []
    # from the first fiscal year in force, the (missing) coverage answers again
    assert [f.code for f in check(snapshot((r,)), fy=2009, on=D(2008, 3, 1)).findings] == ["RST-093"]


@pytest.mark.parametrize(("on", "codes"), [(FIRST - DAY, ["RST-095"]), (FIRST, ["RST-093"]), (FIRST + DAY, ["RST-093"])])
def test_before_a_dated_statute_the_check_says_not_in_force_a_day_either_side(on, codes):
    r = rule(periods=(), in_force_from=FIRST, in_force_citation="P.L. 106-386")
    result = check(snapshot((r,)), country="ZZZ", on=on)
    assert [f.code for f in result.findings] == codes
    if codes == ["RST-095"]:
        # (it read "2009-06-20 is, before that day" until this test)
        assert findings(result) == [
            finding(
                "RST-095",
                "Rule 1",
                "rule-1",
                "Act §1",
                "not_in_force",
                "Rule 1 (Act §1) was not in force for 2009-06-20: the statute is in force from 2009-06-21 (P.L. 106-386), "
                "and 2009-06-20 is before that day. It does not restrict assistance to ZZZ for 2009-06-20.",
                {"period_asked": "2009-06-20", "in_force_from": "2009-06-21", "in_force_citation": "P.L. 106-386"},
                None,
                "P.L. 106-386",
            )
        ]
        assert result.verdict == "allowed"


def test_a_not_in_force_finding_without_an_enacted_citation_cites_the_restrictions_source():
    # the loader refuses a first day without its citation (ADR 0621); the engine still says where it comes from
    r = rule(periods=(), in_force_from=FIRST, in_force_citation="")
    (f,) = check(snapshot((r,)), on=FIRST - DAY).findings
    assert (f.code, f.source, f.designation) == (
        "RST-095",
        "Statute 1",
        {"period_asked": "2009-06-20", "in_force_from": "2009-06-21", "in_force_citation": ""},
    )


def test_not_in_force_comes_before_coverage_and_assessments_and_every_later_restriction_is_still_judged():
    early = rule(1, in_force_from=D(2027, 1, 1), in_force_citation="P.L. 1")  # complete coverage, but no statute yet
    assessed = rule(2, periods=(), in_force_from=D(2027, 1, 1), in_force_citation="P.L. 2")
    gap = rule(3, periods=())
    snap = snapshot((early, assessed, gap), assessments=(assessment("applies"),))
    result = check(snap)
    assert [(f.code, f.restriction, f.effect) for f in result.findings] == [
        ("RST-095", "Rule 1", "not_in_force"),
        ("RST-095", "Rule 2", "not_in_force"),
        ("RST-093", "Rule 3", "not_assessed"),
    ]
    assert result.assessments == []
    assert result.verdict == "not_assessed"  # a restriction not in force relieves nothing else


def test_a_designation_answers_before_the_statutes_first_day_is_asked():
    r = rule(in_force_from=D(2027, 1, 1), in_force_citation="P.L. 1")
    result = check(snapshot((r,), (designation(),)))
    assert [(f.code, f.effect) for f in result.findings] == [("RST-001", "prohibits")]


# ---- precedence between verdicts ----------------------------------------------------------------------------------

EFFECT_ORDER = [
    ("prohibits", "prohibited"),
    ("not_assessed", "not_assessed"),
    ("waived", "allowed_under_waiver"),
    ("excepted", "allowed_under_waiver"),
    ("condition", "allowed_with_conditions"),
]
ALL_EFFECTS = [e for e, _ in EFFECT_ORDER]


def bare(effect: str) -> Finding:
    return Finding("RST-000", "R", "r", "c", effect, "x")


@pytest.mark.parametrize(
    "effects",
    [list(c) for n in range(len(ALL_EFFECTS) + 1) for c in combinations(ALL_EFFECTS, n)],
    ids=lambda e: "+".join(e) or "none",
)
def test_the_strongest_finding_decides_the_verdict(effects):
    expected = next((v for e, v in EFFECT_ORDER if e in effects), "allowed")
    assert verdict_of([bare(e) for e in effects]) == expected
    assert verdict_of([bare(e) for e in reversed(effects)]) == expected
    # a restriction not in force for the period never decides the verdict (ADR 0621)
    assert verdict_of([bare("not_in_force"), *(bare(e) for e in effects)]) == expected
    if "not_assessed" in effects:
        assert expected not in engine.ALLOWED_VERDICTS


# Four restrictions against one country: one bars, one has no data, one is waived, one is a condition.
MIXED_RULES = (
    rule(1),
    rule(2, periods=()),
    rule(3, has_waiver=True, waiver_holder="the President"),
    rule(4),
)
MIXED_DESIGNATIONS = (designation(1), designation(3), designation(4, effect="condition", status="listed"))
MIXED_WAIVER = waiver(3, expires_on=None)
CONDITION_TEXT = (
    "Arcadia: listed from 2025-01-01 (Rule 4). Act §4 covers FMF. A determination may be needed before assistance proceeds."
)


@pytest.mark.parametrize(
    ("drop", "verdict"),
    [
        ((), "prohibited"),
        ((1,), "not_assessed"),
        ((1, 2), "allowed_under_waiver"),
        ((1, 2, 3), "allowed_with_conditions"),
        ((1, 2, 3, 4), "allowed"),
        ((2, 3, 4), "prohibited"),
        ((3, 4), "prohibited"),
        ((1, 3), "not_assessed"),
        ((1, 4), "not_assessed"),
        ((1, 2, 4), "allowed_under_waiver"),
    ],
)
def test_precedence_prohibited_then_not_assessed_then_waiver_then_conditions(drop, verdict):
    rules = tuple(r for r in MIXED_RULES if r.id not in drop)
    result = check(snapshot(rules, MIXED_DESIGNATIONS, (MIXED_WAIVER,)))
    assert result.verdict == verdict
    # whatever the verdict, the condition is listed and the waiver relied on is named
    assert [c["text"] for c in result.conditions] == ([] if 4 in drop else [CONDITION_TEXT])
    assert [w["id"] for w in result.waivers_relied_on] == ([] if 3 in drop else [MIXED_WAIVER.id])
    assert [g.restriction for g in result.gaps] == ([] if 2 in drop else ["Rule 2"])
    if result.gaps:
        assert result.verdict not in engine.ALLOWED_VERDICTS


@pytest.mark.parametrize(
    "relief",
    ["waiver", "exception_waiver", "purpose_exception", "condition", "leahy_waiver", "assessment"],
)
def test_no_answer_with_a_not_assessed_finding_is_allowed(relief):
    """Whatever relieves the other restrictions (a waiver, an exception, a condition only, a waived unit finding, an
    analyst's assessment), a restriction the data does not cover keeps the answer `not_assessed`."""
    r = rule(1, has_waiver=True, waiver_holder="the President", exceptions=(SELF_EXECUTING,))
    gap = rule(2, periods=())
    assessed = rule(3, periods=())  # its gap is filled by an analyst's assessment
    designations = {
        "condition": (designation(1, effect="condition"),),
        "assessment": (),
    }.get(relief, (designation(1),))
    waivers = (waiver(1, kind="exception" if relief == "exception_waiver" else "waiver"), waiver(91))
    filled = (assessment("does_not_apply", restriction_id=3),)
    snap = snapshot((r, gap, assessed), designations, waivers, UNITS, (LEAHY_DOD,), filled)
    kw: dict[str, Any] = {"purpose": "democracy"} if relief == "purpose_exception" else {}
    if relief == "leahy_waiver":
        kw = {"program": "10USC333", "units": (4,)}
        snap = replace(snap, restrictions={2: replace(gap, covers_all_title10=True), 91: LEAHY_DOD})
    result = check(snap, **kw)
    assert [(g.code, g.restriction) for g in result.gaps] == [("RST-093", "Rule 2")]
    assert result.verdict == "not_assessed"
    relieved = {
        "waiver": ["waived"],
        "exception_waiver": ["excepted"],
        "purpose_exception": ["excepted"],
        "condition": ["condition"],
        "leahy_waiver": ["condition", "waived"],
        "assessment": [],
    }[relief]
    assert [f.effect for f in result.findings if f.effect != "not_assessed"] == relieved


def test_a_waiver_never_removes_a_condition():
    r1 = rule(1)
    r2 = rule(2, has_waiver=True, waiver_holder="the President")
    c = designation(1, effect="condition", status="listed", note="Notify the committees first.")
    p = designation(2)
    w = waiver(2, expires_on=None)
    result = check(snapshot((r1, r2), (c, p), (w,)))
    assert result.verdict == "allowed_under_waiver"
    assert result.conditions == [
        {
            "code": "RST-001",
            "restriction": "Rule 1",
            "restriction_key": "rule-1",
            "citation": "Act §1",
            "unit": None,
            "text": "Arcadia: listed from 2025-01-01 (Rule 1). Act §1 covers FMF. Notify the committees first.",
        }
    ]
    assert [x["code"] for x in result.waivers_relied_on] == ["RST-002"]


# ---- the answer as the API returns it ---------------------------------------------------------------------------


def test_the_whole_answer_as_the_api_returns_it():
    r1 = rule(1, has_waiver=True, waiver_holder="the President")
    r2 = rule(2, periods=())
    d = designation(1, fiscal_year=2026, effective_from=None, status="Tier 3", pd_number="2025-15", ended_on=D(2027, 1, 1))
    w = waiver(1, fiscal_year=2026, expires_on=None, scope_all=False, scope_programs=frozenset({"IMET"}), scope_text="")
    u = unit(8, "8th Bn", vetting_status="pending", vetted_on=None, vetting_expires_on=None)
    snap = snapshot((r1, r2), (d,), (w,), (u,), (LEAHY_STATE,))
    result = check(snap, program="IMET", recipient="units", units=(8,), purpose="ssr")
    waived = (
        "Arcadia: Tier 3, FY2026 (Rule 1, PD 2025-15). Act §1 covers IMET. Relieved for IMET by PD 2026-07 (FY2026), in force "
        "2026-03-01; scope: IMET."
    )
    gap = (
        "Act §2 covers IMET. The product has no Rule 2 data covering 2026-03-15 (complete periods: none recorded): whether it "
        "restricts assistance to Arcadia cannot be said. To fill: the Rule 2 list for 2026-03-15 from its primary source; or "
        "record an analyst's assessment of Rule 2 for ARC FY2026."
    )
    vetting = (
        "22 U.S.C. 2378d applies to assistance to security-force units under 22 U.S.C. 2347: each unit (and each nominated "
        "individual's unit) must be vetted in INVEST and cleared before assistance is provided."
    )
    unvetted = "8th Bn has no current approved Leahy vetting on 2026-03-15 (status pending): vet before assistance."
    waiver_dict = {
        "id": 201,
        "kind": "waiver",
        "pd_number": "2026-07",
        "fiscal_year": 2026,
        "effective_from": "2026-03-01",
        "expires_on": None,
        "scope": ["IMET"],
        "scope_text": "",
        "legal_authority": "Act §1(b)",
        "signed_by": "Secretary of State",
        "source_document": "PD 2026-07",
        "source_url": "https://example.gov/pd/2026-07",
    }
    designation_dict = {
        "id": 101,
        "country": "ARC",
        "status": "Tier 3",
        "fiscal_year": 2026,
        "effective_from": None,
        "ended_on": "2027-01-01",
        "source_document": "Notice 1",
        "source_url": "https://example.gov/notice/1",
        "pd_number": "2025-15",
        "confidence": "V",
    }
    unit_dict = {
        "id": None,
        "country": "ARC",
        "status": "unit",
        "unit_id": 8,
        "unit": "8th Bn",
        "vetting_status": "pending",
        "vetted_on": None,
        "vetting_expires_on": None,
        "credible_information": False,
        "finding_date": None,
        "remediation_status": "",
    }
    gap_finding = {
        "code": "RST-093",
        "restriction": "Rule 2",
        "restriction_key": "rule-2",
        "citation": "Act §2",
        "effect": "not_assessed",
        "designation": {
            "missing_period": "2026-03-15",
            "coverage": "missing",
            "to_fill": "the Rule 2 list for 2026-03-15 from its primary source",
        },
        "waiver": None,
        "explanation": gap,
        "source": "Statute 2",
    }
    assert result.as_dict() == {
        "verdict": "not_assessed",
        "findings": [
            {
                "code": "RST-001",
                "restriction": "Rule 1",
                "restriction_key": "rule-1",
                "citation": "Act §1",
                "effect": "waived",
                "designation": designation_dict,
                "waiver": waiver_dict,
                "explanation": waived,
                "source": "Notice 1",
            },
            gap_finding,
            {
                "code": "RST-090",
                "restriction": "Leahy (State)",
                "restriction_key": "leahy-state",
                "citation": "22 U.S.C. 2378d",
                "effect": "condition",
                "designation": None,
                "waiver": None,
                "explanation": vetting,
                "source": "FAA §620M",
            },
            {
                "code": "RST-091",
                "restriction": "Leahy (State)",
                "restriction_key": "leahy-state",
                "citation": "22 U.S.C. 2378d",
                "effect": "condition",
                "designation": unit_dict,
                "waiver": None,
                "explanation": unvetted,
                "source": "FAA §620M",
            },
        ],
        "evaluated_at": "2026-03-15T12:00:00+00:00",
        "query": {
            "country": "ARC",
            "program": "IMET",
            "fiscal_year": 2026,
            "on_date": "2026-03-15",
            "recipient": "units",
            "purpose": "ssr",
            "units": [8],
        },
        "restrictions_checked": 3,
        "conditions": [
            {
                "code": "RST-090",
                "restriction": "Leahy (State)",
                "restriction_key": "leahy-state",
                "citation": "22 U.S.C. 2378d",
                "unit": None,
                "text": vetting,
            },
            {
                "code": "RST-091",
                "restriction": "Leahy (State)",
                "restriction_key": "leahy-state",
                "citation": "22 U.S.C. 2378d",
                "unit": "8th Bn",
                "text": unvetted,
            },
        ],
        "waivers_relied_on": [{"code": "RST-001", "restriction": "Rule 1", "restriction_key": "rule-1", **waiver_dict}],
        "not_assessed": [gap_finding],
        "assessments_relied_on": [],
    }
    assert result.data_version == "v42"
    assert result.verdict_label == "Not assessed — the data does not cover a restriction that could apply"
    assert result.prohibiting == []


@pytest.mark.parametrize(
    ("verdict", "label"),
    [
        ("prohibited", "Prohibited"),
        ("allowed_under_waiver", "Allowed under a waiver or exception"),
        ("allowed_with_conditions", "Allowed with conditions"),
        ("allowed", "Allowed"),
    ],
)
def test_each_verdict_has_its_label(verdict, label):
    assert CheckResult(verdict, [], NOW, Query("ARC", "FMF", FY, ON)).verdict_label == label


def test_the_facts_of_a_dated_designation_and_unit_with_every_date():
    d = designation(effective_from=START, ended_on=END, pd_number="2026-01", confidence="U")
    assert d.as_dict() == {
        "id": 101,
        "country": "ARC",
        "status": "designated",
        "fiscal_year": None,
        "effective_from": "2026-03-01",
        "ended_on": "2026-06-30",
        "source_document": "Notice 1",
        "source_url": "https://example.gov/notice/1",
        "pd_number": "2026-01",
        "confidence": "U",
    }
    u = unit(4, "4th Bde", credible_information=True, finding_date=D(2025, 6, 1), remediation_status="none")
    assert u.as_dict() == {
        "unit_id": 4,
        "unit": "4th Bde",
        "vetting_status": "approved",
        "vetted_on": "2025-06-01",
        "vetting_expires_on": "2026-12-31",
        "credible_information": True,
        "finding_date": "2025-06-01",
        "remediation_status": "none",
    }
    assert waiver().as_dict() == {
        "id": 201,
        "kind": "waiver",
        "pd_number": "2026-07",
        "fiscal_year": None,
        "effective_from": "2026-03-01",
        "expires_on": "2026-06-30",
        "scope": "all",
        "scope_text": "",
        "legal_authority": "Act §1(b)",
        "signed_by": "Secretary of State",
        "source_document": "PD 2026-07",
        "source_url": "https://example.gov/pd/2026-07",
    }
