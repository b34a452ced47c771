from __future__ import annotations

from typing import Any

import pytest

from secassist.clearances.models import ClearanceRequest
from secassist.determinations import services


@pytest.fixture
def cspa_package(sa_analyst: Any) -> Any:
    """A CSPA waiver package for Somalia (AF), FY2027, with a first justification version."""
    package = services.create_package(acting_user=sa_analyst, dtype="cspa", country="SOM", fiscal_year=2027, scope_all=True)
    services.add_version(acting_user=sa_analyst, package=package, text="National interest justification v1")
    return package


def clear_all(package: Any, admin: Any, *, except_offices: tuple[str, ...] = ()) -> None:
    from secassist.clearances.services import record_position

    for c in ClearanceRequest.objects.filter(subject_id=str(package.pk), position="pending").select_related("office"):
        if c.office.code not in except_offices:
            record_position(acting_user=admin, clearance=c, position="clear")


NOW = __import__("datetime").datetime(2026, 11, 2, 15, 0, tzinfo=__import__("datetime").UTC)


@pytest.fixture
def frozen() -> Any:
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def frozen_package(frozen: Any, sa_analyst: Any) -> Any:
    """The CSPA package opened on the frozen day."""
    package = services.create_package(acting_user=sa_analyst, dtype="cspa", country="SOM", fiscal_year=2027, scope_all=True)
    services.add_version(acting_user=sa_analyst, package=package, text="National interest justification v1")
    return package
