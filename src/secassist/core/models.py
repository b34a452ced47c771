"""Core keeps one table: the record that a periodic job was enqueued for a period (see core.jobs)."""

from __future__ import annotations

from django.db import models


class ScheduledRun(models.Model):
    """One row per periodic job and period: the unique constraint is what makes two schedulers (or two
    machines) enqueue a period's run exactly once."""

    name = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period_start"], name="core_scheduled_run_once_per_period")]
        indexes = [models.Index(fields=["name", "-period_start"], name="core_scheduled_run_recent_idx")]

    def __str__(self) -> str:
        return f"{self.name} for {self.period_start:%Y-%m-%d %H:%M}"
