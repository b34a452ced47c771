"""Issue #10 (ADR 0621): before a restriction's statute was in force, the engine says so (RST-095, effect
`not_in_force`, the first day in force and the enacted citation), never `not_assessed`, and it never blocks.
The first day is read from the catalog (`in_force_from`) in one place, `RestrictionRule.in_force_on`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from secassist.restrictions.engine import NOT_IN_FORCE, RestrictionRule, verdict_of

D = dt.date


def rule(*, duration: str, first: dt.date | None) -> RestrictionRule:
    return RestrictionRule(
        id=1,
        key="x",
        rule_code="RST-999",
        short_name="X",
        citation="X",
        source="",
        trigger_kind="country_designation",
        recipient_scope="government",
        accounts=frozenset({"FMF"}),
        authorities=frozenset(),
        covers_all_title10=False,
        reaches_inheriting_title10=False,
        exceptions=(),
        waiver_holder="",
        has_waiver=False,
        duration=duration,
        in_force_from=first,
        in_force_citation="P.L. 0-0" if first else "",
    )


@pytest.mark.parametrize(
    ("fy", "in_force"),
    # CSPA in force 2009-06-21: FY2008 ended 2008-09-30 (before), FY2009 ends 2009-09-30 (after)
    [(1968, False), (2008, False), (2009, True), (2010, True)],
)
def test_an_fy_scoped_restriction_is_in_force_from_the_fiscal_year_in_which_its_statute_took_effect(fy, in_force):
    assert rule(duration="fy_scoped", first=D(2009, 6, 21)).in_force_on(fy, D(2026, 11, 29)) is in_force


@pytest.mark.parametrize(("on", "in_force"), [(D(2000, 10, 27), False), (D(2000, 10, 28), True), (D(2000, 10, 29), True)])
def test_a_dated_restriction_is_in_force_from_its_first_day_a_day_either_side(on, in_force):
    assert rule(duration="open_ended", first=D(2000, 10, 28)).in_force_on(2001, on) is in_force


def test_a_restriction_without_a_recorded_first_day_is_always_in_force_and_coverage_decides():
    assert rule(duration="fy_scoped", first=None).in_force_on(1950, D(1950, 3, 1)) is True


def test_a_not_in_force_finding_alone_is_allowed():
    from secassist.restrictions.engine import CODE_NOT_IN_FORCE, Finding

    f = Finding(code=CODE_NOT_IN_FORCE, restriction="X", restriction_key="x", citation="X", effect=NOT_IN_FORCE, explanation="")
    assert verdict_of([f]) == "allowed"


@pytest.mark.parametrize(
    ("key", "fy", "on_date", "first", "citation"),
    [
        ("cspa", 1968, D(1968, 3, 1), "2009-06-21", "P.L. 110-457"),
        ("tvpa-tier3", 1968, D(1968, 3, 1), "2000-10-28", "P.L. 106-386"),
        ("cspa", 2008, D(2008, 9, 30), "2009-06-21", "P.L. 110-457"),  # the last FY before the CSPA took effect
        ("tvpa-tier3", 2000, D(2000, 9, 30), "2000-10-28", "P.L. 106-386"),  # FY2000 ended before the TVPA's enactment
    ],
)
def test_before_the_statute_the_check_says_not_in_force_with_the_date_and_citation(check, key, fy, on_date, first, citation):
    result = check(country="VEN", program="FMF", fiscal_year=fy, on_date=on_date)
    (finding,) = [f for f in result.findings if f.restriction_key == key]
    assert finding.effect == NOT_IN_FORCE and finding.code == "RST-095"
    assert first in finding.explanation and citation in finding.explanation and f"FY{fy}" in finding.explanation
    assert finding.designation == {
        "period_asked": f"FY{fy}",
        "in_force_from": first,
        "in_force_citation": finding.designation["in_force_citation"],
    }
    assert citation in finding.source
    assert finding not in result.gaps


@pytest.mark.parametrize(
    ("key", "fy", "on_date"),
    [
        ("cspa", 2009, D(2009, 3, 1)),  # in force from FY2009; no list until June 2010 (coverage complete): no finding
        ("cspa", 2010, D(2010, 3, 1)),
        ("tvpa-tier3", 2001, D(2001, 3, 1)),  # enacted in FY2001; the withholding first applied to FY2004
    ],
)
def test_from_the_first_fiscal_year_in_force_the_coverage_answers_again(check, key, fy, on_date):
    result = check(country="YEM", program="FMF", fiscal_year=fy, on_date=on_date)
    assert not [f for f in result.findings if f.restriction_key == key]


def test_the_api_answers_fy1968_with_not_in_force_findings_and_keeps_its_contract(restrictions_data, api_as, viewer):
    body = api_as(viewer).post(
        "/api/v1/restrictions/check",
        data=json.dumps({"country": "TWN", "program": "FMF", "fiscal_year": 1968, "on_date": "1968-03-01"}),
        content_type="application/json",
    )
    assert body.status_code == 200, body.content
    data = body.json()
    assert set(data) >= {"verdict", "findings", "conditions", "waivers_relied_on", "not_assessed", "assessments_relied_on"}
    by_key = {f["restriction_key"]: f for f in data["findings"]}
    assert by_key["cspa"]["effect"] == "not_in_force" and by_key["tvpa-tier3"]["effect"] == "not_in_force"
    assert {f["restriction_key"] for f in data["not_assessed"]}.isdisjoint({"cspa", "tvpa-tier3"})


def test_the_coverage_matrix_marks_the_years_before_the_statute_and_the_timeline_shows_no_gap_there(restrictions_data):
    from secassist.restrictions.coverage import country_gaps, matrix
    from secassist.restrictions.snapshot import get_snapshot

    snap = get_snapshot()
    rows = {r["restriction"]: r for r in matrix(snap, fy_from=1990, fy_to=2011, today=D(2026, 11, 29))["rows"]}
    cspa = {c["fiscal_year"]: c["status"] for c in rows["cspa"]["years"]}
    tvpa = {c["fiscal_year"]: c["status"] for c in rows["tvpa-tier3"]["years"]}
    assert cspa[1990] == cspa[2008] == "not_in_force" and cspa[2009] == cspa[2010] == "covered"
    assert tvpa[2000] == "not_in_force" and tvpa[2001] == "covered"
    gaps = country_gaps(snap, "YEM", fy_from=1990, fy_to=2010, today=D(2026, 11, 29))
    assert not [g for g in gaps if g["restriction"] in ("cspa", "tvpa-tier3")]
