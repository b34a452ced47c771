"""Recompute the chain, hold it against the anchor log, and name the first broken link."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .anchors import Anchor
from .models import AuditChainHead, AuditEvent
from .services import GENESIS, digest_of


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""
    anchors_checked: int = 0


def verify_chain(*, using: str = "default", chunk_size: int = 2000, anchors: Sequence[Anchor] = ()) -> ChainReport:
    events = AuditEvent.objects.using(using).order_by("id").iterator(chunk_size=chunk_size)
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    return verify_events(events, head=head, anchors=anchors)


def verify_events(events: Iterable[AuditEvent], *, head: AuditChainHead | None, anchors: Sequence[Anchor] = ()) -> ChainReport:
    """Walk `events` in id order: each must link to the one before and match its own hash; each
    anchored event must be there with its anchored hash and position; the head must point at the end."""
    pending: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.last_id:
            pending.setdefault(anchor.last_id, []).append(anchor)
    prev_hash, checked, last_id, anchors_checked = GENESIS, 0, 0, 0
    for event in events:
        if event.prev_hash != prev_hash:
            return ChainReport(
                False, checked, event.pk, "its prev_hash does not match the event before it (a row was removed or altered)"
            )
        if digest_of(event, prev_hash) != event.hash:
            return ChainReport(False, checked, event.pk, "its contents do not match its hash (the row was altered)")
        checked += 1
        for anchor in pending.pop(event.pk, []):
            if anchor.head_hash != event.hash or anchor.count != checked:
                return ChainReport(
                    False,
                    checked,
                    event.pk,
                    f"it differs from the anchor written {anchor.at} ({anchor.reason}): anchored as event "
                    f"{anchor.count} with hash {anchor.head_hash[:12]}…, found as event {checked} with hash "
                    f"{event.hash[:12]}… (the chain was rewritten)",
                )
            anchors_checked += 1
        prev_hash, last_id = event.hash, event.pk
    if pending:
        missing = min(pending)
        anchor = pending[missing][0]
        return ChainReport(
            False,
            checked,
            missing,
            f"it was anchored {anchor.at} ({anchor.reason}) as event {anchor.count} but is no longer in the chain "
            "(the newest events were deleted and the chain head rewound)",
            anchors_checked,
        )
    if head is not None and head.last_event_id and (head.last_event_id != last_id or head.last_hash != prev_hash):
        return ChainReport(
            False,
            checked,
            head.last_event_id,
            "the newest event recorded by the chain head is missing (rows were deleted from the end)",
            anchors_checked,
        )
    # A head written before the count existed (older backups) says 0: the id/hash and anchor checks above still hold.
    if head is not None and head.last_event_id and head.event_count and head.event_count != checked:
        return ChainReport(
            False,
            checked,
            head.last_event_id,
            f"the chain head counts {head.event_count} events but {checked} were found (rows were removed)",
            anchors_checked,
        )
    return ChainReport(True, checked, anchors_checked=anchors_checked)
