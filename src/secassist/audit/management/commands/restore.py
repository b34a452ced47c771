from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from secassist.audit.anchors import append_anchor
from secassist.audit.backups import verify_backup
from secassist.audit.guards import guards_lifted
from secassist.audit.services import record
from secassist.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by `secassist backup` (stop the server first). "
        "A backup whose audit chain does not verify is refused and nothing is restored."
    )

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
        self._check_chain(source)
        if connection.vendor == "sqlite":
            self._replace_sqlite(source)
        else:
            self._replace_by_load(source)
        report = verify_chain()
        if not report.ok:  # cannot happen after the check above unless the copy itself failed
            raise CommandError(f"restored database's audit chain is broken at #{report.broken_at}: {report.problem}")
        with transaction.atomic():
            record(
                actor=None,
                action="system.restore",
                object_type="database",
                object_id="default",
                after={"from": str(source), "audit_chain_ok": report.ok},
            )
        append_anchor(reason="restore", file=str(source.resolve()))
        self.stdout.write(f"restored from {source}; audit chain intact ({report.checked} events verified)")

    @staticmethod
    def _check_chain(source: Path) -> None:
        report = verify_backup(source)
        if not report.ok:
            raise CommandError(
                f"refusing to restore {source}: its audit chain is broken at event #{report.broken_at}: {report.problem}. "
                "Nothing was restored.",
                returncode=2,
            )

    @staticmethod
    def _replace_sqlite(source: Path) -> None:
        """Copy beside the live file, then swap it in with one rename (never a half-copied database)."""
        db_path = Path(connection.settings_dict["NAME"])
        staging = db_path.with_name(db_path.name + ".restoring")
        shutil.copyfile(source, staging)
        staging.chmod(0o600)
        connection.close()
        os.replace(staging, db_path)
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)

    @staticmethod
    def _replace_by_load(source: Path) -> None:
        """Empty and reload in one transaction: if loading fails, the old data (and guards) stay."""
        with transaction.atomic(), guards_lifted():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(source), verbosity=0)

    @staticmethod
    def _check_sqlite(source: Path) -> None:
        try:
            con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            con.execute("SELECT count(*) FROM audit_auditevent").fetchone()
            con.close()
        except sqlite3.DatabaseError as exc:
            raise CommandError(f"{source} is not a secassist SQLite backup ({exc})", returncode=2) from None
