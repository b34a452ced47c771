"""Determination packages: the work before a waiver or determination enters the register —
which restriction, country, fiscal year and programs; the justification in versions with the facts
it rests on; clearances by office; the signature; Federal Register publication; the congressional
notice and its statutory clock. `DeterminationType` is the cited data behind each kind of package
and the annual calendar (data/determinations/types.csv)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from secassist.reference.models import Country, Office
from secassist.restrictions.models import Restriction, Waiver


class NoticeDirection(models.TextChoices):
    BEFORE = "before", "Before the waiver takes effect"
    AFTER = "after", "After the waiver (signature)"
    WITH = "with", "With the determination (the determination is the report)"


class DeterminationType(models.Model):
    """One kind of determination: its statutory date (if recurring), its notice clock and routing."""

    key = models.SlugField(max_length=60, unique=True)
    restriction = models.ForeignKey(Restriction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    recurring = models.BooleanField(default=False)
    due_month = models.PositiveSmallIntegerField(null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(null=True, blank=True)
    anchor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="a date counted from another item"
    )
    offset_min_days = models.PositiveSmallIntegerField(null=True, blank=True)
    offset_max_days = models.PositiveSmallIntegerField(null=True, blank=True)
    fy_offset = models.SmallIntegerField(default=1, help_text="the FY decided = calendar year of the due date + this")
    due_citation = models.CharField(max_length=400, blank=True)
    due_source_url = models.URLField(max_length=400, blank=True)
    due_confidence = models.CharField(max_length=1, blank=True)
    due_note = models.TextField(blank=True)
    notice_direction = models.CharField(max_length=10, choices=NoticeDirection.choices, blank=True)
    notice_days = models.PositiveSmallIntegerField(null=True, blank=True)
    notice_citation = models.CharField(max_length=400, blank=True)
    notice_confidence = models.CharField(max_length=1, blank=True)
    clearing_offices = models.JSONField(default=list, blank=True, help_text='office codes; "REGIONAL" = the country\'s bureau')
    federal_register = models.BooleanField(default=False)
    federal_register_citation = models.CharField(max_length=300, blank=True)
    reminder_days = models.JSONField(default=list, blank=True, help_text="days before the due date a reminder shows")
    locally_edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class PackageStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_CLEARANCE = "in_clearance", "In clearance"
    READY = "ready_for_signature", "Cleared, ready for signature"
    SIGNED = "signed", "Signed"
    CLOSED = "closed", "Closed (notice sent, published)"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (PackageStatus.DRAFT, PackageStatus.IN_CLEARANCE, PackageStatus.READY)


class DeterminationPackage(models.Model):
    number = models.CharField(max_length=30, unique=True, help_text="DP-FY2027-0001")
    dtype = models.ForeignKey(DeterminationType, on_delete=models.PROTECT, related_name="packages")
    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="determination_packages")
    fiscal_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Waiver.Kind.choices, default=Waiver.Kind.WAIVER)
    scope_all = models.BooleanField(default=False)
    scope_programs = models.JSONField(default=list, blank=True)
    scope_text = models.CharField(max_length=400, blank=True)
    title = models.CharField(max_length=300)
    owner_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=24, choices=PackageStatus.choices, default=PackageStatus.DRAFT)
    status_changed_at = models.DateTimeField()
    is_demo = models.BooleanField(default=False, help_text="demo data (labelled as such on every page)")
    # signature
    signed_by = models.CharField(max_length=120, blank=True, help_text="who signed (name and title)")
    signed_on = models.DateField(null=True, blank=True)
    signature_document = models.CharField(max_length=300, blank=True, help_text="the signed document (title or number)")
    signature_url = models.CharField(max_length=400, blank=True)
    pd_number = models.CharField(max_length=40, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # congressional notice (clock computed from the signature date by rules.notice_clock)
    notice_due_on = models.DateField(null=True, blank=True)
    notice_sent_on = models.DateField(null=True, blank=True)
    # Federal Register
    fr_citation = models.CharField(max_length=60, blank=True, help_text="e.g. 90 FR 12345")
    fr_published_on = models.DateField(null=True, blank=True)
    fr_url = models.CharField(max_length=400, blank=True)
    # the register entry made on signature
    waiver = models.OneToOneField(Waiver, null=True, blank=True, on_delete=models.PROTECT, related_name="package")
    register_route = models.CharField(max_length=200, blank=True, help_text="how the waiver entered the register")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-fiscal_year", "number"]
        indexes = [
            models.Index(fields=["country", "restriction", "fiscal_year"], name="det_pkg_country_idx"),
            models.Index(fields=["status"], name="det_pkg_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["signed", "closed"]) | models.Q(signed_on__isnull=False),
                name="det_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def scope_label(self) -> str:
        return "all covered programs" if self.scope_all else ", ".join(self.scope_programs) or "—"


class JustificationVersion(models.Model):
    """One version of the justification with the facts pulled from the product when it was saved."""

    package = models.ForeignKey(DeterminationPackage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    change_note = models.CharField(max_length=300, blank=True)
    facts = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["package", "number"]
        constraints = [models.UniqueConstraint(fields=["package", "number"], name="det_version_unique")]

    def __str__(self) -> str:
        return f"{self.package.number} v{self.number}"


class PackageHistory(models.Model):
    package = models.ForeignKey(DeterminationPackage, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=24, choices=PackageStatus.choices)
    to_status = models.CharField(max_length=24, choices=PackageStatus.choices)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
