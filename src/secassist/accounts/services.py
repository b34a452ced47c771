"""Writes to users and tokens: one door each, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import AccessDenied, InvalidInput, NotFound
from secassist.reference.models import Office

from .models import ApiToken, SingleSignOnIdentity, TokenScope, User
from .roles import Role

TOKEN_PREFIX = "sa_"  # noqa: S105 — a prefix, not a secret


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput(f"role {role!r} is not one of {', '.join(Role.values)}", field="role", value=role, allowed=Role.values)


def _office(code: str | None) -> Office | None:
    if not code:
        return None
    office = Office.objects.filter(code=code).first()
    if office is None:
        allowed = list(Office.objects.values_list("code", flat=True))
        raise InvalidInput(f"office {code!r} is not a known office code", field="office", value=code, allowed=allowed)
    return office


@transaction.atomic
def create_user(
    *,
    acting_user: Any,
    username: str,
    role: str,
    office_code: str | None = None,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    _check_role(role)
    username = username.strip()
    if not username:
        raise InvalidInput("username must not be blank", field="username")
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"a user named {username!r} already exists", field="username", value=username)
    office = _office(office_code)
    user = User(username=username, role=role, office=office, email=email, first_name=first_name, last_name=last_name)
    user.is_staff = user.is_superuser = role == Role.ADMIN
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput("password rejected: " + " ".join(exc.messages), field="password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record(actor=acting_user, action="user.create", obj=user, after={"username": username, "role": role, "office": office_code})
    return user


@transaction.atomic
def ensure_demo_user(*, username: str, role: str, office_code: str | None, password: str) -> tuple[User, bool]:
    """Idempotent for the demo: create the user once; never reset a password someone changed."""
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing, False
    user = User(username=username, role=role, office=_office(office_code))
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.set_password(password)  # demo passwords skip the validators on purpose: printed at start
    user.save()
    record(
        actor=None,
        action="user.create",
        obj=user,
        after={"username": username, "role": role, "office": office_code},
        reason="demo user",
    )
    return user, True


def _sso_username(email: str, subject: str) -> str:
    """The e-mail address when it is free, else the address (or `sso`) with a short digest of the subject."""
    base = email.strip().lower()[:120]
    if base and not User.objects.filter(username=base).exists():
        return base
    digest = hashlib.sha256(subject.encode()).hexdigest()[:10]
    return f"{base or 'sso'}-{digest}"


@transaction.atomic
def sign_in_by_sso(
    *,
    issuer: str,
    subject: str,
    email: str,
    email_verified: bool,
    role: str | None,
    office_code: str | None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """The user an OpenID Connect sign-in is for (ADR 1203), or AccessDenied.

    `role` is what the deployment's role rules give this person's claims; None (no rule matched)
    refuses: an unknown is never a yes. The identity is (issuer, subject). A first sign-in links to
    the one existing account with the same provider-verified e-mail, else creates an account without
    a password. At every sign-in the role (and the office, when the rule names one) follow the rules,
    so a person moved out of a group loses the role at their next sign-in. Each change is audited."""
    if not issuer or not subject:
        raise AccessDenied("the provider did not identify the person (no subject)", code="sso_refused")
    if role is None:
        raise AccessDenied(
            "your account at the identity provider is not mapped to a role here; ask an administrator",
            code="sso_unmapped",
        )
    _check_role(role)
    office = _office(office_code) if office_code else None
    now = clock.now()
    identity = (
        SingleSignOnIdentity.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if identity is None:
        user = None
        if email and email_verified:
            matches = list(User.objects.filter(email__iexact=email)[:2])
            if len(matches) > 1:
                raise AccessDenied("several accounts here share your e-mail address; ask an administrator", code="sso_ambiguous")
            if matches and matches[0].sso_identities.filter(issuer=issuer).exists():
                raise AccessDenied(
                    "the account with your e-mail address is linked to another sign-in; ask an administrator",
                    code="sso_ambiguous",
                )
            user = matches[0] if matches else None
        if user is None:
            user = User(
                username=_sso_username(email, subject),
                email=email if email_verified else "",
                role=role,
                office=office,
                first_name=first_name[:150],
                last_name=last_name[:150],
            )
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.set_unusable_password()
            user.save()
            record(
                actor=None,
                action="user.create",
                obj=user,
                after={"username": user.username, "role": role, "office": office_code},
                reason="single sign-on: first sign-in",
            )
        identity = SingleSignOnIdentity.objects.create(user=user, issuer=issuer, subject=subject, created_at=now)
        record(actor=None, action="user.sso_link", obj=user, after={"issuer": issuer, "subject": subject})
    user = identity.user
    if not user.is_active:
        raise AccessDenied("this account is deactivated here; ask an administrator", code="sso_inactive")
    before = {"role": user.role, "office": user.office.code if user.office else None}
    user.role = role
    if office is not None:
        user.office = office
    user.is_staff = user.is_superuser = role == Role.ADMIN
    after = {"role": user.role, "office": user.office.code if user.office else None}
    if after != before:
        user.save(update_fields=["role", "office", "is_staff", "is_superuser"])
        record(actor=None, action="user.sso_role", obj=user, before=before, after=after, reason="single sign-on role rules")
    SingleSignOnIdentity.objects.filter(pk=identity.pk).update(last_login_at=now)
    return user


def token_lifetime(days: Any = None) -> dt.timedelta:
    """The lifetime of a new token: SECASSIST_TOKEN_DAYS (90) unless `days` says otherwise, 1 to
    SECASSIST_TOKEN_MAX_DAYS (365) days: a token that never expires is a password that is never changed."""
    longest = int(settings.SECASSIST_TOKEN_MAX_DAYS)
    value = settings.SECASSIST_TOKEN_DAYS if days in (None, "") else days
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= longest:
        raise InvalidInput(
            f"days must be a whole number from 1 to {longest}", field="days", value=str(value)[:20], allowed=[1, longest]
        )
    return dt.timedelta(days=number)


def token_scope(value: Any) -> str:
    """The scope asked for, or InvalidInput naming the allowed ones (default: write)."""
    scope = "write" if value in (None, "") else str(value).strip().lower()
    if scope not in TokenScope.values:
        raise InvalidInput(f"unknown token scope {value!r}; allowed: {', '.join(TokenScope.values)}", field="scope")
    return scope


@transaction.atomic
def create_token(*, acting_user: Any, user: User, name: str = "", days: Any = None, scope: Any = None) -> tuple[ApiToken, str]:
    lifetime = token_lifetime(days)
    scope = token_scope(scope)
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:10],
        key_hash=ApiToken.hash_key(key),
        created_at=now,
        expires_at=now + lifetime,
        scope=scope,
    )
    record(
        actor=acting_user,
        action="token.create",
        obj=token,
        after={"user": user.username, "name": name, "prefix": token.prefix, "expires_at": token.expires_at, "scope": scope},
    )
    return token, key


@transaction.atomic
def revoke_token(*, acting_user: Any, token: ApiToken) -> None:
    """Revoke a token (the owner, or an administrator acting on the owner's behalf); idempotent."""
    if getattr(acting_user, "pk", None) not in (None, token.user_id) and getattr(acting_user, "role", "") != Role.ADMIN:
        raise NotFound("no such token", field="token")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    record(actor=acting_user, action="token.revoke", obj=token, after={"user": token.user.username, "prefix": token.prefix})


def own_token(user: Any, token_id: Any) -> ApiToken:
    """One of `user`'s tokens by id; someone else's is NotFound, as if it did not exist."""
    try:
        pk = int(str(token_id))
    except ValueError:
        raise NotFound("no such token", field="token") from None
    token = ApiToken.objects.select_related("user").filter(pk=pk, user_id=getattr(user, "pk", None) or 0).first()
    if token is None:
        raise NotFound("no such token", field="token")
    return token


def tokens_of(user: Any) -> list[ApiToken]:
    """Every token of the user, newest first, revoked and expired ones included (so they can see them)."""
    return list(ApiToken.objects.filter(user_id=getattr(user, "pk", None) or 0).order_by("-created_at", "-pk"))


def needs_second_factor(user: Any) -> bool:
    """True when this signed-in user must pass TOTP and has not in this session (pages and the API)."""
    if not (settings.SECASSIST_REQUIRE_ADMIN_MFA and getattr(user, "is_authenticated", False)):
        return False
    if getattr(user, "role", "") != Role.ADMIN:
        return False
    return not (getattr(user, "is_verified", None) and user.is_verified())


def user_for_token(key: str) -> User | None:
    token = token_for_key(key)
    return token.user if token is not None else None


def token_for_key(key: str) -> ApiToken | None:
    """The live token with this secret (its user loaded), or None: unknown, revoked, expired or inactive."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.expires_at is None or token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # bookkeeping, not a domain write
    return token
