"""Restrictions data for the tests: the product's own cited seed files (and the shared coup coding,
read in place). The session database already has them (the restrictions reference step runs with
`load_reference`); this fixture (re)loads them idempotently once per module inside a transaction
rolled back at the end of the module, so the tests also hold where the session data is missing
(e.g. after a transactional test flushed the database)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def _restrictions_seed(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    from secassist.restrictions.loader import load_restrictions

    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_restrictions(acting_user=None)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def restrictions_data(_restrictions_seed: Any, db: Any) -> Any:
    return _restrictions_seed


@pytest.fixture
def check(restrictions_data: Any) -> Any:
    from secassist.restrictions.checking import check as run

    return run


@pytest.fixture
def fill_gaps(restrictions_data: Any, admin_user: Any) -> Any:
    """fill_gaps(country, fiscal_year, on_date): record an analyst's `does_not_apply` assessment for every
    restriction the data leaves uncovered for that country and period (any program), so a test can exercise
    the rest of the verdict. Returns the restriction keys it filled."""
    from secassist.restrictions.checking import check as run
    from secassist.restrictions.services import record_assessment

    def fill(country: str, fiscal_year: int, on_date: Any = None) -> set[str]:
        keys: set[str] = set()
        for program in ("FMF", "IMET", "PKO", "10USC333", "10USC331"):
            result = run(country=country, program=program, fiscal_year=fiscal_year, on_date=on_date)
            keys |= {f.restriction_key for f in result.gaps}
        for key in sorted(keys):
            record_assessment(
                acting_user=admin_user,
                restriction=key,
                country=country,
                fiscal_year=fiscal_year,
                conclusion="does_not_apply",
                basis="Test fixture: the gap is assumed assessed so that the rest of the verdict can be exercised.",
                source_document="test fixture",
            )
        return keys

    return fill
