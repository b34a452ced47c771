"""`secassist scheduler`: enqueue each periodic job once per period (core.jobs.run_due)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secassist.core.jobs import run_due
from secassist.core.registry import registry


class Command(BaseCommand):
    help = "Enqueue the recurring jobs (escalations, reminders, clock and waiver alerts) once per period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks (default 60)")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        names = ", ".join(f"{j.name} (every {j.every})" for j in registry.periodic_jobs)
        self.stdout.write(f"scheduler: {names}")
        while True:
            for name in run_due():
                self.stdout.write(f"enqueued {name}")
            if options["once"] or stopping:
                return
            for _ in range(max(1, options["interval"])):
                if stopping:
                    return
                time.sleep(1)
