from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from secassist.audit.services import record
from secassist.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Restore the database from a backup made by `secassist backup` (stop the server first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="confirm that the current database is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.exists():
            raise CommandError(f"backup file not found: {source}", returncode=2)
        if not options["yes"]:
            raise CommandError("restore replaces the current database; run again with --yes to confirm", returncode=2)
        if connection.vendor == "sqlite":
            self._check_sqlite(source)
            db_path = Path(connection.settings_dict["NAME"])
            connection.close()
            shutil.copyfile(source, db_path)
            for suffix in ("-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        else:
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(source), verbosity=0)
        report = verify_chain()
        with transaction.atomic():
            record(
                actor=None,
                action="system.restore",
                object_type="database",
                object_id="default",
                after={"from": str(source), "audit_chain_ok": report.ok},
            )
        self.stdout.write(f"restored from {source}; audit chain {'intact' if report.ok else f'BROKEN at #{report.broken_at}'}")

    @staticmethod
    def _check_sqlite(source: Path) -> None:
        try:
            con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            con.execute("SELECT count(*) FROM audit_auditevent").fetchone()
            con.close()
        except sqlite3.DatabaseError as exc:
            raise CommandError(f"{source} is not a secassist SQLite backup ({exc})", returncode=2) from None
