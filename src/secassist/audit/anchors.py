"""The anchor log: the chain's newest hash and length, written outside the database.

The hash chain proves that no past event was altered or removed *between* events, but someone who
can write to the database can delete the newest events and rewind the chain head to match: what
is left is a shorter, perfectly valid chain. Anchors close that gap. Every so often (after a
commit, at most once per `SECASSIST_AUDIT_ANCHOR_EVERY` seconds per process), at every backup and
restore, and whenever `secassist audit-anchor` runs (e.g. from a timer), one JSON line is appended
to `SECASSIST_AUDIT_ANCHOR_LOG` — a file the database cannot reach — holding the id, hash and
position (count) of the newest event. `audit-verify` then requires every anchored event to still
be in the chain, with that hash, at that position. A truncated chain fails at the first anchor
that points past its end; only events newer than the last anchor can go unnoticed.

A restore legitimately rewinds the chain, so it writes a `restore` anchor: verification checks
the anchors from the last restore on. ADR 0800 records the design.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction

from secassist.core import clock

from .models import AuditEvent

logger = logging.getLogger(__name__)
GENESIS = "0" * 64


@dataclass(frozen=True)
class Anchor:
    at: str
    reason: str
    last_id: int
    head_hash: str
    count: int
    database: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class AnchorLog:
    path: Path
    exists: bool
    anchors: list[Anchor]
    problems: list[str]

    def for_database(self, database: str) -> list[Anchor]:
        """The anchors that still describe this database's chain: those written for it since its
        last restore (a restore rewinds the chain on purpose)."""
        mine = [a for a in self.anchors if a.database == database]
        last_restore = max((i for i, a in enumerate(mine) if a.reason == "restore"), default=0)
        return mine[last_restore:]


def anchor_log_path() -> Path:
    return Path(settings.SECASSIST_AUDIT_ANCHOR_LOG)


def database_label(using: str = "default") -> str:
    """Which database an anchor describes, so one log can serve several (e.g. a test database)."""
    conf = connections[using].settings_dict
    if connections[using].vendor == "sqlite":
        return f"sqlite:{Path(str(conf['NAME'])).resolve()}"
    return f"{connections[using].vendor}://{conf.get('HOST') or 'localhost'}:{conf.get('PORT') or ''}/{conf['NAME']}"


def current_anchor(*, reason: str, using: str = "default", **detail: Any) -> Anchor:
    """The chain as the events themselves say it is now (not the head row, which can be rewound)."""
    with transaction.atomic(using=using):
        newest = AuditEvent.objects.using(using).order_by("-id").values("id", "hash").first()
        last_id, head_hash = (newest["id"], newest["hash"]) if newest else (0, GENESIS)
        count = AuditEvent.objects.using(using).filter(id__lte=last_id).count()
    return Anchor(
        at=clock.now().isoformat(),
        reason=reason,
        last_id=last_id,
        head_hash=head_hash,
        count=count,
        database=database_label(using),
        detail=dict(detail),
    )


def append_anchor(*, reason: str, using: str = "default", path: Path | None = None, **detail: Any) -> Anchor:
    """Append the current anchor to the log (created 0600; appended, flushed and fsynced)."""
    anchor = current_anchor(reason=reason, using=using, **detail)
    target = path or anchor_log_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return anchor


def read_anchor_log(path: Path | None = None) -> AnchorLog:
    target = path or anchor_log_path()
    if not target.exists():
        return AnchorLog(target, False, [], [])
    anchors, problems = [], []
    for number, text in enumerate(target.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
            anchors.append(
                Anchor(
                    at=str(raw["at"]),
                    reason=str(raw["reason"]),
                    last_id=int(raw["last_id"]),
                    head_hash=str(raw["head_hash"]),
                    count=int(raw["count"]),
                    database=str(raw.get("database", "")),
                    detail=dict(raw.get("detail") or {}),
                )
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"{target}:{number}: not an anchor line")
    return AnchorLog(target, True, anchors, problems)


_last_periodic: float | None = None


def maybe_anchor_after_commit() -> None:
    """Registered by `record()` with `on_commit`: anchor at most once per interval per process.

    A failure to write the anchor must not undo a committed change, so it is logged as an error
    (the operator's monitoring picks it up) rather than raised.
    """
    global _last_periodic
    every = float(settings.SECASSIST_AUDIT_ANCHOR_EVERY)
    if every < 0:
        return
    now = time.monotonic()
    if _last_periodic is not None and now - _last_periodic < every:
        return
    _last_periodic = now
    try:
        append_anchor(reason="periodic")
    except (OSError, DatabaseError):
        logger.exception("could not append to the audit anchor log %s", anchor_log_path())
