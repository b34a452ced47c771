"""API router of program oversight, mounted at /api/v1/ (paths under /oversight/).

Objectives (versioned, linked to programs), indicators with their reported values and evaluations,
execution (`?fy=&country=&program=`), deliveries (list, create, import). Reads need "view"; writes
name their capability; refusals are the DomainError family (JSON {"code","message","details"})."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from secassist.accounts.access import require
from secassist.core import clock

from . import access, importers, programs, selectors, serialize, services

router = Router(tags=["oversight"])


class ObjectiveIn(Schema):
    country: str
    kind: str
    code: str
    title: str
    description: str = ""
    ccmd: str = ""


class RevisionIn(Schema):
    title: str
    description: str = ""
    reason: str


class LinkIn(Schema):
    program: str
    rationale: str = ""


class TargetIn(Schema):
    due_on: str
    value: str


class IndicatorIn(Schema):
    program: str
    name: str
    unit: str
    baseline_value: str
    baseline_on: str
    direction: str = "increase"
    report_every_days: int = 182
    objective: int | None = None
    targets: list[TargetIn] = []


class ValueIn(Schema):
    as_of: str
    value: str
    evidence: str
    evidence_url: str = ""


class EvaluationIn(Schema):
    evaluator: str
    evaluated_on: str
    findings: str
    recommendations: str = ""
    follow_up_due: str | None = None


class FollowUpIn(Schema):
    status: str
    note: str


class PlanPointIn(Schema):
    quarter_end: str
    planned_obligated: str
    planned_disbursed: str


class PlanIn(Schema):
    program: str
    points: list[PlanPointIn]


class Title10ExecutionIn(Schema):
    program: str
    as_of: str
    obligated: str
    disbursed: str
    source: str


class DeliveryIn(Schema):
    reference: str
    program: str
    kind: str
    description: str
    planned_on: str
    actual_on: str | None = None
    quantity: int | None = None


def _filters(request: HttpRequest, **kw: Any) -> dict[str, Any]:
    require(request.user, "view")
    return selectors.parse_filters(**kw)


# ---------------------------------------------------------------- objectives


@router.get("/oversight/objectives", summary="Objectives (ICS and campaign) with the programs linked to them")
def list_objectives(request: HttpRequest, country: str = "", kind: str = "") -> list[dict[str, Any]]:
    f = _filters(request, country=country)
    return [serialize.objective(o) for o in selectors.objectives(country=f["country"], kind=kind)]


@router.post("/oversight/objectives", response={201: dict[str, Any]}, summary="Record an objective")
def create_objective(request: HttpRequest, body: ObjectiveIn) -> Status[dict[str, Any]]:
    obj = services.create_objective(acting_user=request.user, **body.dict())
    return Status(201, serialize.objective(access.objective_for(request.user, obj.pk), versions=True))


@router.get("/oversight/objectives/{pk}", summary="One objective with its versions and links")
def get_objective(request: HttpRequest, pk: int) -> dict[str, Any]:
    return serialize.objective(access.objective_for(request.user, pk), versions=True)


@router.post("/oversight/objectives/{pk}/versions", response={201: dict[str, Any]}, summary="Revise an objective (new version)")
def revise_objective(request: HttpRequest, pk: int, body: RevisionIn) -> Status[dict[str, Any]]:
    obj = access.objective_for(request.user, pk)
    services.revise_objective(acting_user=request.user, objective=obj, **body.dict())
    return Status(201, serialize.objective(access.objective_for(request.user, pk), versions=True))


@router.post("/oversight/objectives/{pk}/links", response={201: dict[str, Any]}, summary="Link a program to an objective")
def link_objective(request: HttpRequest, pk: int, body: LinkIn) -> Status[dict[str, Any]]:
    obj = access.objective_for(request.user, pk)
    require(request.user, "oversight.edit")
    lk = services.link_objective(
        acting_user=request.user, objective=obj, program=programs.resolve(body.program), rationale=body.rationale
    )
    return Status(201, serialize.link(lk))


@router.get("/oversight/programs/{key}/objectives", summary="The objectives a program advances (t22:<id> or t10:<reference>)")
def program_objectives(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    require(request.user, "view")
    prog = programs.resolve(key)
    links = selectors.links_of(
        allocation_id=prog.allocation.pk if prog.allocation else None, proposal_id=prog.proposal.pk if prog.proposal else None
    )
    return [
        {
            "link": lk.pk,
            "objective": lk.objective_id,
            "country": lk.objective.country.iso3,
            "kind": lk.objective.kind,
            "code": lk.objective.code,
            "title": lk.objective.title,
            "rationale": lk.rationale,
        }
        for lk in links
    ]


# ---------------------------------------------------------------- indicators


@router.get("/oversight/indicators", summary="Indicators with status (on/off track), values, evaluations and flags")
def list_indicators(request: HttpRequest, country: str = "", team: str = "") -> list[dict[str, Any]]:
    f = _filters(request, country=country, team=team)
    today = clock.today()
    return [
        serialize.indicator(ind, selectors.indicator_status(ind, today))
        for ind in selectors.indicators(country=f["country"], team=f["team"])
    ]


@router.post("/oversight/indicators", response={201: dict[str, Any]}, summary="Define an indicator of a program")
def create_indicator(request: HttpRequest, body: IndicatorIn) -> Status[dict[str, Any]]:
    require(request.user, "oversight.edit")
    objective = access.objective_for(request.user, body.objective) if body.objective else None
    ind = services.create_indicator(
        acting_user=request.user,
        program=programs.resolve(body.program),
        name=body.name,
        unit=body.unit,
        baseline_value=body.baseline_value,
        baseline_on=body.baseline_on,
        direction=body.direction,
        report_every_days=body.report_every_days,
        objective=objective,
        targets=[(t.due_on, t.value) for t in body.targets],
    )
    return Status(201, _indicator(request, ind.pk))


def _indicator(request: HttpRequest, pk: int) -> dict[str, Any]:
    ind = access.indicator_for(request.user, pk)
    return serialize.indicator(ind, selectors.indicator_status(ind))


@router.get("/oversight/indicators/{pk}", summary="One indicator")
def get_indicator(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _indicator(request, pk)


@router.get("/oversight/indicators/{pk}/values", summary="Reported values of an indicator")
def list_values(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [serialize.value(v) for v in access.indicator_for(request.user, pk).values.all()]


@router.post(
    "/oversight/indicators/{pk}/values", response={201: dict[str, Any]}, summary="Record a reported value with its evidence"
)
def record_value(request: HttpRequest, pk: int, body: ValueIn) -> Status[dict[str, Any]]:
    ind = access.indicator_for(request.user, pk)
    row = services.record_value(acting_user=request.user, indicator=ind, **body.dict())
    return Status(201, serialize.value(row))


@router.get("/oversight/indicators/{pk}/evaluations", summary="Evaluations of an indicator")
def list_evaluations(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [serialize.evaluation(e) for e in access.indicator_for(request.user, pk).evaluations.all()]


@router.post("/oversight/indicators/{pk}/evaluations", response={201: dict[str, Any]}, summary="Record an evaluation")
def record_evaluation(request: HttpRequest, pk: int, body: EvaluationIn) -> Status[dict[str, Any]]:
    ind = access.indicator_for(request.user, pk)
    row = services.record_evaluation(acting_user=request.user, indicator=ind, **body.dict())
    return Status(201, serialize.evaluation(row))


@router.post("/oversight/evaluations/{pk}/follow-up", summary="Update the follow-up of an evaluation")
def update_follow_up(request: HttpRequest, pk: int, body: FollowUpIn) -> dict[str, Any]:
    ev = access.evaluation_for(request.user, pk)
    return serialize.evaluation(services.update_follow_up(acting_user=request.user, evaluation=ev, **body.dict()))


@router.get("/oversight/flags", summary="Programs without an indicator, overdue or off-track indicators, late deliveries")
def flags(request: HttpRequest, country: str = "", team: str = "") -> list[dict[str, Any]]:
    f = _filters(request, country=country, team=team)
    return [fl.as_dict() for fl in selectors.all_flags(country=f["country"], team=f["team"])]


# ---------------------------------------------------------------- execution


@router.get(
    "/oversight/execution",
    summary="Execution per line and proposal: rates vs plan by quarter, pipeline and its age, funds at risk",
)
def execution(request: HttpRequest, fy: str = "", country: str = "", program: str = "", team: str = "") -> dict[str, Any]:
    f = _filters(request, fy=fy or None, country=country, program=program, team=team)
    return serialize.execution(selectors.execution(fy=f["fy"], country=f["country"], program=f["program"], team=f["team"]))


@router.put("/oversight/execution/plans", summary="Replace a Title 22 line's spend plan (cumulative, by quarter end)")
def set_plan(request: HttpRequest, body: PlanIn) -> dict[str, Any]:
    require(request.user, "oversight.edit")
    rows = services.set_spend_plan(
        acting_user=request.user,
        program=programs.resolve(body.program),
        points=[(p.quarter_end, p.planned_obligated, p.planned_disbursed) for p in body.points],
    )
    return {
        "program": body.program,
        "points": [
            serialize.plain(
                {"quarter_end": r.quarter_end, "planned_obligated": r.planned_obligated, "planned_disbursed": r.planned_disbursed}
            )
            for r in rows
        ],
    }


@router.post(
    "/oversight/execution/title10", response={201: dict[str, Any]}, summary="Record DoD's execution report of a Title 10 program"
)
def record_title10(request: HttpRequest, body: Title10ExecutionIn) -> Status[dict[str, Any]]:
    require(request.user, "oversight.edit")
    row = services.record_title10_execution(
        acting_user=request.user,
        program=programs.resolve(body.program),
        as_of=body.as_of,
        obligated=body.obligated,
        disbursed=body.disbursed,
        source=body.source,
    )
    return Status(
        201,
        serialize.plain(
            {
                "program": body.program,
                "as_of": row.as_of,
                "obligated": row.obligated,
                "disbursed": row.disbursed,
                "source": row.source,
            }
        ),
    )


# ---------------------------------------------------------------- deliveries


@router.get("/oversight/deliveries", summary="Deliveries, planned vs actual, with days late")
def list_deliveries(request: HttpRequest, country: str = "", team: str = "", late: bool = False) -> list[dict[str, Any]]:
    f = _filters(request, country=country, team=team)
    today = clock.today()
    return [
        serialize.delivery(selectors.delivery_row(d, today))
        for d in selectors.deliveries(country=f["country"], team=f["team"], late_only=late)
    ]


@router.post(
    "/oversight/deliveries",
    response={201: dict[str, Any], 200: dict[str, Any]},
    summary="Create or update a delivery element by reference",
)
def save_delivery(request: HttpRequest, body: DeliveryIn) -> Status[dict[str, Any]]:
    require(request.user, "oversight.edit")
    raw = body.dict()
    row, outcome = services.save_delivery(
        acting_user=request.user, reference=raw.pop("reference"), program=programs.resolve(raw.pop("program")), raw=raw
    )
    return Status(
        201 if outcome == "created" else 200,
        {**serialize.delivery(selectors.delivery_row(access.delivery_for(request.user, row.reference))), "outcome": outcome},
    )


@router.post("/oversight/deliveries/import", summary="Import delivery status (CSV or XLSX; all-or-nothing, idempotent)")
def import_deliveries(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    require(request.user, "data.import")
    data = file.read(importers.MAX_BYTES + 1)
    return importers.import_bytes(file.name or "upload", data, acting_user=request.user)
