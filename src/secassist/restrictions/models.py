"""Restrictions: the statute catalog, country designations, the waiver/determination register and
the security-force unit registry (Leahy). All of it is editable, effective-dated, cited data: the
check engine (engine.py) reads a snapshot of these tables, never constants in code."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from secassist.core.safe_url import SafeURLField
from secassist.reference.models import Authority, Country, Title22Account


class Confidence(models.TextChoices):
    VERIFIED = "V", "Verified against statute or enacted text"
    SECONDARY = "S", "Authoritative secondary source"
    UNCERTAIN = "U", "Uncertain: confirm with the office's lawyers"


class Recipient(models.TextChoices):
    GOVERNMENT = "government", "The government (including its security forces)"
    UNITS = "units", "Named security-force units"
    NON_GOVERNMENT = "non_government", "Non-government recipients"


class Purpose(models.TextChoices):
    GENERAL = "general", "General"
    PEACEKEEPING_PREPARATION = "peacekeeping_preparation", "Peacekeeping preparation"
    PROFESSIONALIZATION = "professionalization", "Military professionalization"
    HUMAN_RIGHTS = "human_rights", "Human rights"
    SSR = "ssr", "Security sector reform"
    DDR = "ddr", "Demobilization, disarmament and reintegration"
    DEMOCRACY = "democracy", "Democracy and elections"
    HUMANITARIAN = "humanitarian", "Humanitarian"
    COUNTERTERRORISM = "counterterrorism", "Counterterrorism"
    COUNTERNARCOTICS = "counternarcotics", "Counternarcotics"


class Restriction(models.Model):
    """One statutory restriction: what triggers it, what it covers, and how it is relieved."""

    class TriggerKind(models.TextChoices):
        COUNTRY_DESIGNATION = "country_designation", "Country designation"
        UNIT_FINDING = "unit_finding", "Finding about a security-force unit"
        STATUS = "status", "Country status (e.g. loan default)"

    class RecipientScope(models.TextChoices):
        GOVERNMENT = "government", "Assistance to the government (and its units)"
        UNITS = "units", "Assistance to security-force units"
        ALL = "all", "All assistance to the country"

    class Duration(models.TextChoices):
        FY_SCOPED = "fy_scoped", "Per fiscal year"
        PER_ACT = "per_act", "Per appropriations act"
        OPEN_ENDED = "open_ended", "Open-ended until rescinded or remedied"

    key = models.SlugField(max_length=40, unique=True, help_text="stable key used by the seed files, e.g. sst-620a")
    rule_code = models.CharField(max_length=10, unique=True, help_text="stable rule code shown on every finding, e.g. RST-010")
    short_name = models.CharField(max_length=80)
    name = models.CharField(max_length=200)
    citation = models.CharField(max_length=200)
    statute_url = SafeURLField(max_length=300, blank=True)
    trigger = models.TextField(help_text="what triggers it and what it bars")
    trigger_kind = models.CharField(max_length=30, choices=TriggerKind.choices)
    recipient_scope = models.CharField(max_length=20, choices=RecipientScope.choices)
    duration = models.CharField(max_length=20, choices=Duration.choices)
    accounts = models.ManyToManyField(Title22Account, blank=True, related_name="restrictions")
    authorities = models.ManyToManyField(
        Authority, blank=True, related_name="restrictions", help_text="Title 10 authorities the restriction reaches directly"
    )
    covers_all_title10 = models.BooleanField(default=False, help_text="reaches every Title 10 authority directly (DoD Leahy)")
    reaches_inheriting_title10 = models.BooleanField(
        default=False, help_text="reaches Title 10 authorities whose text bars aid 'otherwise prohibited by law' (e.g. 333(d)(1))"
    )
    exceptions = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            'list of {"programs": [...] (empty = all), "purposes": [...], "requires_certification": bool, "text", "citation"}'
        ),
    )
    waiver_holder = models.CharField(max_length=200, blank=True)
    waiver_form = models.TextField(blank=True)
    has_waiver = models.BooleanField(default=True)
    congressional_step = models.TextField(blank=True)
    clock_days = models.PositiveSmallIntegerField(null=True, blank=True, help_text="days in the congressional step, if any")
    clock_direction = models.CharField(
        max_length=10, blank=True, choices=[("before", "before the action"), ("after", "after the action")]
    )
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.VERIFIED)
    source = models.CharField(max_length=400)
    notes = models.TextField(blank=True)
    in_force_from = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "first day the statute was in force (enactment or its stated effective date); before it, a check finds the "
            "restriction not in force (RST-095), never a gap. Empty: not recorded, coverage rows decide"
        ),
    )
    in_force_citation = models.CharField(
        max_length=300, blank=True, help_text="the enacted text that gives in_force_from, e.g. 'P.L. 106-386, 114 Stat. 1464'"
    )
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    locally_edited = models.BooleanField(default=False, help_text="edited in the product; the seed loader leaves it as edited")

    class Meta:
        ordering = ["order", "rule_code"]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.citation})"


class Designation(models.Model):
    """A country's status under a restriction, effective-dated or scoped to a fiscal year."""

    class Effect(models.TextChoices):
        PROHIBITS = "prohibits", "Prohibits covered assistance"
        CONDITION = "condition", "A condition or review applies"
        NONE = "none", "No effect by itself (recorded for the timeline)"
        UNKNOWN = "unknown", "Unresolved: whether it applies is not known (the check says not assessed)"

    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="designations")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="restriction_designations")
    status = models.CharField(max_length=200, help_text="e.g. designated, tier 3, listed, failed demonstrably, coded coup")
    effect = models.CharField(max_length=10, choices=Effect.choices, default=Effect.PROHIBITS)
    fiscal_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="FY-scoped designations apply to this FY only"
    )
    effective_from = models.DateField(null=True, blank=True, help_text="first day in force (required when not FY-scoped)")
    ended_on = models.DateField(null=True, blank=True, help_text="first day no longer in force (rescission, removal)")
    source_document = models.CharField(max_length=400)
    source_url = SafeURLField(max_length=400, blank=True)
    pd_number = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.VERIFIED)
    seed_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    locally_edited = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country__name", "restriction__order", "fiscal_year", "effective_from"]
        indexes = [models.Index(fields=["country", "restriction"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_year__isnull=False) | models.Q(effective_from__isnull=False),
                name="designation_has_fy_or_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(ended_on__gt=models.F("effective_from")),
                name="designation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        when = f"FY{self.fiscal_year}" if self.fiscal_year else f"from {self.effective_from}"
        return f"{self.country.iso3} {self.restriction.short_name}: {self.status} ({when})"


class Waiver(models.Model):
    """The register of waivers, determinations, certifications and exceptions."""

    class Kind(models.TextChoices):
        WAIVER = "waiver", "Waiver"
        DETERMINATION = "determination", "National-interest determination"
        CERTIFICATION = "certification", "Certification"
        EXCEPTION = "exception", "Statutory exception (certified)"
        DELEGATION = "delegation", "Delegation of waiver authority (does not itself waive)"

    RELIEVING = frozenset({Kind.WAIVER, Kind.DETERMINATION, Kind.CERTIFICATION, Kind.EXCEPTION})

    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="waivers")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="restriction_waivers")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WAIVER)
    scope_all = models.BooleanField(default=False, help_text="covers every program the restriction reaches")
    scope_programs = models.JSONField(
        default=list, blank=True, help_text='program codes covered, e.g. ["IMET", "PKO", "10USC333"]'
    )
    scope_text = models.CharField(max_length=400, blank=True, help_text="the scope as the document words it")
    fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    effective_from = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="last day in force; FY-scoped waivers end with the FY")
    legal_authority = models.CharField(max_length=200)
    signed_by = models.CharField(max_length=120, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    pd_number = models.CharField(max_length=40, blank=True)
    justification = models.TextField(blank=True)
    cn_due_on = models.DateField(null=True, blank=True, help_text="congressional notice or report due")
    cn_sent_on = models.DateField(null=True, blank=True)
    public = models.BooleanField(default=True, help_text="published (Federal Register / White House)")
    source_document = models.CharField(max_length=400)
    source_url = SafeURLField(max_length=400, blank=True)
    confidence = models.CharField(max_length=1, choices=Confidence.choices, default=Confidence.VERIFIED)
    seed_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    locally_edited = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "country__name"]
        indexes = [models.Index(fields=["country", "restriction"]), models.Index(fields=["expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=models.F("effective_from")),
                name="waiver_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        pd = f" PD {self.pd_number}" if self.pd_number else ""
        return f"{self.country.iso3} {self.restriction.short_name} {self.get_kind_display().lower()}{pd}"

    @property
    def scope_label(self) -> str:
        return "all covered programs" if self.scope_all else "; ".join(self.scope_programs) or "none of the checked programs"


class SecurityForceUnit(models.Model):
    """A foreign security-force unit as recorded from INVEST, with any credible-information finding."""

    class ForceType(models.TextChoices):
        MILITARY = "military", "Military"
        RESERVE = "reserve", "Reserve"
        POLICE = "police", "Police"
        BORDER = "border", "Border and customs"
        PRISON = "prison", "Prison guards"
        INTELLIGENCE = "intelligence", "Intelligence"
        OTHER = "other", "Other force authorised to use force"

    class Vetting(models.TextChoices):
        NOT_VETTED = "not_vetted", "Not vetted"
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"
        DENIED = "denied", "Denied"
        CANCELLED = "cancelled", "Cancelled"

    class Remediation(models.TextChoices):
        NONE = "none", "No remediation"
        IN_PROGRESS = "in_progress", "Remediation in progress"
        REMEDIATED = "remediated", "Remediated (effective steps taken)"
        EXCEPTED = "excepted", "Exception determined and reported"

    CLEARING = frozenset({Remediation.REMEDIATED, Remediation.EXCEPTED})

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="security_force_units")
    name = models.CharField(max_length=200)
    aliases = models.CharField(max_length=400, blank=True, help_text="other names, separated by semicolons")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subunits")
    force_type = models.CharField(max_length=20, choices=ForceType.choices)
    invest_request_id = models.CharField(max_length=60, blank=True)
    vetting_status = models.CharField(max_length=20, choices=Vetting.choices, default=Vetting.NOT_VETTED)
    vetted_on = models.DateField(null=True, blank=True)
    vetting_expires_on = models.DateField(null=True, blank=True)
    credible_information = models.BooleanField(
        default=False, help_text="credible information of a gross violation of human rights"
    )
    finding_date = models.DateField(null=True, blank=True)
    finding_summary = models.TextField(blank=True)
    remediation_status = models.CharField(max_length=20, choices=Remediation.choices, default=Remediation.NONE)
    public_list = models.BooleanField(default=False, help_text="on the public list of barred units")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__name", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="unit_name_unique_per_country")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.iso3})"


class DataVersion(models.Model):
    """One row whose token changes with every write to the restrictions data, so each process
    rebuilds its cached engine snapshot exactly when the data changed (see engine_cache.py)."""

    token = models.CharField(max_length=36, default="")
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"restrictions data version {self.token or 'initial'}"

    @classmethod
    def bump(cls) -> str:
        from secassist.core import clock

        token = str(uuid.uuid4())
        cls.objects.update_or_create(pk=1, defaults={"token": token, "changed_at": clock.now()})
        return token


class Coverage(models.Model):
    """The period for which the product's designations under a restriction (or one list it depends on)
    are complete, with the source of that claim. Outside every `complete` period the engine says
    `not_assessed` (ADR 0600): no data is never read as "not designated"."""

    class Status(models.TextChoices):
        COMPLETE = "complete", "Complete: every designation of the period is recorded"
        PARTIAL = "partial", "Partial: some designations of the period are recorded, others may be missing"

    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="coverage")
    list_name = models.CharField(max_length=120, help_text="the list or record the claim is about, e.g. 'TIP Report CSPA list'")
    status = models.CharField(max_length=10, choices=Status.choices)
    fy_from = models.PositiveSmallIntegerField(null=True, blank=True, help_text="first fiscal year covered (FY-scoped lists)")
    fy_to = models.PositiveSmallIntegerField(null=True, blank=True, help_text="last fiscal year covered (FY-scoped lists)")
    covered_from = models.DateField(null=True, blank=True, help_text="first day covered (date-based restrictions)")
    covered_to = models.DateField(null=True, blank=True, help_text="last day covered; empty = maintained to date")
    source_document = models.CharField(max_length=400)
    source_url = SafeURLField(max_length=400, blank=True)
    to_fill = models.TextField(blank=True, help_text="what would fill the gap (for partial periods and the years after)")
    note = models.TextField(blank=True)
    seed_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    locally_edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["restriction__order", "fy_from", "covered_from"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(fy_from__isnull=False) & models.Q(fy_to__isnull=False))
                | models.Q(covered_from__isnull=False),
                name="coverage_has_fy_range_or_start",
            ),
            models.CheckConstraint(
                condition=models.Q(fy_to__isnull=True)
                | models.Q(fy_from__isnull=True)
                | models.Q(fy_to__gte=models.F("fy_from")),
                name="coverage_fy_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(covered_to__isnull=True)
                | models.Q(covered_from__isnull=True)
                | models.Q(covered_to__gte=models.F("covered_from")),
                name="coverage_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        when = f"FY{self.fy_from}–FY{self.fy_to}" if self.fy_from else f"{self.covered_from} – {self.covered_to or 'to date'}"
        return f"{self.restriction.short_name}: {self.list_name} {when} ({self.status})"


class Assessment(models.Model):
    """An analyst's recorded assessment of one restriction for one country and fiscal year, where the
    product's data does not cover it (e.g. Brooke arrears from F's list). It fills that gap for the
    engine: `does_not_apply` clears the `not_assessed` finding (and is listed in the answer as relied
    on); `applies` makes the restriction prohibit. Recorded and replaced only through the audited service."""

    class Conclusion(models.TextChoices):
        DOES_NOT_APPLY = "does_not_apply", "Does not apply to this country in this fiscal year"
        APPLIES = "applies", "Applies: covered assistance is prohibited"

    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="assessments")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="restriction_assessments")
    fiscal_year = models.PositiveSmallIntegerField()
    conclusion = models.CharField(max_length=20, choices=Conclusion.choices)
    basis = models.TextField(help_text="what was checked, with whom, and why the conclusion follows")
    source_document = models.CharField(max_length=400)
    source_url = SafeURLField(max_length=400, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-fiscal_year", "country__name", "restriction__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["restriction", "country", "fiscal_year"], name="one_assessment_per_restriction_country_fy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country.iso3} {self.restriction.short_name} FY{self.fiscal_year}: {self.get_conclusion_display()}"
