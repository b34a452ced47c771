"""Background jobs on RQ (REDIS_URL set, the production-shaped run of ADR 1004): a job enqueued by one
process is run by `secassist worker --batch` in another. The worker must use django-tasks-rq's Job
class; RQ's default Job calls the Task object itself and fails every job. Runs on a Redis database
index of its own, emptied before and after, so nothing else on the machine's Redis is touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

redis = pytest.importorskip("redis")

REDIS_URL = os.environ.get("SECASSIST_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def private_redis() -> str:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    client.flushdb()  # only this test's own database index
    yield REDIS_URL
    client.flushdb()


def _run(code: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(code, env=env, cwd=settings.REPO_DIR, capture_output=True, text=True, timeout=300)


def test_a_job_enqueued_on_redis_is_run_by_the_worker(private_redis: str, tmp_path: Path) -> None:
    runs = tmp_path / "runs.txt"
    env = {
        **os.environ,
        "REDIS_URL": private_redis,
        "SECASSIST_SQLITE_PATH": str(tmp_path / "jobs.sqlite3"),
        "SECASSIST_TEST_RUNS_FILE": str(runs),
        "PYTHONPATH": str(settings.REPO_DIR),
    }
    env.pop("DATABASE_URL", None)
    enqueue = (
        "import django; django.setup()\n"
        "from tests.alerts import failing_jobs\n"
        "for n in (1, 2, 3): failing_jobs.counted.enqueue(n)\n"
    )
    enqueued = _run([sys.executable, "-c", enqueue], {**env, "DJANGO_SETTINGS_MODULE": "secassist.settings"})
    assert enqueued.returncode == 0, enqueued.stderr[-2000:]
    worker = _run([str(Path(sys.executable).with_name("secassist")), "worker", "--batch"], env)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert "not callable" not in worker.stderr + worker.stdout
    assert sorted(int(line.split()[0]) for line in runs.read_text().splitlines()) == [1, 2, 3]
