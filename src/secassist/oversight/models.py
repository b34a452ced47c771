"""Program oversight: objectives (versioned) and their links to programs, indicators with targets,
reported values and evaluations, execution plans, Title 10 execution reports and deliveries.

A "program" is either a Title 22 allocation line (budget.Allocation) or a Title 10 proposal
(title10.Proposal); every program-bound row names exactly one of the two (database constraint).
Writes go through services.py; nothing here has side effects in `save()`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from secassist.core.safe_url import SafeURLField
from secassist.reference.models import Cocom, Country

ONE_PROGRAM = Q(allocation__isnull=False, proposal__isnull=True) | Q(allocation__isnull=True, proposal__isnull=False)


class ObjectiveKind(models.TextChoices):
    ICS = "ics", "Integrated Country Strategy objective"
    CAMPAIGN = "campaign", "Combatant command campaign objective"


class Objective(models.Model):
    """One ICS mission objective or COCOM campaign objective. The current text is here; every
    version (including the current one) is kept in ObjectiveVersion."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="oversight_objectives")
    kind = models.CharField(max_length=10, choices=ObjectiveKind.choices)
    ccmd = models.CharField("Combatant command", max_length=10, choices=Cocom.choices, blank=True)
    code = models.CharField(max_length=40, help_text="as the strategy numbers it, e.g. MO 2 or LOE 3.1")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)
    retired = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["country__name", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "kind", "ccmd", "code"], name="ovs_objective_unique_code"),
            models.CheckConstraint(
                condition=Q(kind="ics", ccmd="") | Q(kind="campaign") & ~Q(ccmd=""), name="ovs_objective_ccmd"
            ),
        ]

    def __str__(self) -> str:
        owner = self.ccmd if self.kind == ObjectiveKind.CAMPAIGN else "ICS"
        return f"{self.country.iso3} {owner} {self.code}: {self.title}"


class ObjectiveVersion(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["objective", "-version"]
        constraints = [models.UniqueConstraint(fields=["objective", "version"], name="ovs_objective_version_unique")]

    def __str__(self) -> str:
        return f"v{self.version} {self.title}"


class ObjectiveLink(models.Model):
    """A program advances an objective (the §333(e)(6) element; for Title 22, the ICS linkage)."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="links")
    allocation = models.ForeignKey("budget.Allocation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey("title10.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["objective", "id"]
        constraints = [
            models.CheckConstraint(condition=ONE_PROGRAM, name="ovs_link_one_program"),
            models.UniqueConstraint(fields=["objective", "allocation"], name="ovs_link_unique_allocation"),
            models.UniqueConstraint(fields=["objective", "proposal"], name="ovs_link_unique_proposal"),
        ]

    def __str__(self) -> str:
        return f"{self.objective} ← {self.allocation or self.proposal}"


class Direction(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"


class Indicator(models.Model):
    """A measure of one program's result (10 U.S.C. 383 assessment, monitoring and evaluation)."""

    allocation = models.ForeignKey("budget.Allocation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey("title10.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.PROTECT, related_name="indicators")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", help_text="the program's country")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=60, help_text="e.g. %, trained personnel, days")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    baseline_value = models.DecimalField(max_digits=18, decimal_places=4)
    baseline_on = models.DateField()
    report_every_days = models.PositiveSmallIntegerField(default=182, help_text="how often a value is due (182 = semiannual)")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["country__name", "name", "id"]
        indexes = [models.Index(fields=["country"], name="ovs_indicator_country_idx")]
        constraints = [
            models.CheckConstraint(condition=ONE_PROGRAM, name="ovs_indicator_one_program"),
            models.CheckConstraint(condition=Q(report_every_days__gte=1), name="ovs_indicator_frequency_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    due_on = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["indicator", "due_on"]
        constraints = [models.UniqueConstraint(fields=["indicator", "due_on"], name="ovs_target_one_per_date")]

    def __str__(self) -> str:
        return f"{self.value} by {self.due_on}"


class IndicatorValue(models.Model):
    """A reported value with its evidence. Never edited: a correction is a new value that says so."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    as_of = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=4)
    evidence = models.TextField(help_text="what the value rests on (report, inspection, data source)")
    evidence_url = SafeURLField(max_length=500, blank=True, help_text="https:// or a relative link")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator", "as_of", "id"]
        indexes = [models.Index(fields=["indicator", "as_of"], name="ovs_value_indicator_idx")]

    def __str__(self) -> str:
        return f"{self.value} as of {self.as_of}"


class FollowUp(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class Evaluation(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="evaluations")
    evaluator = models.CharField(max_length=200, help_text="who evaluated (person or organisation)")
    evaluated_on = models.DateField()
    findings = models.TextField()
    recommendations = models.TextField(blank=True)
    follow_up_status = models.CharField(max_length=12, choices=FollowUp.choices, default=FollowUp.OPEN)
    follow_up_due = models.DateField(null=True, blank=True)
    follow_up_note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator", "-evaluated_on", "id"]

    def __str__(self) -> str:
        return f"evaluation by {self.evaluator} on {self.evaluated_on}"


class SpendPlanPoint(models.Model):
    """Planned cumulative obligation and disbursement of a Title 22 line at the end of a quarter."""

    allocation = models.ForeignKey("budget.Allocation", on_delete=models.PROTECT, related_name="+")
    quarter_end = models.DateField()
    planned_obligated = models.DecimalField(max_digits=18, decimal_places=2)
    planned_disbursed = models.DecimalField(max_digits=18, decimal_places=2)
    is_demo = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["allocation", "quarter_end"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "quarter_end"], name="ovs_plan_one_per_quarter"),
            models.CheckConstraint(condition=Q(planned_obligated__gte=0, planned_disbursed__gte=0), name="ovs_plan_nonneg"),
            models.CheckConstraint(
                condition=Q(planned_disbursed__lte=models.F("planned_obligated")), name="ovs_plan_disbursed_le_obligated"
            ),
        ]

    def __str__(self) -> str:
        return f"plan {self.quarter_end}: {self.planned_obligated}/{self.planned_disbursed}"


class Title10Execution(models.Model):
    """DoD's reported execution of a Title 10 program as of a date (DoD funds are not in the
    Title 22 ledger). The latest report per proposal is the current figure; older ones are history."""

    proposal = models.ForeignKey("title10.Proposal", on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    obligated = models.DecimalField(max_digits=18, decimal_places=2)
    disbursed = models.DecimalField(max_digits=18, decimal_places=2)
    source = models.CharField(max_length=300, help_text="e.g. DSCA 1209 report, SCIP extract of a date")
    is_demo = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["proposal", "as_of", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "as_of"], name="ovs_t10_exec_one_per_date"),
            models.CheckConstraint(condition=Q(obligated__gte=0, disbursed__gte=0), name="ovs_t10_exec_nonneg"),
            models.CheckConstraint(condition=Q(disbursed__lte=models.F("obligated")), name="ovs_t10_exec_disbursed_le_obligated"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} as of {self.as_of}"


class ElementKind(models.TextChoices):
    ARTICLES = "articles", "Defense articles"
    TRAINING = "training", "Training"
    SERVICES = "services", "Defense services"
    SUPPLIES = "supplies", "Supplies"
    CONSTRUCTION = "construction", "Construction"


class Delivery(models.Model):
    """One program element's planned and actual delivery. `reference` is the key an import updates by."""

    reference = models.CharField(max_length=80, unique=True, help_text="case/line or element id, e.g. JO-D-QAA-001")
    allocation = models.ForeignKey("budget.Allocation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey("title10.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ElementKind.choices)
    description = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    planned_on = models.DateField()
    actual_on = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["planned_on", "reference"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["country", "planned_on"], name="ovs_delivery_country_idx")]
        constraints = [models.CheckConstraint(condition=ONE_PROGRAM, name="ovs_delivery_one_program")]

    def __str__(self) -> str:
        return f"{self.reference} {self.description}"


class DeliveryImport(models.Model):
    """A delivery file already loaded: the same bytes a second time change nothing."""

    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(max_length=300)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} rows)"
