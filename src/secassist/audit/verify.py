"""Recompute the chain and name the first broken link."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditChainHead, AuditEvent
from .services import GENESIS, digest_of


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    problem: str = ""


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    prev_hash = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != prev_hash:
            return ChainReport(
                False, checked, event.pk, "its prev_hash does not match the event before it (a row was removed or altered)"
            )
        if digest_of(event, prev_hash) != event.hash:
            return ChainReport(False, checked, event.pk, "its contents do not match its hash (the row was altered)")
        prev_hash = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_event_id and head.last_event_id != last_id:
        return ChainReport(
            False,
            checked,
            head.last_event_id,
            "the newest event recorded by the chain head is missing (rows were deleted from the end)",
        )
    if head is not None and head.last_event_id and head.event_count != checked:
        return ChainReport(
            False,
            checked,
            head.last_event_id,
            f"the chain head counts {head.event_count} events but {checked} were found (rows were removed)",
        )
    return ChainReport(True, checked)
