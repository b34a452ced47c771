"""Maker-checker: a pending request for an act, approved or returned by a second person.

What the act concerns is named by type and id (like clearances) so any app can ask for approval;
which acts need approval and which roles may approve them is data (ApprovalPolicy) an
administrator edits. See ADR 0700.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from secassist.core.safe_url import SafeURLField


class Status(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with comments"
    WITHDRAWN = "withdrawn", "Withdrawn by the proposer"


class ApprovalPolicy(models.Model):
    act = models.CharField(max_length=80, unique=True, help_text="the act's stable name, e.g. congress.historical_cn")
    label = models.CharField(max_length=200)
    requires_approval = models.BooleanField(default=True)
    approver_roles = models.JSONField(default=list, help_text="roles (accounts.Role values) that may approve")
    threshold = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="for acts on an amount: at or below it no approval is needed (empty: always)",
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["act"]
        verbose_name_plural = "approval policies"

    def __str__(self) -> str:
        return self.label or self.act


class ApprovalRequest(models.Model):
    act = models.CharField(max_length=80)
    subject_type = models.CharField(max_length=60, help_text="app_label.model of what the act concerns")
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(max_length=300)
    subject_url = SafeURLField(max_length=300, blank=True)
    version = models.CharField(max_length=64, blank=True, help_text="the version of the document the maker proposed")
    payload = models.JSONField(default=dict, blank=True, help_text="what will be done on approval")
    summary = models.CharField(max_length=500, help_text="what approving will do, in words")
    reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="approval_subject_idx"),
            models.Index(fields=["status", "act"], name="approval_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["act", "subject_type", "subject_id"],
                condition=models.Q(status="pending"),
                name="one_pending_approval_per_act_and_subject",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | ~models.Q(decided_by=models.F("proposed_by")),
                name="approval_checker_is_not_maker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary[:120]} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING
