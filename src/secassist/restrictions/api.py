"""API router of the restrictions app, mounted at /api/v1/ by secassist.api."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from secassist.accounts.access import require
from secassist.approvals.api import PendingApprovalOut, pending_out
from secassist.approvals.models import ApprovalRequest
from secassist.core import clock
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import FiscalYear

from . import selectors, services
from .checking import check, check_many
from .coverage import FIRST_FY, matrix
from .models import Assessment, Designation, SecurityForceUnit, Waiver
from .schemas import (
    AssessmentIn,
    AssessmentOut,
    BatchIn,
    BatchOut,
    CheckIn,
    CheckOut,
    CoverageOut,
    DesignationIn,
    DesignationOut,
    RestrictionOut,
    UnitIn,
    UnitOut,
    WaiverIn,
    WaiverOut,
)
from .snapshot import get_snapshot

router = Router(tags=["restrictions"])


@router.post(
    "/restrictions/check",
    response=CheckOut,
    summary="Do State restrictions prohibit or limit this assistance?",
    description="The verdict is the strongest that applies: prohibited > not_assessed > allowed_under_waiver > "
    "allowed_with_conditions > allowed. not_assessed means a restriction that could apply is not covered by the data for "
    "the period (see GET /restrictions/coverage): never read it as a yes. `conditions` and `waivers_relied_on` are "
    "always listed, whatever the verdict. Every finding names its rule code, statute citation, the designation and "
    "waiver relied on, and their sources. Unknown country, program or purpose: 422 naming the field and the allowed values.",
)
def post_check(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    require(request.user, "restrictions.check")
    return check(**payload.dict()).as_dict()


@router.post(
    "/restrictions/check-batch",
    response=BatchOut,
    summary="Screen many lines at once (one data snapshot)",
    description="All checks are validated first; if any is invalid nothing is evaluated and the 422 lists every bad "
    "check by index (details.errors).",
)
def post_check_batch(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    require(request.user, "restrictions.check")
    results = check_many([c.dict() for c in payload.checks])
    summary: dict[str, int] = {}
    for r in results:
        summary[r.verdict] = summary.get(r.verdict, 0) + 1
    return {"count": len(results), "summary": summary, "results": [r.as_dict() for r in results]}


def _restriction_out(r: Any) -> dict[str, Any]:
    data = {k: getattr(r, k) for k in RestrictionOut.model_fields if k not in ("accounts", "authorities")}
    data["accounts"] = sorted(a.code for a in r.accounts.all())
    data["authorities"] = sorted(a.code for a in r.authorities.all())
    return data


@router.get("/restrictions/catalog", response=list[RestrictionOut], summary="The restrictions catalog with citations")
def list_catalog(request: HttpRequest) -> list[dict[str, Any]]:
    return [_restriction_out(r) for r in selectors.catalog()]


def _designation_out(d: Designation) -> dict[str, Any]:
    return {
        "id": d.pk,
        "restriction": d.restriction.key,
        "country": d.country.iso3,
        "status": d.status,
        "effect": d.effect,
        "fiscal_year": d.fiscal_year,
        "effective_from": d.effective_from,
        "ended_on": d.ended_on,
        "pd_number": d.pd_number,
        "source_document": d.source_document,
        "source_url": d.source_url,
        "confidence": d.confidence,
        "note": d.note,
    }


def _country_param(country: str) -> str:
    code = country.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidInput("country must be an ISO 3166-1 alpha-3 code, e.g. SOM", field="country", value=country)
    return code


@router.get(
    "/restrictions/designations", response=list[DesignationOut], summary="A country's designations (its restriction timeline)"
)
def list_designations(request: HttpRequest, country: str) -> list[dict[str, Any]]:
    return [_designation_out(d) for d in selectors.designations_for(_country_param(country))]


@router.post("/restrictions/designations", response={201: DesignationOut}, summary="Record a designation (audited)")
def post_designation(request: HttpRequest, payload: DesignationIn) -> Status:
    obj = services.record_designation(acting_user=request.user, **payload.dict())
    return Status(201, _designation_out(obj))


def _waiver_out(w: Waiver) -> dict[str, Any]:
    data = {k: getattr(w, k) for k in WaiverOut.model_fields if k not in ("id", "restriction", "country")}
    return {**data, "id": w.pk, "restriction": w.restriction.key, "country": w.country.iso3}


@router.get("/restrictions/waivers", response=list[WaiverOut], summary="The waiver/determination register")
def list_waivers(
    request: HttpRequest,
    country: str = "",
    restriction: str = "",
    fiscal_year: int | None = None,
    expiring_within_days: int | None = None,
) -> list[dict[str, Any]]:
    if expiring_within_days is not None:
        if not 0 <= expiring_within_days <= 3650:
            raise InvalidInput("expiring_within_days must be between 0 and 3650", field="expiring_within_days")
        qs = selectors.expiring_waivers(days=expiring_within_days)
    else:
        qs = selectors.waiver_register(
            country=_country_param(country) if country else "", restriction=restriction, fiscal_year=fiscal_year
        )
    return [_waiver_out(w) for w in qs[:2000]]


@router.post(
    "/restrictions/waivers",
    response={201: WaiverOut, 202: PendingApprovalOut},
    summary="Record a waiver, determination, certification or exception (audited); 202: proposed to a second person",
)
def post_waiver(request: HttpRequest, payload: WaiverIn) -> Status:
    obj = services.record_waiver(acting_user=request.user, **payload.dict())
    if isinstance(obj, ApprovalRequest):
        return Status(202, pending_out(obj))
    return Status(201, _waiver_out(obj))


class EndIn(Schema):
    ended_on: dt.date = Field(..., description="the first day it is no longer in force")
    reason: str = Field(..., description="the rescission, revocation or error relied on")


@router.post(
    "/restrictions/waivers/{waiver_id}/end",
    response={200: WaiverOut, 202: PendingApprovalOut},
    summary="End a waiver (revocation, or an entry recorded in error; audited); 202: proposed to a second person",
)
def end_waiver(request: HttpRequest, waiver_id: int, payload: EndIn) -> Status:
    waiver = Waiver.objects.select_related("restriction", "country").filter(pk=waiver_id).first()
    if waiver is None:
        raise Http404(f"no waiver {waiver_id}")
    done = services.end_waiver(acting_user=request.user, waiver=waiver, ended_on=payload.ended_on, reason=payload.reason)
    if isinstance(done, ApprovalRequest):
        return Status(202, pending_out(done))
    return Status(200, _waiver_out(done))


@router.post(
    "/restrictions/designations/{designation_id}/end",
    response={200: DesignationOut, 202: PendingApprovalOut},
    summary="Record the end of a designation (audited); 202: proposed to a second person",
)
def end_designation(request: HttpRequest, designation_id: int, payload: EndIn) -> Status:
    designation = Designation.objects.select_related("restriction", "country").filter(pk=designation_id).first()
    if designation is None:
        raise Http404(f"no designation {designation_id}")
    done = services.end_designation(
        acting_user=request.user, designation=designation, ended_on=payload.ended_on, reason=payload.reason
    )
    if isinstance(done, ApprovalRequest):
        return Status(202, pending_out(done))
    return Status(200, _designation_out(done))


def _unit_out(u: SecurityForceUnit) -> dict[str, Any]:
    data = {k: getattr(u, k) for k in UnitOut.model_fields if k not in ("id", "country")}
    return {**data, "id": u.pk, "country": u.country.iso3}


@router.get("/restrictions/units", response=list[UnitOut], summary="Registered security-force units of a country (Leahy)")
def list_units(request: HttpRequest, country: str) -> list[dict[str, Any]]:
    return [_unit_out(u) for u in selectors.units_for(_country_param(country))]


@router.post(
    "/restrictions/units", response={201: UnitOut}, summary="Register a security-force unit as recorded from INVEST (audited)"
)
def post_unit(request: HttpRequest, payload: UnitIn) -> Status:
    data = payload.dict()
    country = data.pop("country")
    parent_id = data.pop("parent_id")
    parent = None
    if parent_id is not None:
        parent = SecurityForceUnit.objects.filter(pk=parent_id).first()
        if parent is None:
            raise Http404(f"no unit {parent_id}")
    return Status(201, _unit_out(services.save_unit(acting_user=request.user, country=country, parent=parent, **data)))


@router.put(
    "/restrictions/units/{unit_id}", response=UnitOut, summary="Update a unit's vetting, finding or remediation (audited)"
)
def put_unit(request: HttpRequest, unit_id: int, payload: UnitIn) -> dict[str, Any]:
    unit = SecurityForceUnit.objects.select_related("country", "parent").filter(pk=unit_id).first()
    if unit is None:
        raise Http404(f"no unit {unit_id}")
    data = payload.dict()
    country = data.pop("country").strip().upper()
    if country != unit.country.iso3:
        raise InvalidInput(
            f"country cannot change: unit {unit_id} belongs to {unit.country.iso3}", field="country", allowed=[unit.country.iso3]
        )
    parent_id = data.pop("parent_id")
    parent = SecurityForceUnit.objects.filter(pk=parent_id).first() if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise Http404(f"no unit {parent_id}")
    return _unit_out(
        services.save_unit(
            acting_user=request.user, country=country, unit=unit, parent=parent, reason="updated through the API", **data
        )
    )


def _assessment_out(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "restriction": a.restriction.key,
        "country": a.country.iso3,
        "fiscal_year": a.fiscal_year,
        "conclusion": a.conclusion,
        "basis": a.basis,
        "source_document": a.source_document,
        "source_url": a.source_url,
        "recorded_by": a.recorded_by.get_username() if a.recorded_by else "",
        "recorded_at": a.recorded_at,
    }


@router.get("/restrictions/assessments", response=list[AssessmentOut], summary="Analysts' recorded assessments filling data gaps")
def list_assessments(request: HttpRequest, country: str = "", fiscal_year: int | None = None) -> list[dict[str, Any]]:
    qs = selectors.assessments(country=_country_param(country) if country else "", fiscal_year=fiscal_year)
    return [_assessment_out(a) for a in qs[:2000]]


@router.post(
    "/restrictions/assessments",
    response={201: AssessmentOut},
    summary="Record an analyst's assessment of a restriction for a country and FY where the data has a gap (audited)",
)
def post_assessment(request: HttpRequest, payload: AssessmentIn) -> Status:
    obj = services.record_assessment(acting_user=request.user, **payload.dict())
    return Status(201, _assessment_out(obj))


@router.get(
    "/restrictions/coverage",
    response=CoverageOut,
    summary="What the engine knows: restriction × fiscal year, covered / partial / missing / not_in_force, with sources",
)
def get_coverage(request: HttpRequest, fy_from: int = FIRST_FY, fy_to: int | None = None) -> dict[str, Any]:
    require(request.user, "restrictions.check")
    last = fy_to if fy_to is not None else FiscalYear.of(clock.today()).year
    for name, value in (("fy_from", fy_from), ("fy_to", last)):
        if not 1990 <= value <= 2100:
            raise InvalidInput(f"{name} must be a fiscal year between 1990 and 2100", field=name, value=value)
    if last < fy_from or last - fy_from > 60:
        raise InvalidInput("fy_to must be on or after fy_from and at most 60 years later", field="fy_to", value=last)
    return matrix(get_snapshot(), fy_from=fy_from, fy_to=last, today=clock.today())
