"""Pure tests of the rule modules: no database, no fixtures that need one.

Mutation testing (`make mutation`, issue #12) runs these for every mutant. A test here that asked for
the database would make each run create and migrate a test database, slower than mutmut's per-mutant
timeout (every such mutant then reads "timeout", which says nothing). So a database test here is an
error at collection, not a silent slowdown.
"""

from __future__ import annotations

import signal

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


#: CPU seconds a pure rule test may use. Each takes milliseconds; one that spins (a loop that never
#: reaches its end, as a mutant of a business-day count does) fails here with its name instead of
#: hanging the run or reading "timeout" in mutation testing (CPU time, so a loaded machine is no excuse).
CPU_SECONDS_PER_TEST = 10


class SpunTooLong(Exception):
    pass


def _spun(signum: int, frame: object) -> None:
    raise SpunTooLong(f"a pure rule test used more than {CPU_SECONDS_PER_TEST} CPU seconds")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    here = __file__.rsplit("/", 1)[0]
    if not str(item.path).startswith(here) or not hasattr(signal, "setitimer"):
        return (yield)
    previous = signal.signal(signal.SIGVTALRM, _spun)
    signal.setitimer(signal.ITIMER_VIRTUAL, CPU_SECONDS_PER_TEST)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
