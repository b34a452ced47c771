from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from secassist.accounts.roles import has_capability
from secassist.alerts.selectors import unread_count

from . import inbox
from .nav import build_nav, nav_for


@lru_cache(maxsize=1)
def _nav() -> list[dict[str, object]]:
    return build_nav()


@lru_cache(maxsize=64)
def _nav_of_role(role: str) -> list[dict[str, object]]:
    """The header's links as a role may follow them: capabilities are the role's (ADR 1005), so this is
    computed once per role and process, not on every request."""
    return nav_for(SimpleNamespace(is_authenticated=True, is_active=True, role=role), _nav())


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_marking": settings.SECASSIST_MARKING,
        "site_marking_note": settings.SECASSIST_MARKING_NOTE,
        "nav_sections": _nav_of_role(user.role) if user is not None and user.is_authenticated and user.is_active else [],
        "can_view_audit": bool(user and has_capability(user, "audit.view")),
        "page_marking": getattr(request, "page_marking", None),
        # A callable: counted only by pages that show the header badge.
        "unread_alerts": (lambda: unread_count(user)) if user is not None and user.is_authenticated else 0,
        "inbox_count": (lambda: inbox.badge_count(user)) if user is not None and user.is_authenticated else 0,
    }
