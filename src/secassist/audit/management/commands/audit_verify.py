from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from secassist.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain and name the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_at}: {report.problem} ({report.checked} events verified before it)"
            )
        self.stdout.write(f"audit chain intact: {report.checked} events verified")
