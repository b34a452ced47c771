"""Aggregates cached until the next write (ADR 1003).

Every write in the product goes through one service, `audit.services.record()`, which moves the
audit chain head (its last hash and event count) inside the writing transaction. The head is
therefore the generation of the whole state: a cached value is stored under the head's hash (and
today's date, since clocks and "due" states turn over at midnight) and is never read again once
any write commits. There is nothing to bump and nothing to forget after a commit:

- a write is visible on the very next request, in every process (the head is read from the
  database, so two gunicorn workers with their own local-memory caches agree);
- a value computed inside a transaction that is then rolled back is stored under the hash of an
  event that never committed, which no committed chain can reach again (the hash covers the
  event's time and content), so it is never read;
- a value computed while another transaction commits may be newer than its key, never older.

One query reads the head, once per request (memoised by request id; `record()` forgets the
memo, so a request that writes and then reads sees its own write).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from secassist.core import clock
from secassist.core.middleware import current_request_id

from .models import AuditChainHead

T = TypeVar("T")
log = logging.getLogger(__name__)

# A safety net only: keys of past generations are never read again; this lets them expire.
TIMEOUT_SECONDS = 600
_MISSING = object()
_memo: ContextVar[tuple[str, tuple[str, int]] | None] = ContextVar("statecache_generation", default=None)
_live: ContextVar[bool] = ContextVar("statecache_live", default=False)


@contextmanager
def live() -> Iterator[None]:
    """Everything computed afresh inside the block, nothing read from or written to the cache (the
    benchmark's uncached figures). Never `cache.clear()` for that: on Redis it empties the whole
    database, other installs' keys and the job queue included."""
    token = _live.set(True)
    try:
        yield
    finally:
        _live.reset(token)


def head() -> tuple[str, int]:
    """(last hash, event count) of the audit chain: one primary-key read, once per request."""
    rid = current_request_id()
    memo = _memo.get()
    if rid and memo is not None and memo[0] == rid:
        return memo[1]
    row = AuditChainHead.objects.filter(pk=1).values_list("last_hash", "event_count").first()
    value = (row[0], int(row[1])) if row else ("genesis", 0)
    if rid:
        _memo.set((rid, value))
    return value


def forget() -> None:
    """Called by `record()`: the next read of the generation goes to the database again."""
    _memo.set(None)


def generation() -> str:
    last_hash, count = head()
    return f"{last_hash[:24]}.{count}"


def key(name: str, *parts: Any) -> str:
    suffix = ":".join(str(p) for p in parts)
    return f"state:{generation()}:{clock.today().isoformat()}:{name}:{suffix}"


def fragment(name: str, template: str, context: Callable[[], dict[str, Any]], *parts: Any) -> str:
    """The rendered HTML of `template` with `context()`, cached like `cached()`.

    Rendered without the request, so nothing of one session (a CSRF token, a CSP nonce, messages)
    can enter a fragment another session is served: the fragment's template must get everything it
    shows from `context()`."""
    return cached(name, lambda: mark_safe(render_to_string(template, context())), *parts)  # noqa: S308


def cached(name: str, compute: Callable[[], T], *parts: Any, timeout: int = TIMEOUT_SECONDS) -> T:
    """`compute()`, or its value as of the current state if already computed since the last write.

    `name` and `parts` must identify everything the value depends on besides the stored state and
    today's date (the user, the team, a fiscal year …)."""
    if _live.get():
        return compute()
    full = key(name, *parts)
    try:
        value = cache.get(full, _MISSING)
    except Exception as exc:  # the cache server is down: serve live, never fail the page
        log.warning("statecache: cache unavailable (%s)", exc)
        return compute()
    if value is not _MISSING:
        return value  # type: ignore[no-any-return]
    value = compute()
    try:
        cache.set(full, value, timeout)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a value that cannot be pickled is served live
        log.warning("statecache: %s not cached (%s)", name, exc)
    except Exception as exc:  # the cache server is down
        log.warning("statecache: cache unavailable (%s)", exc)
    return value
