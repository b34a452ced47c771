"""Two schedulers and two workers at the same instant (issue #16: "a scheduled job runs once per period
even with two workers"). Schedulers: threads with their own database connections released together by a
barrier. Workers: two `secassist worker` processes on the test database. PostgreSQL, as in production (the
SQLite test database lives in one process's memory)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from secassist.core import jobs
from secassist.core.models import ScheduledRun
from secassist.core.registry import registry
from tests.alerts import failing_jobs

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NOON = dt.datetime(2026, 11, 9, 12, 0, tzinfo=dt.UTC)


def together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(0..n-1) in n threads released at once; returns what each returned."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.parametrize("schedulers", [2, 4])
def test_schedulers_looking_at_the_same_instant_enqueue_each_job_once(schedulers):
    claimed = together(schedulers, lambda i: jobs.run_due(NOON))
    names = Counter(name for each in claimed for name in each)
    assert names == Counter(job.name for job in registry.periodic_jobs), claimed
    assert ScheduledRun.objects.count() == len(registry.periodic_jobs)
    assert DBTaskResult.objects.count() == len(registry.periodic_jobs)


def test_two_worker_processes_run_each_enqueued_job_exactly_once(tmp_path):
    """Two `secassist worker --batch` processes on one queue: every job runs, none twice."""
    for number in range(40):
        failing_jobs.counted.enqueue(number)
    runs = tmp_path / "runs.txt"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "SECASSIST_TEST_RUNS_FILE": str(runs),
        "PYTHONPATH": str(settings.REPO_DIR),
    }
    command = [str(Path(sys.executable).with_name("secassist")), "worker", "--batch"]
    workers = [subprocess.Popen(command, env=env, cwd=settings.REPO_DIR, stderr=subprocess.PIPE) for _ in range(2)]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()[-2000:]
    lines = [line.split() for line in runs.read_text().splitlines()]
    ran = sorted(int(number) for number, _ in lines)
    assert ran == list(range(40)), f"{len(ran)} runs for 40 jobs"
    assert len({pid for _, pid in lines}) == 2, "both workers took jobs (they ran at the same time)"
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
