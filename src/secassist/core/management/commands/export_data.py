from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secassist.core.cli import domain_errors_exit, system_user
from secassist.core.registry import registry


class Command(BaseCommand):
    help = "Export a table: secassist export KIND --out FILE (.csv or .xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("--out", required=True)
        parser.add_argument("--param", action="append", default=[], help="KEY=VALUE passed to the exporter")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        exporter = registry.exporters.get(options["kind"])
        if exporter is None:
            kinds = ", ".join(sorted(registry.exporters)) or "(none installed)"
            raise CommandError(f"unknown export kind {options['kind']!r}; known kinds: {kinds}", returncode=2)
        params = dict(p.split("=", 1) for p in options["param"] if "=" in p)
        summary = exporter.run(Path(options["out"]), acting_user=system_user(), progress=False, **params)
        self.stdout.write(f"export {options['kind']}: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
