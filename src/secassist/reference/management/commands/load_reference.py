from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secassist.core.cli import domain_errors_exit, system_user
from secassist.core.registry import registry
from secassist.reference.loader import load_reference


class Command(BaseCommand):
    help = "Load (or refresh) reference data: countries, accounts, Title 10 authorities, offices, committees."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", default=None, help="shared public data directory (default SECASSIST_DATA_DIR)")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        acting_user = system_user()
        summary = load_reference(acting_user=acting_user, data_dir=options["data_dir"])
        created = sum(summary.created.values())
        updated = sum(summary.updated.values())
        detail = ", ".join(f"{k} +{v}" for k, v in sorted(summary.created.items()))
        self.stdout.write(f"reference data loaded: {created} created, {updated} updated" + (f" ({detail})" if detail else ""))
        # Product data the other apps need on every install (restriction catalog, notification rules …).
        for step in registry.reference_steps:
            result = step.run(acting_user=acting_user)
            self.stdout.write(f"{step.name}: " + ", ".join(f"{k}={v}" for k, v in (result or {}).items()))
