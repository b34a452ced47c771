from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve secassist with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("SECASSIST_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SECASSIST_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SECASSIST_WORKERS", "2")))
        parser.add_argument(
            "--no-jobs", action="store_true", help="do not start the job worker and scheduler beside the web server"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        call_command("collectstatic", interactive=False, verbosity=0)
        from secassist.wsgi import application

        bind = f"{options['host']}:{options['port']}"

        class App(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", 4)
                self.cfg.set("accesslog", "-")

            def load(self) -> Any:
                return application

        helpers = [] if options["no_jobs"] else _start_job_processes()
        self.stdout.write(f"secassist is serving on http://{bind}/  (Ctrl-C to stop)")
        try:
            App().run()
        finally:
            for process in helpers:
                process.terminate()


def _start_job_processes() -> list[subprocess.Popen[bytes]]:
    """The default install needs nothing else running: the worker and scheduler start with the server."""
    command = [sys.executable, "-m", "secassist"]
    return [subprocess.Popen([*command, "worker"]), subprocess.Popen([*command, "scheduler"])]
