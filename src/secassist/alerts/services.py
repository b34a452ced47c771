"""Delivering alerts and changing preferences. Delivery is idempotent by (user, key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput

from .models import Alert, AlertKind, Preference


@dataclass(frozen=True)
class Channels:
    in_app: bool = True
    email: bool = True


def channels_for(user: Any, kind: str) -> Channels:
    pref = Preference.objects.filter(user=user, kind=kind).first()
    return Channels(pref.in_app, pref.email) if pref else Channels()


def deliver(*, user: Any, kind: str, key: str, title: str, body: str = "", url: str = "") -> Alert | None:
    """Alert `user` once for `key`, through the channels they chose; None if already sent or all off."""
    if kind not in AlertKind.values:
        raise InvalidInput(f"Unknown alert kind {kind!r}.", field="kind", allowed=list(AlertKind.values))
    chosen = channels_for(user, kind)
    if not (chosen.in_app or chosen.email):
        return None
    send_email = chosen.email and bool(getattr(user, "email", ""))
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                user=user,
                kind=kind,
                key=key[:200],
                title=title[:300],
                body=body,
                url=url[:300],
                created_at=clock.now(),
                emailed=send_email,
                in_app=chosen.in_app,
            )
    except IntegrityError:
        return None  # delivered before: jobs may run again, people are told once
    if send_email:
        text = f"{body}\n\n{url}".strip()
        transaction.on_commit(lambda: send_mail(f"[secassist] {title}", text, None, [user.email], fail_silently=False))
    return alert


@transaction.atomic
def set_preferences(*, acting_user: Any, choices: dict[str, tuple[bool, bool]]) -> None:
    """choices: kind -> (in_app, email). The user changes their own preferences only."""
    require(acting_user, "view")
    unknown = sorted(set(choices) - set(AlertKind.values))
    if unknown:
        raise InvalidInput(f"Unknown alert kinds: {', '.join(unknown)}.", field="kind", allowed=list(AlertKind.values))
    before = {p.kind: [p.in_app, p.email] for p in Preference.objects.filter(user=acting_user)}
    for kind, (in_app, email) in choices.items():
        Preference.objects.update_or_create(user=acting_user, kind=kind, defaults={"in_app": in_app, "email": email})
    after = {kind: [in_app, email] for kind, (in_app, email) in choices.items()}
    record(actor=acting_user, action="alerts.preferences", obj=acting_user, before=before, after=after)


@transaction.atomic
def mark_read(*, acting_user: Any, alert_ids: list[int] | None = None) -> int:
    """Mark the user's own alerts read (all unread ones when no ids are given)."""
    qs = Alert.objects.filter(user=acting_user, read_at__isnull=True)
    if alert_ids is not None:
        qs = qs.filter(pk__in=alert_ids)
    count = qs.update(read_at=clock.now())
    record(actor=acting_user, action="alerts.read", obj=acting_user, after={"marked_read": count})
    return count
