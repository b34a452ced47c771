"""Build, refresh and query the search index.

The index is derived data: it is rebuilt by `load-reference`/`setup` and caught up on every search
from the audit trail (every write names its object there), so it needs no signal and no hook in the
domain apps. Index writes are not audited: they change no record (ADR 1200)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from secassist.audit.models import AuditEvent

from .models import IndexState, SearchDocument
from .sources import BY_KIND, SOURCES, Source, sources_for_object_type

# Past this many unseen audit events a full rebuild is cheaper than following them one by one.
CATCH_UP_LIMIT = 2000
MAX_QUERY_TERMS = 8
MAX_RESULTS = 100
_TERM = re.compile(r"\w+", re.UNICODE)
MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: str
    title: str
    snippet: str  # matched words between MARK_START and MARK_END
    url: str
    rank: float

    @property
    def label(self) -> str:
        return BY_KIND[self.kind].label

    @property
    def plain_snippet(self) -> str:
        return self.snippet.replace(MARK_START, "").replace(MARK_END, "")


def _rows(source: Source, objects: Iterable[Any]) -> list[SearchDocument]:
    rows = []
    for obj in objects:
        doc = source.document(obj)
        rows.append(SearchDocument(kind=source.kind, object_id=doc.object_id, title=doc.title[:400], body=doc.body, url=doc.url))
    return rows


def _upsert(rows: list[SearchDocument]) -> None:
    SearchDocument.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["title", "body", "url"],
    )


def _head_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def rebuild(kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Index every object of the given kinds (default all) afresh; returns rows per kind."""
    chosen = [BY_KIND[k] for k in kinds] if kinds is not None else list(SOURCES)
    counts: dict[str, int] = {}
    with transaction.atomic():
        head = _head_event_id()
        for source in chosen:
            SearchDocument.objects.filter(kind=source.kind).delete()
            rows = _rows(source, source.queryset().iterator(chunk_size=1000))
            _upsert(rows)
            counts[source.kind] = len(rows)
        if kinds is None:
            _advance(head)
    return counts


def _advance(event_id: int) -> None:
    IndexState.objects.get_or_create(id=1)
    IndexState.objects.filter(id=1, last_audit_event_id__lt=event_id).update(last_audit_event_id=event_id)


def _reindex(source: Source, object_ids: set[str]) -> None:
    present = list(source.queryset().filter(pk__in=object_ids))
    _upsert(_rows(source, present))
    gone = object_ids - {str(o.pk) for o in present}
    if gone:
        SearchDocument.objects.filter(kind=source.kind, object_id__in=gone).delete()


def refresh() -> int:
    """Catch up with the writes recorded in the audit trail since the last refresh; returns events read."""
    state = IndexState.objects.filter(id=1).values_list("last_audit_event_id", flat=True).first()
    if state is None:
        rebuild()
        return 0
    events = list(
        AuditEvent.objects.filter(id__gt=state).order_by("id").values_list("id", "object_type", "object_id")[: CATCH_UP_LIMIT + 1]
    )
    if not events:
        return 0
    if len(events) > CATCH_UP_LIMIT:
        rebuild()
        return len(events)
    touched: dict[str, set[str]] = defaultdict(set)
    whole_kinds: set[str] = set()
    for _, object_type, object_id in events:
        for source in sources_for_object_type(object_type):
            # An alias event names the alias, not the country; and a bulk event names no object.
            if object_type not in _OWN_TYPE.values() or not object_id:
                whole_kinds.add(source.kind)
            else:
                touched[source.kind].add(object_id)
    with transaction.atomic():
        for kind in whole_kinds:
            rebuild([kind])
        for kind, ids in touched.items():
            if kind not in whole_kinds:
                _reindex(BY_KIND[kind], ids)
        _advance(events[-1][0])
    return len(events)


# The audit object_type whose object_id is the indexed object's own primary key.
_OWN_TYPE = {
    "country": "reference.country",
    "notification": "congress.package",
    "proposal": "title10.proposal",
    "waiver": "restrictions.waiver",
    "designation": "restrictions.designation",
    "plan": "plans.planningproduct",
    "tasker": "plans.tasker",
    "comment": "plans.comment",
    "engagement": "plans.engagement",
    "posture": "plans.posturechangerequest",
    "analysis": "plans.analysisproduct",
    "determination": "determinations.determinationpackage",
    "budget_request": "formulation.requeststage",
}


def terms_of(text: str) -> list[str]:
    """The words of a query, lower-cased, bounded: punctuation and operators are never passed through."""
    return [t.lower() for t in _TERM.findall(text)][:MAX_QUERY_TERMS]


def search(user: Any, text: str, *, kind: str | None = None, limit: int = 20) -> list[Hit]:
    """Ranked hits the user may open. Unknown kinds are the caller's to refuse before calling."""
    terms = terms_of(text)
    if not terms:
        return []
    refresh()
    limit = max(1, min(limit, MAX_RESULTS))
    raw = _query_postgres(terms, kind, limit * 4) if connection.vendor == "postgresql" else _query_sqlite(terms, kind, limit * 4)
    return _only_visible(user, raw)[:limit]


def _only_visible(user: Any, hits: list[Hit]) -> list[Hit]:
    ids_by_kind: dict[str, list[str]] = defaultdict(list)
    for hit in hits:
        ids_by_kind[hit.kind].append(hit.object_id)
    allowed = {kind: BY_KIND[kind].visible(user, ids) for kind, ids in ids_by_kind.items()}
    return [h for h in hits if h.object_id in allowed[h.kind]]


def _query_sqlite(terms: list[str], kind: str | None, limit: int) -> list[Hit]:
    match = " AND ".join(f'"{t}"*' for t in terms)
    sql = (
        "SELECT d.kind, d.object_id, d.title, "
        f"snippet(search_fts, 1, '{MARK_START}', '{MARK_END}', '…', 16), d.url, bm25(search_fts, 10.0, 1.0) "
        "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH %s" + (" AND d.kind = %s" if kind else "") + " ORDER BY 6 LIMIT %s"
    )
    params: list[Any] = [match, *([kind] if kind else []), limit]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        # bm25 is lower-is-better; the API reports higher-is-better.
        return [Hit(k, oid, title, snip or "", url, -float(score)) for k, oid, title, snip, url, score in cur.fetchall()]


def _query_postgres(terms: list[str], kind: str | None, limit: int) -> list[Hit]:
    tsquery = " & ".join(f"{t}:*" for t in terms)
    sql = (
        "SELECT kind, object_id, title, "
        "ts_headline('english', body, q, %s), url, ts_rank(tsv, q) AS rank "
        "FROM search_searchdocument, to_tsquery('english', %s) q "
        "WHERE tsv @@ q" + (" AND kind = %s" if kind else "") + " ORDER BY rank DESC, id LIMIT %s"
    )
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8"
    params: list[Any] = [options, tsquery, *([kind] if kind else []), limit]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [Hit(k, oid, title, snip or "", url, float(rank)) for k, oid, title, snip, url, rank in cur.fetchall()]
