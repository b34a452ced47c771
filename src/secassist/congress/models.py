"""Congressional notifications: the cited, effective-dated notification rules, the per-FY
always-notify country list, CN packages with their lifecycle history, committee holds (kept apart
from the statutory clock) and the questions asked under a hold.

Writes go through `services.py` / `workflow.py`; nothing here has side effects in `save()`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from secassist.reference.models import Authority, Committee, Country, Office, PseudoRegion, Title22Account

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


class ClockKind(models.TextChoices):
    BEFORE_ACTION = "before_action", "N days before an action"
    AFTER_EVENT = "after_event", "N days after an event"
    AFTER_ENACTMENT = "after_enactment", "N days after enactment"
    FIXED_DATE = "fixed_date", "Fixed calendar date each year"
    FY_RELATIVE = "fy_relative", "Relative to the fiscal year"


class DayBasis(models.TextChoices):
    CALENDAR = "calendar", "Calendar days"
    BUSINESS = "business", "Business days (federal holidays excluded)"


class FyAnchor(models.TextChoices):
    START = "fy_start", "Start of the fiscal year (1 Oct)"
    END = "fy_end", "End of the fiscal year (30 Sep)"


class NotificationRule(models.Model):
    """One statutory notification or report requirement, as in `data/congress/notification_rules.csv`.

    Effective-dated: a provision re-enacted each year with other words gets a new row with a new
    `effective_from`; `rules.rule_for(code, on_date)` picks the row in force.
    """

    code = models.CharField(max_length=40, help_text="stable code, e.g. SFOPS7015")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    citation = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    day_basis = models.CharField(max_length=10, choices=DayBasis.choices, default=DayBasis.CALENDAR)
    month = models.PositiveSmallIntegerField(null=True, blank=True, help_text="fixed-date rules: month")
    day = models.PositiveSmallIntegerField(null=True, blank=True, help_text="fixed-date rules: day of month")
    fy_anchor = models.CharField(max_length=10, choices=FyAnchor.choices, blank=True)
    offset_days = models.SmallIntegerField(default=0, help_text="FY-relative rules: days after (+) or before (-) the anchor")
    emergency_days_after = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="emergency variant: notice no later than N days after the action"
    )
    committees = models.ManyToManyField(Committee, blank=True, related_name="notification_rules")
    scope = models.CharField(max_length=200, blank=True, help_text="accounts or authorities it applies to, e.g. FMF IMET PKO")
    trigger = models.TextField(blank=True)
    amount_tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text="obligations above the notified amount by more than this need a new CN",
    )
    quantity_threshold_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="FMF MDE: quantities more than this over the justified quantities",
    )
    team = models.CharField(max_length=30, blank=True, help_text="office code of the team that owns the clock")
    creates_waiting_period = models.BooleanField(default=False, help_text="a CN under this rule opens a waiting period")
    reference_only = models.BooleanField(default=False, help_text="tracked for reference (e.g. AECA 36(b), DoD's notice)")
    confidence = models.CharField(max_length=2, default="V", help_text="V verified, S secondary, U uncertain")
    source = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    locally_edited = models.BooleanField(default=False, help_text="corrected by an administrator; reloading the file leaves it")

    class Meta:
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="congress_rule_code_from_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="congress_rule_effective_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citation} — {self.title}"

    def committee_codes(self) -> list[str]:
        return sorted(c.code for c in self.committees.all())


class AlwaysNotifyCountry(models.Model):
    """SFOPS §7015(f): countries for which any obligation needs regular notification, per FY."""

    fiscal_year = models.PositiveSmallIntegerField()
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    citation = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    locally_edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["-fiscal_year", "country__name"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "country"], name="congress_always_notify_unique")]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.country.iso3}"


class Status(models.TextChoices):
    DRAFTING = "drafting", "Drafting"
    IN_CLEARANCE = "in_clearance", "In clearance"
    CLEARED = "cleared", "Cleared (ready to transmit)"
    WAITING = "waiting", "Transmitted — waiting period"
    CLEARED_TO_OBLIGATE = "cleared_to_obligate", "Cleared to obligate"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Superseded"


class PackageKind(models.TextChoices):
    STANDARD = "standard", "Drafted and transmitted in the workbench"
    HISTORICAL = "historical", "Historical record of a CN transmitted outside the workbench"


LIVE_STATUSES = (Status.DRAFTING, Status.IN_CLEARANCE, Status.CLEARED, Status.WAITING, Status.CLEARED_TO_OBLIGATE)
TRANSMITTED_STATUSES = (Status.WAITING, Status.CLEARED_TO_OBLIGATE)


class Package(models.Model):
    """One congressional notification (CN) package."""

    number = models.CharField(max_length=20, unique=True, help_text="CN-FY-NNN, given when the draft is opened")
    kind = models.CharField(max_length=12, choices=PackageKind.choices, default=PackageKind.STANDARD)
    reported_transmitted_on = models.DateField(
        null=True,
        blank=True,
        help_text="historical record: the transmittal date as recorded by the maker; becomes transmitted_on once approved",
    )
    document_reference = models.CharField(
        max_length=300, blank=True, help_text="historical record: the transmittal letter or CN's records reference"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFTING)
    team = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", help_text="owning PM/SA team")
    fiscal_year = models.PositiveSmallIntegerField(help_text="FY of the funds notified")
    rules = models.ManyToManyField(NotificationRule, blank=True, related_name="packages", help_text="statutory bases")
    account = models.ForeignKey(Title22Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    appropriation_fy = models.PositiveSmallIntegerField(null=True, blank=True)
    public_law = models.CharField(max_length=60, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pseudo_region = models.ForeignKey(PseudoRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    program = models.CharField(max_length=120, help_text="program name, e.g. FMF or a §333 program")
    implementing_agency = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(**MONEY)
    cbj_amount = models.DecimalField(null=True, blank=True, help_text="level justified in the CBJ / 653(a)", **MONEY)
    description = models.TextField(blank=True)
    purpose = models.TextField(blank=True)
    mde_items = models.JSONField(default=list, blank=True, help_text="[{item, quantity, justified_quantity}]")
    elements = models.JSONField(
        default=dict, blank=True, help_text="further statutory elements from the source, e.g. the §333(e) elements and units"
    )
    classification = models.CharField(max_length=40, default="CUI", help_text="marking once transmitted")
    is_emergency = models.BooleanField(default=False)
    emergency_justification = models.TextField(blank=True)
    action_on = models.DateField(
        null=True, blank=True, help_text="planned obligation / activity start (or, emergency, the action)"
    )
    event_on = models.DateField(null=True, blank=True, help_text="for after-event notices: the waiver, use or event date")
    transmitted_on = models.DateField(null=True, blank=True)
    transmitted_version = models.ForeignKey(
        "clearances.DocumentVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the version of the text transmitted (frozen; the one the offices cleared)",
    )
    addressees = models.ManyToManyField(Committee, blank=True, related_name="+")
    wait_days = models.PositiveSmallIntegerField(null=True, blank=True)
    wait_basis = models.CharField(max_length=10, choices=DayBasis.choices, blank=True)
    wait_ends_on = models.DateField(null=True, blank=True, help_text="statutory waiting period ends (computed at transmittal)")
    cleared_to_obligate_on = models.DateField(null=True, blank=True)
    allocations = models.ManyToManyField("budget.Allocation", blank=True, related_name="notifications")
    source_type = models.CharField(max_length=60, blank=True, help_text="app_label.model of the object that opened it")
    source_id = models.CharField(max_length=64, blank=True)
    source_label = models.CharField(max_length=300, blank=True)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by")
    drafted_on = models.DateField(help_text="when drafting began (may precede entry in the system)")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-fiscal_year", "number"]
        indexes = [
            models.Index(fields=["status", "wait_ends_on"], name="congress_pkg_status_idx"),
            models.Index(fields=["source_type", "source_id"], name="congress_pkg_source_idx"),
            models.Index(fields=["country", "fiscal_year"], name="congress_pkg_country_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="congress_pkg_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(country__isnull=True) | Q(pseudo_region__isnull=True), name="congress_pkg_one_recipient"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["waiting", "cleared_to_obligate"]) | Q(transmitted_on__isnull=False),
                name="congress_pkg_transmitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def recipient_name(self) -> str:
        if self.country_id and self.country:
            return self.country.name
        if self.pseudo_region_id and self.pseudo_region:
            return self.pseudo_region.name
        return "—"

    @property
    def marking(self) -> str:
        """SAMM CN template: pre-decisional CUI until transmitted."""
        if self.transmitted_on is None:
            return "CUI // PRE-DECISIONAL"
        return self.classification

    @property
    def change_from_cbj(self):  # type: ignore[no-untyped-def]
        return None if self.cbj_amount is None else self.amount - self.cbj_amount


class PackageLink(models.Model):
    """A link to an object of another app (a Title 10 proposal, a waiver …) named by type and id."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="links")
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    label = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["package", "subject_type", "subject_id"], name="congress_link_unique")]

    def __str__(self) -> str:
        return self.label


class Attachment(models.Model):
    """A document that goes with the package (a reference or location, not the bytes)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    location = models.CharField(max_length=500, help_text="where the document is kept (URL, share or records number)")
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class PackageHistory(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=24, choices=Status.choices)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "package history"

    def __str__(self) -> str:
        return f"{self.package_id}: {self.from_status} → {self.to_status}"


class Hold(models.Model):
    """A committee's informal hold (DOMAIN §3.2): not statutory, kept apart from the waiting period."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="holds")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    placed_on = models.DateField()
    placed_by_name = models.CharField(max_length=200, blank=True, help_text="member or staff who placed it")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lifted_on = models.DateField(null=True, blank=True)
    lifted_note = models.TextField(blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["placed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "committee"], condition=Q(lifted_on__isnull=True), name="congress_one_open_hold_per_committee"
            ),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=models.F("placed_on")),
                name="congress_hold_lift_after_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee.code} hold on {self.package.number}"

    @property
    def is_open(self) -> bool:
        return self.lifted_on is None


class HoldQuestion(models.Model):
    """A question for the record asked under a hold, and State's answer."""

    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="questions")
    asked_on = models.DateField()
    question = models.TextField()
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["asked_on", "id"]

    def __str__(self) -> str:
        return self.question[:60]
