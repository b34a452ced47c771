"""Reference data: countries and pseudo-regions, Title 22 accounts, Title 10 authorities,
offices and congressional committees. Loaded by `secassist load-reference`; corrected by an
administrator in the admin (audited)."""

from __future__ import annotations

from django.db import models


class Bureau(models.TextChoices):
    AF = "AF", "Bureau of African Affairs"
    EAP = "EAP", "Bureau of East Asian and Pacific Affairs"
    EUR = "EUR", "Bureau of European and Eurasian Affairs"
    NEA = "NEA", "Bureau of Near Eastern Affairs"
    SCA = "SCA", "Bureau of South and Central Asian Affairs"
    WHA = "WHA", "Bureau of Western Hemisphere Affairs"


class Cocom(models.TextChoices):
    AFRICOM = "AFRICOM", "U.S. Africa Command"
    CENTCOM = "CENTCOM", "U.S. Central Command"
    EUCOM = "EUCOM", "U.S. European Command"
    INDOPACOM = "INDOPACOM", "U.S. Indo-Pacific Command"
    NORTHCOM = "NORTHCOM", "U.S. Northern Command"
    SOUTHCOM = "SOUTHCOM", "U.S. Southern Command"


class Office(models.Model):
    """An organisation in the hierarchy department > bureau > office > team."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        BUREAU = "bureau", "Bureau"
        OFFICE = "office", "Office"
        TEAM = "team", "Team"
        POST = "post", "Embassy / post"
        EXTERNAL = "external", "Other agency"

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_clearing_office = models.BooleanField(default=False)
    is_regional_bureau = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    locally_edited = models.BooleanField(
        default=False, help_text="Corrected by an administrator; load-reference leaves it as edited"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Country(models.Model):
    iso3 = models.CharField(max_length=3, unique=True)
    iso2 = models.CharField(max_length=2, blank=True)
    name = models.CharField(max_length=120)
    un_region = models.CharField(max_length=60, blank=True)
    un_subregion = models.CharField(max_length=60, blank=True)
    bureau = models.CharField(max_length=3, choices=Bureau.choices, blank=True)
    cocom = models.CharField(max_length=10, choices=Cocom.choices, blank=True)
    source = models.CharField(max_length=300, blank=True)

    locally_edited = models.BooleanField(
        default=False, help_text="Corrected by an administrator; load-reference leaves it as edited"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"


class PseudoRegion(models.Model):
    """A recipient that carries real money but is not a country: a region, 'World', a former state."""

    class Kind(models.TextChoices):
        REGION = "region", "Regional (not specified)"
        WORLD = "world", "World (not specified)"
        FORMER = "former", "Former state"
        SUBNATIONAL = "subnational", "Sub-national area"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=10, blank=True)
    bureau = models.CharField(max_length=3, choices=Bureau.choices, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    locally_edited = models.BooleanField(
        default=False, help_text="Corrected by an administrator; load-reference leaves it as edited"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CountryAlias(models.Model):
    """Another spelling of a recipient, resolved to exactly one country or pseudo-region."""

    alias = models.CharField(max_length=160)
    normalized = models.CharField(max_length=160, unique=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases")
    pseudo_region = models.ForeignKey(PseudoRegion, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases")
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "country aliases"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(country__isnull=False, pseudo_region__isnull=True)
                    | models.Q(country__isnull=True, pseudo_region__isnull=False)
                ),
                name="alias_points_to_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.alias


class Title22Account(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    treasury_symbol = models.CharField(max_length=40, blank=True)
    years_available = models.PositiveSmallIntegerField(help_text="Default years of availability for new obligations")
    reobligation_years = models.PositiveSmallIntegerField(
        default=4, help_text="Title IV deobligation/reobligation window after expiry"
    )
    cancellation_years = models.PositiveSmallIntegerField(
        default=5, help_text="31 U.S.C. 1552: years after expiry until cancellation"
    )
    obligating_event = models.CharField(max_length=200)
    administering_bureau = models.CharField(max_length=60)
    citation = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    locally_edited = models.BooleanField(
        default=False, help_text="Corrected by an administrator; load-reference leaves it as edited"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Authority(models.Model):
    """A Title 10 security-cooperation authority and State's role under it."""

    class StateRole(models.TextChoices):
        CONCURRENCE = "concurrence", "Concurrence"
        JOINT = "joint", "Joint development and planning"
        APPROVAL = "approval", "Approval"
        COORDINATION = "coordination", "Coordination"
        CONSULTATION = "consultation", "Consultation"
        COM_CONCURRENCE = "com_concurrence", "Chief of Mission concurrence"
        NONE = "none", "No State role in statute"

    code = models.CharField(max_length=30, unique=True, help_text="e.g. 10USC333")
    citation = models.CharField(max_length=120)
    name = models.CharField(max_length=200)
    state_role = models.CharField(max_length=20, choices=StateRole.choices)
    requires_secstate_concurrence = models.BooleanField(default=False)
    role_detail = models.TextField(blank=True)
    cn_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    cn_clock = models.CharField(max_length=300, blank=True)
    caps = models.CharField(max_length=300, blank=True)
    reporting = models.CharField(max_length=300, blank=True)
    program_codes = models.CharField(max_length=100, blank=True)
    inherits_title22_bars = models.BooleanField(default=False, help_text="'otherwise prohibited by law' clause, e.g. 333(d)(1)")
    inherits_citation = models.CharField(max_length=60, blank=True)
    coordinated_by_title10_team = models.BooleanField(default=True)
    confidence = models.CharField(max_length=2, default="V", help_text="V verified, S secondary, U uncertain")
    source = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    locally_edited = models.BooleanField(
        default=False, help_text="Corrected by an administrator; load-reference leaves it as edited"
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return f"{self.citation} — {self.name}"


class Committee(models.Model):
    class Chamber(models.TextChoices):
        SENATE = "senate", "Senate"
        HOUSE = "house", "House"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    chamber = models.CharField(max_length=10, choices=Chamber.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subcommittees")
    jurisdiction = models.CharField(max_length=200, blank=True)
    # Leadership: letters are addressed to these roles. The titles ship with the product; the names are
    # kept by the office (never shipped, never guessed) with the source they were taken from.
    chair_title = models.CharField(max_length=60, default="Chair", help_text="e.g. Chair, Chairman, Speaker")
    chair_name = models.CharField(max_length=120, blank=True, help_text="blank: letters use the title alone")
    ranking_title = models.CharField(
        max_length=60, blank=True, default="Ranking Member", help_text="e.g. Ranking Member, Vice Chair; blank: none"
    )
    ranking_name = models.CharField(max_length=120, blank=True, help_text="blank: letters use the title alone")
    leadership_source = models.CharField(
        max_length=300, blank=True, help_text="where the names were taken from (e.g. the committee's membership page)"
    )
    leadership_as_of = models.DateField(null=True, blank=True, help_text="the date the names were checked")

    locally_edited = models.BooleanField(
        default=False, help_text="Corrected by an administrator; load-reference leaves it as edited"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def leader(self, role: str) -> tuple[str, str]:
        """(title, name) of the chair or the ranking member; name is "" when the office has not entered it."""
        if role == "ranking_member":
            return self.ranking_title, self.ranking_name
        return self.chair_title, self.chair_name
