"""`secassist notifications due|load-rules|build-templates`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secassist.congress import deadlines, documents, loader
from secassist.congress.fields import TEAMS
from secassist.core import clock
from secassist.core.cli import domain_errors_exit, system_user


class Command(BaseCommand):
    help = "Congressional notifications: `due` lists what is due in the next 30 days (and anything overdue)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        due = sub.add_parser("due", help="what is due in the next N days (default 30), and anything overdue")
        due.add_argument("--days", type=int, default=30)
        due.add_argument("--team", default="", help=f"one of {', '.join(TEAMS)}")
        sub.add_parser("load-rules", help="load data/congress/notification_rules.csv and the always-notify list (idempotent)")
        build = sub.add_parser("build-templates", help="write the default DOCX templates to data/congress/")
        build.add_argument("--force", action="store_true", help="overwrite templates the office may have edited")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        sub = options["subcommand"]
        if sub == "due":
            self._due(options["days"], options["team"])
        elif sub == "load-rules":
            summary = loader.load_all(acting_user=system_user())
            self.stdout.write("notification rules: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
        elif sub == "build-templates":
            if not options["force"] and (documents.cn_template_path().exists() or documents.letter_template_path().exists()):
                raise CommandError(
                    "templates already exist (the office may have edited them); use --force to overwrite", returncode=2
                )
            for path in documents.build_default_templates():
                self.stdout.write(f"wrote {path}")

    def _due(self, days: int, team: str) -> None:
        if days < 0 or days > 3660:
            raise CommandError("--days must be between 0 and 3660", returncode=2)
        if team and team not in TEAMS:
            raise CommandError(f"--team must be one of {', '.join(TEAMS)}", returncode=2)
        today = clock.today()
        items = deadlines.due_soon(days=days, team=team, today=today)
        self.stdout.write(f"Due in the next {days} days from {today} (and overdue): {len(items)} item(s)")
        for i in items:
            self.stdout.write(f"{i.date}  {i.state:<8} {i.title} — {i.detail} [{i.rule}: {i.citation}] ({i.team or '—'})")
