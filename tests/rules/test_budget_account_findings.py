"""The account-specific and restrictions funds rules, in full (issue #12 item 13, "tests that bite"):
BUD-010/011/012 (`check_account`), BUD-007 (`check_restriction`) and BUD-020 (`_not_assessed`), each
finding's code, severity, citation, message, remedy and `data` asserted whole, and the entries each
rule lets through."""

from __future__ import annotations

import pytest

from secassist.budget import rules

FMF_OBLIGATION = "31 U.S.C. 1501(a)(5)(C); FMF heading of the annual SFOPS act (e.g. 115 Stat. 2136)"
FMS_TRANSFER = "SAMM C9.7.2.10.4 (DSCA 06-51)"
MOA = "22 U.S.C. 2392(b) (FAA §632(b)); DSCA 12-45, 17-16"
MOA_REMEDY = "give document type '632(b) MOA' and the MOA (or MOA amendment) reference"
PROHIBITED = "the statute named in the restrictions finding (see the findings)"
PROHIBITED_REMEDY = "a waiver or determination that allows it, recorded in the restrictions register"
NOT_ASSESSED = "the statutes named in the not_assessed findings (restrictions engine, ADR 0600)"
NOT_ASSESSED_REMEDY = (
    "record an analyst's assessment of each restriction named (Restrictions > record an assessment), "
    "or the missing designations, then retry"
)


def result(code, citation, message, remedy, data, severity="error"):
    return {"code": code, "severity": severity, "message": message, "citation": citation, "remedy": remedy, "data": data}


# ---------------------------------------------------------------- BUD-010, 011, 012


@pytest.mark.parametrize(
    ("account", "entry_type", "doc_type", "doc_ref", "code", "citation", "message", "remedy"),
    [
        (
            "FMF",
            "obligate",
            "SF 132",
            "A-1",
            "BUD-010",
            FMF_OBLIGATION,
            "FMF is obligated upon apportionment: a separate FMF obligation is not recorded",
            "record an 'apportion' entry with the OMB apportionment (SF 132) reference",
        ),
        (
            "FMF",
            "disburse",
            "",
            "",
            "BUD-011",
            FMS_TRANSFER,
            "FMF is expended on transfer to the FMS Trust Fund (8242), not disbursed by State",
            "record a 'transfer_fms' entry",
        ),
        (
            "PKO",
            "transfer_fms",
            "",
            "",
            "BUD-011",
            FMS_TRANSFER,
            "only FMF is transferred to the FMS Trust Fund; PKO is disbursed",
            "record a 'disburse' entry",
        ),
        (
            "ESF",
            "transfer_fms",
            "",
            "",
            "BUD-011",
            FMS_TRANSFER,
            "only FMF is transferred to the FMS Trust Fund; ESF is disbursed",
            "record a 'disburse' entry",
        ),
        (
            "PKO",
            "obligate",
            "LOA",
            "X-1",
            "BUD-012",
            MOA,
            "PKO is obligated by the FAA §632(b) MOA: the entry names document type LOA and reference X-1",
            MOA_REMEDY,
        ),
        (
            "IMET",
            "obligate",
            "632(b) MOA",
            "",
            "BUD-012",
            MOA,
            "IMET is obligated by the FAA §632(b) MOA: the entry names document type 632(b) MOA and reference (none)",
            MOA_REMEDY,
        ),
        (
            "IMET",
            "reobligate",
            "",
            "",
            "BUD-012",
            MOA,
            "IMET is obligated by the FAA §632(b) MOA: the entry names document type (none) and reference (none)",
            MOA_REMEDY,
        ),
        (
            "PKO",
            "reobligate",
            "632(b) moa",
            "MOA-17",
            "BUD-012",
            MOA,
            "PKO is obligated by the FAA §632(b) MOA: the entry names document type 632(b) moa and reference MOA-17",
            MOA_REMEDY,
        ),
    ],
)
def test_each_account_finding_in_full(account, entry_type, doc_type, doc_ref, code, citation, message, remedy):
    found = rules.check_account(account, entry_type, doc_type, doc_ref)
    data = {"account": account, "entry_type": entry_type, "document_type": doc_type}
    assert [r.as_dict() for r in found] == [result(code, citation, message, remedy, data)]


@pytest.mark.parametrize("account", ["PKO", "IMET"])
def test_bud_012_a_blank_moa_reference_is_no_reference(account):
    """The services strip the reference before asking (services._text); the rule does not rely on it."""
    assert [r.code for r in rules.check_account(account, "obligate", "632(b) MOA", " \t ")] == ["BUD-012"]


@pytest.mark.parametrize(
    ("account", "entry_type", "doc_type", "doc_ref"),
    [
        ("FMF", "apportion", "SF 132", "A-1"),
        ("FMF", "reobligate", "", ""),  # FMF is obligated on apportionment: no MOA
        ("FMF", "transfer_fms", "", ""),
        ("PKO", "obligate", "632(b) MOA", "MOA-17"),
        ("IMET", "reobligate", "632(b) MOA", " MOA-17 amendment 2 "),
        ("PKO", "disburse", "", ""),
        ("IMET", "apportion", "SF 132", "A-2"),
        ("PKO", "deobligate", "", ""),
        ("PKO", "commit", "", ""),
        ("ESF", "obligate", "grant agreement", "G-1"),  # the MOA rule is PKO's and IMET's
        ("INCLE", "reobligate", "", ""),
    ],
)
def test_entries_each_account_rule_lets_through(account, entry_type, doc_type, doc_ref):
    assert rules.check_account(account, entry_type, doc_type, doc_ref) == []


# ---------------------------------------------------------------- BUD-007: prohibited


@pytest.mark.parametrize(
    ("findings", "cited"),
    [
        ([{"code": "RST-001", "citation": "22 U.S.C. 2371", "message": "m"}], "22 U.S.C. 2371"),
        ([{"code": "RST-002", "message": "m"}], "RST-002"),  # no citation: the code
        ([{"citation": "", "code": "", "message": "coup d'état"}], "coup d'état"),  # nor a code: the message
        ([{"effect": "prohibits"}], "{'effect': 'prohibits'}"),  # none of them: the finding as given
        (["section 7008"], "section 7008"),  # not a dict
        (
            [{"citation": "22 U.S.C. 2371"}, {"code": "RST-009"}, "FAA §620A"],
            "22 U.S.C. 2371; RST-009; FAA §620A",
        ),
        ([], "no finding detail given"),
        (None, "no finding detail given"),
    ],
)
def test_bud_007_a_prohibition_cites_each_finding_in_full(findings, cited):
    verdict = {"verdict": "prohibited", "findings": findings}
    [r] = rules.check_restriction(verdict, country="Iran")
    assert r.as_dict() == result(
        "BUD-007",
        PROHIBITED,
        f"assistance to Iran is prohibited: {cited}",
        PROHIBITED_REMEDY,
        {"country": "Iran", "verdict": "prohibited", "findings": cited},
    )


def test_bud_007_a_prohibition_without_findings_key():
    [r] = rules.check_restriction({"verdict": "prohibited"}, country="Iran")
    assert r.message == "assistance to Iran is prohibited: no finding detail given"
    assert r.data == {"country": "Iran", "verdict": "prohibited", "findings": "no finding detail given"}


@pytest.mark.parametrize(
    "verdict",
    [
        {"verdict": "allowed", "findings": [{"citation": "22 U.S.C. 2371"}]},
        {"verdict": "allowed_with_conditions", "findings": [{"citation": "x"}]},
        {"verdict": "allowed_under_waiver", "findings": []},
        {"verdict": "PROHIBITED", "findings": [{"citation": "x"}]},  # verdicts are exact words
        {"findings": [{"citation": "x"}]},
    ],
)
def test_only_prohibited_and_not_assessed_verdicts_refuse(verdict):
    assert rules.check_restriction(verdict, country="Iran") == []


# ---------------------------------------------------------------- BUD-020: not assessed


LEAHY = {"restriction": "Leahy", "restriction_key": "leahy", "designation": {"missing_period": "FY2027", "coverage": "none"}}
COUP = {"restriction": "Section 7008", "restriction_key": "7008", "designation": None}
TIP = {"restriction": "TVPA Tier 3", "restriction_key": "tvpa", "designation": {"coverage": "partial"}}


@pytest.mark.parametrize(
    ("gaps", "named", "keys"),
    [
        ([LEAHY], "Leahy (FY2027)", ["leahy"]),
        ([LEAHY, COUP, TIP], "Leahy (FY2027); Section 7008 (); TVPA Tier 3 ()", ["leahy", "7008", "tvpa"]),
        (["leahy", LEAHY, None], "Leahy (FY2027)", ["leahy"]),  # only findings (dicts) are named
        ([], "the data does not cover the period", []),
        (None, "the data does not cover the period", []),
        (["leahy"], "the data does not cover the period", []),
    ],
)
def test_bud_020_an_unassessed_restriction_refuses_and_names_each_gap(gaps, named, keys):
    verdict = {"verdict": "not_assessed", "findings": [], "not_assessed": gaps}
    [r] = rules.check_restriction(verdict, country="Jordan")
    assert r.as_dict() == result(
        "BUD-020",
        NOT_ASSESSED,
        f"restrictions on assistance to Jordan are not assessed: {named}",
        NOT_ASSESSED_REMEDY,
        {"country": "Jordan", "verdict": "not_assessed", "not_assessed": str(keys)},
    )
    assert r.data["not_assessed"] == keys
    assert r.title.startswith("No allocation or obligation to a country whose restrictions are not assessed")


def test_bud_020_a_verdict_without_its_gaps_still_refuses():
    [r] = rules.check_restriction({"verdict": "not_assessed"}, country="Jordan")
    assert r.code == "BUD-020"
    assert r.message == "restrictions on assistance to Jordan are not assessed: the data does not cover the period"
    assert r.data == {"country": "Jordan", "verdict": "not_assessed", "not_assessed": []}
