from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secassist.accounts.roles import Role
from secassist.accounts.services import create_user
from secassist.core.cli import domain_errors_exit, system_user


class Command(BaseCommand):
    help = "Create a user: secassist create-user USERNAME --role ROLE [--office CODE] [--password-stdin]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        parser.add_argument("--office", default=None, help="office code, e.g. PM/SA, DRL, AF")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else None
        user = create_user(
            acting_user=system_user(),
            username=options["username"],
            role=options["role"],
            office_code=options["office"],
            password=password,
            email=options["email"],
        )
        self.stdout.write(f"created user {user.username} ({user.role_label}{', ' + user.office.code if user.office else ''})")
