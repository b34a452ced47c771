from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secassist.core.cli import domain_errors_exit, system_user
from secassist.core.registry import registry


class Command(BaseCommand):
    help = "Import a file: secassist import KIND FILE (all-or-nothing, idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="what the file holds; run with --list to see the kinds")
        parser.add_argument("file", nargs="?", help="path to the file (default: the known file in the data directory)")
        parser.add_argument("--no-progress", action="store_true")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        importer = registry.importers.get(kind)
        if importer is None:
            kinds = ", ".join(sorted(registry.importers)) or "(none installed)"
            raise CommandError(f"unknown import kind {kind!r}; known kinds: {kinds}", returncode=2)
        path = options["file"] or (importer.default_path() if importer.default_path else None)
        if not path:
            raise CommandError(f"import {kind} needs a FILE argument", returncode=2)
        path = Path(path)
        if not path.exists():
            raise CommandError(f"file not found: {path}", returncode=2)
        progress = not options["no_progress"] and sys.stderr.isatty()
        summary = importer.run(path, acting_user=system_user(), progress=progress)
        self.stdout.write(f"import {kind}: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
