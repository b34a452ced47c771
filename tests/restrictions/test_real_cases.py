"""Table-driven checks on real cases from the shared data (PDs FY2022–2025, SST dates, coup coding)."""

from __future__ import annotations

import datetime as dt

import pytest

D = dt.date

# (country, program, fy, on_date, recipient, purpose, expected verdict, {code: effect} expected among findings, why)
CASES = [
    (
        "SOM",
        "IMET",
        2025,
        D(2025, 3, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-016": "waived"},
        "CSPA partial waiver PD 2024-15 allows IMET for Somalia",
    ),
    (
        "SOM",
        "FMF",
        2025,
        D(2025, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-016": "prohibits"},
        "the same partial waiver does not reach FMF",
    ),
    (
        "SOM",
        "10USC333",
        2025,
        D(2025, 3, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-016": "waived"},
        "PD 2024-15 waives for support under 10 U.S.C. 333",
    ),
    (
        "YEM",
        "10USC333",
        2024,
        D(2024, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-016": "prohibits"},
        "FY2024 Yemen waiver covers only IMET and PKO: CSPA reaches §333 through 333(d)(1)",
    ),
    (
        "YEM",
        "10USC333",
        2023,
        D(2023, 3, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-016": "waived"},
        "PD 2023-01 waived for 10 U.S.C. 333 support to Yemen",
    ),
    (
        "CAF",
        "PKO",
        2025,
        D(2025, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-016": "prohibits"},
        "FY2025 CAR waiver allows IMET only",
    ),
    (
        "CAF",
        "PKO",
        2025,
        D(2025, 3, 1),
        "government",
        "peacekeeping_preparation",
        "allowed_under_waiver",
        {"RST-016": "excepted"},
        "CSPA PKO exception for peacekeeping preparation",
    ),
    ("CAF", "IMET", 2025, D(2025, 3, 1), "government", "general", "allowed_under_waiver", {"RST-016": "waived"}, "IMET waived"),
    (
        "TUR",
        "FMF",
        2024,
        D(2024, 1, 15),
        "government",
        "general",
        "prohibited",
        {"RST-016": "prohibits"},
        "before PD 2024-06 only IMET/PKO/DCS/331/333 were waived; the FMF delegation is not a waiver",
    ),
    (
        "TUR",
        "FMF",
        2024,
        D(2024, 7, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-016": "waived"},
        "PD 2024-06 of 2024-06-28 waived CSPA fully for Turkey mid-year",
    ),
    (
        "TUR",
        "IMET",
        2024,
        D(2024, 1, 15),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-016": "waived"},
        "IMET waived all year",
    ),
    (
        "RWA",
        "FMF",
        2024,
        D(2024, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-016": "prohibits"},
        "only a delegation of waiver authority is in the sources",
    ),
    (
        "EGY",
        "FMF",
        2024,
        D(2024, 3, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-016": "waived"},
        "full CSPA waiver",
    ),
    (
        "SOM",
        "FMF",
        2025,
        D(2024, 9, 20),
        "government",
        "general",
        "prohibited",
        {"RST-016": "prohibits"},
        "the FY2025 waiver is not in force before it was signed (2024-09-30)",
    ),
    (
        "SOM",
        "10USC333",
        2025,
        D(2025, 3, 1),
        "non_government",
        "general",
        "allowed",
        {},
        "CSPA bars assistance to the government only",
    ),
    (
        "GNB",
        "IMET",
        2022,
        D(2022, 3, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-017": "waived"},
        "TVPA partial waiver PD 2022-06 allows IMET for Guinea-Bissau",
    ),
    ("GNB", "FMF", 2022, D(2022, 3, 1), "government", "general", "prohibited", {"RST-017": "prohibits"}, "but not FMF"),
    (
        "SSD",
        "PKO",
        2022,
        D(2022, 3, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-016": "waived", "RST-017": "waived"},
        "South Sudan FY2022: the CSPA waiver (2021-10-08) and the TVPA partial waiver (PD 2022-06) both allow PKO",
    ),
    (
        "KHM",
        "FMF",
        2025,
        D(2025, 3, 1),
        "government",
        "general",
        "allowed_under_waiver",
        {"RST-017": "waived"},
        "Cambodia FY2025: all assistance other than DA education waived",
    ),
    (
        "VEN",
        "FMF",
        2025,
        D(2025, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-016": "prohibits", "RST-017": "waived", "RST-018": "waived"},
        "TVPA full waiver and a drug vital-national-interest determination, but Venezuela is on the 2024 TIP Report CSPA "
        "list (RTTNews 2025-01) with no FY2025 CSPA waiver",
    ),
    (
        "BOL",
        "IMET",
        2024,
        D(2024, 3, 1),
        "government",
        "counternarcotics",
        "allowed_under_waiver",
        {"RST-018": "excepted"},
        "counternarcotics assistance is not withheld under §706(3)",
    ),
    ("MEX", "FMF", 2025, D(2025, 3, 1), "government", "general", "allowed", {}, "majors list alone restricts nothing"),
    (
        "MMR",
        "IMET",
        2023,
        D(2023, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-013": "prohibits", "RST-017": "prohibits"},
        "§7008 coup determination of 2021-02-02 and Tier 3",
    ),
    (
        "MMR",
        "IMET",
        2023,
        D(2023, 3, 1),
        "government",
        "democracy",
        "prohibited",
        {"RST-013": "excepted", "RST-017": "prohibits"},
        "democracy assistance is exempt from §7008 but not from TVPA",
    ),
    (
        "NER",
        "FMF",
        2024,
        D(2023, 11, 1),
        "government",
        "general",
        "prohibited",
        {"RST-013": "prohibits"},
        "Niger coup determination",
    ),
    (
        "NER",
        "FMF",
        2024,
        D(2023, 9, 1),
        "government",
        "general",
        "prohibited",
        {"RST-013": "prohibits"},
        "§7008 is self-executing: the bar runs from the coup of 2023-07-26, before the determination of 2023-10-10",
    ),
    (
        "GIN",
        "FMF",
        2023,
        D(2022, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-013": "prohibits"},
        "coup of 2021-09-05 (CRS IF11267): no restoration recorded",
    ),
    ("GIN", "FMF", 2025, D(2025, 1, 1), "government", "general", "prohibited", {"RST-013": "prohibits"}, "still no restoration"),
    ("KOR", "IMET", 2025, D(2025, 3, 1), "government", "general", "prohibited", {"RST-023": "prohibits"}, "22 U.S.C. 2347e"),
    ("KOR", "FMF", 2025, D(2025, 3, 1), "government", "general", "allowed", {}, "2347e bars grant IMET only"),
    ("SDN", "FMF", 2020, D(2020, 6, 1), "government", "general", "prohibited", {"RST-010": "prohibits"}, "SST until 2020-12-14"),
    (
        "SDN",
        "FMF",
        2021,
        D(2020, 12, 20),
        "government",
        "general",
        "prohibited",
        {"RST-013": "prohibits"},
        "SST rescinded 2020-12-14; the 1989 coup restriction still stands (CRS IF11267)",
    ),
    (
        "IRN",
        "PKO",
        2025,
        D(2025, 3, 1),
        "government",
        "general",
        "prohibited",
        {"RST-010": "prohibits", "RST-012": "prohibits", "RST-017": "prohibits"},
        "SST, SFOPS §7007 and Tier 3",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[1]}-FY{c[2]}-{c[3]}-{c[5]}" for c in CASES])
def test_real_case_gets_the_expected_verdict_and_findings(check, fill_gaps, case):
    """As the data stands the answer is the expected one or, where a restriction the data does not cover could
    apply, not_assessed (never a looser verdict); once those gaps are assessed, exactly the expected one."""
    country, program, fy, on_date, recipient, purpose, verdict, effects, why = case
    kwargs = {
        "country": country,
        "program": program,
        "fiscal_year": fy,
        "on_date": on_date,
        "recipient": recipient,
        "purpose": purpose,
    }
    result = check(**kwargs)
    if verdict == "prohibited" or not result.gaps:
        assert result.verdict == verdict, (why, result.as_dict())
    else:
        assert result.verdict == "not_assessed", (why, result.as_dict())
    fill_gaps(country, fy, on_date)
    result = check(**kwargs)
    found = {f.code: f.effect for f in result.findings}
    assert result.verdict == verdict, (why, result.as_dict())
    for code, effect in effects.items():
        assert found.get(code) == effect, (why, code, found)
    if not effects:
        assert result.findings == []


@pytest.mark.parametrize(
    "on_date", [D(2025, 1, 13), D(2025, 1, 14), D(2025, 1, 16), D(2025, 1, 19), D(2025, 1, 20), D(2025, 6, 1)]
)
def test_cuba_never_left_the_sst_list_in_january_2025(check, on_date):
    """The 14 Jan 2025 rescission could take effect only 45 days after the report (22 U.S.C. 2371(c)(2)); it was
    revoked on 20 Jan 2025, so the designation never lapsed."""
    result = check(country="CUB", program="FMF", fiscal_year=2025, on_date=on_date)
    codes = {f.code for f in result.findings}
    assert {"RST-010", "RST-012", "RST-017"} <= codes
    assert result.verdict == "prohibited"


def test_a_section_333_program_for_cuba_is_caught_only_by_the_sst_bar_through_333d1(check, fill_gaps):
    fill_gaps("CUB", 2025, D(2025, 1, 16))
    between = check(country="CUB", program="10USC333", fiscal_year=2025, on_date=D(2025, 1, 16))
    assert between.verdict == "prohibited"  # §7007 reaches SFOPS funds only; TVPA is not applied to Title 10
    (finding,) = between.prohibiting
    assert finding.code == "RST-010"
    assert "333(d)(1)" in finding.explanation
    assert finding.designation["effective_from"] == "2021-01-12"


def test_section_331_is_caught_through_331f_and_waived_where_the_pd_names_it(check):
    libya = check(country="LBY", program="10USC331", fiscal_year=2025, on_date=D(2025, 3, 1))
    (finding,) = [f for f in libya.findings if f.code == "RST-016"]
    assert finding.effect == "waived" and "331(f)" in finding.explanation
    assert finding.waiver["pd_number"] == "2024-15"


def test_every_finding_carries_its_citation_and_source(check):
    result = check(country="IRN", program="FMF", fiscal_year=2025, on_date=D(2025, 3, 1))
    assert result.findings
    for f in result.findings:
        assert f.citation and f.code.startswith("RST-")
        assert f.designation["source_document"] if f.effect != "not_assessed" else f.designation["missing_period"]
        assert f.explanation and f.source


def test_a_partial_waiver_names_what_it_covers_when_it_does_not_cover_the_program(check):
    result = check(country="SOM", program="FMF", fiscal_year=2025, on_date=D(2025, 3, 1))
    (finding,) = result.prohibiting
    assert "covers only" in finding.explanation and "not FMF" in finding.explanation
