"""A history import killed with SIGKILL after its rows are written but before the commit leaves
nothing, and the same file then loads (ADR 1022). The pattern of test_ledger_import_edges.py."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from django.db import connection

from secassist.budget.models import HistoricalAmount, HistoryImport

from .child_process import child_env
from .test_importers import GREENBOOK_HEADER, JORDAN

CHILD = textwrap.dedent(
    """
    import os, sys, time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
    import django
    django.setup()
    from secassist.budget import importers
    if sys.argv[2] == "stop":
        totals = importers._totals
        def totals_then_wait(*args, **kwargs):
            result = totals(*args, **kwargs)
            print("INSERTED", flush=True)  # every row written, nothing committed
            time.sleep(600)
            return result
        importers._totals = totals_then_wait
    print(importers.import_greenbook(sys.argv[1])["rows"], flush=True)
    """
)


@pytest.mark.django_db(transaction=True)
def test_a_history_import_killed_before_it_commits_leaves_nothing_and_loads_again(tmp_path):
    path = tmp_path / "gb.csv"
    path.write_text(GREENBOOK_HEADER + "".join(JORDAN.replace("2019", str(fy)) for fy in range(1950, 2020)))
    env = child_env(tmp_path)

    def state() -> tuple[int, int]:
        if connection.vendor == "sqlite":
            with sqlite3.connect(env["SECASSIST_SQLITE_PATH"]) as db:  # opening it recovers the WAL the child left
                return (
                    db.execute("SELECT count(*) FROM budget_historicalamount").fetchone()[0],
                    db.execute("SELECT count(*) FROM budget_historyimport").fetchone()[0],
                )
        return HistoricalAmount.objects.count(), HistoryImport.objects.count()

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
    assert state() == (0, 0)
    again = subprocess.run([sys.executable, "-c", CHILD, str(path), "go"], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "70" and state() == (70, 1)
