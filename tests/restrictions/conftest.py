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
def fill_gaps(restrictions_data: Any, fill_restriction_gaps: Any) -> Any:
    return fill_restriction_gaps
