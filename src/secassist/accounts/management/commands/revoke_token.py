from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secassist.accounts.models import User
from secassist.accounts.services import revoke_token, tokens_of
from secassist.core.cli import domain_errors_exit, system_user
from secassist.core.errors import InvalidInput, NotFound


class Command(BaseCommand):
    help = "Revoke a user's API token by its prefix (the first characters shown on the account page), or --all of them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--prefix", help="the token's prefix, e.g. sa_AbC123x")
        target.add_argument("--all", action="store_true", help="every active token of the user")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise InvalidInput(f"no user named {options['user']!r}", field="user")
        active = [t for t in tokens_of(user) if t.revoked_at is None]
        chosen = active if options["all"] else [t for t in active if t.prefix == options["prefix"]]
        if not chosen:
            raise NotFound(f"{user.username} has no active token {options['prefix'] or ''}".rstrip(), field="prefix")
        for token in chosen:
            revoke_token(acting_user=system_user(), token=token)
            self.stdout.write(f"revoked {token.prefix}… ({token.name or 'unnamed'}) of {user.username}")
