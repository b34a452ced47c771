"""record(): the only way an audit event is written, always inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import F

from secassist.core import clock
from secassist.core.middleware import current_request_id

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
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    head = _locked_head()
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
        prev_hash=head.last_hash,
    )
    event.hash = digest_of(event, head.last_hash)
    event.save()
    AuditChainHead.objects.filter(pk=head.pk).update(
        last_event_id=event.pk, last_hash=event.hash, event_count=F("event_count") + 1
    )
    statecache.forget()  # the head moved: cached aggregates of the old state are never read again (ADR 1003)
    transaction.on_commit(_anchor_after_commit)
    return event


def _anchor_after_commit() -> None:
    from .anchors import maybe_anchor_after_commit  # the anchor module reads the chain this one writes

    maybe_anchor_after_commit()


def _locked_head() -> AuditChainHead:
    """The chain head, locked: one query on the hot path (the row exists after the first event).

    On PostgreSQL this row lock orders concurrent writers; SQLite already serialises them.
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    AuditChainHead.objects.get_or_create(pk=1)  # the very first event of an installation
    return AuditChainHead.objects.select_for_update().get(pk=1)


def event_count() -> int:
    """How many events the chain holds, read from the head (no COUNT(*) over a table that only grows)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("event_count", flat=True).first()
    return head or 0
