"""Congress benchmark: how long the statutory calendar, the gate and the list take as CN packages grow.

    SECASSIST_VAR_DIR=/tmp/congress-bench .venv/bin/python bench/congress_calendar.py [--packages 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/congress_bench .venv/bin/python bench/congress_calendar.py

It builds its own database (SQLite under SECASSIST_VAR_DIR, or the DATABASE_URL database), so never
point it at a database you care about. Packages are created and transmitted through the real
services (rules, history rows, audit events); a tenth get a committee hold. Then it times one
calendar computation (a year's window, all teams) and `notifications due`.
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
os.environ.setdefault("SECASSIST_VAR_DIR", tempfile.mkdtemp(prefix="congress-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
os.environ.setdefault("SECASSIST_SQLITE_PATH", str(Path(os.environ["SECASSIST_VAR_DIR"]) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from secassist.congress import deadlines, loader, services  # noqa: E402
from secassist.congress.models import Package, Status  # noqa: E402
from secassist.core import clock  # noqa: E402

COUNTRIES = ["JOR", "LBN", "EGY", "IRQ", "COL", "MEX", "PHL", "IDN", "UKR", "GEO", "KEN", "NGA", "SOM", "PER", "VNM"]


def setup_db() -> object:
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"role": "admin"})
    loader.load_all(acting_user=user)
    return user


def grow(user: object, count: int) -> None:
    today = clock.today()
    have = Package.objects.count()
    for i in range(have, count):
        with transaction.atomic():
            p = services.create_package(
                acting_user=user,
                title=f"bench {i}",
                fiscal_year=2027,
                account="FMF",
                country=COUNTRIES[i % len(COUNTRIES)],
                program="FMF",
                amount=Decimal(1_000_000 + i),
                rules=["SFOPS7015", "FAA634A"],
                action_on=today + dt.timedelta(days=i % 200),
                drafted_on=today - dt.timedelta(days=60),
            )
            if i % 2:  # half transmitted, without going through clearance (benchmark shortcut, audited update)
                sent = today - dt.timedelta(days=i % 30)
                Package.objects.filter(pk=p.pk).update(
                    status=Status.WAITING,
                    transmitted_on=sent,
                    wait_days=15,
                    wait_basis="calendar",
                    wait_ends_on=sent + dt.timedelta(days=15),
                )
                if i % 10 == 1:
                    services.place_hold(acting_user=user, package=p, committee="SFRC", reason="bench", placed_on=sent)


def timed(label: str, fn: object, repeat: int = 3) -> float:
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:<48} {best * 1000:9.1f} ms")
    return best


def _once(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, default=2000)
    args = parser.parse_args()
    user = setup_db()
    today = clock.today()
    for size in (args.packages // 10, args.packages):
        t0 = time.perf_counter()
        grow(user, size)
        print(f"\n{size} packages (grown in {time.perf_counter() - t0:.1f} s)")
        window = {"start": today - dt.timedelta(days=30), "end": today + dt.timedelta(days=335)}
        timed("calendar, 1-year window, all teams", lambda: deadlines.calendar(**window))  # noqa: B023
        print(f"{'  items':<48} {len(deadlines.calendar(**window)):9d}")
        timed("notifications due (30 days)", lambda: deadlines.due_soon(days=30))


if __name__ == "__main__":
    main()
