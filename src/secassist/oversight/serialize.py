"""Oversight records as plain JSON-ready dicts (API and exports): amounts and values as decimal
strings, dates as ISO strings, flags with their rule, citation and data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from . import programs, rules
from .models import Delivery, Evaluation, Indicator, IndicatorValue, Objective, ObjectiveLink


def plain(value: Any) -> Any:
    if isinstance(value, rules.Flag):
        return value.as_dict()
    if isinstance(value, programs.Program):
        return {"key": value.key, "label": value.label, "team": value.team, "country": value.country_iso3}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def link(lk: ObjectiveLink) -> dict[str, Any]:
    return {"id": lk.pk, "objective": lk.objective_id, "program": plain(programs.of(lk)), "rationale": lk.rationale}


def objective(obj: Objective, *, versions: bool = False) -> dict[str, Any]:
    out = {
        "id": obj.pk,
        "country": obj.country.iso3,
        "kind": obj.kind,
        "ccmd": obj.ccmd,
        "code": obj.code,
        "title": obj.title,
        "description": obj.description,
        "version": obj.version,
        "demo": obj.is_demo,
        "links": [link(lk) for lk in obj.links.all()],
        "url": reverse("oversight:objective", args=[obj.pk]),
    }
    if versions:
        out["versions"] = [
            {
                "version": v.version,
                "title": v.title,
                "description": v.description,
                "reason": v.reason,
                "recorded_at": v.recorded_at.isoformat(),
                "recorded_by": v.recorded_by.username if v.recorded_by else "system",
            }
            for v in obj.versions.all()
        ]
    return out


def value(v: IndicatorValue) -> dict[str, Any]:
    return {
        "id": v.pk,
        "as_of": v.as_of.isoformat(),
        "value": str(v.value),
        "evidence": v.evidence,
        "evidence_url": v.evidence_url,
        "recorded_at": v.recorded_at.isoformat(),
    }


def evaluation(e: Evaluation) -> dict[str, Any]:
    return {
        "id": e.pk,
        "indicator": e.indicator_id,
        "evaluator": e.evaluator,
        "evaluated_on": e.evaluated_on.isoformat(),
        "findings": e.findings,
        "recommendations": e.recommendations,
        "follow_up_status": e.follow_up_status,
        "follow_up_due": e.follow_up_due.isoformat() if e.follow_up_due else None,
        "follow_up_note": e.follow_up_note,
    }


def indicator(ind: Indicator, status: dict[str, Any]) -> dict[str, Any]:
    latest, target = status["latest"], status["target"]
    return {
        "id": ind.pk,
        "name": ind.name,
        "unit": ind.unit,
        "direction": ind.direction,
        "country": ind.country.iso3,
        "program": plain(status["program"]),
        "objective": ind.objective_id,
        "baseline": {"value": str(ind.baseline_value), "on": ind.baseline_on.isoformat()},
        "report_every_days": ind.report_every_days,
        "demo": ind.is_demo,
        "targets": [{"due_on": t.due_on.isoformat(), "value": str(t.value)} for t in ind.targets.all()],
        "values": [value(v) for v in ind.values.all()],
        "evaluations": [evaluation(e) for e in ind.evaluations.all()],
        "status": status["status"],
        "latest": {"as_of": latest[0].isoformat(), "value": str(latest[1])} if latest else None,
        "target_due": {"due_on": target[0].isoformat(), "value": str(target[1])} if target else None,
        "next_report_due": status["next_due"].isoformat(),
        "flags": [f.as_dict() for f in status["flags"]],
        "url": reverse("oversight:indicator", args=[ind.pk]),
    }


def delivery(row: dict[str, Any]) -> dict[str, Any]:
    d: Delivery = row["delivery"]
    return {
        "reference": d.reference,
        "program": plain(row["program"]),
        "country": d.country.iso3,
        "kind": d.kind,
        "description": d.description,
        "quantity": d.quantity,
        "planned_on": d.planned_on.isoformat(),
        "actual_on": d.actual_on.isoformat() if d.actual_on else None,
        "state": row["state"],
        "days_late": row["days_late"],
        "late": row["days_late"] > 0,
        "flag": row["flag"].as_dict() if row["flag"] else None,
        "demo": d.is_demo,
    }


def execution(data: dict[str, Any]) -> dict[str, Any]:
    out = plain(data)
    for row in out["title22"]:
        row["quarters"] = [
            {
                "quarter": q["label"],
                "end": q["end"],
                "obligated": q["obligated"],
                "disbursed": q["disbursed"],
                "planned_obligated": q["planned_obligated"],
                "planned_disbursed": q["planned_disbursed"],
            }
            for q in row["quarters"]
        ]
    return out
