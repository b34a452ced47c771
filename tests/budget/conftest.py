"""Fixtures of the funds tests: a frozen day in FY2027, the other apps' services switched off
(each test that needs a CN gate or a restrictions verdict installs its own), and small builders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from secassist.core.registry import registry

TODAY = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)  # FY2027
EXTERNAL = ("restrictions.check", "congress.obligation_gate")


@pytest.fixture(autouse=True)
def frozen_today() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cleared_lines() -> set[int]:
    """Ids of the lines a cleared CN covers, as the stand-in for the congress gate sees them."""
    return set()


@pytest.fixture(autouse=True)
def isolated_services(monkeypatch: pytest.MonkeyPatch, cleared_lines: set[int]) -> dict[str, Any]:
    """The other apps switched off; the CN gate replaced by a stand-in that passes the lines built
    with `cleared=True` (the notification state itself is congress's, tested in tests/congress)."""
    from secassist.core.errors import RuleViolation

    def gate(*, allocation: Any, amount: Decimal, on_date: dt.date, line_before: Any = None) -> None:
        if allocation.notification_required and allocation.pk not in cleared_lines:
            raise RuleViolation(f"BUD-006: test stand-in: no cleared CN covers {allocation}", code="BUD-006")

    services = {k: v for k, v in registry.services.items() if k not in EXTERNAL}
    services["congress.obligation_gate"] = gate
    monkeypatch.setattr(registry, "services", services)
    return services


@pytest.fixture
def build(sa_analyst: Any, cleared_lines: set[int]) -> Any:
    """build.appropriation(...), build.line(...), build.post(...) as the SA analyst."""
    from secassist.budget import services

    class Builder:
        user = sa_analyst

        def appropriation(
            self,
            account: str = "FMF",
            fiscal_year: int = 2027,
            amount: str = "1000000000.00",
            enacted_on: dt.date = dt.date(2026, 11, 17),
            **kw: Any,
        ) -> Any:
            kw.setdefault("public_law", f"P.L. TEST-{account}-{fiscal_year}")
            return services.create_appropriation(
                acting_user=sa_analyst, account=account, fiscal_year=fiscal_year, amount=amount, enacted_on=enacted_on, **kw
            )

        def line(
            self,
            appr: Any,
            recipient: str = "JOR",
            amount: str = "0",
            *,
            kind: str = "country",
            approved: bool = True,
            cleared: bool = True,
            **kw: Any,
        ) -> Any:
            alloc = services.create_allocation(
                acting_user=sa_analyst, appropriation=appr, recipient_kind=kind, recipient=recipient, amount=amount, **kw
            )
            if approved:
                services.change_status(acting_user=sa_analyst, allocation=alloc, to_status="approved")
            if cleared:
                cleared_lines.add(alloc.pk)
            alloc.refresh_from_db()
            return alloc

        def post(self, alloc: Any, entry_type: str, amount: str | Decimal, **kw: Any) -> Any:
            return services.post_entry(
                acting_user=sa_analyst,
                appropriation=alloc.appropriation,
                allocation=alloc,
                entry_type=entry_type,
                amount=amount,
                **kw,
            )

        def balance(self, alloc: Any) -> Any:
            from secassist.budget.models import Balance

            return Balance.objects.get(allocation=alloc)

    return Builder()
