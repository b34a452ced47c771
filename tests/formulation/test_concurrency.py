"""Two analysts opening the next stage at the same moment on PostgreSQL: exactly one wins, the other
is told to reload (the conditional UPDATE on the working version, ADR 1310)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from secassist.core.errors import DomainError
from secassist.formulation import services
from secassist.formulation.models import RequestStage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_only_one_of_two_concurrent_stage_openings_wins(sa_analyst: Any, admin_user: Any) -> None:
    cycle = services.create_cycle(acting_user=sa_analyst, budget_fiscal_year=2029)
    services.open_stage(acting_user=sa_analyst, cycle=cycle, kind="bureau_request", basis="empty")
    barrier = threading.Barrier(2)
    won: list[int] = []
    refused: list[str] = []

    def open_review(user: Any) -> None:
        try:
            barrier.wait()
            won.append(services.open_stage(acting_user=user, cycle=cycle, kind="pm_f_review").pk)
        except DomainError as exc:
            refused.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_review, args=(u,)) for u in (sa_analyst, admin_user)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and refused == ["conflict"]
    assert RequestStage.objects.filter(cycle=cycle, closed_at__isnull=True).count() == 1
    assert RequestStage.objects.filter(cycle=cycle, kind="pm_f_review").count() == 1
