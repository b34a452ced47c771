"""Pydantic (ninja) schemas of the congress API. Amounts are decimal strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class MdeItem(Schema):
    item: str
    quantity: int
    justified_quantity: int | None = None


class PackagePatch(Schema):
    title: str | None = None
    team: str | None = None
    fiscal_year: int | None = None
    rules: list[str] | None = None
    account: str | None = None
    authority: str | None = None
    appropriation_fy: int | None = None
    public_law: str | None = None
    country: str | None = None
    pseudo_region: str | None = None
    program: str | None = None
    implementing_agency: str | None = None
    amount: str | None = None
    cbj_amount: str | None = None
    description: str | None = None
    purpose: str | None = None
    mde_items: list[MdeItem] | None = None
    classification: str | None = None
    is_emergency: bool | None = None
    emergency_justification: str | None = None
    action_on: dt.date | None = None
    event_on: dt.date | None = None
    drafted_on: dt.date | None = None
    allocations: list[int] | None = None


class PackageIn(PackagePatch):
    title: str
    fiscal_year: int
    program: str
    amount: str


class VerdictInputsOut(Schema):
    country: str | None
    program: str | None
    program_source: str | None = None  # which field gave the program code: program, account or authority
    fiscal_year: int
    on_date: str | None


class RestrictionsVerdictOut(Schema):
    """The package's current restrictions verdict (congress.verdicts); result is the engine's check body."""

    status: str  # ok | not_applicable | unavailable | error
    verdict: str | None  # prohibited | not_assessed | allowed_under_waiver | allowed_with_conditions | allowed
    message: str
    inputs: VerdictInputsOut
    result: dict[str, Any] | None


class PackageOut(Schema):
    id: int
    number: str
    title: str
    status: str
    stage: str
    team: str
    fiscal_year: int
    rules: list[str]
    account: str | None
    authority: str | None
    appropriation_fy: int | None
    public_law: str
    country: str | None
    pseudo_region: str | None
    program: str
    implementing_agency: str
    amount: str
    cbj_amount: str | None
    change_from_cbj: str | None
    description: str
    purpose: str
    mde_items: list[dict[str, Any]]
    elements: dict[str, Any]
    marking: str
    is_emergency: bool
    emergency_justification: str
    action_on: dt.date | None
    event_on: dt.date | None
    drafted_on: dt.date
    transmitted_on: dt.date | None
    addressees: list[str]
    wait_ends_on: dt.date | None
    cleared_to_obligate_on: dt.date | None
    allocations: list[int]
    source: str | None
    links: list[dict[str, str]]
    attachments: list[dict[str, str]]
    allowed_actions: list[str]
    findings: list[dict[str, Any]]
    restrictions: RestrictionsVerdictOut | None = None  # on single-package replies; null in the list
    kind: str = "standard"  # standard | historical (a CN transmitted outside the workbench, issue #11)
    reported_transmitted_on: dt.date | None = None  # historical: as recorded; transmitted_on is set once approved
    document_reference: str = ""
    approval: dict[str, Any] | None = None  # historical: the latest approval request (id, status, by, when)
    pending_approval: dict[str, Any] | None = None  # an act on it waiting for a second person (id, act, summary, url)


class HistoricalIn(Schema):
    """A CN transmitted outside the workbench; it counts only once a second person approves it."""

    title: str
    fiscal_year: int
    account: str | None = None
    country: str | None = None
    pseudo_region: str | None = None
    program: str | None = None
    amount: str
    allocations: list[int] = []
    rules: list[str] | None = None
    transmitted_on: dt.date
    addressees: list[str]
    document_reference: str
    copy_location: str


class HistoricalPatch(Schema):
    title: str | None = None
    amount: str | None = None
    allocations: list[int] | None = None
    rules: list[str] | None = None
    transmitted_on: dt.date | None = None
    addressees: list[str] | None = None
    document_reference: str | None = None
    copy_location: str | None = None
    reason: str = ""


class ProposeIn(Schema):
    reason: str = ""


class TransitionIn(Schema):
    action: str
    note: str | None = None
    reason: str | None = None
    clearing_offices: list[str] | None = None
    transmitted_on: dt.date | None = None
    addressees: list[str] | None = None
    superseded_by: int | None = None


class OpenHoldOut(Schema):
    committee: str
    placed_on: dt.date
    days_held: int
    reason: str


class ClockOut(Schema):
    transmitted_on: dt.date | None
    statutory_wait_ends_on: dt.date | None
    open_holds: list[OpenHoldOut]
    cleared_to_obligate_on: dt.date | None


class HistoryOut(Schema):
    action: str
    from_status: str
    to_status: str
    at: dt.datetime
    by: str | None
    note: str
    data: dict[str, Any]


class QuestionOut(Schema):
    id: int
    asked_on: dt.date
    question: str
    answered_on: dt.date | None
    answer: str


class HoldOut(Schema):
    id: int
    committee: str
    placed_on: dt.date
    placed_by_name: str
    reason: str
    lifted_on: dt.date | None
    lifted_note: str
    open: bool
    days_held: int
    questions: list[QuestionOut]


class HoldIn(Schema):
    committee: str
    reason: str
    placed_on: dt.date | None = None
    placed_by_name: str = ""


class HoldLiftIn(Schema):
    lifted_on: dt.date | None = None
    note: str = ""


class AttachmentIn(Schema):
    title: str
    location: str


class QuestionIn(Schema):
    question: str
    asked_on: dt.date | None = None


class AnswerIn(Schema):
    answer: str
    answered_on: dt.date | None = None


class RuleOut(Schema):
    code: str
    citation: str
    title: str
    kind: str
    days: int | None
    day_basis: str
    month: int | None
    day: int | None
    fy_anchor: str
    offset_days: int
    emergency_days_after: int | None
    committees: list[str]
    amount_tolerance_percent: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    reference_only: bool


class CalendarItemOut(Schema):
    date: dt.date
    title: str
    state: str
    kind: str
    rule: str
    citation: str
    team: str
    detail: str
    url: str
    package_id: int | None
    number: str
    uid: str
