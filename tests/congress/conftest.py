"""Fixtures of the congress tests: the notification rules loaded once, a factory for packages
and helpers that walk a package through its lifecycle with the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest


@pytest.fixture(scope="session", autouse=True)
def congress_rules(django_db_setup: Any, django_db_blocker: Any) -> None:
    from django.core.management import call_command

    from secassist.congress import loader
    from secassist.reference.models import Committee

    with django_db_blocker.unblock():
        # a transactional test that ran earlier on this worker flushed the session's reference data
        if not Committee.objects.exists():
            call_command("load_reference", verbosity=0)
        loader.load_all()


@pytest.fixture
def make_package(sa_analyst: Any) -> Any:
    from secassist.congress import services

    def make(**fields: Any) -> Any:
        values: dict[str, Any] = {
            "title": "FMF for Jordan border security",
            "fiscal_year": 2026,
            "account": "FMF",
            "country": "JOR",
            "program": "FMF",
            "amount": "25000000.00",
            "rules": ["SFOPS7015", "FMF-HEADING", "FAA634A"],
        }
        values.update(fields)
        return services.create_package(acting_user=sa_analyst, **values)

    return make


@pytest.fixture
def walk(sa_analyst: Any, sa_analyst_2: Any, clearer: Any, clearer_af: Any, approve_by: Any) -> Any:
    """walk(package, to="waiting", transmitted_on=date) moves a package with real transitions and clearances;
    the transmittal is proposed by one analyst and approved by a second (maker-checker)."""
    from secassist.clearances import selectors as clearance_selectors
    from secassist.clearances import services as clearance_services
    from secassist.congress import workflow

    order = ["in_clearance", "cleared", "waiting", "cleared_to_obligate"]

    def go(package: Any, to: str, transmitted_on: dt.date | None = None) -> Any:
        for stage in order[: order.index(to) + 1]:
            if stage == "in_clearance":
                workflow.transition(acting_user=sa_analyst, package=package, action="submit", clearing_offices=["DRL", "AF"])
            elif stage == "cleared":
                for c in clearance_selectors.for_subject(package).filter(position="pending"):
                    who = clearer if c.office.code == "DRL" else clearer_af
                    clearance_services.record_position(acting_user=who, clearance=c, position="clear")
                workflow.transition(acting_user=sa_analyst, package=package, action="clear")
            elif stage == "waiting":
                approve_by(
                    workflow.transition(
                        acting_user=sa_analyst, package=package, action="transmit", transmitted_on=transmitted_on
                    ),
                    sa_analyst_2,
                )
            else:
                workflow.transition(acting_user=sa_analyst, package=package, action="clear_to_obligate")
        package.refresh_from_db()
        return package

    return go


@pytest.fixture
def fmf_allocation(admin_user: Any, fill_restriction_gaps: Any) -> Any:
    """A real budget line: FY2026 FMF appropriation with a Jordan allocation of $50M. The restrictions the data
    does not cover for Jordan in FY2026 are recorded as assessed, so these tests exercise the CN gate alone."""
    from secassist.budget import services as budget

    fill_restriction_gaps("JOR", 2026)
    appr = budget.create_appropriation(
        acting_user=admin_user,
        account="FMF",
        fiscal_year=2026,
        public_law="P.L. 119-TEST",
        amount="100000000.00",
        enacted_on=dt.date(2025, 11, 20),
    )
    line = budget.create_allocation(
        acting_user=admin_user,
        appropriation=appr,
        recipient_kind="country",
        recipient="JOR",
        amount=Decimal("50000000.00"),
        reason="test line",
    )
    return budget.change_status(acting_user=admin_user, allocation=line, to_status="approved", reason="approved for the test")


@pytest.fixture(autouse=True)
def reference_present(request: Any) -> None:
    """A transactional test elsewhere in the run flushes the database: reload what these tests read."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from django.core.management import call_command

    from secassist.congress import loader
    from secassist.congress.models import NotificationRule
    from secassist.reference.models import Committee

    if not Committee.objects.exists():
        call_command("load_reference", verbosity=0)
    if not NotificationRule.objects.exists():
        loader.load_all()
