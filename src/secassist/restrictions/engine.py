"""The pure restrictions engine: `evaluate(snapshot, query) -> CheckResult`.

No database access here. `snapshot.py` builds an immutable `Snapshot` of the catalog,
designations, waivers, units and programs once; every check then runs in memory, so a batch of
thousands of checks takes milliseconds and the same inputs always give the same answer.

Verdict precedence (strongest first): prohibited > not_assessed > allowed_under_waiver >
allowed_with_conditions > allowed. A prohibiting finding is never dropped: it is either kept as
`prohibits`, or turned into `waived`/`excepted` naming the waiver or exception that relieved it.

Coverage (ADR 0600): a restriction that reaches the program and recipient, but whose designations are
not recorded completely for the check's period (its `Coverage` rows), yields a `not_assessed` finding
naming the period missing and what would fill it, unless an analyst's recorded `Assessment` for the
country and fiscal year fills the gap. No answer with a `not_assessed` finding is ever `allowed*`.
Every answer lists `conditions` (what must still be done) and `waivers_relied_on` whatever the
verdict, so that a waiver never hides a condition.

Not in force (ADR 0621): before the first day the catalog records for a restriction's statute (`in_force_from`,
with its enacted citation), the restriction yields a `not_in_force` finding (RST-095) naming that day, not a
`not_assessed` one: the statute did not exist, so there is nothing to assess. It never blocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

PROHIBITED = "prohibited"
NOT_ASSESSED = "not_assessed"
ALLOWED_UNDER_WAIVER = "allowed_under_waiver"
ALLOWED_WITH_CONDITIONS = "allowed_with_conditions"
ALLOWED = "allowed"
VERDICTS = (PROHIBITED, NOT_ASSESSED, ALLOWED_UNDER_WAIVER, ALLOWED_WITH_CONDITIONS, ALLOWED)

PROHIBITS = "prohibits"
WAIVED = "waived"
EXCEPTED = "excepted"
CONDITION = "condition"
GAP = "not_assessed"  # the effect of a finding whose restriction the data does not cover for the period
NOT_IN_FORCE = "not_in_force"  # the statute was not yet in force for the check's period: says why, never blocks
EFFECTS = (PROHIBITS, GAP, WAIVED, EXCEPTED, CONDITION, NOT_IN_FORCE)
VERDICT_LABELS = {
    PROHIBITED: "Prohibited",
    NOT_ASSESSED: "Not assessed — the data does not cover a restriction that could apply",
    ALLOWED_UNDER_WAIVER: "Allowed under a waiver or exception",
    ALLOWED_WITH_CONDITIONS: "Allowed with conditions",
    ALLOWED: "Allowed",
}
ALLOWED_VERDICTS = frozenset({ALLOWED_UNDER_WAIVER, ALLOWED_WITH_CONDITIONS, ALLOWED})

# Stable codes for findings that do not come from one catalog row's own code.
CODE_LEAHY_VETTING = "RST-090"  # Leahy vetting is a condition for assistance to units
CODE_UNIT_NOT_CLEARED = "RST-091"  # a named unit has no current approved vetting
CODE_UNIT_FINDING = "RST-092"  # credible information about a named unit (prohibits)
CODE_NOT_ASSESSED = "RST-093"  # the data does not cover the restriction for the check's period
CODE_ASSESSED_APPLIES = "RST-094"  # an analyst's recorded assessment says the restriction applies
CODE_NOT_IN_FORCE = "RST-095"  # the restriction's statute was not in force for the check's period

RECIPIENTS = ("government", "units", "non_government")
PURPOSES = (
    "general",
    "peacekeeping_preparation",
    "professionalization",
    "human_rights",
    "ssr",
    "ddr",
    "democracy",
    "humanitarian",
    "counterterrorism",
    "counternarcotics",
)


@dataclass(frozen=True, slots=True)
class ExceptionRule:
    programs: frozenset[str]  # empty: every covered program
    purposes: frozenset[str]
    requires_certification: bool
    text: str
    citation: str

    def matches(self, program: str, purpose: str) -> bool:
        return purpose in self.purposes and (not self.programs or program in self.programs)


@dataclass(frozen=True, slots=True)
class RestrictionRule:
    id: int
    key: str
    rule_code: str
    short_name: str
    citation: str
    source: str
    trigger_kind: str
    recipient_scope: str
    accounts: frozenset[str]
    authorities: frozenset[str]
    covers_all_title10: bool
    reaches_inheriting_title10: bool
    exceptions: tuple[ExceptionRule, ...]
    waiver_holder: str
    has_waiver: bool
    duration: str = "open_ended"
    periods: tuple[CoveragePeriod, ...] = ()
    in_force_from: dt.date | None = None  # first day the statute was in force (catalog), if recorded
    in_force_citation: str = ""

    @property
    def fy_scoped(self) -> bool:
        return self.duration in ("fy_scoped", "per_act")

    def in_force_on(self, fiscal_year: int, on_date: dt.date) -> bool:
        """False only when the statute was not yet in force for the check's period: an FY-scoped restriction for a
        fiscal year that ended (30 September) before the statute's first day, a dated one on a day before it. The one
        place the catalog's enactment date is read (the engine and the coverage matrix both ask here)."""
        if self.in_force_from is None:
            return True
        if self.fy_scoped:
            return dt.date(fiscal_year, 9, 30) >= self.in_force_from
        return on_date >= self.in_force_from

    def coverage_on(self, fiscal_year: int, on_date: dt.date) -> tuple[str, tuple[CoveragePeriod, ...]]:
        """'complete', 'partial' or 'missing' for the check's period, with the periods that say so."""
        hits = tuple(p for p in self.periods if p.contains(fiscal_year, on_date, fy_scoped=self.fy_scoped))
        if any(p.status == "complete" for p in hits):
            return "complete", tuple(p for p in hits if p.status == "complete")
        return ("partial", hits) if hits else ("missing", ())

    def coverage(self, program: ProgramInfo) -> str | None:
        """How the restriction reaches the program, in words, or None if it does not."""
        if program.kind == "title22":
            return f"{self.citation} covers {program.code}" if program.code in self.accounts else None
        if program.code in self.authorities or self.covers_all_title10:
            return f"{self.citation} covers {program.citation} directly"
        if self.reaches_inheriting_title10 and program.inherits_title22_bars:
            clause = program.inherits_citation or program.citation
            return (
                f"{program.citation} may not fund assistance otherwise prohibited by law ({clause}), "
                f"so the {self.short_name} bar reaches it"
            )
        return None

    def reaches_recipient(self, recipient: str) -> bool:
        if self.recipient_scope == "all":
            return True
        if self.recipient_scope == "government":
            return recipient in ("government", "units")
        return recipient == "units"


@dataclass(frozen=True, slots=True)
class CoveragePeriod:
    """One recorded claim that a restriction's designations are complete (or partial) for a period."""

    list_name: str
    status: str  # complete | partial
    fy_from: int | None
    fy_to: int | None
    covered_from: dt.date | None
    covered_to: dt.date | None  # None: maintained to date
    source_document: str
    source_url: str
    to_fill: str

    def contains(self, fiscal_year: int, on_date: dt.date, *, fy_scoped: bool) -> bool:
        if fy_scoped and self.fy_from is not None and self.fy_to is not None:
            return self.fy_from <= fiscal_year <= self.fy_to
        if self.covered_from is not None:
            return self.covered_from <= on_date and (self.covered_to is None or on_date <= self.covered_to)
        if self.fy_from is not None and self.fy_to is not None:  # an FY claim answering a dated check
            return self.fy_from <= fiscal_year <= self.fy_to
        return False

    def label(self) -> str:
        if self.fy_from is not None:
            span = f"FY{self.fy_from}" if self.fy_from == self.fy_to else f"FY{self.fy_from}–FY{self.fy_to}"
        else:
            span = f"{self.covered_from} to {self.covered_to or 'date'}"
        return f"{self.list_name} {span} ({self.status}; {self.source_document})"


@dataclass(frozen=True, slots=True)
class AssessmentFact:
    id: int
    restriction_id: int
    country: str
    fiscal_year: int
    conclusion: str  # does_not_apply | applies
    basis: str
    source_document: str
    source_url: str
    recorded_by: str
    recorded_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "country": self.country,
            "fiscal_year": self.fiscal_year,
            "conclusion": self.conclusion,
            "basis": self.basis,
            "source_document": self.source_document,
            "source_url": self.source_url,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    code: str
    kind: str  # "title22" | "title10"
    citation: str
    name: str
    inherits_title22_bars: bool = False
    inherits_citation: str = ""


@dataclass(frozen=True, slots=True)
class DesignationFact:
    id: int
    restriction_id: int
    country: str
    status: str
    effect: str  # prohibits | condition | none
    fiscal_year: int | None
    effective_from: dt.date | None
    ended_on: dt.date | None
    source_document: str
    source_url: str
    pd_number: str
    note: str
    confidence: str = "V"

    def in_force(self, fiscal_year: int, on_date: dt.date) -> bool:
        if self.fiscal_year is not None and self.fiscal_year != fiscal_year:
            return False
        if self.fiscal_year is None and (self.effective_from is None or on_date < self.effective_from):
            return False
        return self.ended_on is None or on_date < self.ended_on

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "country": self.country,
            "status": self.status,
            "fiscal_year": self.fiscal_year,
            "effective_from": _iso(self.effective_from),
            "ended_on": _iso(self.ended_on),
            "source_document": self.source_document,
            "source_url": self.source_url,
            "pd_number": self.pd_number,
            "confidence": self.confidence,
        }

    def describe(self) -> str:
        if self.fiscal_year:
            return self.status if f"FY{self.fiscal_year}" in self.status else f"{self.status}, FY{self.fiscal_year}"
        until = f" until {self.ended_on}" if self.ended_on else ""
        return f"{self.status} from {self.effective_from}{until}"


@dataclass(frozen=True, slots=True)
class WaiverFact:
    id: int
    restriction_id: int
    country: str
    kind: str
    relieves: bool
    scope_all: bool
    scope_programs: frozenset[str]
    scope_text: str
    fiscal_year: int | None
    effective_from: dt.date
    expires_on: dt.date | None
    legal_authority: str
    signed_by: str
    pd_number: str
    source_document: str
    source_url: str

    def in_force(self, fiscal_year: int, on_date: dt.date) -> bool:
        """In force from its effective date. An FY-scoped waiver answers for its own fiscal year's cycle:
        it counts for a check of that FY on any later date, unless it was cut short before the FY ended."""
        if not self.relieves or on_date < self.effective_from:
            return False
        if self.fiscal_year is not None:
            if self.fiscal_year != fiscal_year:
                return False
            if self.expires_on is None or self.expires_on >= dt.date(self.fiscal_year, 9, 30):
                return True
        return self.expires_on is None or on_date <= self.expires_on

    def covers(self, program: str) -> bool:
        return self.scope_all or program in self.scope_programs

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "pd_number": self.pd_number,
            "fiscal_year": self.fiscal_year,
            "effective_from": _iso(self.effective_from),
            "expires_on": _iso(self.expires_on),
            "scope": "all" if self.scope_all else sorted(self.scope_programs),
            "scope_text": self.scope_text,
            "legal_authority": self.legal_authority,
            "signed_by": self.signed_by,
            "source_document": self.source_document,
            "source_url": self.source_url,
        }

    def describe(self) -> str:
        label = f"PD {self.pd_number}" if self.pd_number else f"the {self.kind}"
        scope = f" (FY{self.fiscal_year})" if self.fiscal_year else ""
        until = f" to {self.expires_on}" if self.expires_on else ""
        return f"{label}{scope}, in force {self.effective_from}{until}"


@dataclass(frozen=True, slots=True)
class UnitFact:
    id: int
    country: str
    name: str
    vetting_status: str
    vetted_on: dt.date | None
    vetting_expires_on: dt.date | None
    credible_information: bool
    finding_date: dt.date | None
    remediation_status: str

    def barred(self, on_date: dt.date) -> bool:
        started = self.finding_date is None or self.finding_date <= on_date
        return self.credible_information and started and self.remediation_status not in ("remediated", "excepted")

    def cleared(self, on_date: dt.date) -> bool:
        current = self.vetting_expires_on is None or on_date <= self.vetting_expires_on
        return self.vetting_status == "approved" and current

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.id,
            "unit": self.name,
            "vetting_status": self.vetting_status,
            "vetted_on": _iso(self.vetted_on),
            "vetting_expires_on": _iso(self.vetting_expires_on),
            "credible_information": self.credible_information,
            "finding_date": _iso(self.finding_date),
            "remediation_status": self.remediation_status,
        }


@dataclass(frozen=True, slots=True)
class Snapshot:
    token: str
    restrictions: dict[int, RestrictionRule]
    designations: dict[str, tuple[DesignationFact, ...]]  # by country ISO3
    waivers: dict[tuple[int, str], tuple[WaiverFact, ...]]  # by (restriction id, country)
    units: dict[int, UnitFact]
    programs: dict[str, ProgramInfo]
    countries: dict[str, str]  # ISO3 -> name
    unit_rules: tuple[RestrictionRule, ...] = ()  # the Leahy laws (trigger kind unit_finding)
    assessments: dict[tuple[int, str, int], AssessmentFact] = field(default_factory=dict)  # (restriction, ISO3, FY)
    reach: dict[tuple[str, str], tuple[tuple[RestrictionRule, str], ...]] = field(default_factory=dict)  # memo
    by_year: dict[tuple[str, int], tuple[DesignationFact, ...]] = field(default_factory=dict)  # memo

    def designations_for(self, country: str, fiscal_year: int) -> tuple[DesignationFact, ...]:
        """The country's dated designations plus its FY-scoped ones for the year: with lists recorded back to FY2000
        a country holds dozens of yearly rows, and a check only ever needs one year's (memoised per snapshot)."""
        key = (country, fiscal_year)
        found = self.by_year.get(key)
        if found is None:
            rows = self.designations.get(country, ())
            found = self.by_year[key] = tuple(d for d in rows if d.fiscal_year is None or d.fiscal_year == fiscal_year)
        return found

    def rules_reaching(self, program: ProgramInfo, recipient: str) -> tuple[tuple[RestrictionRule, str], ...]:
        """The country-level restrictions that reach (program, recipient), each with how; memoised per snapshot."""
        key = (program.code, recipient)
        found = self.reach.get(key)
        if found is None:
            pairs = []
            for rule in sorted(self.restrictions.values(), key=lambda r: r.rule_code):
                if rule.trigger_kind == "unit_finding" or not rule.reaches_recipient(recipient):
                    continue
                how = rule.coverage(program)
                if how is not None:
                    pairs.append((rule, how))
            found = self.reach[key] = tuple(pairs)
        return found


@dataclass(frozen=True, slots=True)
class Query:
    country: str
    program: str
    fiscal_year: int
    on_date: dt.date
    recipient: str = "government"
    purpose: str = "general"
    units: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "program": self.program,
            "fiscal_year": self.fiscal_year,
            "on_date": self.on_date.isoformat(),
            "recipient": self.recipient,
            "purpose": self.purpose,
            "units": list(self.units),
        }


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    restriction: str
    restriction_key: str
    citation: str
    effect: str
    explanation: str
    designation: dict[str, Any] | None = None
    waiver: dict[str, Any] | None = None
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "restriction": self.restriction,
            "restriction_key": self.restriction_key,
            "citation": self.citation,
            "effect": self.effect,
            "designation": self.designation,
            "waiver": self.waiver,
            "explanation": self.explanation,
            "source": self.source,
        }


@dataclass(slots=True)
class CheckResult:
    verdict: str
    findings: list[Finding]
    evaluated_at: dt.datetime
    query: Query
    restrictions_checked: int = 0
    data_version: str = ""
    assessments: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Exactly the body of POST /api/v1/restrictions/check."""
        return {
            "verdict": self.verdict,
            "findings": [f.as_dict() for f in self.findings],
            "evaluated_at": self.evaluated_at.isoformat(),
            "query": self.query.as_dict(),
            "restrictions_checked": self.restrictions_checked,
            "conditions": self.conditions,
            "waivers_relied_on": self.waivers_relied_on,
            "not_assessed": [f.as_dict() for f in self.gaps],
            "assessments_relied_on": self.assessments,
        }

    @property
    def prohibiting(self) -> list[Finding]:
        return [f for f in self.findings if f.effect == PROHIBITS]

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def gaps(self) -> list[Finding]:
        return [f for f in self.findings if f.effect == GAP]

    @property
    def conditions(self) -> list[dict[str, Any]]:
        """What must still be done, whatever the verdict (a waiver never hides one)."""
        return [
            {
                "code": f.code,
                "restriction": f.restriction,
                "restriction_key": f.restriction_key,
                "citation": f.citation,
                "unit": (f.designation or {}).get("unit"),
                "text": f.explanation,
            }
            for f in self.findings
            if f.effect == CONDITION
        ]

    @property
    def waivers_relied_on(self) -> list[dict[str, Any]]:
        """Every waiver or certified exception the answer relies on, with the restriction it relieves."""
        return [
            {"code": f.code, "restriction": f.restriction, "restriction_key": f.restriction_key, **f.waiver}
            for f in self.findings
            if f.waiver is not None and f.effect in (WAIVED, EXCEPTED)
        ]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def verdict_of(findings: list[Finding]) -> str:
    if not findings:
        return ALLOWED
    effects = {f.effect for f in findings}
    if PROHIBITS in effects:
        return PROHIBITED
    if GAP in effects:
        return NOT_ASSESSED
    if WAIVED in effects or EXCEPTED in effects:
        return ALLOWED_UNDER_WAIVER
    if CONDITION in effects:
        return ALLOWED_WITH_CONDITIONS
    return ALLOWED


def evaluate(snapshot: Snapshot, query: Query, *, evaluated_at: dt.datetime) -> CheckResult:
    """Every restriction that reaches (country, program, recipient) on the date yields a finding; so does
    every one whose data does not cover the check's period (not_assessed) unless an assessment fills it."""
    program = snapshot.programs[query.program]
    findings: list[Finding] = []
    answered: set[int] = set()
    for designation in snapshot.designations_for(query.country, query.fiscal_year):
        if not designation.in_force(query.fiscal_year, query.on_date):
            continue
        rule = snapshot.restrictions.get(designation.restriction_id)
        if rule is None or not rule.reaches_recipient(query.recipient):
            continue
        if designation.effect == "none":
            answered.add(rule.id)  # recorded (e.g. on the majors list only): the list answers for this country
            continue
        how = rule.coverage(program)
        if how is None:
            continue
        answered.add(rule.id)
        findings.append(_designation_finding(snapshot, query, rule, designation, how))
    assessments: list[dict[str, Any]] = []
    for rule, how in snapshot.rules_reaching(program, query.recipient):
        if rule.id in answered:
            continue
        if not rule.in_force_on(query.fiscal_year, query.on_date):
            findings.append(_not_in_force_finding(snapshot, query, rule))
            continue
        status, periods = rule.coverage_on(query.fiscal_year, query.on_date)
        if status == "complete":
            continue
        assessment = snapshot.assessments.get((rule.id, query.country, query.fiscal_year))
        if assessment is not None:
            assessments.append({"code": rule.rule_code, "restriction": rule.short_name, **assessment.as_dict()})
            if assessment.conclusion == "applies":
                findings.append(_assessed_finding(snapshot, query, rule, assessment, how))
            continue
        findings.append(_gap_finding(snapshot, query, rule, status, periods, how))
    findings.extend(_unit_findings(snapshot, query, program))
    return CheckResult(
        verdict=verdict_of(findings),
        findings=findings,
        evaluated_at=evaluated_at,
        query=query,
        restrictions_checked=len(snapshot.restrictions),
        data_version=snapshot.token,
        assessments=assessments,
    )


def _period_asked(rule: RestrictionRule, query: Query) -> str:
    return f"FY{query.fiscal_year}" if rule.fy_scoped else f"{query.on_date}"


def _not_in_force_finding(snapshot: Snapshot, query: Query, rule: RestrictionRule) -> Finding:
    """The statute was not yet in force for the period asked: a finding that says so (with the first day in force and
    the enacted text), so the answer is explained rather than silent, and that never blocks (verdict_of ignores it)."""
    name = snapshot.countries.get(query.country, query.country)
    asked = _period_asked(rule, query)
    first = str(rule.in_force_from)  # set: in_force_on() is False only for a rule with a first day
    when = f"FY{query.fiscal_year} ended on {query.fiscal_year}-09-30," if rule.fy_scoped else f"{query.on_date} is"
    when += " before that day"
    return Finding(
        code=CODE_NOT_IN_FORCE,
        restriction=rule.short_name,
        restriction_key=rule.key,
        citation=rule.citation,
        effect=NOT_IN_FORCE,
        explanation=(
            f"{rule.short_name} ({rule.citation}) was not in force for {asked}: the statute is in force from {first} "
            f"({rule.in_force_citation}), and {when}. It does not restrict assistance to {name} for {asked}."
        ),
        designation={"period_asked": asked, "in_force_from": first, "in_force_citation": rule.in_force_citation},
        source=rule.in_force_citation or rule.source,
    )


def _gap_finding(
    snapshot: Snapshot, query: Query, rule: RestrictionRule, status: str, periods: tuple[CoveragePeriod, ...], how: str
) -> Finding:
    name = snapshot.countries.get(query.country, query.country)
    asked = _period_asked(rule, query)
    known = "; ".join(p.label() for p in rule.periods if p.status == "complete") or "none recorded"
    own_list = f"the {rule.short_name} list for {asked} from its primary source"
    if status == "partial":
        said = (
            f"The product's {rule.short_name} data for {asked} is partial ({'; '.join(p.label() for p in periods)}), "
            f"and {name} is not on the part recorded"
        )
        fill = "; ".join(p.to_fill for p in periods if p.to_fill) or own_list
    else:
        said = f"The product has no {rule.short_name} data covering {asked} (complete periods: {known})"
        fill = own_list  # another period's "to fill" says how to fill that period, not this one
    return Finding(
        code=CODE_NOT_ASSESSED,
        restriction=rule.short_name,
        restriction_key=rule.key,
        citation=rule.citation,
        effect=GAP,
        explanation=(
            f"{how}. {said}: whether it restricts assistance to {name} cannot be said. To fill: {fill}; or record an "
            f"analyst's assessment of {rule.short_name} for {query.country} FY{query.fiscal_year}."
        ),
        designation={"missing_period": asked, "coverage": status, "to_fill": fill},
        source="; ".join(p.source_document for p in periods) or rule.source,
    )


def _assessed_finding(snapshot: Snapshot, query: Query, rule: RestrictionRule, assessment: AssessmentFact, how: str) -> Finding:
    name = snapshot.countries.get(query.country, query.country)
    return Finding(
        code=CODE_ASSESSED_APPLIES,
        restriction=rule.short_name,
        restriction_key=rule.key,
        citation=rule.citation,
        effect=PROHIBITS,
        explanation=(
            f"{name}: an analyst's assessment of {assessment.recorded_at:%Y-%m-%d} ({assessment.recorded_by}) concludes that "
            f"{rule.short_name} applies in FY{assessment.fiscal_year}: {assessment.basis} {how}."
        ),
        designation={"assessment": assessment.as_dict()},
        source=assessment.source_document,
    )


def _designation_finding(
    snapshot: Snapshot, query: Query, rule: RestrictionRule, designation: DesignationFact, how: str
) -> Finding:
    name = snapshot.countries.get(query.country, query.country)
    pd = f", PD {designation.pd_number}" if designation.pd_number else ""
    facts = f"{name}: {designation.describe()} ({rule.short_name}{pd})."
    if designation.confidence == "U":
        facts += " UNCONFIRMED: this record rests on an unconfirmed source; verify it before relying on it."
    common: dict[str, Any] = {
        "code": rule.rule_code,
        "restriction": rule.short_name,
        "restriction_key": rule.key,
        "citation": rule.citation,
        "designation": designation.as_dict(),
        "source": designation.source_document,
    }
    if designation.effect == "unknown":
        text = f"{facts} {how}. {designation.note or 'Whether the restriction applies is unresolved.'}"
        fill = "the Department's position recorded as a designation, a decision, or an analyst's assessment"
        common["designation"] = {**designation.as_dict(), "missing_period": _period_asked(rule, query), "to_fill": fill}
        return Finding(effect=GAP, explanation=text, **{**common, "code": CODE_NOT_ASSESSED})
    if designation.effect == "condition":
        text = f"{facts} {how}. {designation.note or 'A determination may be needed before assistance proceeds.'}"
        return Finding(effect=CONDITION, explanation=text, **common)
    for exc in rule.exceptions:
        if not exc.requires_certification and exc.matches(query.program, query.purpose):
            text = f"{facts} {how}, but the purpose '{query.purpose}' is excepted: {exc.text} ({exc.citation})."
            return Finding(effect=EXCEPTED, explanation=text, **common)
    waiver = _waiver_in_force(snapshot, rule, query)
    if waiver is not None:
        effect = EXCEPTED if waiver.kind == "exception" else WAIVED
        text = f"{facts} {how}. Relieved for {query.program} by {waiver.describe()}; scope: {_scope(waiver)}."
        return Finding(effect=effect, explanation=text, waiver=waiver.as_dict(), **common)
    return Finding(effect=PROHIBITS, explanation=f"{facts} {how}. {_no_relief(snapshot, rule, query)}", **common)


def _waiver_in_force(snapshot: Snapshot, rule: RestrictionRule, query: Query) -> WaiverFact | None:
    for waiver in snapshot.waivers.get((rule.id, query.country), ()):
        if waiver.in_force(query.fiscal_year, query.on_date) and waiver.covers(query.program):
            return waiver
    return None


def _scope(waiver: WaiverFact) -> str:
    return waiver.scope_text or ("all" if waiver.scope_all else "; ".join(sorted(waiver.scope_programs)))


def _no_relief(snapshot: Snapshot, rule: RestrictionRule, query: Query) -> str:
    """Say why nothing relieves the bar: which waivers exist but do not cover this case."""
    others = snapshot.waivers.get((rule.id, query.country), ())
    reasons = []
    for waiver in others:
        if not waiver.relieves:
            reasons.append(f"{waiver.describe()} is a {waiver.kind}, which does not itself waive")
        elif not waiver.in_force(query.fiscal_year, query.on_date):
            reasons.append(f"{waiver.describe()} is not in force on {query.on_date} for FY{query.fiscal_year}")
        elif not waiver.covers(query.program):
            reasons.append(f"{waiver.describe()} covers only {_scope(waiver)}, not {query.program}")
    text = "No waiver or exception in force covers this assistance"
    if reasons:
        text += " (" + "; ".join(reasons[:4]) + ")"
    hints = [f"{e.text} ({e.citation})" for e in rule.exceptions if e.matches(query.program, query.purpose)]
    if hints:
        text += f". An exception needs a certification recorded in the register: {'; '.join(hints)}"
    holder = f". Waiver: {rule.waiver_holder}" if rule.has_waiver and rule.waiver_holder else ". The statute provides no waiver"
    return text + holder + "."


def _unit_findings(snapshot: Snapshot, query: Query, program: ProgramInfo) -> list[Finding]:
    """Leahy: vetting is a condition for assistance to units everywhere; a unit finding prohibits."""
    if query.recipient != "units" and not query.units:
        return []
    rules = [r for r in snapshot.unit_rules if r.coverage(program) is not None]
    if not rules:
        return []
    rule = rules[0]
    common: dict[str, Any] = {
        "restriction": rule.short_name,
        "restriction_key": rule.key,
        "citation": rule.citation,
        "source": rule.source,
    }
    findings = [
        Finding(
            code=CODE_LEAHY_VETTING,
            effect=CONDITION,
            explanation=(
                f"{rule.citation} applies to assistance to security-force units under {program.citation}: each unit (and each "
                f"nominated individual's unit) must be vetted in INVEST and cleared before assistance is provided."
            ),
            **common,
        )
    ]
    for unit_id in query.units:
        unit = snapshot.units[unit_id]
        facts = {"id": None, "country": unit.country, "status": "unit", **unit.as_dict()}
        if unit.barred(query.on_date):
            waiver = _waiver_in_force(snapshot, rule, query) if rule.has_waiver else None
            text = (
                f"Credible information of a gross violation of human rights by {unit.name} (finding of "
                f"{unit.finding_date or 'undated'}; remediation: {unit.remediation_status}). "
                f"{rule.citation} bars assistance to it."
            )
            if waiver is not None:
                findings.append(
                    Finding(
                        code=CODE_UNIT_FINDING,
                        effect=WAIVED,
                        designation=facts,
                        waiver=waiver.as_dict(),
                        explanation=f"{text} Waived by {waiver.describe()}.",
                        **common,
                    )
                )
            else:
                findings.append(Finding(code=CODE_UNIT_FINDING, effect=PROHIBITS, designation=facts, explanation=text, **common))
        elif not unit.cleared(query.on_date):
            findings.append(
                Finding(
                    code=CODE_UNIT_NOT_CLEARED,
                    effect=CONDITION,
                    designation=facts,
                    explanation=(
                        f"{unit.name} has no current approved Leahy vetting on {query.on_date} "
                        f"(status {unit.vetting_status}"
                        f"{', expired ' + str(unit.vetting_expires_on) if unit.vetting_expires_on else ''}): "
                        "vet before assistance."
                    ),
                    **common,
                )
            )
    return findings
