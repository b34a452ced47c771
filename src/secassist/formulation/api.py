"""API of budget formulation at /api/v1/funds/requests: cycles, stages, lines, comparisons, the CBJ
export and seeding the allocation table. Reads are scoped (404 for roles that do not read budget
requests); writes go through the services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from secassist.approvals import selectors as approval_selectors
from secassist.core.errors import InvalidInput
from secassist.core.money import money_str

from . import access, cbj, imports, selectors, services
from .models import RequestCycle, RequestLine, RequestStage

router = Router(tags=["budget formulation"])
MAX_UPLOAD = 5 * 1024 * 1024


class CycleIn(Schema):
    budget_fiscal_year: int
    title: str = ""


class StageIn(Schema):
    kind: str
    basis: str = "previous"
    actuals_fiscal_year: int | None = None
    measure: str = "obligated"
    change_pct: str = "0"


class LineIn(Schema):
    recipient: str
    program: str
    amount: str
    priority: int
    justification: str = ""
    reason: str = ""


class CommentIn(Schema):
    text: str


class SeedIn(Schema):
    reason: str = ""


def stage_out(stage: RequestStage, *, lines: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": stage.pk,
        "kind": stage.kind,
        "label": stage.get_kind_display(),
        "version": stage.version,
        "basis": stage.basis,
        "basis_note": stage.basis_note,
        "based_on": stage.based_on_id,
        "working": stage.is_working,
        "opened_at": stage.opened_at,
        "closed_at": stage.closed_at,
    }
    if lines:
        out["lines"] = [line_out(ln) for ln in selectors.stage_lines(stage)]
    return out


def line_out(line: RequestLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "recipient": line.recipient_name,
        "country": line.country.iso3 if line.country is not None else None,
        "program": line.account.code,
        "amount": money_str(line.amount),
        "priority": line.priority,
        "justification": line.justification,
        "comments": [{"author": c.author.username, "text": c.text, "at": c.at} for c in line.comments.all()],
    }


def cycle_out(cycle: RequestCycle) -> dict[str, Any]:
    working = services.working_stage(cycle)
    return {
        "id": cycle.pk,
        "budget_fiscal_year": cycle.budget_fiscal_year,
        "title": cycle.title,
        "is_demo": cycle.demo,
        "stage": working.kind if working else None,
        "seeded_at": cycle.seeded_at,
        "stages": [stage_out(s) for s in cycle.stages.order_by("opened_at", "id")],
        "approvals": [{"id": a.pk, "act": a.act, "status": a.status} for a in approval_selectors.for_subject(cycle)],
    }


def _amount(value: Any) -> str | None:
    return money_str(value) if value is not None else None


@router.get("/funds/requests", response=list[dict[str, Any]], summary="Budget request cycles")
def list_cycles(request: HttpRequest) -> list[dict[str, Any]]:
    return [cycle_out(c) for c in access.cycles_for(request.user)]


@router.post("/funds/requests", response={201: dict[str, Any]}, summary="Open a request cycle for a budget fiscal year")
def create_cycle(request: HttpRequest, payload: CycleIn) -> Status[dict[str, Any]]:
    cycle = services.create_cycle(acting_user=request.user, **payload.dict())
    return Status(201, cycle_out(cycle))


@router.get("/funds/requests/{cycle_id}", response=dict[str, Any])
def get_cycle(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    return cycle_out(access.cycle_for(request.user, cycle_id))


@router.post("/funds/requests/{cycle_id}/stages", response={201: dict[str, Any]}, summary="Open the next stage or a new version")
def open_stage(request: HttpRequest, cycle_id: int, payload: StageIn) -> Status[dict[str, Any]]:
    cycle = access.cycle_for(request.user, cycle_id)
    stage = services.open_stage(acting_user=request.user, cycle=cycle, **payload.dict())
    return Status(201, stage_out(stage, lines=True))


@router.get("/funds/requests/{cycle_id}/stages/{stage_id}", response=dict[str, Any])
def get_stage(request: HttpRequest, cycle_id: int, stage_id: int) -> dict[str, Any]:
    cycle = access.cycle_for(request.user, cycle_id)
    return stage_out(access.stage_for(request.user, cycle, stage_id), lines=True)


@router.get(
    "/funds/requests/{cycle_id}/stages/{stage_id}/comparison",
    response=dict[str, Any],
    summary="A stage against the previous version, the ledger's actuals and past requests (FA.gov)",
)
def comparison(
    request: HttpRequest, cycle_id: int, stage_id: int, actuals_fiscal_year: int | None = None, measure: str = "obligated"
) -> dict[str, Any]:
    cycle = access.cycle_for(request.user, cycle_id)
    stage = access.stage_for(request.user, cycle, stage_id)
    if measure not in ("allocated", "obligated"):
        raise InvalidInput("measure must be allocated or obligated", field="measure", allowed=["allocated", "obligated"])
    fy = actuals_fiscal_year or selectors.default_actuals_year(cycle)
    data = selectors.comparison(stage, actuals_fy=fy, measure=measure)
    history = selectors.request_history(stage)
    return {
        "stage": stage_out(stage),
        "previous": data["previous"].pk if data["previous"] else None,
        "actuals_fiscal_year": fy,
        "measure": measure,
        "rows": [
            {
                "recipient": r["recipient"],
                "key": r["key"][0],
                "program": r["program"],
                "current": _amount(r["current"]),
                "previous": _amount(r["previous"]),
                "change": money_str(r["change"]),
                "change_pct": str(r["change_pct"]) if r["change_pct"] is not None else None,
                "status": r["status"],
                "actual": _amount(r["actual"]),
            }
            for r in data["rows"]
        ],
        "totals": {k: money_str(v) for k, v in data["totals"].items()},
        "past_requests": {
            "fiscal_years": history["years"],
            "caveat": history["caveat"],
            "countries": [
                {"iso3": r["iso3"], "name": r["name"], "total": money_str(r["total"]), "past": [_amount(p) for p in r["past"]]}
                for r in history["rows"]
            ],
        },
    }


@router.post(
    "/funds/requests/{cycle_id}/stages/{stage_id}/lines",
    response={200: dict[str, Any]},
    summary="Add or change a line (in F levels: set the level)",
)
def save_line(request: HttpRequest, cycle_id: int, stage_id: int, payload: LineIn) -> dict[str, Any]:
    cycle = access.cycle_for(request.user, cycle_id)
    stage = access.stage_for(request.user, cycle, stage_id)
    return line_out(services.save_line(acting_user=request.user, stage=stage, **payload.dict()))


@router.post(
    "/funds/requests/{cycle_id}/stages/{stage_id}/import",
    response=dict[str, Any],
    summary="Import lines from XLSX (all or nothing)",
)
def import_lines(request: HttpRequest, cycle_id: int, stage_id: int, file: UploadedFile = File(...)) -> dict[str, Any]:  # noqa: B008
    cycle = access.cycle_for(request.user, cycle_id)
    stage = access.stage_for(request.user, cycle, stage_id)
    if file.size and file.size > MAX_UPLOAD:
        raise InvalidInput(f"file is larger than {MAX_UPLOAD // 1024 // 1024} MB", field="file")
    return imports.import_lines(acting_user=request.user, stage=stage, data=file.read(), file_name=file.name or "upload.xlsx")


@router.post("/funds/requests/lines/{line_id}/comments", response={201: dict[str, Any]}, summary="Comment on a line")
def comment(request: HttpRequest, line_id: int, payload: CommentIn) -> Status[dict[str, Any]]:
    line = access.line_for(request.user, line_id)
    c = services.comment_line(acting_user=request.user, line=line, text=payload.text)
    return Status(201, {"id": c.pk, "line": line.pk, "author": c.author.username, "text": c.text, "at": c.at})


@router.get("/funds/requests/{cycle_id}/cbj", summary="The CBJ tables as XLSX or DOCX")
def cbj_export(request: HttpRequest, cycle_id: int, format: str = "xlsx") -> HttpResponse:
    cycle = access.cycle_for(request.user, cycle_id)
    body, ctype = cbj.render(cycle, format)
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{cbj.file_name(cycle, format)}"'
    return response


@router.get("/funds/requests/{cycle_id}/seeding", response=dict[str, Any], summary="What seeding the allocation table would do")
def seeding_plan(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    cycle = access.cycle_for(request.user, cycle_id)
    plan = services.seeding_plan(cycle)
    return {
        "problems": plan["problems"],
        "lines": [
            {
                "recipient": r["line"].recipient_name,
                "program": r["line"].account.code,
                "amount": money_str(r["line"].amount),
                "appropriation": r["appropriation"].pk if r["appropriation"] else None,
                "skip": r["skip"],
            }
            for r in plan["rows"]
        ],
    }


@router.post("/funds/requests/{cycle_id}/seeding", response=dict[str, Any], summary="Confirm seeding (two-person approval)")
def seed(request: HttpRequest, cycle_id: int, payload: SeedIn) -> dict[str, Any]:
    cycle = access.cycle_for(request.user, cycle_id)
    result = services.propose_seeding(acting_user=request.user, cycle=cycle, reason=payload.reason)
    if isinstance(result, RequestCycle):
        return {"seeded": True, "cycle": cycle_out(result), "approval": None}
    return {
        "seeded": False,
        "cycle": cycle_out(cycle),
        "approval": {"id": result.pk, "status": result.status, "summary": result.summary},
    }
