"""Budget formulation: a request cycle per budget fiscal year, its stages as versions of
country x program lines (ADR 1310)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from secassist.reference.models import Country, PseudoRegion, Title22Account


class StageKind(models.TextChoices):
    BUREAU_REQUEST = "bureau_request", "Bureau/mission request"
    PM_F_REVIEW = "pm_f_review", "PM/F review"
    F_LEVELS = "f_levels", "F levels"
    OMB_PASSBACK = "omb_passback", "OMB passback"
    PRESIDENTS_BUDGET = "presidents_budget", "President's Budget"
    CBJ = "cbj", "Congressional Budget Justification"
    ENACTED = "enacted", "Enacted"


# The order the stages follow; a cycle never goes back to an earlier one.
STAGE_ORDER: tuple[str, ...] = tuple(StageKind.values)


class StageBasis(models.TextChoices):
    PREVIOUS = "previous", "Copy of the previous stage"
    LEDGER = "ledger", "Rolled forward from the funds ledger"
    GREENBOOK = "greenbook", "Rolled forward from Greenbook obligations (imported history)"
    EMPTY = "empty", "Empty"


class RequestCycle(models.Model):
    budget_fiscal_year = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    demo = models.BooleanField(default=False, help_text="Demo data, labelled as such")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    seeded_at = models.DateTimeField(null=True, blank=True, help_text="when the enacted lines seeded the allocation table")

    class Meta:
        ordering = ["-budget_fiscal_year"]

    def __str__(self) -> str:
        return f"FY{self.budget_fiscal_year} budget request"


class RequestStage(models.Model):
    """One version of one stage. The cycle's working version is the one not closed."""

    cycle = models.ForeignKey(RequestCycle, on_delete=models.PROTECT, related_name="stages")
    kind = models.CharField(max_length=20, choices=StageKind.choices)
    version = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=20, choices=StageBasis.choices)
    basis_note = models.CharField(max_length=300, blank=True, help_text="what the lines were taken from")
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind", "version"], name="formulation_stage_version_unique"),
            models.UniqueConstraint(
                fields=["cycle"], condition=models.Q(closed_at__isnull=True), name="formulation_one_working_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_working(self) -> bool:
        return self.closed_at is None


class RequestLine(models.Model):
    stage = models.ForeignKey(RequestStage, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Title22Account, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pseudo_region = models.ForeignKey(PseudoRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    priority = models.PositiveSmallIntegerField(help_text="1 is the highest")
    justification = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["account__code", "priority", "recipient_name"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "account", "recipient_name"], name="formulation_line_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="formulation_line_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.account.code}"

    @property
    def recipient_key(self) -> str:
        return self.country.iso3 if self.country is not None else self.recipient_name


class LineComment(models.Model):
    line = models.ForeignKey(RequestLine, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"comment by {self.author_id} on line {self.line_id}"


class RequestImport(models.Model):
    """One accepted file per stage and content: loading the same file again changes nothing."""

    stage = models.ForeignKey(RequestStage, on_delete=models.PROTECT, related_name="imports")
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=300)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "sha256"], name="formulation_import_once")]

    def __str__(self) -> str:
        return f"{self.file_name} into stage {self.stage_id}"
