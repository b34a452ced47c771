"""Jobs for the tests: importable by the worker like any product job."""

from secassist.core.jobs import job

CALLS: list[int] = []


@job(retries=3)
def always_fails() -> None:
    CALLS.append(1)
    raise RuntimeError("the mail relay is down")


@job(retries=3)
def succeeds() -> str:
    return "done"
