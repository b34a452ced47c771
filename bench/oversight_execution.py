"""Oversight benchmark: the execution computation for one country as the rest of the ledger grows 10×.

    SECASSIST_VAR_DIR=/tmp/ovs-bench .venv/bin/python bench/oversight_execution.py [--lines 40] [--entries 50]

Builds its own database (SQLite under SECASSIST_VAR_DIR, or the DATABASE_URL database). Lines are
recorded through the funds services; their ledger entries are bulk-inserted (append-only rows, the
same shape the services write) so the ledger can be grown fast. The per-country request reads its
own lines' entries through the line index, so its time should stay flat while the ledger grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("SECASSIST_VAR_DIR", tempfile.mkdtemp(prefix="ovs-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
os.environ.setdefault("SECASSIST_SQLITE_PATH", str(Path(os.environ["SECASSIST_VAR_DIR"]) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from secassist.budget import services  # noqa: E402
from secassist.budget.models import LedgerEntry  # noqa: E402
from secassist.core.registry import registry  # noqa: E402
from secassist.oversight import selectors  # noqa: E402
from secassist.reference.models import Country  # noqa: E402

COUNTRIES = [
    "JOR",
    "LBN",
    "EGY",
    "IRQ",
    "TUN",
    "MAR",
    "UKR",
    "GEO",
    "MDA",
    "KEN",
    "NGA",
    "GHA",
    "SEN",
    "COL",
    "PER",
    "ECU",
    "MEX",
    "PHL",
    "IDN",
    "VNM",
    "MNG",
    "THA",
    "IND",
    "BGD",
    "NPL",
    "LKA",
    "POL",
    "ROU",
    "BGR",
    "EST",
    "LVA",
    "LTU",
    "ALB",
    "MKD",
    "BIH",
    "MNE",
    "SRB",
    "ARM",
    "KAZ",
    "UZB",
]


def grow(lines: list, per_line: int, start: int) -> None:
    day0 = dt.date(2026, 10, 20)
    rows = []
    for line in lines:
        for i in range(per_line):
            rows.append(
                LedgerEntry(
                    appropriation_id=line.appropriation_id,
                    allocation_id=line.pk,
                    entry_type="obligate" if i % 2 == 0 else "disburse",
                    amount=Decimal("10.00"),
                    effective_on=day0 + dt.timedelta(days=(start + i) % 35),
                    posted_at=dt.datetime.now(dt.UTC),
                    actor_username="bench",
                )
            )
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)


def timed(country: Country | None, repeat: int = 5) -> tuple[float, int]:
    best = 1e9
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            selectors.execution(fy=2027, country=country, today=dt.date(2026, 11, 27))
            best = min(best, time.perf_counter() - t)
    return best * 1000, len(ctx.captured_queries)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=40)
    ap.add_argument("--entries", type=int, default=50)
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    registry.services = {k: v for k, v in registry.services.items() if not k.startswith(("restrictions.", "congress."))}
    admin = django.contrib.auth.get_user_model().objects.create(username="bench", role="admin", is_superuser=True)  # type: ignore[attr-defined]
    appr = services.create_appropriation(
        acting_user=admin,
        account="IMET",
        fiscal_year=2027,
        amount="900000000.00",
        enacted_on=dt.date(2026, 10, 15),
        public_law="P.L. BENCH",
    )
    lines = []
    for iso3 in COUNTRIES[: args.lines]:
        line = services.create_allocation(
            acting_user=admin, appropriation=appr, recipient_kind="country", recipient=iso3, amount="1000000.00"
        )
        services.change_status(acting_user=admin, allocation=line, to_status="approved")
        lines.append(line)
    grow(lines, args.entries, 0)
    jordan = Country.objects.get(iso3="JOR")
    base = LedgerEntry.objects.count()
    one_1x, q1 = timed(jordan)
    all_1x, qa = timed(None, repeat=3)
    grow(lines[1:], args.entries * 10, 7)  # the rest of the ledger grows 10×; Jordan's own lines do not
    one_10x, _ = timed(jordan)
    all_10x, _ = timed(None, repeat=3)
    print(f"ledger {base} → {LedgerEntry.objects.count()} entries; {len(lines)} lines")
    print(f"execution(country=JOR): {one_1x:.1f} ms → {one_10x:.1f} ms ({q1} queries)")
    print(f"execution(all lines):   {all_1x:.1f} ms → {all_10x:.1f} ms ({qa} queries)")


if __name__ == "__main__":
    main()
