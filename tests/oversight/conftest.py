"""Fixtures of the oversight tests: a frozen day in FY2027, the other apps' gates switched off,
Title 22 lines built through the funds services and a concurred Title 10 proposal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from secassist.core.registry import registry

TODAY = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)  # FY2027 Q1
EXTERNAL = ("restrictions.check", "congress.obligation_gate", "congress.open_package", "congress.clearance_for")


@pytest.fixture(autouse=True)
def frozen_today() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def isolated_services(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "services", {k: v for k, v in registry.services.items() if k not in EXTERNAL})


@pytest.fixture
def funds(sa_analyst: Any) -> Any:
    """funds.line(account, iso3, amount, fy=2027) -> an approved, CN-cleared allocation; funds.post(line, type, amount, on=)."""
    from secassist.budget import services

    class Funds:
        appropriations: dict[tuple[str, int], Any] = {}

        def appropriation(self, account: str, fy: int) -> Any:
            key = (account, fy)
            if key not in self.appropriations:
                self.appropriations[key] = services.create_appropriation(
                    acting_user=sa_analyst,
                    account=account,
                    fiscal_year=fy,
                    amount="5000000000.00",
                    enacted_on=dt.date(fy - 1, 10, 15),
                    public_law=f"P.L. TEST-{account}-{fy}",
                )
            return self.appropriations[key]

        def line(self, account: str = "FMF", iso3: str = "JOR", amount: str = "1000000.00", *, fy: int = 2027) -> Any:
            alloc = services.create_allocation(
                acting_user=sa_analyst,
                appropriation=self.appropriation(account, fy),
                recipient_kind="country",
                recipient=iso3,
                amount=amount,
            )
            services.change_status(acting_user=sa_analyst, allocation=alloc, to_status="approved")
            services.set_notification(acting_user=sa_analyst, allocation=alloc, required=True, cleared=True, reason="test")
            alloc.refresh_from_db()
            return alloc

        def post(self, line: Any, entry_type: str, amount: str, on: dt.date | None = None, **kw: Any) -> Any:
            kw.setdefault("document_type", "632(b) MOA" if entry_type == "obligate" else "Voucher")
            kw.setdefault("document_ref", "TEST")
            return services.post_entry(
                acting_user=sa_analyst,
                appropriation=line.appropriation,
                allocation=line,
                entry_type=entry_type,
                amount=amount,
                effective_on=on,
                **kw,
            )

    Funds.appropriations = {}
    return Funds()


@pytest.fixture
def proposal(t10_analyst: Any, admin_user: Any) -> Any:
    """A §333 proposal for Kenya that State has concurred in (the title10 workflow itself is tested in tests/title10;
    here only the concurred state matters, so the status is set directly)."""
    from secassist.title10 import services
    from secassist.title10.models import Proposal
    from tests.title10.conftest import kenya_raw, register_unit

    register_unit(admin_user)
    p = services.create_proposal(acting_user=t10_analyst, raw=kenya_raw())
    Proposal.objects.filter(pk=p.pk).update(status="ready_to_execute", decision="concur", decided_on=dt.date(2026, 11, 1))
    p.refresh_from_db()
    return p


@pytest.fixture
def program_of() -> Any:
    from secassist.oversight.programs import Program

    def make(obj: Any) -> Any:
        return Program(allocation=obj) if hasattr(obj, "appropriation_id") else Program(proposal=obj)

    return make
