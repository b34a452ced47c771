from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secassist.core.cli import domain_errors_exit, system_user
from secassist.restrictions.loader import load_restrictions


class Command(BaseCommand):
    help = "Load (or refresh) the restrictions catalog, designations and waivers from data/restrictions/ (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", default=None, help="shared public data directory (default SECASSIST_DATA_DIR)")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_restrictions(acting_user=system_user(), data_dir=options["data_dir"])
        created = sum(summary.created.values())
        updated = sum(summary.updated.values())
        detail = ", ".join(f"{k} +{v}" for k, v in sorted(summary.created.items()))
        self.stdout.write(f"restrictions data loaded: {created} created, {updated} updated" + (f" ({detail})" if detail else ""))
        for line in summary.skipped:
            self.stdout.write(f"  skipped: {line}")
