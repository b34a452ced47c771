"""Demo step (order 600): a Ukraine Security Assistance Initiative proposal, so that Ukraine's
country 360 and the portfolio show Title 10 money by authority (FY2016 NDAA §1250, as amended).

The sample DoD workbook (title10 demo) has no USAI proposal. This one is recorded through the
title10 service like any received proposal; its wording follows public descriptions of USAI
(SAMM Appendix 8; DoD press releases on USAI packages) and its amounts are illustrative demo
figures, marked as such in the title. Idempotent: a second run finds it and leaves it alone.
"""

from __future__ import annotations

from typing import Any

from secassist.core import clock
from secassist.core.fiscal import FiscalYear
from secassist.title10 import services
from secassist.title10.models import Proposal


def usai_row(fy: int) -> dict[str, Any]:
    return {
        "reference": f"EUCOM-USAI-FY{fy % 100:02d}-001",
        "title": "Ukraine counter-drone and air defense sustainment (demo figures)",
        "authority": "NDAA16S1250",
        "fiscal_year": str(fy),
        "ccmd": "EUCOM",
        "country": "UKR",
        "purposes": "operational_support; training_education",
        "description": "Procure counter-unmanned aircraft systems, air-defense interceptor sustainment and training for the "
        "Armed Forces of Ukraine under the Ukraine Security Assistance Initiative (FY2016 NDAA §1250, as amended).",
        "units": "Armed Forces of Ukraine",
        "articles_cost": "42000000.00",
        "training_cost": "6500000.00",
        "services_cost": "3500000.00",
        "articles_description": "Counter-UAS detection radars and jammers; interceptor spare parts",
        "training_description": "Operator and maintainer training",
        "services_description": "Contractor logistics support",
        "received_on": clock.today().isoformat(),
    }


def run(*, acting_user: Any = None, stdout: Any = None) -> None:
    fy = FiscalYear.of(clock.today()).year
    row = usai_row(fy)
    if Proposal.objects.filter(reference=row["reference"]).exists():
        return
    proposal = services.create_proposal(acting_user=acting_user, raw=row)
    if stdout is not None:
        stdout.write(f"  {proposal.reference}: USAI proposal for Ukraine, FY{fy}")
