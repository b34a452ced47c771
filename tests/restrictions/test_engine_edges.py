"""The restrictions engine's dates at their edges: the day before, of and after every start and
end. (Issue #12 item 13: making a waiver's last day exclusive used to pass every test.)"""

from __future__ import annotations

import datetime as dt

import pytest

from secassist.restrictions.engine import DesignationFact, UnitFact, WaiverFact

DAY = dt.timedelta(days=1)
START = dt.date(2026, 3, 1)
LAST = dt.date(2026, 6, 30)


def waiver(*, fiscal_year=None, expires_on=LAST, relieves=True, effective_from=START) -> WaiverFact:
    return WaiverFact(
        id=1,
        restriction_id=1,
        country="XXX",
        kind="waiver",
        relieves=relieves,
        scope_all=True,
        scope_programs=frozenset(),
        scope_text="",
        fiscal_year=fiscal_year,
        effective_from=effective_from,
        expires_on=expires_on,
        legal_authority="",
        signed_by="",
        pd_number="",
        source_document="",
        source_url="",
    )


@pytest.mark.parametrize(("on", "in_force"), [(LAST - DAY, True), (LAST, True), (LAST + DAY, False)])
def test_a_waiver_is_in_force_through_its_last_day_inclusive(on, in_force):
    assert waiver().in_force(2026, on) is in_force


@pytest.mark.parametrize(("on", "in_force"), [(START - DAY, False), (START, True), (START + DAY, True)])
def test_a_waiver_is_in_force_from_its_effective_date(on, in_force):
    assert waiver().in_force(2026, on) is in_force


def test_a_waiver_without_an_end_stays_in_force():
    assert waiver(expires_on=None).in_force(2026, dt.date(2040, 1, 1))


def test_a_determination_that_does_not_relieve_is_never_in_force():
    assert not waiver(relieves=False).in_force(2026, START)


@pytest.mark.parametrize(
    ("expires_on", "on", "in_force"),
    [
        # An FY-scoped waiver that runs to (or past) the FY's last day answers for that FY on any later date...
        (dt.date(2026, 9, 30), dt.date(2027, 2, 1), True),
        (dt.date(2026, 10, 1), dt.date(2027, 2, 1), True),
        (None, dt.date(2027, 2, 1), True),
        # ...one cut short the day before the FY ends answers only through its own last day.
        (dt.date(2026, 9, 29), dt.date(2026, 9, 29), True),
        (dt.date(2026, 9, 29), dt.date(2026, 9, 30), False),
    ],
)
def test_a_fiscal_year_waiver_answers_for_its_year_unless_cut_short(expires_on, on, in_force):
    assert waiver(fiscal_year=2026, expires_on=expires_on).in_force(2026, on) is in_force


def test_a_fiscal_year_waiver_does_not_answer_for_another_year():
    assert not waiver(fiscal_year=2026, expires_on=None).in_force(2027, dt.date(2026, 6, 1))
    assert not waiver(fiscal_year=2026, expires_on=None).in_force(2025, dt.date(2026, 6, 1))


def designation(*, fiscal_year=None, effective_from=START, ended_on=LAST) -> DesignationFact:
    return DesignationFact(
        id=1,
        restriction_id=1,
        country="XXX",
        status="designated",
        effect="prohibits",
        fiscal_year=fiscal_year,
        effective_from=effective_from,
        ended_on=ended_on,
        source_document="",
        source_url="",
        pd_number="",
        note="",
    )


@pytest.mark.parametrize(("on", "in_force"), [(START - DAY, False), (START, True), (START + DAY, True)])
def test_a_designation_is_in_force_from_its_effective_date(on, in_force):
    assert designation().in_force(2026, on) is in_force


@pytest.mark.parametrize(("on", "in_force"), [(LAST - DAY, True), (LAST, False), (LAST + DAY, False)])
def test_a_designation_ends_on_its_end_date_exclusive(on, in_force):
    # ended_on is the day the designation stopped applying (rescission effective date).
    assert designation().in_force(2026, on) is in_force


def test_a_designation_without_a_start_date_is_not_in_force():
    assert not designation(effective_from=None).in_force(2026, START)


@pytest.mark.parametrize(("fy", "in_force"), [(2025, False), (2026, True), (2027, False)])
def test_a_fiscal_year_designation_applies_to_its_year_only(fy, in_force):
    assert designation(fiscal_year=2026, effective_from=None, ended_on=None).in_force(fy, START) is in_force


def unit(**kw) -> UnitFact:
    values = {
        "id": 1,
        "country": "XXX",
        "name": "1st Bn",
        "vetting_status": "approved",
        "vetted_on": START,
        "vetting_expires_on": LAST,
        "credible_information": False,
        "finding_date": None,
        "remediation_status": "",
    }
    values.update(kw)
    return UnitFact(**values)


@pytest.mark.parametrize(("on", "cleared"), [(LAST - DAY, True), (LAST, True), (LAST + DAY, False)])
def test_leahy_vetting_clears_a_unit_through_its_expiry_day(on, cleared):
    assert unit().cleared(on) is cleared


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended", ""])
def test_only_approved_vetting_clears_a_unit(status):
    assert not unit(vetting_status=status).cleared(START)


@pytest.mark.parametrize(("on", "barred"), [(START - DAY, False), (START, True), (START + DAY, True)])
def test_a_credible_information_finding_bars_a_unit_from_its_finding_date(on, barred):
    assert unit(credible_information=True, finding_date=START).barred(on) is barred


@pytest.mark.parametrize(
    ("remediation", "barred"), [("", True), ("in_progress", True), ("remediated", False), ("excepted", False)]
)
def test_remediation_or_an_exception_lifts_the_bar(remediation, barred):
    assert unit(credible_information=True, finding_date=None, remediation_status=remediation).barred(START) is barred


def test_no_credible_information_no_bar():
    assert not unit(credible_information=False, finding_date=None).barred(START)


# ---- coverage periods and waiver scope (mutation testing: these had no test that reached them) ------


def period(*, fy_from=None, fy_to=None, covered_from=None, covered_to=None):
    from secassist.restrictions.engine import CoveragePeriod

    return CoveragePeriod("CSPA list", "complete", fy_from, fy_to, covered_from, covered_to, "doc", "", "")


@pytest.mark.parametrize(
    ("claim", "fy", "on", "fy_scoped", "contains"),
    [
        # an FY claim answering an FY-scoped check: both ends inclusive, a year either side outside
        (period(fy_from=2024, fy_to=2026), 2023, LAST, True, False),
        (period(fy_from=2024, fy_to=2026), 2024, LAST, True, True),
        (period(fy_from=2024, fy_to=2026), 2026, LAST, True, True),
        (period(fy_from=2024, fy_to=2026), 2027, LAST, True, False),
        # a dated claim: from its first day through its last, a day either side outside
        (period(covered_from=START, covered_to=LAST), 2026, START - DAY, False, False),
        (period(covered_from=START, covered_to=LAST), 2026, START, False, True),
        (period(covered_from=START, covered_to=LAST), 2026, LAST, False, True),
        (period(covered_from=START, covered_to=LAST), 2026, LAST + DAY, False, False),
        (period(covered_from=START), 2099, dt.date(2099, 1, 1), False, True),  # maintained to date
        # a dated claim answers an FY-scoped check by its dates when it has no FYs
        (period(covered_from=START, covered_to=LAST), 2026, LAST + DAY, True, False),
        # an FY claim answering a dated check
        (period(fy_from=2026, fy_to=2026), 2026, LAST, False, True),
        (period(fy_from=2026, fy_to=2026), 2025, LAST, False, False),
        (period(fy_from=2026, fy_to=2026), 2027, LAST, False, False),
        # half an FY span is no claim; nothing recorded is never a yes
        (period(fy_from=2026), 2026, LAST, True, False),
        (period(fy_to=2026), 2026, LAST, False, False),
        (period(fy_to=2026), 2026, LAST, True, False),
        (period(), 2026, LAST, True, False),
    ],
)
def test_a_coverage_claim_contains_its_period_inclusive_and_nothing_else(claim, fy, on, fy_scoped, contains):
    assert claim.contains(fy, on, fy_scoped=fy_scoped) is contains


def test_a_waiver_covers_every_program_or_only_those_it_names():
    from dataclasses import replace

    every = waiver()
    named = replace(every, scope_all=False, scope_programs=frozenset({"FMF", "IMET"}))
    assert every.covers("PKO") and named.covers("FMF") and named.covers("IMET")
    assert not named.covers("PKO")
    assert not replace(named, scope_programs=frozenset()).covers("FMF")
