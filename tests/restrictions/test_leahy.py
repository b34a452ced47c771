"""Leahy: vetting is a condition for assistance to units everywhere; a unit finding prohibits."""

from __future__ import annotations

import datetime as dt

import pytest

from secassist.core.errors import InvalidInput
from secassist.restrictions import services

D = dt.date


@pytest.fixture
def units(restrictions_data, sa_analyst, fill_gaps):
    # Kenya and Somalia FY2025: the country-level gaps (e.g. Brooke arrears) assessed, so the unit rules show alone.
    fill_gaps("KEN", 2025, D(2025, 3, 1))
    fill_gaps("SOM", 2025, D(2025, 3, 1))

    def make(name, **fields):
        base = {
            "force_type": "military",
            "vetting_status": "approved",
            "vetted_on": D(2025, 1, 10),
            "vetting_expires_on": D(2026, 1, 10),
        }
        return services.save_unit(acting_user=sa_analyst, country=fields.pop("country", "KEN"), name=name, **{**base, **fields})

    return make


def test_assistance_to_units_anywhere_is_allowed_with_the_leahy_vetting_condition(check, units):
    unit = units("Kenya Defence Forces 1st Battalion")
    result = check(country="KEN", program="FMF", fiscal_year=2025, on_date=D(2025, 3, 1), recipient="units", units=[unit.pk])
    assert result.verdict == "allowed_with_conditions"
    assert [f.code for f in result.findings] == ["RST-090"]
    assert result.findings[0].citation == "FAA §620M, 22 U.S.C. 2378d"


def test_a_unit_with_an_unremediated_credible_information_finding_is_prohibited(check, units):
    unit = units("Special Unit X", credible_information=True, finding_date=D(2024, 5, 1))
    result = check(country="KEN", program="IMET", fiscal_year=2025, on_date=D(2025, 3, 1), units=[unit.pk])
    assert result.verdict == "prohibited"
    (finding,) = result.prohibiting
    assert finding.code == "RST-092" and finding.designation["unit"] == "Special Unit X"


def test_a_remediated_finding_leaves_only_the_vetting_condition(check, units):
    unit = units("Special Unit Y", credible_information=True, finding_date=D(2024, 5, 1), remediation_status="remediated")
    result = check(country="KEN", program="IMET", fiscal_year=2025, on_date=D(2025, 3, 1), units=[unit.pk])
    assert result.verdict == "allowed_with_conditions"


def test_an_expired_vetting_is_flagged_as_a_condition(check, units):
    unit = units("Coast Guard Unit", vetting_expires_on=D(2025, 1, 31))
    result = check(country="KEN", program="PKO", fiscal_year=2025, on_date=D(2025, 3, 1), units=[unit.pk])
    assert {f.code for f in result.findings} == {"RST-090", "RST-091"}
    assert result.verdict == "allowed_with_conditions"


def test_title10_assistance_to_a_barred_unit_is_prohibited_under_dod_leahy(check, units):
    unit = units("Brigade Z", credible_information=True, finding_date=D(2024, 5, 1))
    result = check(country="KEN", program="10USC333", fiscal_year=2025, on_date=D(2025, 3, 1), units=[unit.pk])
    assert result.verdict == "prohibited"
    assert all(f.citation == "10 U.S.C. 362" for f in result.findings)


def test_a_unit_finding_prohibits_even_where_a_country_waiver_allows_the_program(check, units):
    unit = units("Somali Unit", country="SOM", credible_information=True, finding_date=D(2024, 5, 1))
    result = check(country="SOM", program="IMET", fiscal_year=2025, on_date=D(2025, 3, 1), units=[unit.pk])
    assert result.verdict == "prohibited"
    assert {f.code: f.effect for f in result.findings}["RST-016"] == "waived"


def test_a_unit_of_another_country_is_refused_naming_the_field(check, units):
    unit = units("Kenyan unit")
    with pytest.raises(InvalidInput) as exc:
        check(country="SOM", program="IMET", fiscal_year=2025, units=[unit.pk])
    assert exc.value.details["field"] == "units"


def test_without_the_country_gaps_assessed_units_are_not_assessed_yet_the_vetting_conditions_stay_listed(check, sa_analyst):
    unit = services.save_unit(
        acting_user=sa_analyst,
        country="GHA",
        name="Ghana Unit",
        force_type="military",
        vetting_status="approved",
        vetted_on=D(2024, 1, 10),
        vetting_expires_on=D(2025, 1, 31),
    )
    result = check(country="GHA", program="PKO", fiscal_year=2025, on_date=D(2025, 3, 1), units=[unit.pk])
    assert result.verdict == "not_assessed"
    assert {c["code"] for c in result.conditions} == {"RST-090", "RST-091"}
