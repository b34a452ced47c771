"""What a cached home or country request costs in the worker (ADR 1005): CPU milliseconds (this
process's CPU time, so other load on the machine does not count) and queries per request, with the
body already cached. A measurement, not a test: it runs only with SECASSIST_PAGE_CPU=N (requests per
page), and prints the figures and the cProfile top functions.

    SECASSIST_PAGE_CPU=300 nice -n 19 .venv/bin/pytest -p no:xdist -q -s tests/insights/test_page_cpu.py
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

N = int(os.environ.get("SECASSIST_PAGE_CPU", "0") or 0)
PAGES = ("/", "/countries/JOR/", "/api/v1/health")


@pytest.mark.skipif(N <= 0, reason="a measurement: set SECASSIST_PAGE_CPU=<requests per page>")
def test_cpu_and_queries_of_a_cached_page(client_as: Any, seed: Any, sa_analyst: Any, monkeypatch: Any) -> None:
    from django.template.base import Template

    seed.world()
    # Rendered as in production: the test environment's template instrumentation copies every
    # context for the test client, which a worker never does.
    from django.test.utils import _TestState

    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    client = client_as(sa_analyst)
    for path in PAGES:
        for _ in range(5):  # computed, cached, and every lazy import done
            assert client.get(path).status_code == 200
        connection.queries_log.clear()  # a full log (the seeding) would make the capture count 0
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        queries = [q["sql"] for q in ctx.captured_queries]
        start = time.process_time()
        for _ in range(N):
            client.get(path)
        cpu_ms = (time.process_time() - start) * 1000 / N
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(min(N, 100)):
            client.get(path)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(90)
        print(f"\n=== {path}: {cpu_ms:.2f} ms CPU/request, {len(queries)} queries")
        for q in queries:
            print("   ", q[:150])
        if os.environ.get("SECASSIST_PAGE_CPU_PROFILE"):
            print(out.getvalue())
