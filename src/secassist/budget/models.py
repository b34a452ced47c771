"""Title 22 funds (FMF, IMET, PKO): appropriations, earmarks, allocations, the append-only
funds ledger, incrementally maintained balances, 653(a) reports and the real history.

Writes go through `services.py`; nothing here has side effects in `save()`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from secassist.reference.models import Country, PseudoRegion, Title22Account

ZERO = Decimal("0.00")


class AppropriationKind(models.TextChoices):
    FULL_YEAR = "full_year", "Full-year act"
    CR = "cr", "Continuing resolution"


class Appropriation(models.Model):
    """One account's money from one act for one fiscal year.

    The three dates are computed from the account's editable years fields when the
    appropriation is recorded (core.fiscal), stored, and may be corrected (audited) when an act
    says otherwise.
    """

    account = models.ForeignKey(Title22Account, on_delete=models.PROTECT, related_name="appropriations")
    fiscal_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=AppropriationKind.choices, default=AppropriationKind.FULL_YEAR)
    public_law = models.CharField(max_length=60, help_text="e.g. P.L. 118-47")
    section = models.CharField(max_length=120, blank=True, help_text="division, title and heading, e.g. div. F, title IV")
    enacted_on = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    years_available = models.PositiveSmallIntegerField()
    obligation_period_end = models.DateField(help_text="last day for new obligations")
    reobligation_window_end = models.DateField(help_text="end of the Title IV deobligation/reobligation window")
    cancellation_date = models.DateField(help_text="31 U.S.C. 1552(a): account closed, balance cancelled")
    program_code = models.CharField(max_length=10, blank=True, help_text="DSCA program code")
    notes = models.TextField(blank=True)
    expired_recorded = models.BooleanField(default=False)
    cancelled_recorded = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-fiscal_year", "account__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "fiscal_year", "public_law", "section"], name="budget_appropriation_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_appropriation_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(reobligation_window_end__gte=F("obligation_period_end")),
                name="budget_appropriation_window_after_period",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_date__gte=F("obligation_period_end")), name="budget_appropriation_cancel_after_period"
            ),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.account.code} ({self.public_law})"

    @property
    def is_653a_subject(self) -> bool:
        """22 U.S.C. 2413(b): 653(a) does not apply to continuing appropriations."""
        return self.kind == AppropriationKind.FULL_YEAR


class EarmarkKind(models.TextChoices):
    NOT_LESS_THAN = "not_less_than", "Not less than (floor)"
    NOT_MORE_THAN = "not_more_than", "Not more than (ceiling)"
    ONLY_FOR = "only_for", "Only for (reserved)"


class Earmark(models.Model):
    """A directive of the act for a country or a purpose; compliance is computed live (rules.py)."""

    appropriation = models.ForeignKey(Appropriation, on_delete=models.PROTECT, related_name="earmarks")
    kind = models.CharField(max_length=20, choices=EarmarkKind.choices)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="earmarks")
    purpose = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    citation = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["appropriation_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_earmark_amount_nonneg"),
            models.CheckConstraint(condition=Q(country__isnull=False) | ~Q(purpose=""), name="budget_earmark_has_target"),
        ]

    def __str__(self) -> str:
        target = self.country.name if self.country_id and self.country else self.purpose
        return f"{self.get_kind_display()} ${self.amount:,.0f} for {target}"


class RecipientKind(models.TextChoices):
    COUNTRY = "country", "Country"
    PSEUDO_REGION = "pseudo_region", "Regional program (not a country)"
    INTERNATIONAL_ORG = "international_org", "International organization"
    GLOBAL_PROGRAM = "global_program", "Global program"


class AllocationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    APPROVED = "approved", "Approved"
    REPORTED_653A = "reported_653a", "Reported in 653(a)"
    NOTIFIED = "notified", "Notified to Congress"
    APPORTIONED = "apportioned", "Apportioned"
    OBLIGATED = "obligated", "Obligated"
    EXPENDED = "expended", "Expended / disbursed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Allocation(models.Model):
    """A country (or regional, international-organization or global) line of an appropriation.

    Its amounts live in the ledger and in `Balance`; the line itself is never edited for money.
    """

    appropriation = models.ForeignKey(Appropriation, on_delete=models.PROTECT, related_name="allocations")
    account = models.ForeignKey(Title22Account, on_delete=models.PROTECT, related_name="+")
    recipient_kind = models.CharField(max_length=20, choices=RecipientKind.choices)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    pseudo_region = models.ForeignKey(PseudoRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    recipient_name = models.CharField(max_length=200, help_text="as shown in reports")
    purpose = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=AllocationStatus.choices, default=AllocationStatus.PLANNED)
    notification_required = models.BooleanField(default=True)
    baseline_653a = models.DecimalField(
        null=True, blank=True, help_text="allocated amount reported in 653(a)", max_digits=18, decimal_places=2
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["appropriation_id", "recipient_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appropriation", "recipient_kind", "recipient_name", "purpose"], name="budget_allocation_unique_line"
            ),
            models.CheckConstraint(
                condition=(
                    Q(recipient_kind="country", country__isnull=False, pseudo_region__isnull=True)
                    | Q(recipient_kind="pseudo_region", country__isnull=True, pseudo_region__isnull=False)
                    | Q(
                        recipient_kind__in=["international_org", "global_program"],
                        country__isnull=True,
                        pseudo_region__isnull=True,
                    )
                ),
                name="budget_allocation_recipient_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" — {self.purpose}" if self.purpose else ""
        return f"{self.recipient_name}{suffix} · FY{self.appropriation.fiscal_year} {self.account.code}"

    @property
    def iso3(self) -> str:
        return self.country.iso3 if self.country_id and self.country else ""


class AllocationStatusChange(models.Model):
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="status_history")
    from_status = models.CharField(max_length=20, choices=AllocationStatus.choices)
    to_status = models.CharField(max_length=20, choices=AllocationStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class EntryType(models.TextChoices):
    APPROPRIATE = "appropriate", "Appropriate"
    ALLOCATE = "allocate", "Allocate"
    REALLOCATE = "reallocate", "Reallocate"
    REPROGRAM = "reprogram", "Reprogram (after 653(a))"
    APPORTION = "apportion", "Apportion"
    OBLIGATE = "obligate", "Obligate"
    DEOBLIGATE = "deobligate", "Deobligate"
    REOBLIGATE = "reobligate", "Reobligate"
    COMMIT = "commit", "Commit (LOA / training line)"
    DISBURSE = "disburse", "Disburse"
    TRANSFER_FMS = "transfer_fms", "Transfer to the FMS Trust Fund"
    EXPIRE = "expire", "Expire"
    CANCEL = "cancel", "Cancel"


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("ledger entries are append-only; post a reversing entry")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise PermissionError("ledger entries are append-only; post a reversing entry")


class LedgerEntry(models.Model):
    """One movement of money. Append-only: a correction is a new entry that `reverses` this one."""

    # The (appropriation, id) and (allocation, id) indexes below serve these keys too; a single-column
    # index each would only be two more b-trees to write per entry (ADR 1020).
    appropriation = models.ForeignKey(Appropriation, on_delete=models.PROTECT, related_name="entries", db_index=False)
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    to_allocation = models.ForeignKey(
        Allocation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries_in",
        help_text="target line of a reallocation (blank: back to unallocated)",
        db_index=False,  # indexed only where set (reallocations), below
    )
    entry_type = models.CharField(max_length=20, choices=EntryType.choices)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    effective_on = models.DateField()
    posted_at = models.DateTimeField()
    document_type = models.CharField(max_length=40, blank=True, help_text="e.g. 632(b) MOA, LOA, SF 132")
    document_ref = models.CharField(max_length=120, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    earmark_override = models.BooleanField(default=False)
    flags = models.JSONField(default=list, blank=True, help_text="e.g. §634A notice content required")

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["allocation", "id"], name="budget_entry_line_idx"),
            models.Index(fields=["appropriation", "id"], name="budget_entry_appr_idx"),
            models.Index(fields=["to_allocation"], condition=Q(to_allocation__isnull=False), name="budget_entry_to_line_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_entry_amount_positive")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry_type} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("ledger entries are append-only; post a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("ledger entries are append-only; post a reversing entry")


STAGES = (
    "appropriated",
    "allocated",
    "apportioned",
    "obligated",
    "committed",
    "disbursed",
    "deobligated",
    "reobligated",
    "expired",
    "cancelled",
)


class Balance(models.Model):
    """Running totals of one line (allocation) or of the whole appropriation (allocation empty).

    Maintained in the posting transaction under a row lock, so reading a balance never scans
    the ledger; the check constraints make an overdraw impossible even for a buggy writer.
    """

    appropriation = models.ForeignKey(Appropriation, on_delete=models.PROTECT, related_name="balances")
    allocation = models.OneToOneField(Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="balance")
    appropriated = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    allocated = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    apportioned = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    obligated = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    committed = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    disbursed = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    deobligated = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    reobligated = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    expired = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    cancelled = models.DecimalField(default=ZERO, max_digits=18, decimal_places=2)
    entries = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["appropriation_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appropriation"], condition=Q(allocation__isnull=True), name="budget_balance_one_total_per_appropriation"
            ),
            models.CheckConstraint(
                condition=Q(
                    allocated__gte=0,
                    apportioned__gte=0,
                    obligated__gte=0,
                    committed__gte=0,
                    disbursed__gte=0,
                    deobligated__gte=0,
                    reobligated__gte=0,
                    appropriated__gte=0,
                    expired__gte=0,
                    cancelled__gte=0,
                ),
                name="budget_balance_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(allocation__isnull=False) | Q(allocated__lte=F("appropriated")),
                name="budget_balance_allocated_le_appropriated",
            ),
            models.CheckConstraint(condition=Q(obligated__lte=F("allocated")), name="budget_balance_obligated_le_allocated"),
            models.CheckConstraint(condition=Q(disbursed__lte=F("obligated")), name="budget_balance_disbursed_le_obligated"),
            models.CheckConstraint(condition=Q(committed__lte=F("obligated")), name="budget_balance_committed_le_obligated"),
            models.CheckConstraint(condition=Q(apportioned__lte=F("allocated")), name="budget_balance_apportioned_le_allocated"),
        ]

    def __str__(self) -> str:
        return f"balance of {self.allocation or self.appropriation}"

    @property
    def unallocated(self) -> Decimal:
        return self.appropriated - self.allocated

    @property
    def unobligated(self) -> Decimal:
        return self.allocated - self.obligated

    @property
    def undisbursed(self) -> Decimal:
        return self.obligated - self.disbursed


class Report653a(models.Model):
    """The 22 U.S.C. 2413(a) report of an enacted appropriation: due 30 days after enactment."""

    appropriation = models.OneToOneField(Appropriation, on_delete=models.PROTECT, related_name="report_653a")
    submitted_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lines = models.JSONField(default=list, help_text="the country x account table as submitted")

    def __str__(self) -> str:
        return f"653(a) report of {self.appropriation}"


class HistorySource(models.TextChoices):
    GREENBOOK = "greenbook", "USAID Greenbook (military), FY1946–2019"
    FA_COUNTRY = "fa-country", "ForeignAssistance.gov country summary"
    FA_COMPLETE = "fa-complete", "ForeignAssistance.gov complete schema (activity level)"


class HistoricalAmount(models.Model):
    """One row of a public history file, kept as published (negative rows are deobligations)."""

    source = models.CharField(max_length=20, choices=HistorySource.choices)
    line_no = models.PositiveIntegerField(help_text="line in the source file (header is line 1)")
    fiscal_year = models.PositiveSmallIntegerField()
    transition_quarter = models.BooleanField(default=False, help_text="FY1976 transition quarter (Jul–Sep 1976)")
    program = models.CharField(max_length=80, help_text="FMF, IMET, PKO, another Greenbook line, or ALL")
    account_name = models.CharField(max_length=200, blank=True)
    transaction_type = models.CharField(max_length=40)
    recipient_name = models.CharField(max_length=160)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pseudo_region = models.ForeignKey(PseudoRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount_current = models.DecimalField(max_digits=18, decimal_places=2)
    amount_constant = models.DecimalField(null=True, blank=True, max_digits=18, decimal_places=2)
    rounded = models.BooleanField(default=False, help_text="Greenbook: ≥ $10M rounded to 2 significant figures")

    class Meta:
        ordering = ["source", "line_no"]
        indexes = [
            models.Index(fields=["source", "program", "fiscal_year"], name="budget_hist_prog_fy_idx"),
            models.Index(fields=["country", "source"], name="budget_hist_country_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "line_no"], name="budget_hist_unique_line"),
            models.CheckConstraint(
                condition=Q(country__isnull=True) | Q(pseudo_region__isnull=True), name="budget_hist_one_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.line_no}"


class HistoryImport(models.Model):
    """What file was last loaded for a source: a second load of the same bytes changes nothing."""

    source = models.CharField(max_length=20, choices=HistorySource.choices, unique=True)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.source} ({self.rows} rows)"


class Title22Activity(models.Model):
    """What a Title 22 line pays for, as deconfliction needs it (issue #18): recipient units of the
    security-force unit registry, capability categories and platforms of the taxonomy
    (`data/reference/capabilities.csv`, `platforms.csv`), a free description and the fiscal years.
    A line may carry several activities (one FMF country line funds border security and air force
    sustainment); writes go through `budget.activities`."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="activities")
    reference = models.CharField(max_length=60, help_text="the office's key for the activity, unique within its line")
    description = models.TextField()
    capabilities = models.JSONField(default=list, help_text="capability category codes of the taxonomy")
    platforms = models.JSONField(default=list, help_text="platform codes of the taxonomy")
    first_fiscal_year = models.PositiveSmallIntegerField()
    last_fiscal_year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["allocation_id", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "reference"], name="budget_activity_unique_ref"),
            models.CheckConstraint(
                condition=Q(first_fiscal_year__lte=models.F("last_fiscal_year")), name="budget_activity_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} · {self.reference}"


class Title22ActivityUnit(models.Model):
    """A recipient unit of a Title 22 activity, as named; `registry_unit_id` is the
    security-force unit registry's id when an analyst linked the name explicitly (names that are
    registered names or aliases resolve without a link)."""

    activity = models.ForeignKey(Title22Activity, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(max_length=200)
    registry_unit_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["activity_id", "name"]
        constraints = [models.UniqueConstraint(fields=["activity", "name"], name="budget_activity_unit_once")]

    def __str__(self) -> str:
        return self.name


class LedgerImport(models.Model):
    """A ledger file loaded by `secassist import ledger`: the same bytes (SHA-256) load once."""

    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=300)
    rows = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the file's control totals per line and entry type")
    first_entry_id = models.BigIntegerField(help_text="the file's entries are the ids first..last")
    last_entry_id = models.BigIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} entries)"
