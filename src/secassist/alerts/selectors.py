from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from .models import Alert


def alerts_for(user: Any, *, unread_only: bool = False) -> QuerySet[Alert]:
    qs = Alert.objects.filter(user=user, in_app=True)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    # The header badge asks on every page: fixed SQL, not a queryset compiled each time (ADR 1005).
    with connection.cursor() as cur:
        cur.execute(_UNREAD, [user.pk])
        return int(cur.fetchone()[0])


_UNREAD = f"SELECT COUNT(*) FROM {Alert._meta.db_table} WHERE user_id = %s AND in_app AND read_at IS NULL"
