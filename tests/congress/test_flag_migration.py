"""The retired "notification cleared" flag becomes a historical CN record awaiting approval:
nothing lost, nothing silently cleared (congress 0003)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("congress", "0002_package_kind_historical"), ("budget", "0004_history_source_fa_complete")]
AFTER = [("congress", "0003_notification_flags_to_historical_packages"), ("budget", "0005_remove_free_notification_cleared_flag")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_flags_become_pending_historical_packages_and_notified_lines_step_back() -> None:
    old = _migrate(BEFORE)
    account = old.get_model("reference", "Title22Account").objects.get(code="FMF")
    country = old.get_model("reference", "Country").objects.get(iso3="JOR")
    now = timezone.now()
    appr = old.get_model("budget", "Appropriation").objects.create(
        account=account,
        fiscal_year=2026,
        public_law="P.L. MIGRATION",
        enacted_on=dt.date(2025, 12, 1),
        amount=Decimal("100.00"),
        years_available=2,
        obligation_period_end=dt.date(2027, 9, 30),
        reobligation_window_end=dt.date(2031, 9, 30),
        cancellation_date=dt.date(2032, 9, 30),
        created_at=now,
    )
    Allocation = old.get_model("budget", "Allocation")
    flagged = Allocation.objects.create(
        appropriation=appr,
        account=account,
        recipient_kind="country",
        country=country,
        recipient_name="Jordan",
        status="notified",
        notification_cleared=True,
        created_at=now,
    )
    plain = Allocation.objects.create(
        appropriation=appr,
        account=account,
        recipient_kind="country",
        country=country,
        recipient_name="Jordan",
        purpose="other",
        status="approved",
        notification_cleared=False,
        created_at=now,
    )
    old.get_model("budget", "Balance").objects.create(
        appropriation=appr, allocation=flagged, allocated=Decimal("40.00"), updated_at=now
    )

    _migrate(AFTER)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # back to the latest state for the rest of the run
    from secassist.budget.models import Allocation as Line
    from secassist.congress.models import Package

    [package] = Package.objects.filter(kind="historical")
    assert (package.status, package.amount, package.transmitted_on, package.cleared_to_obligate_on) == (
        "drafting",
        Decimal("40.00"),
        None,
        None,
    )
    assert list(package.allocations.values_list("pk", flat=True)) == [flagged.pk]
    assert package.number == "CN-2026-001" and "retired" in package.description
    assert Line.objects.get(pk=flagged.pk).status == "approved"
    assert Line.objects.get(pk=plain.pk).status == "approved"
    assert not hasattr(Line, "notification_cleared")
