"""Clearance: one office's position on one subject (a CN package, a Title 10 proposal, a plan
tasker …). The subject is named by type and id so any app can ask for clearances."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from secassist.core.safe_url import SafeURLField
from secassist.reference.models import Office


class Position(models.TextChoices):
    PENDING = "pending", "Pending"
    CLEAR = "clear", "Clear"
    CLEAR_WITH_COMMENTS = "clear_with_comments", "Clear with comments"
    DO_NOT_CLEAR = "do_not_clear", "Do not clear"
    WITHDRAWN = "withdrawn", "Withdrawn"


DECIDED = (Position.CLEAR, Position.CLEAR_WITH_COMMENTS, Position.DO_NOT_CLEAR)


class ClearanceRequest(models.Model):
    subject_type = models.CharField(max_length=60, help_text="app_label.model of the subject")
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(max_length=300)
    subject_url = SafeURLField(max_length=300, blank=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="clearances")
    reason = models.CharField(max_length=300, blank=True, help_text="why this office was asked (the routing rule)")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_on = models.DateField()
    position = models.CharField(max_length=30, choices=Position.choices, default=Position.PENDING)
    comments = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="clearance_subject_idx"),
            models.Index(fields=["office", "position", "due_on"], name="clearance_office_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "office"],
                condition=~models.Q(position="withdrawn"),
                name="one_live_clearance_per_office",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office.code} on {self.subject_label}"

    @property
    def is_open(self) -> bool:
        return self.position == Position.PENDING
