"""Fixtures of the Title 10 tests: a complete §333 proposal for Kenya, and stand-ins for the
cross-app services (restrictions engine, congress workbench) so each test controls their answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from secassist.core.registry import registry


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """A transactional test elsewhere in the run flushes the database: reload the reference data."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from django.core.management import call_command

    from secassist.reference.models import Authority

    if not Authority.objects.exists():
        call_command("load_reference", verbosity=0)


def kenya_raw(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "reference": "AFRICOM-333-FY27-901",
        "title": "Kenya maritime border security",
        "authority": "10USC333",
        "fiscal_year": "2027",
        "ccmd": "AFRICOM",
        "country": "KEN",
        "purposes": "maritime_border; counterterrorism",
        "description": (
            "Provide rigid-hull patrol boats and operator training to the Kenya Navy Special Boat Unit "
            "for maritime border security."
        ),
        "units": "Kenya Navy Special Boat Unit",
        "articles_cost": "6200000.00",
        "articles_description": "Four 11m RHIB patrol boats",
        "training_cost": "1150000.50",
        "training_description": "Operator and maintainer courses",
        "absorptive_capacity": "Operates two earlier U.S. boats at 80% readiness.",
        "timeline": "LOA Q2 FY2027; delivery Q1 FY2028.",
        "delivery_schedule": "One lot, Q1 FY2028.",
        "sustainment_plan": "Two years of spares, then the Kenya Navy.",
        "sustainment_cost": "900000",
        "sustainment_source": "Kenya defense budget",
        "sustainment_years": "3",
        "prior_assistance": "FY2024-FY2026: FMF, IMET, §333 ISR.",
        "tcp_linkage": "AFRICOM TCP LOE 2.",
        "ics_linkage": "Kenya ICS Mission Objective 3.",
        "alternative_authorities": "FMF considered; timing does not allow.",
        "cert_human_rights": "yes",
        "cert_institutional_capacity": "yes",
        "received_on": "2026-09-15",
    }
    raw.update(overrides)
    return raw


@dataclass
class FakeResult:
    verdict: str
    findings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "findings": self.findings, "restrictions_checked": 12}


@pytest.fixture
def restrictions(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Set `restrictions['verdict']`; every call is kept in `restrictions['calls']`."""
    state: dict[str, Any] = {"verdict": "allowed", "findings": [], "calls": []}

    def check(**kwargs: Any) -> FakeResult:
        state["calls"].append(kwargs)
        return FakeResult(state["verdict"], state["findings"])

    monkeypatch.setitem(registry.services, "restrictions.check", check)
    return state


@pytest.fixture
def no_restrictions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(registry.services, "restrictions.check", raising=False)


@pytest.fixture
def congress(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A stand-in notifications workbench: opened packages and a settable clearance date."""
    state: dict[str, Any] = {"opened": [], "cleared_on": None}

    @dataclass
    class Package:
        number: str

    def open_package(*, acting_user: Any, source: Any, **fields: Any) -> Package:
        state["opened"].append({"source": source, **fields})
        return Package(number="CN-2027-901")

    def clearance_for(source: Any) -> dict[str, Any]:
        return {
            "number": "CN-2027-901",
            "status": "waiting",
            "wait_ends_on": dt.date(2026, 12, 20),
            "cleared_to_obligate_on": state["cleared_on"],
        }

    monkeypatch.setitem(registry.services, "congress.open_package", open_package)
    monkeypatch.setitem(registry.services, "congress.clearance_for", clearance_for)
    return state


@pytest.fixture
def no_congress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(registry.services, "congress.open_package", raising=False)
    monkeypatch.delitem(registry.services, "congress.clearance_for", raising=False)


def register_unit(admin: Any, name: str = "Kenya Navy Special Boat Unit", iso3: str = "KEN", **fields: Any) -> Any:
    from secassist.restrictions import services as unit_services

    values: dict[str, Any] = {
        "force_type": "military",
        "vetting_status": "approved",
        "vetted_on": dt.date(2026, 6, 1),
        "vetting_expires_on": dt.date(2027, 6, 1),
    }
    values.update(fields)
    return unit_services.save_unit(acting_user=admin, country=iso3, name=name, **values)


@pytest.fixture
def kenya_unit(admin_user: Any) -> Any:
    return register_unit(admin_user)


@pytest.fixture
def make_proposal(t10_analyst: Any, kenya_unit: Any) -> Any:
    from secassist.title10 import services

    def make(**overrides: Any) -> Any:
        return services.create_proposal(acting_user=t10_analyst, raw=kenya_raw(**overrides))

    return make


def answer_all(proposal: Any, admin: Any, position: str = "clear") -> None:
    from secassist.clearances import services as clearance_services
    from secassist.clearances.selectors import for_subject

    for c in for_subject(proposal).filter(position="pending"):
        clearance_services.record_position(
            acting_user=admin, clearance=c, position=position, comments="" if position == "clear" else "see comments"
        )


@pytest.fixture
def under_review(make_proposal: Any, t10_analyst: Any, admin_user: Any) -> Any:
    from secassist.title10 import services

    proposal = make_proposal()
    services.route_proposal(acting_user=t10_analyst, proposal=proposal)
    answer_all(proposal, admin_user)
    return services.begin_review(acting_user=t10_analyst, proposal=proposal)
