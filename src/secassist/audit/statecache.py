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

import contextlib
import logging
import pickle
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
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
_memo: ContextVar[tuple[str, tuple[str, str, int]] | None] = ContextVar("statecache_generation", default=None)
_live: ContextVar[bool] = ContextVar("statecache_live", default=False)
GENESIS = "0" * 64
_HEAD_READ = f"SELECT state_hash, last_hash, event_count FROM {AuditChainHead._meta.db_table} WHERE id = 1"

# Audited events that change nothing a cached value shows (ADR 1005): sign-ins, sign-outs, failed
# sign-ins and lockouts. They still move the chain (`head()`), not the pages' generation. This is
# the one place that decides it; `record()` asks `changes_pages()`.
SIGN_IN_ACTIONS = frozenset({"auth.login", "auth.logout", "auth.login_failed", "auth.lockout"})

# Stampede protection (ADR 1005): after a write, one request computes a value, the others asking
# for the same key wait for it (at most WAIT_SECONDS, then compute it themselves). The marker
# expires after LOCK_SECONDS, in case the computing process dies.
LOCK_SECONDS = 30
WAIT_SECONDS = 5.0


def changes_pages(action: str) -> bool:
    """Whether an audited event with this action moves the pages' generation."""
    return action not in SIGN_IN_ACTIONS


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


def _read() -> tuple[str, str, int]:
    """(state hash, last hash, event count): one primary-key read, once per request."""
    rid = current_request_id()
    memo = _memo.get()
    if rid and memo is not None and memo[0] == rid:
        return memo[1]
    with connection.cursor() as cur:  # fixed SQL: the ORM would compile it again on every request (ADR 1005)
        cur.execute(_HEAD_READ)
        row = cur.fetchone()
    # A head restored from a backup older than the state hash has none: its last hash stands in.
    value = ("genesis", "genesis", 0) if row is None else (row[0] if row[0] != GENESIS else row[1], row[1], int(row[2]))
    if rid:
        _memo.set((rid, value))
    return value


def head() -> tuple[str, int]:
    """(last hash, event count) of the audit chain, sign-in events included."""
    _state, last_hash, count = _read()
    return last_hash, count


def forget() -> None:
    """Called by `record()`: the next read of the generation goes to the database again."""
    _memo.set(None)


def generation() -> str:
    """The hash of the last event that changed what pages show (not the event count: a rolled-back
    event's count is reached again by the next committed one, its hash never)."""
    return _read()[0][:32]


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
    today's date (the user, the team, a fiscal year …). Concurrent requests for a value not yet
    computed in this state compute it once: the others wait for it (ADR 1005)."""
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
    marker = f"{full}:computing"
    try:
        mine = bool(cache.add(marker, 1, LOCK_SECONDS))
    except Exception:  # the cache server is down
        mine = True
    if not mine:
        value = _wait_for(full)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        # Waited long enough (the computing request is slow or died): compute it here too.
    try:
        value = compute()
        try:
            cache.set(full, value, timeout)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a value that cannot be pickled is served live
            log.warning("statecache: %s not cached (%s)", name, exc)
        except Exception as exc:  # the cache server is down
            log.warning("statecache: cache unavailable (%s)", exc)
    finally:
        if mine:
            with contextlib.suppress(Exception):  # the cache server is down: the marker expires on its own
                cache.delete(marker)
    return value


def _wait_for(full: str) -> Any:
    """The value another request is computing under `full`, once it is stored; `_MISSING` if it
    is not there within WAIT_SECONDS or its marker is gone without a value (its computation failed
    or could not be cached)."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.005
    marker = f"{full}:computing"
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
        try:
            value = cache.get_many([full, marker])
        except Exception:
            return _MISSING
        if full in value:
            return value[full]
        if marker not in value:
            return _MISSING
    return _MISSING
