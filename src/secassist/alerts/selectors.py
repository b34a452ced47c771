from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Alert


def alerts_for(user: Any, *, unread_only: bool = False) -> QuerySet[Alert]:
    qs = Alert.objects.filter(user=user, in_app=True)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return alerts_for(user, unread_only=True).count()
