"""Shared CLI helpers: domain errors become a clear message and exit status 2."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError

from .errors import DomainError


def domain_errors_exit(handle: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handle)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return handle(*args, **kwargs)
        except DomainError as exc:
            lines = [exc.message]
            for problem in exc.details.get("problems", [])[:200]:
                lines.append(f"  - {problem}")
            raise CommandError("\n".join(lines), returncode=2) from None

    return wrapper


def system_user() -> Any:
    """CLI writes are recorded as made by 'system' unless SECASSIST_ACTING_USER names a user."""
    import os

    from django.contrib.auth import get_user_model

    name = os.environ.get("SECASSIST_ACTING_USER")
    if not name:
        return None
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise CommandError(f"SECASSIST_ACTING_USER={name!r} is not a known user", returncode=2)
    return user
