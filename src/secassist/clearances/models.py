"""Clearance: one office's position on one subject (a CN package, a Title 10 proposal, a plan
tasker …). The subject is named by type and id so any app can ask for clearances.

A subject whose app registered a versioned document (ADR 0740) keeps every version of that document
(`DocumentVersion`, immutable, hashed); a position records the version it was given on
(`cleared_version`), and a decided position on an older version than the current one is *stale*
(`is_stale`, computed in `stale_position` and the `STALE` query below — nowhere else)."""

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


class DocumentVersion(models.Model):
    """One version of a cleared document. Written once by `versions.save_version`, never updated:
    `content_hash` (SHA-256 of the canonical JSON of `content`) lets anyone check it is unchanged,
    and the audit event that recorded it carries the same hash in the hash chain."""

    subject_type = models.CharField(max_length=60, help_text="app_label.model of the record the document belongs to")
    subject_id = models.CharField(max_length=64)
    number = models.PositiveIntegerField()
    content = models.JSONField(help_text="[[key, label, text], ...] in document order")
    content_hash = models.CharField(max_length=64)
    change_note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["subject_type", "subject_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "number"], name="docversion_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="docversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} v{self.number}"

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


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
    cleared_version = models.ForeignKey(
        DocumentVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the document version the office gave its position on",
    )

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
    def is_stale(self) -> bool:
        """Decided on a version that is no longer the current one (see `stale_position`)."""
        return stale_position(
            versioned=self.subject_type in versioned_subject_types(),
            position=self.position,
            cleared_version_id=self.cleared_version_id,
            current_version_id=self.current_version_id,
        )

    @property
    def current_version_id(self) -> int | None:
        """The subject's latest version (annotated as `latest_version_id` by the selectors, else read)."""
        if "latest_version_id" in self.__dict__:
            return self.__dict__["latest_version_id"]
        latest = (
            DocumentVersion.objects.filter(subject_type=self.subject_type, subject_id=self.subject_id)
            .order_by("-number")
            .values_list("pk", flat=True)
            .first()
        )
        self.__dict__["latest_version_id"] = latest
        return latest

    @property
    def is_open(self) -> bool:
        """Waiting for the office: never answered, or answered on a version that has since changed."""
        return self.position == Position.PENDING or self.is_stale

    @property
    def state_label(self) -> str:
        if self.is_stale:
            return f"{self.get_position_display()} — stale: the document changed; re-clear"
        return str(self.get_position_display())


class PositionRecord(models.Model):
    """Every position an office gave on a clearance, with the version it saw (a re-clearance adds one)."""

    clearance = models.ForeignKey(ClearanceRequest, on_delete=models.CASCADE, related_name="positions")
    position = models.CharField(max_length=30, choices=Position.choices)
    comments = models.TextField(blank=True)
    version = models.ForeignKey(DocumentVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.clearance_id}: {self.position}"


def versioned_subject_types() -> list[str]:
    from secassist.core.registry import registry

    return sorted(registry.versioned_documents)


def stale_position(*, versioned: bool, position: str, cleared_version_id: int | None, current_version_id: int | None) -> bool:
    """The one definition of a stale clearance: a decided position on a versioned document that was
    not given on its current version. A position given before any version was kept stands until the
    first version is saved (the next change of the text, or the next request for clearance)."""
    if not versioned or position not in DECIDED or current_version_id is None:
        return False
    return cleared_version_id != current_version_id


def stale_q() -> models.Q:
    """`stale_position` as a query condition over rows annotated with `latest_version_id`."""
    decided = models.Q(
        position__in=[p.value for p in DECIDED], subject_type__in=versioned_subject_types(), latest_version_id__isnull=False
    )
    return decided & (models.Q(cleared_version__isnull=True) | ~models.Q(cleared_version_id=models.F("latest_version_id")))
