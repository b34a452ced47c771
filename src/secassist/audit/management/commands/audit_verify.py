from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secassist.audit.anchors import database_label, read_anchor_log
from secassist.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chain, hold it against the anchor log kept outside the database, "
        "and name the first broken link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchor-log", help="the anchor log to check against (default: SECASSIST_AUDIT_ANCHOR_LOG)")

    def handle(self, *args: Any, **options: Any) -> None:
        log = read_anchor_log(Path(options["anchor_log"]) if options.get("anchor_log") else None)
        if log.problems:
            raise CommandError("the anchor log is damaged: " + "; ".join(log.problems[:5]))
        anchors = log.for_database(database_label())
        report = verify_chain(anchors=anchors)
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_at}: {report.problem} ({report.checked} events verified before it)"
            )
        self.stdout.write(f"audit chain intact: {report.checked} events verified")
        if not log.exists:
            self.stdout.write(f"warning: no anchor log at {log.path}; deleted newest events could not be detected")
        else:
            self.stdout.write(f"{report.anchors_checked} of {len(anchors)} anchors in {log.path} match")
