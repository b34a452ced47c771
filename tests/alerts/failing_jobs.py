"""Jobs for the tests: importable by the worker like any product job."""

import os
import time

from secassist.core.jobs import job

CALLS: list[int] = []


@job(retries=3)
def always_fails() -> None:
    CALLS.append(1)
    raise RuntimeError("the mail relay is down")


@job(retries=3)
def succeeds() -> str:
    return "done"


COUNTED: list[int] = []


@job(retries=3)
def counted(number: int) -> int:
    """Records each run, so a test can tell a job that ran twice from one that ran once (in a file when
    the worker is another process)."""
    path = os.environ.get("SECASSIST_TEST_RUNS_FILE")
    if path:
        time.sleep(0.2)  # long enough that two workers are busy at the same time
        with open(path, "a") as out:
            out.write(f"{number} {os.getpid()}\n")
    else:
        COUNTED.append(number)
    return number
