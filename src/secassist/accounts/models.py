from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from secassist.reference.models import Office

from .roles import Role


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.READ_ONLY)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="users")

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class TokenScope(models.TextChoices):
    READ = "read", "Read only: looks and checks, changes nothing"
    WRITE = "write", "Read and write, as its owner's role allows"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set by the service on every new token (90 days by default); filled for older tokens by
    # migration 0003. A token is refused from this instant on.
    expires_at = models.DateTimeField(null=True, blank=True)
    # What the token may do: "read" never changes anything (every write is refused, ADR 0870),
    # "write" acts with its owner's role. Tokens from before scopes existed keep "write".
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.WRITE)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class SingleSignOnIdentity(models.Model):
    """The link between a user and an OpenID Connect subject (ADR 1203): the provider's stable `sub`
    under its issuer, never the e-mail address (which a person can change or a provider reassign)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField()
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique_subject")]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
