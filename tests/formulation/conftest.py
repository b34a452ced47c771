"""Fixtures of the formulation tests: a frozen day in FY2027, the restrictions verdict and the CN gate
switched off (they are tested in their apps), a FY2027 funds year to roll forward, and the real
ForeignAssistance.gov President's Budget Requests rows of the countries used."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings

from secassist.core.registry import registry

TODAY = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)  # FY2027
EXTERNAL = ("restrictions.check", "congress.obligation_gate")
FA_FILE = Path(settings.DATA_DIR) / "history/us_foreign_aid_country.csv"
FA_COUNTRIES = {"JOR", "PHL", "COL"}


@pytest.fixture(autouse=True)
def frozen_today() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def isolated_services(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "services", {k: v for k, v in registry.services.items() if k not in EXTERNAL})


@pytest.fixture
def fy2027_lines(sa_analyst: Any) -> dict[str, Any]:
    """An FY2027 FMF and IMET appropriation with three country lines allocated. The line amounts are the
    Greenbook FY2019 obligations of the same country and program (history/greenbook_military_1946_2019.csv:
    Jordan FMF 3.8e+08 and IMET 4e+06, Philippines FMF 6.6e+07; the FMF figures rounded by the source)."""
    from secassist.budget import services

    fmf = services.create_appropriation(
        acting_user=sa_analyst,
        account="FMF",
        fiscal_year=2027,
        amount="6000000000.00",
        enacted_on=dt.date(2026, 11, 17),
        public_law="P.L. TEST-FMF-2027",
    )
    imet = services.create_appropriation(
        acting_user=sa_analyst,
        account="IMET",
        fiscal_year=2027,
        amount="110000000.00",
        enacted_on=dt.date(2026, 11, 17),
        public_law="P.L. TEST-IMET-2027",
    )
    lines = {
        "JOR-FMF": services.create_allocation(
            acting_user=sa_analyst, appropriation=fmf, recipient_kind="country", recipient="JOR", amount="380000000.00"
        ),
        "PHL-FMF": services.create_allocation(
            acting_user=sa_analyst, appropriation=fmf, recipient_kind="country", recipient="PHL", amount="66000000.00"
        ),
        "JOR-IMET": services.create_allocation(
            acting_user=sa_analyst, appropriation=imet, recipient_kind="country", recipient="JOR", amount="4000000.00"
        ),
    }
    return {"fmf": fmf, "imet": imet, **lines}


@pytest.fixture
def fa_requests(tmp_path: Path, admin_user: Any) -> dict[tuple[str, int], str]:
    """The real FA.gov rows (all transaction types) of a few countries, loaded through the fa-country
    importer; returns their President's Budget Requests as {(ISO3, FY): amount}."""
    from secassist.budget.importers import import_fa_country

    with FA_FILE.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [r for r in reader if r[0] in FA_COUNTRIES]
    out = tmp_path / "fa_subset.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    import_fa_country(out, acting_user=admin_user)
    return {(r[0], int(r[8])): r[9] for r in rows if r[7] == "President's Budget Requests"}
