from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Back up the database: SQLite as a consistent online copy; other engines as a gzipped JSON dump."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup (.sqlite3 for SQLite, .json.gz otherwise)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name (a backup never overwrites)", returncode=2)
        target.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            dest = sqlite3.connect(target)
            with dest:
                connection.connection.backup(dest)  # type: ignore[union-attr]
            dest.close()
        else:
            with gzip.open(target, "wt", encoding="utf-8") as fh:
                call_command(
                    "dumpdata",
                    "--natural-foreign",
                    "--exclude=contenttypes",
                    "--exclude=auth.permission",
                    "--exclude=sessions",
                    stdout=fh,
                )
        self.stdout.write(f"backup written to {target} ({target.stat().st_size:,} bytes)")
