from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from secassist.audit.anchors import append_anchor
from secassist.audit.backups import dump_json
from secassist.core.files import create_owner_only


class Command(BaseCommand):
    help = (
        "Back up the database: SQLite as a consistent online copy; other engines as a gzipped JSON dump. "
        "The audit chain's head is appended to the anchor log at the same time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup (.sqlite3 for SQLite, .json.gz otherwise)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name (a backup never overwrites)", returncode=2)
        target.parent.mkdir(parents=True, exist_ok=True)
        create_owner_only(target)  # a backup holds everything: never readable by others, not even mid-write
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            dest = sqlite3.connect(target)
            with dest:
                connection.connection.backup(dest)  # type: ignore[union-attr]
            dest.close()
        else:
            dump_json(target)
        anchor = append_anchor(reason="backup", file=str(target.resolve()), sha256=_sha256(target))
        self.stdout.write(f"backup written to {target} ({target.stat().st_size:,} bytes)")
        self.stdout.write(f"audit chain anchored at event #{anchor.last_id} ({anchor.count} events) in {anchor_log()}")


def anchor_log() -> Path:
    from secassist.audit.anchors import anchor_log_path

    return anchor_log_path()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
