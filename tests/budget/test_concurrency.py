"""Parallel writers on PostgreSQL cannot overdraw a balance (row locks on the balance rows)."""

from __future__ import annotations

import threading
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection

from secassist.budget import services
from secassist.budget.models import Allocation, Balance, LedgerEntry
from secassist.core.errors import RuleViolation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_parallel(n: int, work: Any) -> tuple[int, list[str]]:
    barrier = threading.Barrier(n)
    ok: list[int] = []
    refused: list[str] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            work(i)
            ok.append(i)
        except RuleViolation as exc:
            refused.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(ok), refused


def test_parallel_apportionments_never_exceed_the_line(build):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    line = Allocation.objects.get(pk=jor.pk)

    def apportion(i: int) -> None:
        services.post_entry(
            acting_user=build.user,
            appropriation=appr,
            allocation=line,
            entry_type="apportion",
            amount="15.00",
            reason=f"writer {i}",
        )

    done, refused = run_parallel(12, apportion)
    bal = Balance.objects.get(allocation=jor)
    assert done == 6 and set(refused) == {"BUD-013"} and len(refused) == 6
    assert bal.apportioned == bal.obligated == D("90.00") <= bal.allocated
    assert LedgerEntry.objects.filter(allocation=jor, entry_type="apportion").count() == 6
    assert bal.entries == 1 + 6  # the allocate entry and the six apportionments


def test_parallel_allocations_never_exceed_the_appropriation(build):
    appr = build.appropriation(amount="100.00")
    lines = [build.line(appr, iso3, "0") for iso3 in ("JOR", "EGY", "LBN", "IRQ", "MEX", "COL", "TUN", "MAR")]

    def allocate(i: int) -> None:
        services.post_entry(
            acting_user=build.user, appropriation=appr, allocation=lines[i], entry_type="allocate", amount="30.00"
        )

    done, refused = run_parallel(len(lines), allocate)
    total = Balance.objects.get(appropriation=appr, allocation__isnull=True)
    assert done == 3 and refused == ["BUD-001"] * 5
    assert total.allocated == D("90.00") == sum(b.allocated for b in Balance.objects.filter(allocation__in=lines))
