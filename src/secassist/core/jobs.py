"""Background jobs: one thin interface over Django's task framework (django-tasks, ADR 1201).

The backend is configuration: the ORM backend (`django_tasks_db`, worker `secassist worker`) by
default, RQ on Redis when REDIS_URL is set. Jobs call services and hold no logic of their own.

- `@job(retries=3)` makes a task that, when it raises, re-enqueues itself with a growing delay until
  its attempts are spent; every failed attempt stays visible as a FAILED task result (admin: Tasks).
- `run_due(now)` enqueues each registered periodic job once per period: the period is claimed by
  inserting a `ScheduledRun` row under a unique constraint, so two schedulers never both enqueue it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django_tasks import task

from . import clock
from .registry import PeriodicJob, registry

logger = logging.getLogger("secassist.jobs")
RETRY_BASE_DELAY = dt.timedelta(seconds=30)
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def job(*, retries: int = 3) -> Callable[[Callable[..., Any]], Any]:
    """A task that retries itself: attempt n+1 runs 30 s × 2ⁿ after attempt n failed."""

    def decorate(func: Callable[..., Any]) -> Any:
        holder: dict[str, Any] = {}

        @wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception:
                logger.exception("job %s failed (attempt %d of %d)", func.__qualname__, attempt, retries)
                if attempt < retries:
                    later = clock.now() + RETRY_BASE_DELAY * (2**attempt)
                    holder["task"].using(run_after=later).enqueue(*args, attempt=attempt + 1, **kwargs)
                raise

        made = task()(run)
        holder["task"] = made
        return made

    return decorate


def period_start(every: dt.timedelta, now: dt.datetime) -> dt.datetime:
    """The start of the period containing `now`, periods counted from a fixed epoch (UTC)."""
    periods = (now - EPOCH) // every
    return EPOCH + periods * every


def _claim(periodic: PeriodicJob, start: dt.datetime, now: dt.datetime) -> bool:
    from .models import ScheduledRun

    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=periodic.name, period_start=start, enqueued_at=now)
    except IntegrityError:
        return False  # another scheduler claimed this period first
    return True


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose current period has not been claimed yet; returns their names."""
    now = now or clock.now()
    enqueued = []
    for periodic in registry.periodic_jobs:
        start = period_start(periodic.every, now)
        if _claim(periodic, start, now):
            result = periodic.task.enqueue()
            from .models import ScheduledRun

            ScheduledRun.objects.filter(name=periodic.name, period_start=start).update(task_result_id=str(result.id))
            enqueued.append(periodic.name)
    return enqueued
