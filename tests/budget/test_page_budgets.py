"""Pages whose cost must not grow with the data: the same number of queries at 1x and 10x."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secassist.audit.models import AuditEvent
from secassist.audit.services import event_count
from secassist.budget import selectors


def grow(build: Any, start: int, n: int) -> None:
    for i in range(start, start + n):
        appr = build.appropriation("PKO", amount="1000.00", public_law=f"P.L. GROW-{i}", enacted_on=dt.date(2026, 9, 1))
        build.line(appr, "JOR", amount="10.00")


def queries(client: Any, url: str, *, cold: bool = True) -> int:
    """Queries of one request; `cold` empties the state cache first (the first viewer after a write)."""
    client.get(url)  # warm per-process caches (URL resolver, templates)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/insights/", "/funds/653a/"])
def test_the_page_costs_the_same_queries_with_ten_times_the_appropriations(build, client_as, sa_analyst, url):
    client = client_as(sa_analyst)
    grow(build, 0, 2)
    small, warm_small = queries(client, url), queries(client, url, cold=False)
    grow(build, 2, 18)
    assert queries(client, url) == small
    assert queries(client, url, cold=False) == warm_small


# Served again before any write, a cached page reads only the session, the user, the audit chain
# head and the alert badge (ADR 1003).
@pytest.mark.parametrize(("url", "budget"), [("/", 4), ("/insights/", 4)])
def test_a_cached_page_costs_a_fixed_handful_of_queries(build, client_as, sa_analyst, url, budget):
    client = client_as(sa_analyst)
    grow(build, 0, 20)
    assert queries(client, url, cold=False) <= budget


def test_the_home_count_of_audit_events_is_read_from_the_chain_head_and_is_exact(build):
    grow(build, 0, 2)
    assert event_count() == AuditEvent.objects.count() > 0


def test_overdue_653a_reports_are_counted_in_sql_to_the_day(build):
    build.appropriation("PKO", public_law="P.L. DUE-TODAY", enacted_on=dt.date(2026, 10, 28))  # due 11-27: today, not overdue
    build.appropriation("IMET", public_law="P.L. LATE", enacted_on=dt.date(2026, 10, 27))  # due 11-26: overdue
    build.appropriation("FMF", public_law="P.L. CR", enacted_on=dt.date(2026, 1, 1), kind="cr")  # CRs are exempt
    rows = selectors.report_653a_list()
    assert selectors.overdue_653a_count() == sum(1 for r in rows if r["overdue"]) == 1
    assert len(selectors.report_653a_list(unsubmitted_only=True)) == 2
