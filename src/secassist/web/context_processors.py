from __future__ import annotations

from functools import lru_cache
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


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_marking": settings.SECASSIST_MARKING,
        "site_marking_note": settings.SECASSIST_MARKING_NOTE,
        "nav_sections": nav_for(user, _nav()) if user is not None and user.is_authenticated else [],
        "can_view_audit": bool(user and has_capability(user, "audit.view")),
        "page_marking": getattr(request, "page_marking", None),
        # A callable: counted only by pages that show the header badge.
        "unread_alerts": (lambda: unread_count(user)) if user is not None and user.is_authenticated else 0,
        "inbox_count": (lambda: inbox.badge_count(user)) if user is not None and user.is_authenticated else 0,
    }
