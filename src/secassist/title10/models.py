"""Title 10 coordination: DoD security-cooperation proposals, their elements and named units,
the assurances registry, deconfliction decisions and the status history.

A proposal carries every 10 U.S.C. 333(e) congressional-notification element (DOMAIN.md §7) so
the CN package can be filled from the record. Writes go through services.py / workflow.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from secassist.reference.models import Authority, Cocom, Country


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_CLEARANCE = "in_clearance", "In clearance"
    UNDER_REVIEW = "under_review", "Under review"
    DECIDED = "decided", "Decided"
    CN_PENDING = "cn_pending", "CN pending"
    READY_TO_EXECUTE = "ready_to_execute", "Ready to execute"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Decision(models.TextChoices):
    CONCUR = "concur", "Concur"
    CONCUR_WITH_CONDITIONS = "concur_with_conditions", "Concur with conditions"
    NON_CONCUR = "non_concur", "Non-concur"


CONCURRING = (Decision.CONCUR, Decision.CONCUR_WITH_CONDITIONS)


class ElementKind(models.TextChoices):
    """What a §333 program may include (10 U.S.C. 333(c)(1))."""

    ARTICLES = "articles", "Defense articles"
    TRAINING = "training", "Training"
    SERVICES = "services", "Defense services"
    SUPPLIES = "supplies", "Supplies (incl. consumables)"
    CONSTRUCTION = "construction", "Small-scale construction"


class Proposal(models.Model):
    reference = models.CharField(max_length=40, unique=True, help_text="DoD proposal reference number, e.g. AFRICOM-333-FY27-014")
    title = models.CharField(max_length=200)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="proposals")
    fiscal_year = models.PositiveSmallIntegerField(help_text="Fiscal year of funds")
    ccmd = models.CharField("Combatant command", max_length=10, choices=Cocom.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="title10_proposals")
    purposes = models.JSONField(default=list, help_text="purpose codes from the authority's list (for §333: 333(a))")
    description = models.TextField(help_text="Program description as submitted by DoD")
    capabilities = models.JSONField(
        default=list, blank=True, help_text="capability category codes (data/reference/capabilities.csv), issue #18"
    )
    platforms = models.JSONField(default=list, blank=True, help_text="platform codes (data/reference/platforms.csv), issue #18")
    # 333(e) elements
    absorptive_capacity = models.TextField(blank=True, help_text="333(e)(2): country's and unit's absorptive capacity")
    timeline = models.TextField(blank=True, help_text="333(e)(3): implementation timeline")
    delivery_schedule = models.TextField(blank=True, help_text="333(e)(3): delivery schedule")
    sustainment_plan = models.TextField(blank=True, help_text="333(e)(4): sustainment arrangements")
    sustainment_cost = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))
    sustainment_source = models.CharField(max_length=200, blank=True, help_text="333(e)(4): source of sustainment funds")
    sustainment_years = models.PositiveSmallIntegerField(default=0)
    sustainment_justification = models.TextField(
        blank=True, help_text="333(e)(7): justification and transition plan (sustainment over 5 years)"
    )
    prior_assistance = models.TextField(blank=True, help_text="333(e)(5): assistance in the preceding three fiscal years")
    tcp_linkage = models.TextField(blank=True, help_text="333(e)(6): theater campaign plan elements advanced")
    ics_linkage = models.TextField(blank=True, help_text="333(e)(6): Integrated Country Strategy objectives advanced")
    construction_details = models.TextField(blank=True, help_text="333(e)(8): location, title, cost, DD Form 1391, master plan")
    alternative_authorities = models.TextField(blank=True, help_text="333(e)(9): other authorities considered")
    cert_human_rights = models.BooleanField(
        default=False, help_text="333(c)(2): LOAC, human rights, rule of law, civilian control"
    )
    cert_institutional_capacity = models.BooleanField(default=False, help_text="333(c)(3): institutional capacity building")
    legal_questions = models.TextField(blank=True, help_text="questions for the Legal Adviser (routes to L)")
    foc_extension = models.BooleanField(default=False, help_text="333(g) full-operational-capability extension claimed")
    cfy_end_date = models.DateField(help_text="333(g) cross-fiscal-year end: 30 Sep of FY of funds + 2")
    program_code = models.CharField(max_length=20, blank=True)
    # workflow
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField()
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decision_conditions = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    cn_reference = models.CharField(max_length=60, blank=True, help_text="the CN package opened in the notifications workbench")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "reference"]
        indexes = [
            models.Index(fields=["country", "status"], name="t10_proposal_country_idx"),
            models.Index(fields=["status", "authority"], name="t10_proposal_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sustainment_cost__gte=0), name="t10_sustainment_cost_nonneg"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["decided", "cn_pending", "ready_to_execute"]) | ~models.Q(decision=""),
                name="t10_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def total_cost(self) -> Decimal:
        return sum((e.cost for e in self.elements.all()), Decimal("0.00"))

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.WITHDRAWN, Status.READY_TO_EXECUTE)


class ProposalElement(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="elements")
    kind = models.CharField(max_length=20, choices=ElementKind.choices)
    description = models.TextField(blank=True)
    cost = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["proposal", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind"], name="t10_one_element_per_kind"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="t10_element_cost_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.cost}"


class ProposalUnit(models.Model):
    """A recipient unit named in the proposal. `registry_unit_id` points at the security-force
    unit registry (restrictions.SecurityForceUnit) when the name resolves there."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(max_length=200)
    registry_unit_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "name"]
        constraints = [models.UniqueConstraint(fields=["proposal", "name"], name="t10_unit_once_per_proposal")]

    def __str__(self) -> str:
        return self.name


class ProposalHistory(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "proposal history"

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Assurance(models.Model):
    """One entry in the per-country assurances registry (DOMAIN.md §5)."""

    class Kind(models.TextChoices):
        FAA_505 = "faa505", "FAA §505 agreement (22 U.S.C. 2314)"
        AECA_3 = "aeca3", "AECA §3 assurances (22 U.S.C. 2753)"
        EUM = "eum", "EUM — Golden Sentry status (AECA §40A)"
        TPT = "tpt", "Third-party transfer history (AECA §3(a)(2))"

    class State(models.TextChoices):
        IN_FORCE = "in_force", "In force / compliant"
        LAPSED = "lapsed", "Lapsed"
        SUSPENDED = "suspended", "Suspended"
        DISCREPANCY = "discrepancy", "Discrepancy open (EUM)"
        VIOLATION = "violation", "Unauthorized transfer or use on record"

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="title10_assurances")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    instrument = models.CharField(max_length=200, help_text="agreement or instrument reference, or the event recorded")
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_FORCE)
    signed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    covers_articles = models.BooleanField(default=True)
    covers_training = models.BooleanField(default=True)
    covers_services = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["country__name", "kind", "-signed_on"]
        indexes = [models.Index(fields=["country", "kind"], name="t10_assurance_country_idx")]

    def __str__(self) -> str:
        return f"{self.country.iso3} {self.get_kind_display()}: {self.instrument}"


class DeconflictionDecision(models.Model):
    """An analyst's judgement on one deconfliction candidate of a proposal."""

    class Verdict(models.TextChoices):
        DUPLICATE = "duplicate", "Duplicate — the same activity funded twice"
        OVERLAP = "overlap", "Overlap — coordinate the two"
        COMPLEMENTARY = "complementary", "Complementary — no change needed"
        UNRELATED = "unrelated", "Unrelated"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="deconfliction_decisions")
    candidate_key = models.CharField(max_length=80, help_text="title10:<reference> or title22:<allocation id>")
    candidate_label = models.CharField(max_length=300)
    score = models.DecimalField(max_digits=5, decimal_places=3)
    reasons = models.JSONField(default=list)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    justification = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["proposal", "-score"]
        constraints = [models.UniqueConstraint(fields=["proposal", "candidate_key"], name="t10_one_decision_per_candidate")]

    def __str__(self) -> str:
        return f"{self.proposal.reference} vs {self.candidate_label}: {self.verdict}"
