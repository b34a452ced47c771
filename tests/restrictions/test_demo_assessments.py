"""The demo analyst's assessments (demo step, order 90): recorded, labelled, only where the latest covered
year does not restrict the country, and idempotent — the current-year demo lines can move, and a country
the last record restricted stays `not_assessed`."""

from __future__ import annotations

import io

import pytest

from secassist.core import clock
from secassist.core.fiscal import FiscalYear
from secassist.restrictions import demo
from secassist.restrictions.models import Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def fy() -> int:
    return FiscalYear.of(clock.today()).year


def _run(user) -> str:
    out = io.StringIO()
    demo.record_demo_assessments(acting_user=user, stdout=out)
    return out.getvalue()


def test_the_demo_lines_can_move_and_every_assessment_says_it_is_a_demonstration(check, admin_user, fy):
    assert check(country="JOR", program="FMF", fiscal_year=fy).verdict == "not_assessed"  # the data stops before fy
    text = _run(admin_user)
    assert "demonstration assessments recorded" in text
    for iso3, program in (("JOR", "FMF"), ("UKR", "IMET"), ("ISR", "FMF"), ("MEX", "FMF")):
        result = check(country=iso3, program=program, fiscal_year=fy)
        assert result.verdict != "not_assessed", (iso3, program, [g.explanation for g in result.gaps])
        assert result.as_dict()["assessments_relied_on"], "the answer names the assessments it relies on"
    recorded = Assessment.objects.filter(fiscal_year=fy)
    assert recorded.exists() and all(a.basis.startswith(demo.DEMO_MARK) for a in recorded)
    assert set(recorded.values_list("conclusion", flat=True)) == {"does_not_apply"}


@pytest.mark.parametrize(
    ("iso3", "program", "restriction"),
    [
        ("SOM", "PKO", "cspa"),  # CSPA list of FY2025 (PD 2024-15), partially waived
        ("CAF", "PKO", "cspa"),  # CSPA list of FY2025 (PD 2024-15)
        ("SSD", "PKO", "tvpa-tier3"),  # Tier 3, FY2025 (PD 2024-14) and FY2026 (2025 report)
        ("COL", "FMF", "drug-majors-490"),  # failed demonstrably in FY2026 (determination of 2025-09-15), relieved as vital
    ],
)
def test_a_country_the_latest_record_restricts_is_left_not_assessed(check, admin_user, fy, iso3, program, restriction):
    text = _run(admin_user)
    assert f"{iso3} " in text and "left not assessed" in text
    result = check(country=iso3, program=program, fiscal_year=fy)
    assert result.verdict == "not_assessed"
    assert restriction in {g.restriction_key for g in result.gaps}
    assert not Assessment.objects.filter(country__iso3=iso3, restriction__key=restriction, fiscal_year=fy).exists()


def test_a_second_run_records_nothing_more(check, admin_user, fy):
    _run(admin_user)
    before = Assessment.objects.count()
    again = _run(admin_user)
    assert f"FY{fy}: 0 demonstration assessments" in again
    assert Assessment.objects.count() == before


def test_the_step_runs_before_the_funds_demo():
    from secassist.core.registry import registry

    orders = {step.name: step.order for step in registry.demo_steps}
    assessments = next(o for name, o in orders.items() if "assessments" in name)
    funds = next(o for name, o in orders.items() if name.startswith("Title 22 funds: history"))
    assert assessments < funds
