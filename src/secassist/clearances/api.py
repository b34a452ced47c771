"""Clearances API: list and answer clearance requests; the versions of cleared documents (ADR 0740)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from secassist.core.errors import InvalidInput

from . import selectors, services, versions
from .models import ClearanceRequest, DocumentVersion, Position

router = Router(tags=["clearances"])


class ClearanceOut(Schema):
    id: int
    subject_type: str
    subject_id: str
    subject_label: str
    office: str
    reason: str
    due_on: dt.date
    position: str
    comments: str
    decided_by: str | None
    decided_at: dt.datetime | None
    cleared_version: int | None
    current_version: int | None
    stale: bool
    state: str


class PositionIn(Schema):
    position: str
    comments: str = ""
    version: int | None = None


class SectionOut(Schema):
    key: str
    label: str
    text: str


class VersionOut(Schema):
    number: int
    sha256: str
    hash_ok: bool
    author: str | None
    created_at: dt.datetime
    change_note: str
    current: bool
    cleared_by: list[str]


class VersionDetailOut(VersionOut):
    sections: list[SectionOut]


class DiffLineOut(Schema):
    kind: str
    text: str


class SectionDiffOut(Schema):
    key: str
    label: str
    lines: list[DiffLineOut]


class DiffOut(Schema):
    from_version: int
    to_version: int
    changed: list[SectionDiffOut]


def _out(c: ClearanceRequest) -> dict[str, object]:
    return {
        "id": c.pk,
        "subject_type": c.subject_type,
        "subject_id": c.subject_id,
        "subject_label": c.subject_label,  # type: ignore[attr-defined]
        "office": c.office.code,
        "reason": c.reason,
        "due_on": c.due_on,
        "position": c.position,  # type: ignore[attr-defined]
        "comments": c.comments,
        "decided_by": c.decided_by.username if c.decided_by else None,  # type: ignore[attr-defined]
        "decided_at": c.decided_at,
        "cleared_version": c.cleared_version.number if c.cleared_version else None,
        "current_version": getattr(c, "latest_version_number", None),
        "stale": c.is_stale,
        "state": "stale" if c.is_stale else c.position,
    }  # type: ignore[attr-defined]


@router.get("/clearances", response=list[ClearanceOut], summary="Clearance requests, filterable by office and position")
def list_clearances(
    request: HttpRequest,
    office: str | None = None,
    position: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
) -> list[dict[str, object]]:
    qs = selectors.visible_to(request.user)
    if position:
        if position not in Position.values:
            raise InvalidInput(f"position must be one of {', '.join(Position.values)}", field="position", value=position)
        qs = qs.filter(position=position)
    if office:
        qs = qs.filter(office__code=office)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return [_out(c) for c in qs.order_by("due_on", "id")[:1000]]


@router.post("/clearances/{clearance_id}/position", response=ClearanceOut, summary="Record an office's position")
def post_position(request: HttpRequest, clearance_id: int, payload: PositionIn) -> dict[str, object]:
    clearance = selectors.visible_to(request.user).filter(pk=clearance_id).first()
    if clearance is None:
        raise Http404(f"no clearance {clearance_id}")
    services.record_position(
        acting_user=request.user,
        clearance=clearance,
        position=payload.position,
        comments=payload.comments,
        version=payload.version,
    )
    return _out(selectors.visible_to(request.user).get(pk=clearance_id))


def _subject(request: HttpRequest, subject_type: str, subject_id: str) -> Any:
    doc = versions.provider(subject_type)
    if doc is None:
        raise Http404(f"no versioned document of type {subject_type}")
    return doc.load(request.user, subject_id)


def _version_out(
    v: DocumentVersion, *, current: int | None, cleared: dict[int, list[str]], sections: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": v.number,
        "sha256": v.content_hash,
        "hash_ok": versions.hash_ok(v),
        "author": v.author.username if v.author else None,
        "created_at": v.created_at,
        "change_note": v.change_note,
        "current": v.number == current,
        "cleared_by": cleared.get(v.pk, []),
    }
    if sections:
        out["sections"] = [{"key": k, "label": label, "text": text} for k, label, text in v.content]
    return out


def _cleared_by(subject: Any) -> dict[int, list[str]]:
    by: dict[int, list[str]] = {}
    for c in selectors.for_subject(subject).exclude(position=Position.WITHDRAWN):
        if c.cleared_version_id:
            by.setdefault(c.cleared_version_id, []).append(c.office.code)
    return by


@router.get(
    "/documents/{subject_type}/{subject_id}/versions",
    response=list[VersionOut],
    summary="Every saved version of a cleared document (newest first), its hash and the offices that cleared it",
)
def list_versions(request: HttpRequest, subject_type: str, subject_id: str) -> list[dict[str, Any]]:
    subject = _subject(request, subject_type, subject_id)
    rows = list(versions.versions_of(subject_type, subject_id).order_by("-number"))
    current = rows[0].number if rows else None
    cleared = _cleared_by(subject)
    return [_version_out(v, current=current, cleared=cleared) for v in rows]


@router.get(
    "/documents/{subject_type}/{subject_id}/versions/{number}",
    response=VersionDetailOut,
    summary="One version of a cleared document with its text",
)
def get_version(request: HttpRequest, subject_type: str, subject_id: str, number: int) -> dict[str, Any]:
    subject = _subject(request, subject_type, subject_id)
    version = versions.get_version(subject_type, subject_id, number)
    latest = versions.latest(subject)
    return _version_out(version, current=latest.number if latest else None, cleared=_cleared_by(subject), sections=True)


@router.get(
    "/documents/{subject_type}/{subject_id}/diff",
    response=DiffOut,
    summary="What changed between two versions, section by section, line by line",
)
def diff_versions(request: HttpRequest, subject_type: str, subject_id: str, from_version: int, to_version: int) -> dict[str, Any]:
    _subject(request, subject_type, subject_id)
    a = versions.get_version(subject_type, subject_id, from_version)
    b = versions.get_version(subject_type, subject_id, to_version)
    changed = [
        {"key": d.key, "label": d.label, "lines": [{"kind": x.kind, "text": x.text} for x in d.lines]}
        for d in versions.diff(a, b)
        if d.changed
    ]
    return {"from_version": a.number, "to_version": b.number, "changed": changed}
