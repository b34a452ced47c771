from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve secassist with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("SECASSIST_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SECASSIST_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SECASSIST_WORKERS", "2")))
        parser.add_argument(
            "--no-jobs", action="store_true", help="do not start the job worker and scheduler beside the web server"
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="the production-shaped run (ADR 1004): refuse to start unless the database is PostgreSQL "
            "(DATABASE_URL) and the cache and job queue are Redis (REDIS_URL), both answering, with no "
            "migration pending",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        if options["production"]:
            _check_production_shape()
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


def _check_production_shape() -> None:
    """Two workers share nothing but PostgreSQL and Redis: check both answer before serving."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    problems = []
    if connection.vendor != "postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL (postgres://user@host:5432/name)")
    if not settings.REDIS_URL or not str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache"):
        problems.append("REDIS_URL must be set (redis://127.0.0.1:6379/0): the workers' shared cache and job queue")
    if problems:
        raise CommandError("serve --production: " + "; ".join(problems))
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        raise CommandError(f"serve --production: PostgreSQL does not answer: {exc}") from exc
    if pending:
        raise CommandError(f"serve --production: {len(pending)} migration(s) pending: run `secassist migrate` first")
    try:
        cache.set("serve-production-check", "ok", 10)
        answered = cache.get("serve-production-check") == "ok"
    except Exception as exc:
        raise CommandError(f"serve --production: Redis does not answer at {settings.REDIS_URL}: {exc}") from exc
    if not answered:
        raise CommandError(f"serve --production: Redis at {settings.REDIS_URL} did not keep a value")
    connection.close()  # gunicorn forks the workers: each opens its own connection
