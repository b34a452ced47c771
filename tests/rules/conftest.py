"""Pure tests of the rule modules: no database, no fixtures that need one.

Mutation testing (`make mutation`, issue #12) runs these for every mutant. A test here that asked for
the database would make each run create and migrate a test database, slower than mutmut's per-mutant
timeout (every such mutant then reads "timeout", which says nothing). So a database test here is an
error at collection, not a silent slowdown.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if not str(item.path).startswith(here):
            continue
        needs_db = item.get_closest_marker("django_db") is not None or {"db", "transactional_db"} & set(
            getattr(item, "fixturenames", ())
        )
        if needs_db:
            raise pytest.UsageError(f"{item.nodeid}: tests/rules is for pure rule tests; put database tests beside their app")
