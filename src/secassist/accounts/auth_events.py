"""Sign-in events in the audit trail: logins, logouts, failed logins and lockouts (AU-2, AC-7).

Django and django-axes announce these through signals; the receivers below turn each into an
audit event in its own transaction (there is no domain write to share one with). A failed login
names the username that was tried, never the password, and the client address.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.http import HttpRequest

from secassist.audit.services import record

from .models import User


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": str(request.META.get("REMOTE_ADDR", "")), "path": request.path[:200]}


def _attempt(*, action: str, username: str, request: HttpRequest | None, reason: str = "") -> None:
    user = User.objects.filter(username=username).only("pk").first() if username else None
    record(
        actor=None,
        action=action,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        object_repr=(username or "(blank)")[:150],
        after={"username": username[:150], **_client(request)},
        reason=reason[:500],
    )


@transaction.atomic
def record_login(*, user: Any, request: HttpRequest | None) -> None:
    record(actor=user, action="auth.login", obj=user, after=_client(request))


@transaction.atomic
def record_logout(*, user: Any, request: HttpRequest | None) -> None:
    if user is not None and getattr(user, "pk", None):
        record(actor=user, action="auth.logout", obj=user, after=_client(request))


@transaction.atomic
def record_login_failed(*, username: str, request: HttpRequest | None, reason: str = "") -> None:
    _attempt(action="auth.login_failed", username=username, request=request, reason=reason)


@transaction.atomic
def record_lockout(*, username: str, request: HttpRequest | None) -> None:
    _attempt(action="auth.lockout", username=username, request=request)


def _on_login(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    record_login(user=user, request=request)


def _on_logout(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    record_logout(user=user, request=request)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: HttpRequest | None = None, **kw: Any
) -> None:
    record_login_failed(username=str((credentials or {}).get("username") or ""), request=request)


def _on_lockout(sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any) -> None:
    record_lockout(username=str(username or ""), request=request)


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="secassist.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="secassist.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="secassist.audit.login_failed")
    user_locked_out.connect(_on_lockout, dispatch_uid="secassist.audit.lockout")
