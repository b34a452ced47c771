"""Backups that keep the audit chain verifiable, and the check a backup must pass before a restore.

SQLite backups are online copies of the database file; other engines get a gzipped JSON dump.
The dump must keep timestamps to the microsecond: the audit hashes cover them, and Django's
default JSON encoder cuts them to milliseconds, which would make every restored chain fail.
"""

from __future__ import annotations

import datetime
import gzip
import itertools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.utils.dateparse import parse_datetime

from .models import AuditChainHead, AuditEvent
from .verify import ChainReport, verify_chain, verify_events

EXCLUDED = {"contenttypes", "sessions", "auth.permission"}


class PreciseJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes and times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _dumped_models() -> list[type[models.Model]]:
    app_list = [(config, None) for config in apps.get_app_configs() if config.label not in EXCLUDED]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        m
        for m in ordered
        if m._meta.label_lower not in EXCLUDED and not m._meta.proxy and m._meta.managed and not m._meta.auto_created
    ]


def dump_json(target: Path) -> None:
    """Every row (but content types, permissions and sessions, which the schema rebuilds) as one
    JSON list, natural keys for foreign keys to content types and users, in dependency order."""
    querysets = (m._base_manager.order_by(m._meta.pk.name).iterator() for m in _dumped_models())
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        serializers.serialize(
            "json", itertools.chain.from_iterable(querysets), use_natural_foreign_keys=True, stream=fh, cls=PreciseJSONEncoder
        )


def verify_backup(source: Path) -> ChainReport:
    """Recompute the audit chain inside a backup file, without touching the live database."""
    if source.name.endswith(".json.gz") or source.name.endswith(".json"):
        return _verify_json(source)
    with _sqlite_alias(source) as alias:
        return verify_chain(using=alias)


@contextmanager
def _sqlite_alias(path: Path) -> Iterator[str]:
    """The backup file as a read-only (immutable) extra database connection."""
    alias = f"backup_{uuid.uuid4().hex[:8]}"
    default = connections["default"].settings_dict
    connections.settings[alias] = {
        **default,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": f"file:{path.resolve()}?mode=ro&immutable=1",
        "OPTIONS": {},
        "TEST": {**default.get("TEST", {}), "MIRROR": None},
    }
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _verify_json(source: Path) -> ChainReport:
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8") as fh:
        rows = json.load(fh)
    user_ids = {tuple(_natural_key_of_user(r)): r["pk"] for r in rows if r.get("model") == "accounts.user"}
    events = sorted((_event(r, user_ids) for r in rows if r.get("model") == "audit.auditevent"), key=lambda e: e.pk)
    head_row = next((r for r in rows if r.get("model") == "audit.auditchainhead"), None)
    head = (
        AuditChainHead(
            pk=head_row["pk"], last_event_id=head_row["fields"]["last_event_id"], last_hash=head_row["fields"]["last_hash"]
        )
        if head_row
        else None
    )
    return verify_events(events, head=head)


def _natural_key_of_user(row: dict[str, Any]) -> list[str]:
    return [row["fields"]["username"]]


def _event(row: dict[str, Any], user_ids: dict[tuple[str, ...], int]) -> AuditEvent:
    f = row["fields"]
    actor = f.get("actor")
    actor_id = user_ids.get(tuple(actor)) if isinstance(actor, list) else actor
    return AuditEvent(
        pk=row["pk"],
        occurred_at=parse_datetime(f["occurred_at"]) or f["occurred_at"],
        actor_id=actor_id,
        actor_username=f["actor_username"],
        action=f["action"],
        object_type=f["object_type"],
        object_id=f["object_id"],
        object_repr=f["object_repr"],
        before=f["before"],
        after=f["after"],
        reason=f["reason"],
        request_id=f["request_id"],
        prev_hash=f["prev_hash"],
        hash=f["hash"],
    )
