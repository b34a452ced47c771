from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from secassist.accounts.demo import DEMO_PASSWORD, DEMO_USERS, create_demo_users, demo_admin
from secassist.core.cli import domain_errors_exit
from secassist.core.registry import registry


class Command(BaseCommand):
    help = "Migrate, load reference data and (with --demo) the real-data demo and demo users. Safe to rerun."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="load the demo data and demo users")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        call_command("load_reference", stdout=self.stdout)
        if not options["demo"]:
            return
        if settings.PRODUCTION:
            raise CommandError("demo data and demo users are refused when SECASSIST_ENV=production", returncode=2)
        create_demo_users()
        admin = demo_admin()
        for step in registry.demo_steps:
            self.stdout.write(f"demo: {step.name} …")
            step.run(acting_user=admin, stdout=self.stdout)
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, _, office, what in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {what}" + (f" [{office}]" if office else ""))
