"""`secassist worker`: run background jobs on the configured backend (ADR 1201)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


class Command(BaseCommand):
    help = "Run background jobs: the database worker by default, an RQ worker when REDIS_URL is set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is due now, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.REDIS_URL:
            # django-tasks-rq enqueues its own Job class, which calls the Task inside; RQ's default
            # Job would call the Task object itself and fail every job ("'Task' object is not callable").
            call_command("rqworker", "default", with_scheduler=True, burst=options["batch"], job_class=RQ_JOB_CLASS)
            return
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", "--queue-name", "*", "--no-reload", "--no-startup-delay", *extra)
