from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secassist.accounts.models import User
from secassist.accounts.services import create_token
from secassist.core.cli import domain_errors_exit, system_user
from secassist.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Create an API token for a user; the token is printed alone on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--days", default=None, help="lifetime in days (default SECASSIST_TOKEN_DAYS, 90)")
        parser.add_argument(
            "--scope", default="write", help="read (looks and checks, changes nothing) or write (as the user's role allows)"
        )

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise InvalidInput(f"no user named {options['user']!r}", field="user")
        token, key = create_token(
            acting_user=system_user(), user=user, name=options["name"], days=options["days"], scope=options["scope"]
        )
        expires = f"{token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "never"
        self.stdout.write(f"{token.scope} API token for {user.username}, expires {expires} (shown once; store it safely):")
        self.stdout.write(key)
