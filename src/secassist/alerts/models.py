"""Alerts to people: what the product tells a user without being asked, and how each user wants it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AlertKind(models.TextChoices):
    CLEARANCE_DUE = "clearance_due", "A clearance my office owes is coming due"
    CLEARANCE_ESCALATED = "clearance_escalated", "A clearance my office owes is overdue and escalated"
    CLOCK = "clock", "A statutory clock on my notification is running out"
    WAIVER_EXPIRY = "waiver_expiry", "A waiver or determination is about to expire"
    PLAN_REMINDER = "plan_reminder", "A plan-review suspense is coming"


class Alert(models.Model):
    """One in-app alert. `key` makes delivery idempotent: the same alert is never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    key = models.CharField(max_length=200, help_text="what makes this alert unique for its user")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    emailed = models.BooleanField(default=False)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="alerts_alert_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"], name="alerts_alert_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class Preference(models.Model):
    """A user's choice per kind; a kind with no row uses the defaults (in-app and e-mail both on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences")
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="alerts_preference_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: in-app {self.in_app}, e-mail {self.email}"
