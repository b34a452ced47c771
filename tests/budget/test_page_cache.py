"""Cached pages never show a state older than the last write (ADR 1003).

The home page, the dashboard and the country page are cached under the audit chain head, which
every audited write moves inside its own transaction. These tests write through the services and
read the pages back, without ever emptying the cache by hand."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from secassist.audit import statecache

LATE = dt.date(2026, 10, 1)  # enacted: its 653(a) report was due 2026-10-31, overdue on the frozen day


def overdue_653a(html: str) -> int:
    found = re.search(r'<span class="sa-count">(\d+)</span>\s*<a href="[^"]*">653\(a\) reports overdue</a>', html)
    assert found, "the home page shows the 653(a) count"
    return int(found.group(1))


def audit_events(html: str) -> int:
    found = re.search(r'<span class="sa-count">(\d+)</span>\s*(?:<a href="[^"]*">)?Audit events', html)
    assert found, "the home page shows the audit event count"
    return int(found.group(1))


def page(client: Any, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.content.decode()


def test_a_write_is_on_the_next_home_page_and_the_page_is_cached_until_then(build, client_as, sa_analyst):
    client = client_as(sa_analyst)
    build.appropriation("PKO", public_law="P.L. LATE-1", enacted_on=LATE)
    first = page(client, "/")
    assert overdue_653a(first) == 1
    with CaptureQueriesContext(connection) as again:
        assert overdue_653a(page(client, "/")) == 1
    assert len(again.captured_queries) <= 4, [q["sql"][:80] for q in again.captured_queries]
    build.appropriation("IMET", public_law="P.L. LATE-2", enacted_on=LATE)
    after = page(client, "/")
    assert overdue_653a(after) == 2
    assert audit_events(after) > audit_events(first)


def test_a_write_is_on_the_next_dashboard(build, client_as, sa_analyst):
    client = client_as(sa_analyst)
    assert "P.L. DASH-1" not in page(client, "/insights/")
    assert "P.L. DASH-1" not in page(client, "/insights/")  # now cached
    appr = build.appropriation("PKO", public_law="P.L. DASH-1", enacted_on=LATE)
    html = page(client, "/insights/")
    assert str(appr) in html
    from secassist.budget import services

    services.record_653a_submission(acting_user=sa_analyst, appropriation=appr, submitted_on=dt.date(2026, 11, 20))
    assert str(appr) not in page(client, "/insights/")  # submitted: it leaves the outstanding list at once


def test_a_write_is_on_the_next_country_page(build, client_as, sa_analyst):
    client = client_as(sa_analyst)
    appr = build.appropriation("PKO", public_law="P.L. CTRY-1")
    assert "purpose seen at once" not in page(client, "/countries/JOR/")
    build.line(appr, "JOR", amount="10.00", purpose="purpose seen at once")
    assert "purpose seen at once" in page(client, "/countries/JOR/")


def test_a_value_computed_in_a_rolled_back_transaction_is_never_served(build, client_as, sa_analyst):
    client = client_as(sa_analyst)
    build.appropriation("PKO", public_law="P.L. LATE-1", enacted_on=LATE)
    assert overdue_653a(page(client, "/")) == 1

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        build.appropriation("IMET", public_law="P.L. ROLLED-BACK", enacted_on=LATE)
        assert overdue_653a(page(client, "/")) == 2  # computed and cached inside the doomed transaction
        raise Undo
    assert overdue_653a(page(client, "/")) == 1
    # The next write brings the chain back to the rolled-back event's length, but not to its hash:
    # a key made of the event count alone would serve the doomed "2" here.
    build.appropriation("FMF", public_law="P.L. ON-TIME")
    assert overdue_653a(page(client, "/")) == 1


def test_another_process_write_is_seen_although_this_process_cache_was_never_told(build, client_as, sa_analyst, monkeypatch):
    """Two gunicorn workers keep separate local-memory caches: the key, not a notification, carries
    the write. Here the writer's `forget()` is switched off, as if it ran in another process."""
    client = client_as(sa_analyst)
    assert overdue_653a(page(client, "/")) == 0
    monkeypatch.setattr(statecache, "forget", lambda: None)
    build.appropriation("PKO", public_law="P.L. ELSEWHERE", enacted_on=LATE)
    assert overdue_653a(page(client, "/")) == 1


def test_the_header_badge_follows_the_inbox_at_once(build, client_as, sa_analyst):
    from secassist.web import inbox

    client = client_as(sa_analyst)
    page(client, "/")
    assert inbox.badge_count(sa_analyst) == len(inbox.items_for(sa_analyst))


def test_the_generation_is_read_once_per_request(client_as, sa_analyst):
    from secassist.core.middleware import set_request_id

    set_request_id("req-1")
    try:
        with CaptureQueriesContext(connection) as ctx:
            first = statecache.generation()
            assert statecache.generation() == first
        assert len(ctx.captured_queries) == 1
    finally:
        set_request_id("")


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_a_write_is_on_the_next_page(build, client_as, sa_analyst, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"secassist-test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"  # the settings change reset the cache handlers
    try:
        client = client_as(sa_analyst)
        build.appropriation("PKO", public_law="P.L. LATE-1", enacted_on=LATE)
        assert overdue_653a(page(client, "/")) == 1
        assert overdue_653a(page(client, "/")) == 1
        build.appropriation("IMET", public_law="P.L. LATE-2", enacted_on=LATE)
        assert overdue_653a(page(client, "/")) == 2
    finally:  # no cache.clear() on Redis: it would empty the whole database; these keys expire
        cache.close()


def test_redis_url_selects_the_shared_redis_cache_and_local_memory_otherwise():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "secassist.settings"
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    local = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.strip()
    shared = subprocess.run(
        run, env={**env, "REDIS_URL": "redis://127.0.0.1:6379/0"}, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert local == "django.core.cache.backends.locmem.LocMemCache"
    assert shared == "django.core.cache.backends.redis.RedisCache"


def test_a_cached_body_is_never_served_to_another_person(client_as, sa_analyst, viewer):
    """Bodies are kept per person: the second person's home page is their own, not the first's."""
    first = page(client_as(sa_analyst), "/")
    second = page(client_as(viewer), "/")
    assert f"Welcome, {sa_analyst.get_full_name() or sa_analyst.username}" in first
    assert f"Welcome, {viewer.get_full_name() or viewer.username}" in second
    assert f"Welcome, {sa_analyst.get_full_name() or sa_analyst.username}" not in second


def test_a_cached_body_carries_nothing_of_the_session(client_as, sa_analyst):
    """The body is rendered without the request: a second session of the same person is served the
    same body, and each response's CSRF token (in the header, outside the body) is its own session's."""
    one, two = client_as(sa_analyst), client_as(sa_analyst)
    first, second = page(one, "/countries/JOR/"), page(two, "/countries/JOR/")
    assert first.split("<main")[1].split("</main>")[0] == second.split("<main")[1].split("</main>")[0]
    assert "csrfmiddlewaretoken" not in first.split("<main")[1].split("</main>")[0]


def test_live_computes_afresh_and_leaves_the_cache_alone(build):
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert statecache.cached("test.live", compute) == 1
    assert statecache.cached("test.live", compute) == 1  # cached
    with statecache.live():
        assert statecache.cached("test.live", compute) == 2  # computed afresh
    assert statecache.cached("test.live", compute) == 1  # the cached value untouched


# ---------------------------------------------------------------- ADR 1005


def test_concurrent_requests_for_a_value_not_yet_cached_compute_it_once(monkeypatch):
    """After a write every worker misses the same key at once; one computes, the others wait for it."""
    import threading
    import time

    monkeypatch.setattr(statecache, "generation", lambda: "a" * 32)  # threads share no test database
    calls: list[int] = []
    start = threading.Barrier(8)
    results: list[int] = []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    def ask() -> None:
        start.wait()
        results.append(statecache.cached("test.stampede", compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8
    assert len(calls) == 1


def test_waiters_compute_themselves_when_the_computing_request_fails(monkeypatch):
    import threading
    import time

    monkeypatch.setattr(statecache, "generation", lambda: "b" * 32)
    started = threading.Event()

    def failing() -> int:
        started.set()
        time.sleep(0.2)
        raise RuntimeError("the first computation fails")

    errors: list[Exception] = []

    def first() -> None:
        try:
            statecache.cached("test.stampede-fail", failing)
        except RuntimeError as exc:
            errors.append(exc)

    t = threading.Thread(target=first)
    t.start()
    started.wait()
    assert statecache.cached("test.stampede-fail", lambda: 5) == 5  # waited, saw the marker go, computed
    t.join()
    assert errors


def test_a_sign_in_does_not_make_the_pages_recompute_but_a_write_does(build, client_as, sa_analyst, viewer):
    """Logins are audited (they move the chain) but change nothing a cached page shows: the pages'
    generation is the last event that does. The home page's audit count still follows every event."""
    client = client_as(sa_analyst)
    build.appropriation("PKO", public_law="P.L. LATE-1", enacted_on=LATE)
    first = page(client, "/")
    generation, (_, events) = statecache.generation(), statecache.head()
    client_as(viewer)  # a sign-in: an audited event
    assert statecache.head()[1] == events + 1
    assert statecache.generation() == generation
    with CaptureQueriesContext(connection) as again:
        second = page(client, "/")
    assert len(again.captured_queries) <= 4, [q["sql"][:80] for q in again.captured_queries]  # served from the cache
    assert audit_events(second) == audit_events(first) + 1
    build.appropriation("IMET", public_law="P.L. LATE-2", enacted_on=LATE)
    assert statecache.generation() != generation
    assert overdue_653a(page(client, "/")) == 2


def test_every_sign_in_event_and_only_those_leave_the_generation():
    assert not any(statecache.changes_pages(a) for a in ("auth.login", "auth.logout", "auth.login_failed", "auth.lockout"))
    assert statecache.changes_pages("budget.appropriation.create")
    assert statecache.changes_pages("admin.change")  # a role or an account change does show


def test_the_country_360_api_is_cached_until_the_next_write(client_as, sa_analyst, build):
    client = client_as(sa_analyst)
    appr = build.appropriation("PKO", public_law="P.L. API-1")
    url = "/api/v1/countries/JOR/summary"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as again:
        first = client.get(url)
    assert first.status_code == 200
    assert len(again.captured_queries) <= 5, [q["sql"][:80] for q in again.captured_queries]
    assert "api purpose seen at once" not in first.content.decode()
    build.line(appr, "JOR", amount="10.00", purpose="api purpose seen at once")
    assert "api purpose seen at once" in client.get(url).content.decode()


def test_redis_url_keeps_sessions_in_the_cache_written_through_to_the_database():
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "secassist.settings"
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    local = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.strip()
    shared = subprocess.run(
        run, env={**env, "REDIS_URL": "redis://127.0.0.1:6379/0"}, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert local == "django.contrib.sessions.backends.db"  # per-worker caches would keep a logged-out session alive
    assert shared == "django.contrib.sessions.backends.cached_db"


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_sessions_in_redis_a_cached_page_reads_no_session_row_and_logout_ends_the_session(build, sa_analyst, settings):
    from django.contrib.sessions.models import Session
    from django.test import Client

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"secassist-test-{uuid.uuid4().hex}",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    try:
        one = Client()
        one.force_login(sa_analyst)
        assert Session.objects.filter(session_key=one.session.session_key).exists()  # written through
        page(one, "/")
        with CaptureQueriesContext(connection) as again:
            page(one, "/")
        tables = " ".join(q["sql"] for q in again.captured_queries)
        assert "django_session" not in tables
        assert len(again.captured_queries) <= 3, [q["sql"][:80] for q in again.captured_queries]
        key = one.cookies["sessionid"].value
        other = Client()
        other.cookies["sessionid"] = key  # the same session from a second browser tab
        assert other.get("/").status_code == 200
        one.post("/logout/")
        assert other.get("/").status_code == 302  # the session ended everywhere: cache and database
        assert not Session.objects.filter(session_key=key).exists()
    finally:
        cache.close()
