"""Benchmark of the restrictions engine: checks/s in batch and the API check latency.

    .venv/bin/python bench/restrictions_bench.py [--checks 100000] [--requests 1000]

Uses its own throw-away SQLite database under a temporary SECASSIST_VAR_DIR (never var/), loads
reference data and the restrictions seed data, then measures
1. batch: `check_many()` over N generated questions (validation + evaluation, one snapshot), and
   the pure `evaluate()` loop alone;
2. API: POST /api/v1/restrictions/check through Django's test client (full middleware, session
   auth, JSON parsing and response validation), p50/p95/p99 latency.
Targets (issue #4): >= 20,000 checks/s in batch; p95 <= 20 ms per API check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time


def setup() -> None:
    os.environ["SECASSIST_VAR_DIR"] = tempfile.mkdtemp(prefix="restrictions-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("load_restrictions", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def questions(n: int, seed: int = 4) -> list[dict[str, object]]:
    from secassist.restrictions.snapshot import get_snapshot

    snap = get_snapshot()
    rng = random.Random(seed)
    designated = sorted(snap.designations)  # bias towards countries with designations: the expensive path
    countries = sorted(snap.countries)
    programs = sorted(snap.programs)
    rows = []
    for _ in range(n):
        fy = rng.randint(2022, 2026)
        start = dt.date(fy - 1, 10, 1)
        rows.append(
            {
                "country": rng.choice(designated if rng.random() < 0.7 else countries),
                "program": rng.choice(["FMF", "IMET", "PKO", "10USC333"] if rng.random() < 0.8 else programs),
                "fiscal_year": fy,
                "on_date": start + dt.timedelta(days=rng.randint(0, 364)),
                "recipient": rng.choice(["government", "government", "non_government"]),
                "purpose": rng.choice(["general", "general", "peacekeeping_preparation", "democracy", "humanitarian"]),
            }
        )
    return rows


def bench_batch(n: int) -> dict[str, float]:
    from secassist.core import clock
    from secassist.restrictions.checking import check_many, parse_query
    from secassist.restrictions.engine import evaluate
    from secassist.restrictions.snapshot import get_snapshot

    rows = questions(n)
    snap = get_snapshot()
    t0 = time.perf_counter()
    results = check_many(rows, snapshot=snap)
    batch = time.perf_counter() - t0
    queries = [parse_query(snap, **r) for r in rows]  # type: ignore[arg-type]
    now = clock.now()
    t0 = time.perf_counter()
    for q in queries:
        evaluate(snap, q, evaluated_at=now)
    pure = time.perf_counter() - t0
    verdicts: dict[str, int] = {}
    for r in results:
        verdicts[r.verdict] = verdicts.get(r.verdict, 0) + 1
    print(f"batch: {n} checks in {batch:.3f} s = {n / batch:,.0f} checks/s (validation + evaluation, one snapshot)")
    print(f"       evaluate() alone: {n / pure:,.0f} checks/s; verdicts {verdicts}")
    return {"batch_checks_per_s": n / batch, "evaluate_checks_per_s": n / pure}


def bench_api(requests: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"role": "read_only"})
    client = Client()
    client.force_login(user)
    rows = questions(requests, seed=7)
    timings = []
    for i, row in enumerate(rows):
        body = json.dumps({**row, "on_date": row["on_date"].isoformat()})  # type: ignore[union-attr]
        t0 = time.perf_counter()
        response = client.post("/api/v1/restrictions/check", data=body, content_type="application/json")
        elapsed = time.perf_counter() - t0
        if response.status_code != 200:
            sys.exit(f"API check failed: {response.status_code} {response.content[:300]!r}")
        if i >= 20:  # the first requests warm caches (snapshot, URL resolver, templates)
            timings.append(elapsed * 1000)
    timings.sort()
    p = {q: timings[min(len(timings) - 1, int(len(timings) * q / 100))] for q in (50, 95, 99)}
    print(
        f"api:   {len(timings)} POST /api/v1/restrictions/check: p50 {p[50]:.2f} ms, p95 {p[95]:.2f} ms, p99 {p[99]:.2f} ms, "
        f"mean {statistics.mean(timings):.2f} ms"
    )
    return {"api_p50_ms": p[50], "api_p95_ms": p[95], "api_p99_ms": p[99]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    setup()
    batch = bench_batch(args.checks)
    api = bench_api(args.requests)
    ok_batch = batch["batch_checks_per_s"] >= 20_000
    ok_api = api["api_p95_ms"] <= 20
    print(f"targets: batch >= 20,000/s {'MET' if ok_batch else 'MISSED'}; API p95 <= 20 ms {'MET' if ok_api else 'MISSED'}")


if __name__ == "__main__":
    main()
