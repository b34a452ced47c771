"""Fixtures of the country 360 and portfolio tests: a frozen day in FY2027 and a small world with data in
every section for Jordan (a Title 22 line with money at every stage and a CN, an earmark for Egypt, a §333
proposal, a USAI proposal for Ukraine, a plan, an engagement and an action item), built with the real
services. The CN obligation gate is the only stand-in (it is congress's, tested in tests/congress)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from secassist.core.registry import registry

TODAY = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)  # FY2027
FY = 2027


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def open_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Obligations pass the CN gate (the gate itself is tested in tests/congress)."""

    def gate(*, allocation: Any, amount: Decimal, on_date: dt.date, line_before: Any = None) -> None:
        return None

    monkeypatch.setattr(registry, "services", {**registry.services, "congress.obligation_gate": gate})


@pytest.fixture
def seed(frozen: Any, open_gate: Any, admin_user: Any, sa_analyst: Any, dsp_analyst: Any, fill_restriction_gaps: Any) -> Any:
    """seed.country(iso3, amount) adds a funded FY2027 FMF line; seed.world() fills every section for JOR."""
    from secassist.budget import services as budget
    from secassist.congress import loader
    from secassist.congress import services as congress
    from secassist.insights.demo import usai_row
    from secassist.plans import services as plans
    from secassist.title10 import services as title10
    from secassist.title10.demo import sample_rows

    loader.load_all()

    class Seed:
        appr: Any = None

        def appropriation(self) -> Any:
            if self.appr is None:
                self.appr = budget.create_appropriation(
                    acting_user=admin_user,
                    account="FMF",
                    fiscal_year=FY,
                    public_law="P.L. TEST-FMF-2027",
                    amount="9000000000.00",
                    enacted_on=dt.date(2026, 11, 17),
                )
            return self.appr

        def country(self, iso3: str, amount: str = "1000000.00", obligate: str = "400000.00") -> Any:
            fill_restriction_gaps(iso3, FY)  # the gaps would refuse the line (BUD-020): assessed for the test
            line = budget.create_allocation(
                acting_user=admin_user,
                appropriation=self.appropriation(),
                recipient_kind="country",
                recipient=iso3,
                amount=amount,
            )
            budget.change_status(acting_user=admin_user, allocation=line, to_status="approved")
            budget.post_entry(
                acting_user=admin_user,
                appropriation=self.appr,
                allocation=line,
                entry_type="apportion",
                amount=obligate,
                document_type="SF 132",
                document_ref=f"A-{iso3}",
            )
            return line

        def proposal(self, row: dict[str, Any]) -> Any:
            return title10.create_proposal(acting_user=admin_user, raw=row)

        def world(self) -> Any:
            jor = self.country("JOR", "425000000.00", "125000000.00")
            egy = self.country("EGY", "1300000000.00", "300000000.00")
            budget.add_earmark(
                acting_user=admin_user,
                appropriation=self.appr,
                kind="not_less_than",
                amount="1300000000.00",
                country="EGY",
                citation="SFOPS §7041(a) (Egypt): not less than $1,300,000,000 FMF for Egypt",
            )
            package = congress.create_package(
                acting_user=sa_analyst,
                title="FMF for Jordan border security",
                fiscal_year=FY,
                account="FMF",
                country="JOR",
                program="FMF",
                amount="425000000.00",
                rules=["SFOPS7015", "FMF-HEADING", "FAA634A"],
            )
            jordan_row = next(r for r in sample_rows() if r["reference"] == "CENTCOM-333-FY27-004")
            self.proposal(jordan_row)
            self.proposal(usai_row(FY))
            product = plans.create_product(
                acting_user=dsp_analyst,
                product_type="tcp",
                owner_kind="ccmd",
                owner_ccmd="CENTCOM",
                title="U.S. Central Command Theater Campaign Plan",
                version="draft 1",
                classification="SECRET",
                dissemination="NOFORN",
                classified_text_location="SIPRNet J5 library",
                countries=["JOR"],
                regions=["NEA"],
            )
            meeting = plans.create_engagement(
                acting_user=dsp_analyst,
                kind="3d_wg",
                title="3D WG on Jordan border security",
                held_on="2026-11-20",
                countries=["JOR"],
            )
            plans.add_action_item(
                acting_user=dsp_analyst,
                engagement=meeting,
                description="Send the border ISR options paper",
                owner=dsp_analyst,
                due_on="2026-12-15",
            )
            return {"jor": jor, "egy": egy, "package": package, "product": product, "engagement": meeting}

    return Seed()
