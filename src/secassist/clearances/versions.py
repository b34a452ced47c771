"""Versions of the documents offices clear (ADR 0740).

The app that owns a cleared document registers a `VersionedDocument` (core.registry) whose
`snapshot(subject)` gives the document's text. Its services call `save_version` after every edit;
a version is written only when the text changed (same text, same version). Clearances record the
version they were given on; `require_current_clearances` is the guard every act that needs the
clearance (mark cleared, transmit, sign) calls first.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction

from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput, NotFound, RuleViolation
from secassist.core.registry import VersionedDocument, registry

from .models import ClearanceRequest, DocumentVersion, Position


def subject_key(subject: models.Model) -> tuple[str, str]:
    return f"{subject._meta.app_label}.{subject._meta.model_name}", str(subject.pk)


def provider(subject_type: str) -> VersionedDocument | None:
    return registry.versioned_documents.get(subject_type)


def normalise(content: list[tuple[str, str, str]] | list[list[str]]) -> list[list[str]]:
    return [[str(key), str(label), str(text or "")] for key, label, text in content]


def content_hash(content: list[list[str]]) -> str:
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def live_content(subject: models.Model) -> list[list[str]] | None:
    doc = provider(subject_key(subject)[0])
    return None if doc is None else normalise(doc.snapshot(subject))


def versions_of(subject_type: str, subject_id: str) -> models.QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).select_related("author")


def latest(subject: models.Model) -> DocumentVersion | None:
    return versions_of(*subject_key(subject)).order_by("-number").first()


@transaction.atomic
def save_version(*, acting_user: Any, subject: models.Model, change_note: str = "") -> DocumentVersion | None:
    """Keep the document's current text as a new version if it differs from the last one.

    Returns the current version (new or unchanged), or None for a subject with no versioned document.
    """
    content = live_content(subject)
    if content is None:
        return None
    subject_type, subject_id = subject_key(subject)
    digest = content_hash(content)
    last = latest(subject)
    if last is not None and last.content_hash == digest:
        return last
    number = (last.number if last else 0) + 1
    try:
        with transaction.atomic():
            version = DocumentVersion.objects.create(
                subject_type=subject_type,
                subject_id=subject_id,
                number=number,
                content=content,
                content_hash=digest,
                change_note=str(change_note or "")[:300],
                author=acting_user if getattr(acting_user, "pk", None) else None,
                created_at=clock.now(),
            )
    except IntegrityError:  # a concurrent save took this number: the other writer's text is the version
        return latest(subject)
    record(
        actor=acting_user,
        action="clearance.document_version",
        obj=version,
        after={"subject": f"{subject_type}:{subject_id}", "version": number, "sha256": digest, "change_note": change_note},
    )
    return version


def version_for_position(*, subject_type: str, subject_id: str, seen: Any = None, office: str = "") -> DocumentVersion | None:
    """The version an office's position is given on: the current one, saved first if the record
    changed since the last version. `seen` (the version number shown to the officer) must still be current."""
    doc = provider(subject_type)
    if doc is None:
        return None
    model = _model(subject_type)
    subject = model._default_manager.filter(pk=subject_id).first() if model else None
    if subject is None:
        return None
    current = save_version(
        acting_user=None, subject=subject, change_note=f"saved when {office} recorded its position" if office else ""
    )
    if seen not in (None, "") and current is not None and str(seen) != str(current.number):
        raise RuleViolation(
            f"the document changed while you were reading it: you saw version {seen}, the current version is "
            f"{current.number}; read it again before recording your position",
            code="CLR-002",
            seen=str(seen),
            current=current.number,
        )
    return current


def _model(subject_type: str) -> type[models.Model] | None:
    from django.apps import apps

    try:
        return apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None


def require_current_clearances(subject: models.Model, *, act: str) -> None:
    """Refuse `act` while any office's position was given on another version than the current one
    (CLR-001) or while the record's text differs from its last saved version (CLR-003)."""
    subject_type, subject_id = subject_key(subject)
    if provider(subject_type) is None:
        return
    from .selectors import with_version_state

    rows = list(
        with_version_state(ClearanceRequest.objects.filter(subject_type=subject_type, subject_id=subject_id))
        .exclude(position=Position.WITHDRAWN)
        .select_related("office", "cleared_version")
    )
    stale = [r for r in rows if r.is_stale]
    current = latest(subject)
    if stale:
        gave = [
            f"{r.office.code} on v{r.cleared_version.number}" if r.cleared_version else f"{r.office.code} (version not recorded)"
            for r in stale
        ]
        raise RuleViolation(
            f"cannot {act}: the document changed after clearance ({'; '.join(gave)}; current version "
            f"v{current.number if current else '?'}); those offices must clear the current version first",
            code="CLR-001",
            stale=[r.office.code for r in stale],
            current_version=current.number if current else None,
        )
    # Compare with the record as stored now, not with the caller's copy of it (which may predate an edit).
    content = live_content(type(subject)._default_manager.get(pk=subject.pk))
    if current is not None and content is not None and content_hash(content) != current.content_hash:
        raise RuleViolation(
            f"cannot {act}: the record differs from its last saved version v{current.number} (changed outside "
            "the product's services); save it as a new version and have it cleared",
            code="CLR-003",
            current_version=current.number,
        )


# ---- reading versions --------------------------------------------------------------------------------


def get_version(subject_type: str, subject_id: str, number: Any) -> DocumentVersion:
    if not str(number).isdigit():
        raise InvalidInput("version must be a version number (1, 2, …)", field="version", value=number)
    version = versions_of(subject_type, subject_id).filter(number=int(number)).first()
    if version is None:
        raise NotFound(f"no version {number} of this document")
    return version


def hash_ok(version: DocumentVersion) -> bool:
    """The stored text still matches the hash written with it."""
    return content_hash(normalise(version.content)) == version.content_hash


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "removed", "added"
    text: str


@dataclass(frozen=True)
class SectionDiff:
    key: str
    label: str
    changed: bool
    lines: list[DiffLine]


def diff(old: DocumentVersion, new: DocumentVersion) -> list[SectionDiff]:
    """Section by section, line by line: what changed from `old` to `new`."""
    before = {key: (label, text) for key, label, text in old.content}
    after = {key: (label, text) for key, label, text in new.content}
    keys = [k for k, _, _ in new.content] + [k for k, _, _ in old.content if k not in after]
    out = []
    for key in keys:
        label = (after.get(key) or before.get(key) or (key, ""))[0]
        a = (before.get(key) or ("", ""))[1].splitlines()
        b = (after.get(key) or ("", ""))[1].splitlines()
        lines = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op == "equal":
                lines += [DiffLine("same", t) for t in a[i1:i2]]
                continue
            lines += [DiffLine("removed", t) for t in a[i1:i2]]
            lines += [DiffLine("added", t) for t in b[j1:j2]]
        out.append(SectionDiff(key, label, a != b, lines))
    return out
