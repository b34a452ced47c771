"""Issue #10: real cases from FY1999 onward, each with its public source. As the data stands the answer is the
public record's, or not_assessed naming the gap, never a false allowed; §7008 runs from the coup; the SST
rescission takes effect under 22 U.S.C. 2371(c)(2) only 45 days after the report."""

from __future__ import annotations

import datetime as dt

import pytest

D = dt.date

# (country, program, fy, on_date, expected verdict, {restriction_key: effect}, source)
CASES = [
    ("MLI", "IMET", 2012, D(2012, 6, 15), "prohibited", {"coup-7008": "prohibits"}, "Reuters/AP 2012-03-26: coup of 22 Mar 2012"),
    ("MLI", "FMF", 2013, D(2013, 9, 5), "prohibited", {"coup-7008": "prohibits"}, "restriction lifted 6 Sep 2013 (Reuters)"),
    ("FJI", "IMET", 2010, D(2010, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "US Embassy Suva §508 page; AP 2014-10-31"),
    ("FJI", "PKO", 2014, D(2014, 10, 30), "prohibited", {"coup-7008": "prohibits"}, "lifted 31 Oct 2014 (AP)"),
    ("THA", "FMF", 2007, D(2007, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "AP 2006-09-28: USD 24m suspended"),
    ("THA", "IMET", 2015, D(2015, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "AP 2014-05-23"),
    ("HND", "FMF", 2009, D(2009, 9, 10), "prohibited", {"coup-7008": "prohibits"}, "State statement 2009-09-03"),
    ("MDG", "IMET", 2010, D(2010, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "UPI 2009-03-20; CRS R40448"),
    ("MMR", "IMET", 2022, D(2022, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "State briefing 2021-02-02"),
    ("NER", "FMF", 2023, D(2023, 8, 1), "prohibited", {"coup-7008": "prohibits"}, "coup 26 Jul 2023; determination 10 Oct 2023"),
    ("GAB", "IMET", 2024, D(2024, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "State statement 2023-10-23"),
    ("BFA", "PKO", 2023, D(2023, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "Reuters 2022-02-19; CRS IF11267"),
    (
        "PRK",
        "IMET",
        2010,
        D(2010, 3, 1),
        "prohibited",
        {"sfops-7007": "prohibits"},
        "SFOPS §7007 (FY2010 act) [unconfirmed list]",
    ),
    (
        "PAK",
        "FMF",
        1999,
        D(1999, 3, 1),
        "prohibited",
        {"symington-glenn": "prohibits"},
        "State fact sheet 2001-09-22; CRS 98-486",
    ),
    ("IND", "IMET", 2000, D(2000, 3, 1), "prohibited", {"symington-glenn": "prohibits"}, "Glenn sanctions 13 May 1998"),
    ("PAK", "IMET", 2000, D(2000, 3, 1), "prohibited", {"coup-7008": "prohibits"}, "§508 applied after 12 Oct 1999 coup"),
    ("CUB", "FMF", 2025, D(2025, 1, 16), "prohibited", {"sst-620a": "prohibits"}, "22 U.S.C. 2371(c)(2); revoked 20 Jan 2025"),
    ("SDN", "FMF", 2021, D(2020, 12, 13), "prohibited", {"sst-620a": "prohibits"}, "rescission effective 14 Dec 2020"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[1]}-FY{c[2]}-{c[3]}" for c in CASES])
def test_a_historical_case_gets_the_public_records_answer(check, case):
    country, program, fy, on_date, verdict, effects, source = case
    result = check(country=country, program=program, fiscal_year=fy, on_date=on_date)
    found = {(f.restriction_key, f.effect) for f in result.findings}
    assert result.verdict == verdict, (source, result.as_dict())
    for key, effect in effects.items():
        assert (key, effect) in found, (source, found)


@pytest.mark.parametrize(
    ("country", "program", "fy", "on_date", "source"),
    [
        ("FJI", "IMET", 2015, D(2014, 10, 31), "lifted 31 Oct 2014 (AP 2014-10-31)"),
        ("MLI", "IMET", 2014, D(2013, 9, 6), "restriction lifted 6 Sep 2013"),
    ],
)
def test_the_coup_bar_ends_on_the_recorded_restoration(check, country, program, fy, on_date, source):
    result = check(country=country, program=program, fiscal_year=fy, on_date=on_date)
    assert not [f for f in result.findings if f.restriction_key == "coup-7008" and f.effect == "prohibits"], source


@pytest.mark.parametrize(
    ("on_date", "coup_bar"),
    [(D(2012, 3, 21), False), (D(2012, 3, 22), True), (D(2013, 9, 5), True), (D(2013, 9, 6), False)],
)
def test_the_mali_2012_bar_runs_from_the_coup_day_to_the_restoration_day(check, on_date, coup_bar):
    result = check(country="MLI", program="IMET", fiscal_year=2012, on_date=on_date)
    barred = any(f.restriction_key == "coup-7008" and f.effect == "prohibits" for f in result.findings)
    assert barred is coup_bar


def test_egypt_2013_is_excepted_by_the_recorded_decision_and_names_it(check):
    before = check(country="EGY", program="FMF", fiscal_year=2013, on_date=D(2013, 7, 24))
    after = check(country="EGY", program="FMF", fiscal_year=2014, on_date=D(2013, 11, 1))
    assert {(f.restriction_key, f.effect) for f in before.findings} >= {("coup-7008", "prohibits")}
    coup = {f.effect for f in after.findings if f.restriction_key == "coup-7008"}
    assert "excepted" in coup and "prohibits" not in coup
    assert any(w["restriction_key"] == "coup-7008" for w in after.waivers_relied_on)
    assert after.verdict != "allowed"


def test_an_unresolved_coup_is_not_assessed_not_allowed(check):
    result = check(country="TCD", program="FMF", fiscal_year=2022, on_date=D(2022, 3, 1))
    assert result.verdict in ("not_assessed", "prohibited")
    assert any(f.restriction_key == "coup-7008" and f.effect == "not_assessed" for f in result.findings)


def test_an_unconfirmed_restoration_leaves_a_condition_saying_so(check):
    result = check(country="HND", program="FMF", fiscal_year=2011, on_date=D(2011, 3, 1))
    assert any(c["restriction_key"] == "coup-7008" and "unconfirmed" in c["text"] for c in result.conditions)


def test_an_unconfirmed_row_says_so_in_its_finding(check):
    result = check(country="PRK", program="IMET", fiscal_year=2010, on_date=D(2010, 3, 1))
    (finding,) = [f for f in result.findings if f.restriction_key == "sfops-7007"]
    assert "UNCONFIRMED" in finding.explanation


@pytest.mark.parametrize(
    ("country", "on_date", "designated"),
    [
        ("CUB", D(2025, 1, 13), True),
        ("CUB", D(2025, 1, 14), True),
        ("CUB", D(2025, 1, 19), True),
        ("CUB", D(2025, 1, 20), True),
        ("CUB", D(2025, 3, 1), True),
        ("CUB", D(2015, 5, 28), True),
        ("CUB", D(2015, 5, 29), False),
        ("SDN", D(2020, 12, 13), True),
        ("SDN", D(2020, 12, 14), False),
        ("PRK", D(2008, 10, 10), True),
        ("PRK", D(2008, 10, 11), False),
        ("LBY", D(2006, 6, 29), True),
        ("LBY", D(2006, 6, 30), False),
    ],
)
def test_sst_rescissions_take_effect_as_computed_under_2371c(check, country, on_date, designated):
    result = check(country=country, program="FMF", fiscal_year=on_date.year, on_date=on_date)
    assert any(f.restriction_key == "sst-620a" and f.effect == "prohibits" for f in result.findings) is designated


def test_the_rescission_rule_waits_45_days_and_a_revocation_before_then_means_no_lapse():
    from secassist.restrictions.loader import rescission_end

    row = {"path": "c2_45_day_report", "report_on": D(2025, 1, 14), "rescinded_on": None, "revoked_on": None}
    assert rescission_end(row) == D(2025, 2, 28)
    assert rescission_end({**row, "revoked_on": D(2025, 2, 27)}) is None
    assert rescission_end({**row, "revoked_on": D(2025, 2, 28)}) == D(2025, 2, 28)
    assert rescission_end({**row, "rescinded_on": D(2025, 2, 1)}) == D(2025, 2, 28)
    assert rescission_end({**row, "rescinded_on": D(2025, 3, 10)}) == D(2025, 3, 10)


def test_the_coverage_api_shows_known_and_missing_years(restrictions_data, api_as, viewer):
    body = api_as(viewer).get("/api/v1/restrictions/coverage?fy_from=2008&fy_to=2026").json()
    rows = {r["restriction"]: {y["fiscal_year"]: y["status"] for y in r["years"]} for r in body["rows"]}
    assert rows["sfops-7007"][2008] == "covered" and rows["sfops-7007"][2010] == "partial"
    assert rows["brooke-7012"][2020] == "missing"
    assert rows["tvpa-tier3"][2023] == "covered"
    assert rows["sst-620a"][2010] == "covered"
    assert all(y["sources"] for y in next(r for r in body["rows"] if r["restriction"] == "sst-620a")["years"])


def test_the_coverage_page_is_an_accessible_table(restrictions_data, client_as, viewer):
    from django.urls import reverse

    html = client_as(viewer).get(reverse("restrictions:coverage")).content.decode()
    assert "<caption>Coverage by restriction and fiscal year" in html and 'scope="row"' in html
