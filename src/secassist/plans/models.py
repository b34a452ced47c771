"""Defense Sector Plans: DoD planning products State reviews, the taskers that ask for State's
input, the comment resolution matrix, posture change requests and 3D Working Group engagements.

Planning products are often classified. secassist is an unclassified (CUI) system: a product
record holds only the product's classification *marking* and a *pointer* to where the classified
text lives (e.g. a SIPRNet library). Free text entered here is checked by rules.PLN-001 for
classification markings and refused (see docs/adr/0500-plans-markings-and-workflow.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from secassist.core.safe_url import SafeURLField
from secassist.reference.models import Cocom, Country, Office


class ProductType(models.TextChoices):
    GCP = "gcp", "Global Campaign Plan"
    TCP = "tcp", "Regional / theater campaign plan"
    CSP = "csp", "Campaign support plan"
    POSTURE = "posture", "Posture plan"
    CONPLAN = "conplan", "Contingency plan"
    OPLAN = "oplan", "Operation plan"
    NDS = "nds", "DoD strategic guidance: National Defense Strategy"
    GEF = "gef", "DoD strategic guidance: Guidance for Employment of the Force"
    OTHER_GUIDANCE = "guidance", "Other DoD strategic guidance"


class OwnerKind(models.TextChoices):
    CCMD = "ccmd", "Combatant command"
    OSD = "osd", "Office of the Secretary of Defense"
    JOINT_STAFF = "joint_staff", "Joint Staff"


class Classification(models.TextChoices):
    """Overall classification of a product (US levels, lowest first: the order is used)."""

    UNCLASSIFIED = "UNCLASSIFIED", "UNCLASSIFIED"
    CUI = "CUI", "CUI"
    CONFIDENTIAL = "CONFIDENTIAL", "CONFIDENTIAL"
    SECRET = "SECRET", "SECRET"
    TOP_SECRET = "TOP SECRET", "TOP SECRET"


class Dissemination(models.TextChoices):
    NONE = "", "None"
    NOFORN = "NOFORN", "NOFORN"
    REL_FVEY = "REL TO USA, FVEY", "REL TO USA, FVEY"
    REL_NATO = "REL TO USA, NATO", "REL TO USA, NATO"


class PlanningProduct(models.Model):
    product_type = models.CharField(max_length=20, choices=ProductType.choices)
    owner_kind = models.CharField(max_length=20, choices=OwnerKind.choices)
    owner_ccmd = models.CharField(
        max_length=10, choices=Cocom.choices, blank=True, help_text="when the owner is a combatant command"
    )
    title = models.CharField(max_length=300, help_text="the unclassified short title")
    version = models.CharField(max_length=60, blank=True)
    classification = models.CharField(max_length=20, choices=Classification.choices)
    dissemination = models.CharField(max_length=30, choices=Dissemination.choices, blank=True)
    classified_text_location = models.CharField(
        max_length=300,
        blank=True,
        help_text="where the product's text lives (e.g. a SIPRNet library or the DSP safe); never the text itself",
    )
    summary = models.TextField(blank=True, help_text="unclassified summary only")
    countries = models.ManyToManyField(Country, blank=True, related_name="planning_products")
    regions = models.JSONField(default=list, blank=True, help_text="State regional bureau codes (AF, EAP, EUR, NEA, SCA, WHA)")
    review_opens_on = models.DateField(null=True, blank=True)
    review_closes_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner_kind="ccmd") | ~models.Q(owner_ccmd=""),
                name="plans_ccmd_owner_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}{f' ({self.version})' if self.version else ''}"

    @property
    def marking(self) -> str:
        return f"{self.classification}//{self.dissemination}" if self.dissemination else self.classification

    @property
    def owner_label(self) -> str:
        if self.owner_kind == OwnerKind.CCMD and self.owner_ccmd:
            return self.owner_ccmd
        return self.get_owner_kind_display()


class LinkKind(models.TextChoices):
    ICS = "ics", "Integrated Country Strategy"
    TITLE10 = "title10", "Title 10 proposal"
    TITLE22 = "title22", "Title 22 program"


class PlanLink(models.Model):
    """A plan's link to something it relates to, stored generically (type + id + label) so plans
    imports neither title10 nor budget. `element` names the plan element (line of effort,
    intermediate military objective) the linked program advances — what a §333(e) CN cites."""

    product = models.ForeignKey(PlanningProduct, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    subject_type = models.CharField(max_length=60, blank=True, help_text="app_label.model of a linked record, if in secassist")
    subject_id = models.CharField(max_length=64, blank=True)
    label = models.CharField(max_length=300)
    url = SafeURLField(max_length=300, blank=True)
    element = models.CharField(max_length=300, blank=True, help_text="the unclassified plan element it advances")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "label"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="plans_link_subject_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class TaskerStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    TASKED = "tasked", "Tasked"
    COMMENTS_DUE = "comments_due", "Comments due"
    ADJUDICATING = "adjudicating", "Adjudicating"
    TRANSMITTED = "transmitted", "State input transmitted"
    CLOSED = "closed", "Closed"


class Tasker(models.Model):
    product = models.ForeignKey(PlanningProduct, on_delete=models.PROTECT, related_name="taskers")
    dod_reference = models.CharField(max_length=100, blank=True, help_text="DoD's tasker or staffing number")
    requested_by = models.CharField(max_length=200, blank=True, help_text="who in DoD asked (e.g. Joint Staff J5)")
    received_on = models.DateField()
    due_on = models.DateField(help_text="when DoD needs State's input")
    office_due_on = models.DateField(null=True, blank=True, help_text="the suspense for office comments")
    state_lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    offices = models.ManyToManyField(Office, blank=True, related_name="plan_taskers")
    status = models.CharField(max_length=20, choices=TaskerStatus.choices, default=TaskerStatus.RECEIVED)
    status_changed_at = models.DateTimeField()
    transmitted_on = models.DateField(null=True, blank=True)
    instructions = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="plans_tasker_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("received_on")), name="plans_tasker_due_after_received"
            ),
        ]

    def __str__(self) -> str:
        return f"Tasker {self.pk}: {self.product.title}"

    @property
    def accepts_comments(self) -> bool:
        return self.status in (TaskerStatus.TASKED, TaskerStatus.COMMENTS_DUE)


class TaskerHistory(models.Model):
    tasker = models.ForeignKey(Tasker, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=TaskerStatus.choices)
    to_status = models.CharField(max_length=20, choices=TaskerStatus.choices)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.action})"


class CommentType(models.TextChoices):
    """DoD comment resolution matrix types, most serious first."""

    CRITICAL = "critical", "Critical"
    SUBSTANTIVE = "substantive", "Substantive"
    ADMINISTRATIVE = "administrative", "Administrative"


class Adjudication(models.TextChoices):
    PENDING = "", "Not yet adjudicated"
    ACCEPTED = "accepted", "Accepted"
    MODIFIED = "accepted_with_modification", "Accepted with modification"
    REJECTED = "rejected", "Rejected"


class Comment(models.Model):
    tasker = models.ForeignKey(Tasker, on_delete=models.CASCADE, related_name="comments")
    number = models.PositiveIntegerField()
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    page = models.CharField(max_length=20, blank=True)
    paragraph = models.CharField(max_length=40, blank=True)
    line = models.CharField(max_length=20, blank=True)
    comment_type = models.CharField(max_length=20, choices=CommentType.choices)
    comment = models.TextField()
    rationale = models.TextField(blank=True)
    proposed_change = models.TextField(blank=True)
    adjudication = models.CharField(max_length=30, choices=Adjudication.choices, blank=True)
    dod_response = models.TextField(blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    also_offices = models.CharField(
        max_length=200, blank=True, help_text="offices whose duplicate comments were merged into this one"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["tasker", "number"]
        constraints = [models.UniqueConstraint(fields=["tasker", "number"], name="plans_comment_number_unique")]

    def __str__(self) -> str:
        return f"Comment {self.number} ({self.office.code})"

    @property
    def location(self) -> str:
        parts = [
            f"p. {self.page}" if self.page else "",
            f"para {self.paragraph}" if self.paragraph else "",
            f"line {self.line}" if self.line else "",
        ]
        return ", ".join(p for p in parts if p) or "general"

    @property
    def offices_label(self) -> str:
        return self.office.code + (f" (also {self.also_offices})" if self.also_offices else "")


class ReminderLog(models.Model):
    """One reminder sent (so the reminder job is idempotent: each reminder goes out once)."""

    tasker = models.ForeignKey(Tasker, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    due_on = models.DateField()
    sent_on = models.DateField()
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tasker", "kind", "due_on"], name="plans_reminder_once")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for tasker {self.tasker_id} (due {self.due_on})"


class CoordinationStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_COORDINATION = "in_coordination", "In State coordination"
    STATE_POSITION_SENT = "position_sent", "State position sent"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn by DoD"


class PostureDecision(models.TextChoices):
    PENDING = "", "Pending"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    DISAPPROVED = "disapproved", "Disapproved"
    DEFERRED = "deferred", "Deferred"


class PostureChangeRequest(models.Model):
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="posture_changes")
    title = models.CharField(max_length=300)
    change = models.TextField(help_text="the unclassified description of the posture or force-structure change")
    dod_sponsor = models.CharField(max_length=200)
    host_nation_agreements = models.TextField(
        blank=True, help_text="State equity: host-nation agreements affected (SOFA, DCA, access)"
    )
    foreign_policy_implications = models.TextField(blank=True)
    coordination_status = models.CharField(max_length=20, choices=CoordinationStatus.choices, default=CoordinationStatus.RECEIVED)
    decision = models.CharField(max_length=30, choices=PostureDecision.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    product = models.ForeignKey(PlanningProduct, null=True, blank=True, on_delete=models.SET_NULL, related_name="posture_changes")
    received_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="") | models.Q(decision_on__isnull=False),
                name="plans_posture_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.country.iso3})"


class EngagementKind(models.TextChoices):
    WG3D = "3d_wg", "3D Working Group meeting"
    PLANNING_CONFERENCE = "planning_conference", "Planning conference"
    EXERCISE = "exercise", "Exercise"
    WAR_GAME = "war_game", "War game"
    SEMINAR = "seminar", "Seminar"
    TRAINING = "training_event", "Training event"


class Engagement(models.Model):
    kind = models.CharField(max_length=30, choices=EngagementKind.choices)
    title = models.CharField(max_length=300)
    held_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    participants = models.TextField(blank=True, help_text="organisations and offices that took part")
    outputs = models.TextField(blank=True, help_text="unclassified outcomes and decisions")
    product = models.ForeignKey(PlanningProduct, null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements")
    countries = models.ManyToManyField(Country, blank=True, related_name="plan_engagements")
    # events calendar (issue #17): dates, COCOM, the Department's participation, after-action notes
    ends_on = models.DateField(null=True, blank=True, help_text="last day of a multi-day event")
    cocom = models.CharField(max_length=10, choices=Cocom.choices, blank=True)
    participation = models.CharField(max_length=20, default="not_requested", help_text="see Participation")
    participation_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participation_requested_on = models.DateField(null=True, blank=True)
    participation_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participation_decided_on = models.DateField(null=True, blank=True)
    participation_note = models.TextField(blank=True)
    after_action_notes = models.TextField(blank=True)
    after_action_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("held_on")),
                name="plans_event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"

    def get_participation_display(self) -> str:
        return dict(Participation.choices).get(self.participation, self.participation)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItem(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_action_items")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="plans_action_owner_idx")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


# ---- DSP events calendar and analysis products (issue #17 part B) ---------------------------------


class Participation(models.TextChoices):
    NOT_REQUESTED = "not_requested", "Not requested"
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class EventAttendee(models.Model):
    """Who attends an event for the Department (a secassist user, or a named person of an office)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True, help_text="e.g. State lead, POLAD, observer")

    class Meta:
        ordering = ["engagement", "name"]
        constraints = [models.UniqueConstraint(fields=["engagement", "name"], name="plans_attendee_once")]

    def __str__(self) -> str:
        return self.name


class AnalysisKind(models.TextChoices):
    ISSUE_PAPER = "issue_paper", "Issue paper"
    RECOMMENDATION = "recommendation", "Recommendation to leadership"
    INFO_MEMO = "info_memo", "Information memo"


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_CLEARANCE = "in_clearance", "In clearance"
    CLEARED = "cleared", "Cleared"
    DELIVERED = "delivered", "Delivered (decision recorded)"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AnalysisProduct(models.Model):
    """Political-military analysis for leadership on an emergent issue: drafted in versions, cleared
    through the clearances app, delivered with a record of the decision taken."""

    kind = models.CharField(max_length=20, choices=AnalysisKind.choices)
    title = models.CharField(max_length=300)
    issue = models.TextField(help_text="the emergent issue, unclassified")
    addressee = models.CharField(max_length=200, help_text="the leader or office it is for, e.g. PM Assistant Secretary")
    status = models.CharField(max_length=20, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT)
    status_changed_at = models.DateTimeField()
    clearing_offices = models.ManyToManyField(Office, blank=True, related_name="+")
    countries = models.ManyToManyField(Country, blank=True, related_name="plan_analyses")
    products = models.ManyToManyField(PlanningProduct, blank=True, related_name="analyses")
    posture_changes = models.ManyToManyField(PostureChangeRequest, blank=True, related_name="analyses")
    delivered_on = models.DateField(null=True, blank=True)
    decision = models.TextField(blank=True, help_text="the decision leadership took on it")
    decided_by = models.CharField(max_length=200, blank=True, help_text="who decided (name and title)")
    decision_on = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="delivered") | (models.Q(delivered_on__isnull=False) & ~models.Q(decision="")),
                name="plans_analysis_delivered_with_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class AnalysisVersion(models.Model):
    analysis = models.ForeignKey(AnalysisProduct, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["analysis", "number"]
        constraints = [models.UniqueConstraint(fields=["analysis", "number"], name="plans_analysis_version_unique")]

    def __str__(self) -> str:
        return f"{self.analysis_id} v{self.number}"


class AnalysisHistory(models.Model):
    analysis = models.ForeignKey(AnalysisProduct, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=AnalysisStatus.choices)
    to_status = models.CharField(max_length=20, choices=AnalysisStatus.choices)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
