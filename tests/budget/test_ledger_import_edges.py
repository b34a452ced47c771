"""`secassist import ledger`: the cells a cent and a day either side, text as people type it, a file
whose lines are named by many spellings, and an import killed before it commits (ADR 1020)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection

from secassist.audit.models import AuditEvent
from secassist.audit.verify import verify_chain
from secassist.budget import ledger_import
from secassist.budget.models import Balance, LedgerEntry, LedgerImport
from secassist.core.errors import ImportRejected

from .child_process import child_env
from .test_ledger_import import MOA, problems_of, row, write


@pytest.fixture
def pko(build: Any) -> Any:
    appr = build.appropriation("PKO", amount="1000000.00", public_law="P.L. TEST-PKO")
    return appr, build.line(appr, "JOR"), build.line(appr, "EGY")


AMOUNTS = [
    ("0.01", D("0.01")),
    ("0.00", None),
    ("0", None),
    ("1", D("1.00")),
    ("1.5", D("1.50")),
    ("1.505", None),
    (".50", None),
    ("5.", None),
    ("1..2", None),
    ("1.2.3", None),
    (" 12.34 ", D("12.34")),
    ("0001.10", D("1.10")),
    ("1e3", None),
    ("-1.00", None),
    ("+1.00", None),
    ("1,000.00", None),
    ("", None),
    ("9999999999.99", D("9999999999.99")),
    ("99999999999999", None),  # 14 integer digits
    ("NaN", None),
]


def test_amount_cells_a_cent_either_side_and_as_typed(tmp_path, pko):
    """Every refused cell is named with its line; the accepted ones load to the cent."""
    appr = pko[0]
    appr.balances.filter(allocation__isnull=True).update(appropriated=D("100000000000.00"))
    rows = [row("PKO FY2027", "JOR", "allocate", text) for text, _ in AMOUNTS]
    with pytest.raises(ImportRejected) as exc:
        ledger_import.import_ledger(write(tmp_path, rows, "all.csv"))
    refused = {int(p.split(":")[0].removeprefix("line ")) for p in problems_of(exc)}
    assert refused == {n + 2 for n, (_, value) in enumerate(AMOUNTS) if value is None}
    assert all("column amount" in p for p in problems_of(exc))
    good = [(text, value) for text, value in AMOUNTS if value is not None]
    ledger_import.import_ledger(write(tmp_path, [row("PKO FY2027", "JOR", "allocate", t) for t, _ in good], "good.csv"))
    imp = LedgerImport.objects.get()
    amounts = LedgerEntry.objects.filter(id__range=(imp.first_entry_id, imp.last_entry_id)).values_list("amount", flat=True)
    assert list(amounts) == [value for _, value in good]
    assert Balance.objects.get(allocation=pko[1]).allocated == sum((v for _, v in good), D(0))


DATES = [
    ("2026-11-27", None),  # the frozen today: accepted
    ("2026-11-28", "future"),
    ("2024-02-29", None),
    ("2023-02-29", "date"),
    ("2026-04-30", None),
    ("2026-04-31", "date"),
    ("2026-13-01", "date"),
    ("2026-00-10", "date"),
    ("2026-1-01", "date"),
    ("20261120", "date"),
    (" 2026-11-20 ", None),
    ("1900-01-01", None),
    ("1899-12-31", "before 1900-01-01"),
    ("0001-01-01", "before 1900-01-01"),
    ("2026-11-2x", "date"),
]


def test_date_cells_a_day_either_side(tmp_path, pko):
    rows = [row("PKO FY2027", "JOR", "allocate", "1.00", date=text) for text, _ in DATES]
    with pytest.raises(ImportRejected) as exc:
        ledger_import.import_ledger(write(tmp_path, rows))
    by_line = {int(p.split(":")[0].removeprefix("line ")): p for p in problems_of(exc)}
    expected = {n + 2: why for n, (_, why) in enumerate(DATES) if why}
    assert set(by_line) == set(expected)
    for line, why in expected.items():
        assert "column date" in by_line[line] and why in by_line[line], by_line[line]


def test_entry_types_and_names_as_people_type_them(tmp_path, pko):
    """Blanks around a cell are ignored; names match by id, account and year, ISO3 or name, in any case;
    the entry type itself is a code and must be written as one."""
    appr, jor, egy = pko
    rows = [
        row(" PKO FY2027 ", " jor ", " allocate ", "10.00"),
        row(f"{appr.pk}", "Jordan", "allocate", "1.00"),
        row("pko fy2027 p.l. test-pko", "EGY", "allocate", "2.00"),
        row("PKO FY2027", "egypt", "apportion", "2.00"),
    ]
    summary = ledger_import.import_ledger(write(tmp_path, rows))
    assert summary["rows"] == 4
    assert Balance.objects.get(allocation=jor).allocated == D("11.00")
    egy_balance = Balance.objects.get(allocation=egy)
    assert (egy_balance.allocated, egy_balance.apportioned) == (D("2.00"), D("2.00"))
    with pytest.raises(ImportRejected) as exc:
        ledger_import.import_ledger(write(tmp_path, [row("PKO FY2027", "JOR", "Allocate", "1.00")], "case.csv"))
    assert problems_of(exc)[0].startswith("line 2: column entry_type: 'Allocate'")


def test_a_line_spelled_several_ways_keeps_one_running_total(tmp_path, pko):
    """Two spellings of one line are one line for the running totals: the obligation on the second
    spelling sees the apportionment on the first, to the cent."""
    appr, jor, _ = pko
    base = [row("PKO FY2027", "JOR", "allocate", "100.00"), row(str(appr.pk), "Jordan", "apportion", "50.00")]
    over = row("PKO FY2027", "jor", "obligate", "50.01", doc_type=MOA)
    with pytest.raises(ImportRejected) as exc:
        ledger_import.import_ledger(write(tmp_path, [*base, over], "a.csv"))
    assert problems_of(exc)[0].startswith("line 4: BUD-013")
    ledger_import.import_ledger(write(tmp_path, [*base, row("PKO FY2027", "jor", "obligate", "50.00", doc_type=MOA)], "b.csv"))
    assert Balance.objects.get(allocation=jor).obligated == D("50.00")


def test_only_the_first_two_hundred_problems_are_listed_and_all_are_counted(tmp_path, pko):
    rows = [row("PKO FY2027", "JOR", "allocate", "x") for _ in range(250)]
    with pytest.raises(ImportRejected) as exc:
        ledger_import.import_ledger(write(tmp_path, rows))
    assert exc.value.details["problem_count"] == 250
    assert len(problems_of(exc)) == 200 and problems_of(exc)[-1].startswith("line 201:")


def test_a_refused_file_then_a_good_one_on_the_same_connection(tmp_path, pko):
    """A refusal leaves no staging table behind that would break the next import."""
    with pytest.raises(ImportRejected):
        ledger_import.import_ledger(write(tmp_path, [row("PKO FY2027", "JOR", "allocate", "x")], "bad.csv"))
    assert ledger_import.import_ledger(write(tmp_path, [row("PKO FY2027", "JOR", "allocate", "3.00")], "good.csv"))["rows"] == 1


def test_the_import_leaves_the_page_cache_as_it_found_it(tmp_path, pko):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite page cache sizes")
    with connection.cursor() as cur:
        cur.execute("PRAGMA main.cache_size")
        before = cur.fetchone()[0]
    ledger_import.import_ledger(write(tmp_path, [row("PKO FY2027", "JOR", "allocate", "3.00")]))
    with pytest.raises(ImportRejected):
        ledger_import.import_ledger(write(tmp_path, [row("PKO FY2027", "JOR", "allocate", "x")], "bad.csv"))
    with connection.cursor() as cur:
        cur.execute("PRAGMA main.cache_size")
        assert cur.fetchone()[0] == before


# ---------------------------------------------------------------- killed mid-import

CHILD = textwrap.dedent(
    """
    import os, sys, time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
    import django
    django.setup()
    from secassist.core.registry import registry
    from secassist.budget import ledger_import
    for name in ("congress.obligation_gate", "restrictions.check"):
        registry.services.pop(name, None)
    if sys.argv[2] == "stop":
        insert = ledger_import._insert_entries
        def insert_then_wait(*args, **kwargs):
            result = insert(*args, **kwargs)
            print("INSERTED", flush=True)  # every entry written, nothing committed
            time.sleep(600)
            return result
        ledger_import._insert_entries = insert_then_wait
    print(ledger_import.import_ledger(sys.argv[1])["rows"], flush=True)
    """
)


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_before_it_commits_leaves_nothing_and_the_file_loads_again(tmp_path, build):
    appr = build.appropriation("PKO", amount="1000000.00", public_law="P.L. TEST-KILL")
    jor = build.line(appr, "JOR")
    path = write(tmp_path, [row("PKO FY2027", "JOR", "allocate", "1.00", date="2026-11-20") for _ in range(500)])
    env = child_env(tmp_path)
    db_file = tmp_path / "killed.sqlite3"  # where child_env copies the SQLite test database
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), "stop"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "INSERTED", (line, child.stderr.read() if child.stderr else "")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL

    def state() -> tuple[int, int, int, str]:
        if connection.vendor == "sqlite":
            with sqlite3.connect(db_file) as db:  # opening it recovers the WAL the child left
                return (
                    db.execute("SELECT count(*) FROM budget_ledgerentry").fetchone()[0],
                    db.execute("SELECT count(*) FROM budget_ledgerimport").fetchone()[0],
                    db.execute("SELECT entries FROM budget_balance WHERE allocation_id = ?", [jor.pk]).fetchone()[0],
                    str(db.execute("SELECT allocated FROM budget_balance WHERE allocation_id = ?", [jor.pk]).fetchone()[0]),
                )
        bal = Balance.objects.get(allocation=jor)
        return LedgerEntry.objects.count(), LedgerImport.objects.count(), bal.entries, str(bal.allocated)

    entries_before = LedgerEntry.objects.count()
    assert state()[:3] == (entries_before, 0, 0)
    events = AuditEvent.objects.count()
    again = subprocess.run([sys.executable, "-c", CHILD, str(path), "go"], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "500"
    entries, imports, count, allocated = state()
    assert (entries, imports, count) == (entries_before + 500, 1, 500) and D(allocated) == D("500.00")
    if connection.vendor == "postgresql":
        assert AuditEvent.objects.count() == events + 1 and verify_chain().ok


def test_a_line_not_approved_is_named_in_words(tmp_path, build):
    appr = build.appropriation("PKO", amount="1000.00", public_law="P.L. WORDS")
    build.line(appr, "EGY", approved=False, cleared=False)
    rows = [row("PKO FY2027", "EGY", "allocate", "5.00"), row("PKO FY2027", "EGY", "commit", "1.00")]
    with pytest.raises(ImportRejected) as exc:
        ledger_import.import_ledger(write(tmp_path, rows))
    assert problems_of(exc) == [problems_of(exc)[0]] and "money cannot be committed on it" in problems_of(exc)[0]
