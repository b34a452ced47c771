"""GET /api/v1/search: ranked hits over every searchable kind, only what the caller may open."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from secassist.accounts.access import require

from . import forms, index

router = Router(tags=["search"])


class HitOut(Schema):
    kind: str
    kind_label: str
    object_id: str
    title: str
    snippet: str
    url: str
    score: float


class SearchOut(Schema):
    query: str
    kind: str | None
    count: int
    results: list[HitOut]


@router.get("/search", response=SearchOut, summary="Search countries (and aliases), CNs, proposals, waivers, designations, plans")
def search(request: HttpRequest, q: str = "", kind: str | None = None, limit: int = 20) -> dict[str, object]:
    require(request.user, "view")
    params = forms.parse(q, kind, limit)
    hits = index.search(request.user, params.q, kind=params.kind, limit=params.limit)
    results = [
        {
            "kind": h.kind,
            "kind_label": h.label,
            "object_id": h.object_id,
            "title": h.title,
            "snippet": h.plain_snippet,
            "url": h.url,
            "score": round(h.rank, 6),
        }
        for h in hits
    ]
    return {"query": params.q, "kind": params.kind, "count": len(results), "results": results}
