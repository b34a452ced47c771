"""Funds benchmark: postings per second with the full availability check, as the ledger grows 10×,
and history import rows per second.

    SECASSIST_VAR_DIR=/tmp/budget-bench .venv/bin/python bench/budget_bench.py [--batch 300] [--base 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/budget_bench .venv/bin/python bench/budget_bench.py

It builds its own database (SQLite under SECASSIST_VAR_DIR, or the DATABASE_URL database), so never
point it at a database you care about. The ledger is grown with real postings through the service
(the same rules, locks and audit events as production), then a timed batch is posted at 1× and at
10× the ledger size: because a posting reads only the maintained balance rows, the rate should stay
flat.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("SECASSIST_VAR_DIR", tempfile.mkdtemp(prefix="budget-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
os.environ.setdefault("SECASSIST_SQLITE_PATH", str(Path(os.environ["SECASSIST_VAR_DIR"]) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench._lines import lines_need_no_notification_approval  # noqa: E402
from secassist.budget import importers, services  # noqa: E402
from secassist.budget.models import Allocation, HistoryImport, LedgerEntry  # noqa: E402
from secassist.core.registry import registry  # noqa: E402

CYCLE = ("apportion", "obligate", "commit", "disburse")


def setup_db() -> object:
    from django.contrib.auth import get_user_model

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"role": "sa_analyst"})
    lines_need_no_notification_approval()
    # Benchmark the funds rules themselves: other apps' cross-app services are out of scope here.
    for name in ("restrictions.check", "congress.obligation_gate"):
        registry.services.pop(name, None)
    return user


def make_lines(user: object, n_lines: int) -> list[Allocation]:
    appr = services.create_appropriation(
        acting_user=user,
        account="PKO",
        fiscal_year=2027,
        public_law=f"BENCH-{time.time()}",
        amount="900000000000.00",
        enacted_on="2026-10-15",
    )
    lines = []
    for iso3 in ["JOR", "EGY", "LBN", "IRQ", "MEX", "COL", "TUN", "MAR", "SOM", "KEN"][:n_lines]:
        line = services.create_allocation(
            acting_user=user,
            appropriation=appr,
            recipient_kind="country",
            recipient=iso3,
            amount="50000000000.00",
            notification_required=False,
        )
        services.change_status(acting_user=user, allocation=line, to_status="approved")
        lines.append(line)
    return lines


def post(user: object, lines: list[Allocation], count: int) -> float:
    """`count` postings cycling apportion → obligate (632(b) MOA) → commit → disburse; returns seconds."""
    start = time.perf_counter()
    for i in range(count):
        line = lines[i % len(lines)]
        kind = CYCLE[(i // len(lines)) % len(CYCLE)]
        doc = {"document_type": "632(b) MOA", "document_ref": f"MOA-{i}"} if kind == "obligate" else {}
        services.post_entry(
            acting_user=user, appropriation=line.appropriation, allocation=line, entry_type=kind, amount=Decimal("1000.00"), **doc
        )
    return time.perf_counter() - start


def bench_postings(user: object, base: int, batch: int) -> list[tuple[int, float]]:
    lines = make_lines(user, 10)
    results = []
    post(user, lines, base - LedgerEntry.objects.count())
    for target in (base, base * 10):
        have = LedgerEntry.objects.count()
        if have < target:
            post(user, lines, target - have)
        seconds = post(user, lines, batch)
        results.append((LedgerEntry.objects.count(), batch / seconds))
    return results


def bench_import() -> list[tuple[str, int, float]]:
    out = []
    for kind, path, fn in (
        ("greenbook", importers.greenbook_path(), importers.import_greenbook),
        ("fa-country", importers.fa_country_path(), importers.import_fa_country),
    ):
        if not path.exists():
            print(f"import {kind}: file not found ({path}), skipped")
            continue
        HistoryImport.objects.filter(source=kind).delete()
        start = time.perf_counter()
        summary = fn(path, progress=False)
        seconds = time.perf_counter() - start
        out.append((kind, summary["rows"], summary["rows"] / seconds))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=int, default=2000, help="ledger size of the first measurement (then 10×)")
    parser.add_argument("--batch", type=int, default=300, help="postings timed at each size")
    args = parser.parse_args()
    from django.db import connection

    user = setup_db()
    print(f"database: {connection.vendor}")
    for size, rate in bench_postings(user, args.base, args.batch):
        print(f"postings with availability check: {rate:8.1f} /s at a ledger of {size:>7} entries")
    for kind, rows, rate in bench_import():
        print(f"import {kind:<10}: {rows} rows at {rate:8.0f} rows/s (validate all, then load all-or-nothing)")


if __name__ == "__main__":
    main()
