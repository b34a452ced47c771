"""One parser for the search parameters, shared by the page and the API so both refuse the same input."""

from __future__ import annotations

from dataclasses import dataclass

from secassist.core.errors import InvalidInput

from .sources import KINDS

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchParams:
    q: str
    kind: str | None
    limit: int


def parse(q: str | None, kind: str | None, limit: int | None = 20) -> SearchParams:
    text = (q or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"The search words are {len(text)} characters long; at most {MAX_QUERY_LENGTH} are allowed.",
            field="q",
            allowed=f"1 to {MAX_QUERY_LENGTH} characters",
        )
    chosen = (kind or "").strip() or None
    if chosen is not None and chosen not in KINDS:
        raise InvalidInput(f"Unknown kind {chosen!r}.", field="kind", allowed=list(KINDS))
    if limit is None:
        limit = 20
    if not 1 <= limit <= 100:
        raise InvalidInput(f"limit must be between 1 and 100, not {limit}.", field="limit", allowed="1 to 100")
    return SearchParams(text, chosen, limit)
