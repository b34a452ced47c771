"""The package state machine: draft → in clearance → ready for signature → signed → closed, and
withdrawn from any open state. One `transition()` does a conditional UPDATE on the old status (of two
concurrent transitions exactly one wins), writes a history row and an audit event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput, TransitionNotAllowed

from .models import DeterminationPackage, PackageHistory, PackageStatus

S = PackageStatus
EDIT = "restrictions.edit"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    guard: Callable[[DeterminationPackage], None] | None = None
    needs_note: bool = False


def _guards() -> dict[str, Callable[[DeterminationPackage], None]]:
    from . import services  # the guards live with the services that share them

    return {
        "submit": services.guard_submit,
        "mark_cleared": services.guard_cleared,
        "close": services.guard_close,
    }


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", "Send for clearance", (S.DRAFT,), S.IN_CLEARANCE),
        Transition("return_to_draft", "Return to draft", (S.IN_CLEARANCE, S.READY), S.DRAFT, needs_note=True),
        Transition("mark_cleared", "Mark cleared (all required offices cleared)", (S.IN_CLEARANCE,), S.READY),
        Transition("sign", "Record the signature", (S.READY,), S.SIGNED),
        Transition("close", "Close (notice sent and published)", (S.SIGNED,), S.CLOSED),
        Transition("withdraw", "Withdraw", (S.DRAFT, S.IN_CLEARANCE, S.READY), S.WITHDRAWN, needs_note=True),
    ]
}


def available(package: DeterminationPackage) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if package.status in t.sources]


def transition(
    *, acting_user: Any, package: DeterminationPackage, action: str, note: str = "", after: dict[str, Any] | None = None
) -> DeterminationPackage:
    """Move the package; callers needing more than a status change (sign) wrap this in their service."""
    with transaction.atomic():
        require(acting_user, EDIT)
        spec = TRANSITIONS.get(action)
        if spec is None:
            raise InvalidInput(f"action must be one of {', '.join(TRANSITIONS)}", field="action", allowed=list(TRANSITIONS))
        if spec.needs_note and not note.strip():
            raise InvalidInput(f"{spec.label}: a note giving the reason is required", field="note")
        package.refresh_from_db()
        old = package.status
        if old not in spec.sources:
            raise TransitionNotAllowed(
                f"cannot {spec.label.lower()} a package that is {package.get_status_display().lower()}",
                current=old,
                action=action,
                allowed_from=list(spec.sources),
            )
        guard = _guards().get(action)
        if guard:
            guard(package)
        now = clock.now()
        if not DeterminationPackage.objects.filter(pk=package.pk, status=old).update(
            status=spec.target, status_changed_at=now, updated_at=now
        ):
            raise TransitionNotAllowed("the package changed meanwhile; reload it", action=action)
        PackageHistory.objects.create(
            package=package,
            from_status=old,
            to_status=spec.target,
            action=action,
            actor=acting_user if getattr(acting_user, "pk", None) else None,
            at=now,
            note=note,
        )
        record(
            actor=acting_user,
            action=f"determinations.package.{action}",
            obj=package,
            before={"status": old},
            after={"status": spec.target, **(after or {})},
            reason=note,
        )
        package.refresh_from_db()
        return package
