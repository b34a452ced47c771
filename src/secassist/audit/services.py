"""record(): the only way an audit event is written, always inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from secassist.core import clock, fastsql
from secassist.core.errors import AccessDenied
from secassist.core.middleware import current_request_id, writes_forbidden

from . import statecache
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def normalise(value: Any) -> Any:
    """Make before/after JSON-stable (Decimals and dates as strings) so the hash recomputes."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def event_digest(
    *,
    prev_hash: str,
    occurred_at: str,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    reason: str,
    request_id: str,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            occurred_at,
            actor_id,
            actor_username,
            action,
            object_type,
            object_id,
            object_repr,
            before,
            after,
            reason,
            request_id,
        ],
        sort_keys=True,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def digest_of(event: AuditEvent, prev_hash: str) -> str:
    return event_digest(
        prev_hash=prev_hash,
        occurred_at=event.occurred_at.isoformat(),
        actor_id=event.actor_id,
        actor_username=event.actor_username,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        before=event.before,
        after=event.after,
        reason=event.reason,
        request_id=event.request_id,
    )


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the writing transaction")
    if why := writes_forbidden():
        raise AccessDenied(why, code="token_scope")  # the transaction it runs in rolls the change back
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    prev_hash = _lock_head()
    actor_id = getattr(actor, "pk", None)
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_id=actor_id,
        actor_username=getattr(actor, "username", "") or ("system" if actor is None else ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=normalise(before),
        after=normalise(after),
        reason=reason,
        request_id=current_request_id(),
        prev_hash=prev_hash,
    )
    event.hash = digest_of(event, prev_hash)
    fastsql.insert(event, EVENT_COLUMNS)
    with connection.cursor() as cur:
        if statecache.changes_pages(action):
            cur.execute(_HEAD_MOVE_STATE, [event.pk, event.hash, event.hash])
        else:  # a sign-in event: the pages' generation stays where it was (ADR 1005)
            cur.execute(_HEAD_MOVE, [event.pk, event.hash])
    statecache.forget()  # the head moved: cached aggregates of the old state are never read again (ADR 1003)
    transaction.on_commit(_anchor_after_commit)
    return event


EVENT_COLUMNS = (
    "occurred_at",
    "actor",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "request_id",
    "prev_hash",
    "hash",
)
_HEAD = AuditChainHead._meta.db_table
# Locks the head and reads the previous hash in one statement (the row lock orders writers on
# PostgreSQL; SQLite already holds the write lock); the count moves under the same lock.
_HEAD_LOCK = f"UPDATE {_HEAD} SET event_count = event_count + 1 WHERE id = 1 RETURNING last_hash"
_HEAD_MOVE = f"UPDATE {_HEAD} SET last_event_id = %s, last_hash = %s WHERE id = 1"
_HEAD_MOVE_STATE = f"UPDATE {_HEAD} SET last_event_id = %s, last_hash = %s, state_hash = %s WHERE id = 1"


def _lock_head() -> str:
    """Lock the chain head and return the last hash: one statement on the hot path (the row exists
    after the first event of an installation, which creates it)."""
    with connection.cursor() as cur:
        cur.execute(_HEAD_LOCK)
        row = cur.fetchone()
        if row is not None:
            return str(row[0])
    AuditChainHead.objects.get_or_create(pk=1)  # the very first event of an installation
    with connection.cursor() as cur:
        cur.execute(_HEAD_LOCK)
        return str(cur.fetchone()[0])


def _anchor_after_commit() -> None:
    from .anchors import maybe_anchor_after_commit  # the anchor module reads the chain this one writes

    maybe_anchor_after_commit()


def event_count() -> int:
    """How many events the chain holds, read from the head (no COUNT(*) over a table that only grows)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("event_count", flat=True).first()
    return head or 0
