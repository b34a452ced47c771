"""Request and response schemas of the restrictions API (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

RecipientIn = Literal["government", "units", "non_government"]
PurposeIn = Literal[
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
]


class CheckIn(Schema):
    country: str = Field(..., description="ISO 3166-1 alpha-3 code, e.g. SOM", examples=["SOM"])
    program: str = Field(
        ..., description='"FMF", "IMET", "PKO" or a Title 10 authority code such as "10USC333"', examples=["IMET"]
    )
    fiscal_year: int = Field(..., description="the fiscal year whose restriction cycle applies", examples=[2025])
    on_date: dt.date | None = Field(None, description="date of the action (default today)")
    recipient: RecipientIn = "government"
    purpose: PurposeIn = "general"
    units: list[int] | None = Field(None, description="ids of registered security-force units (GET /restrictions/units)")


class BatchIn(Schema):
    checks: list[CheckIn] = Field(..., max_length=20000)


class QueryOut(Schema):
    country: str
    program: str
    fiscal_year: int
    on_date: str
    recipient: str
    purpose: str
    units: list[int]


class FindingOut(Schema):
    code: str = Field(..., description="stable rule code, e.g. RST-016")
    restriction: str
    restriction_key: str
    citation: str
    effect: Literal["prohibits", "not_assessed", "waived", "excepted", "condition", "not_in_force"] = Field(
        ...,
        description="not_assessed: the product's data does not cover this restriction for the check's period; "
        "not_in_force (RST-095): the statute was not yet in force for the period (never blocks)",
    )
    designation: dict[str, Any] | None
    waiver: dict[str, Any] | None
    explanation: str
    source: str


class ConditionOut(Schema):
    code: str
    restriction: str
    restriction_key: str
    citation: str
    unit: str | None = Field(None, description="the security-force unit the condition is about, if any")
    text: str


class CheckOut(Schema):
    verdict: Literal["prohibited", "not_assessed", "allowed_under_waiver", "allowed_with_conditions", "allowed"] = Field(
        ...,
        description="prohibited > not_assessed > allowed_under_waiver > allowed_with_conditions > allowed; "
        "not_assessed: some restriction that could apply is not covered by the data for the period (never a yes)",
    )
    findings: list[FindingOut]
    evaluated_at: str
    query: QueryOut
    restrictions_checked: int
    conditions: list[ConditionOut] = Field(..., description="what must still be done, whatever the verdict")
    waivers_relied_on: list[dict[str, Any]] = Field(..., description="every waiver or certified exception relied on")
    not_assessed: list[FindingOut] = Field(
        ..., description="the not_assessed findings: restriction, missing period, what fills it"
    )
    assessments_relied_on: list[dict[str, Any]] = Field(..., description="analysts' recorded assessments that filled a gap")


class AssessmentIn(Schema):
    restriction: str = Field(..., description="catalog key, e.g. brooke-7012")
    country: str
    fiscal_year: int
    conclusion: Literal["does_not_apply", "applies"]
    basis: str = Field(..., max_length=4000)
    source_document: str = Field(..., max_length=400)
    source_url: str = Field("", max_length=400)


class AssessmentOut(Schema):
    id: int
    restriction: str
    country: str
    fiscal_year: int
    conclusion: str
    basis: str
    source_document: str
    source_url: str
    recorded_by: str
    recorded_at: dt.datetime


class CoverageCellOut(Schema):
    fiscal_year: int
    status: Literal["covered", "partial", "missing", "not_in_force"]
    sources: list[str]


class CoverageRowOut(Schema):
    restriction: str
    rule_code: str
    short_name: str
    citation: str
    periods: list[dict[str, Any]]
    years: list[CoverageCellOut]


class CoverageOut(Schema):
    fy_from: int
    fy_to: int
    rows: list[CoverageRowOut]


class BatchOut(Schema):
    count: int
    summary: dict[str, int]
    results: list[CheckOut]


class RestrictionOut(Schema):
    key: str
    rule_code: str
    short_name: str
    name: str
    citation: str
    statute_url: str
    trigger: str
    trigger_kind: str
    recipient_scope: str
    duration: str
    accounts: list[str]
    authorities: list[str]
    covers_all_title10: bool
    reaches_inheriting_title10: bool
    exceptions: list[dict[str, Any]]
    has_waiver: bool
    waiver_holder: str
    waiver_form: str
    congressional_step: str
    clock_days: int | None
    clock_direction: str
    confidence: str
    source: str


class DesignationOut(Schema):
    id: int
    restriction: str
    country: str
    status: str
    effect: str
    fiscal_year: int | None
    effective_from: dt.date | None
    ended_on: dt.date | None
    pd_number: str
    source_document: str
    source_url: str
    confidence: str
    note: str


class DesignationIn(Schema):
    restriction: str
    country: str
    status: str
    effect: Literal["prohibits", "condition", "none", "unknown"] = "prohibits"
    fiscal_year: int | None = None
    effective_from: dt.date | None = None
    ended_on: dt.date | None = None
    source_document: str
    source_url: str = ""
    pd_number: str = ""
    note: str = ""


class WaiverOut(Schema):
    id: int
    restriction: str
    country: str
    kind: str
    scope_all: bool
    scope_programs: list[str]
    scope_text: str
    fiscal_year: int | None
    effective_from: dt.date
    expires_on: dt.date | None
    legal_authority: str
    signed_by: str
    signed_on: dt.date | None
    pd_number: str
    justification: str
    cn_due_on: dt.date | None
    cn_sent_on: dt.date | None
    public: bool
    source_document: str
    source_url: str


class WaiverIn(Schema):
    restriction: str
    country: str
    kind: Literal["waiver", "determination", "certification", "exception", "delegation"] = "waiver"
    scope_all: bool = False
    scope_programs: list[str] = []
    scope_text: str = ""
    fiscal_year: int | None = None
    effective_from: dt.date
    expires_on: dt.date | None = None
    legal_authority: str
    signed_by: str = ""
    signed_on: dt.date | None = None
    pd_number: str = ""
    justification: str = ""
    cn_due_on: dt.date | None = None
    cn_sent_on: dt.date | None = None
    public: bool = True
    source_document: str
    source_url: str = ""


class UnitOut(Schema):
    id: int
    country: str
    name: str
    aliases: str
    parent_id: int | None
    force_type: str
    invest_request_id: str
    vetting_status: str
    vetted_on: dt.date | None
    vetting_expires_on: dt.date | None
    credible_information: bool
    finding_date: dt.date | None
    remediation_status: str
    public_list: bool


class UnitIn(Schema):
    country: str
    name: str
    aliases: str = ""
    parent_id: int | None = None
    force_type: Literal["military", "reserve", "police", "border", "prison", "intelligence", "other"]
    invest_request_id: str = ""
    vetting_status: Literal["not_vetted", "pending", "approved", "suspended", "denied", "cancelled"] = "not_vetted"
    vetted_on: dt.date | None = None
    vetting_expires_on: dt.date | None = None
    credible_information: bool = False
    finding_date: dt.date | None = None
    finding_summary: str = ""
    remediation_status: Literal["none", "in_progress", "remediated", "excepted"] = "none"
    public_list: bool = False
