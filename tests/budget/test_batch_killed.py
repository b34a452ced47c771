"""A batch posting (`POST /api/v1/funds/postings/batch`) killed with SIGKILL mid-transaction, after
every entry, balance row, status change and its audit event were written but before the commit:
nothing is posted, the audit chain verifies, and the same batch posts afterwards (ADR 1002, 1022).
The pattern of tests/budget/test_ledger_import_edges.py, on both engines."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection

from secassist.accounts.services import create_token
from secassist.audit.models import AuditEvent
from secassist.audit.verify import verify_chain
from secassist.budget.models import Balance, LedgerEntry

from .child_process import child_env

# The child process: `stop` posts the batch through the API and stops once the batch's audit event is
# written (the last write before the commit); `go` posts it to the end; `verify` checks the chain.
CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
    import django
    django.setup()
    from django.test.utils import setup_test_environment
    setup_test_environment()  # the test client's host is allowed
    from secassist.audit.verify import verify_chain
    mode = sys.argv[1]
    if mode == "verify":
        print(json.dumps({"chain_ok": verify_chain().ok}), flush=True)
        sys.exit(0)
    from django.test import Client
    from secassist.core.registry import registry
    from secassist.budget import batch
    for name in ("congress.obligation_gate", "restrictions.check"):
        registry.services.pop(name, None)
    if mode == "stop":
        record = batch.record
        def record_then_wait(*args, **kwargs):
            event = record(*args, **kwargs)
            print("WRITTEN", flush=True)  # entries, balances, statuses and the event written; nothing committed
            time.sleep(600)
            return event
        batch.record = record_then_wait
    body = json.loads(sys.argv[3])
    resp = Client(HTTP_AUTHORIZATION=f"Bearer {sys.argv[2]}").post(
        "/api/v1/funds/postings/batch", body, content_type="application/json"
    )
    print(json.dumps({"status": resp.status_code, "posted": len(resp.json()) if resp.status_code == 201 else resp.json(),
                      "chain_ok": verify_chain().ok}), flush=True)
    """
)


def _run(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_a_batch_killed_before_it_commits_posts_nothing_and_the_chain_verifies(tmp_path, build, sa_analyst):
    appr = build.appropriation("PKO", amount="1000000.00", public_law="P.L. TEST-KILL-BATCH")
    jor, egy = build.line(appr, "JOR"), build.line(appr, "EGY")
    entries = [{"allocation_id": line.pk, "entry_type": "allocate", "amount": "1.00"} for line in (jor, egy) * 100]
    entries.append({"allocation_id": jor.pk, "entry_type": "apportion", "amount": "1.00"})  # moves the line's status
    body = json.dumps({"entries": entries, "reason": "killed batch"})
    _, token = create_token(acting_user=sa_analyst, user=sa_analyst)
    env = child_env(tmp_path)

    def state() -> tuple[int, int, int, str, str]:
        """Entries, audit events, entries on the JOR line, its allocated amount and status, as committed."""
        if connection.vendor == "sqlite":
            with sqlite3.connect(env["SECASSIST_SQLITE_PATH"]) as db:  # opening it recovers the WAL the child left
                bal = db.execute("SELECT entries, allocated FROM budget_balance WHERE allocation_id = ?", [jor.pk]).fetchone()
                return (
                    db.execute("SELECT count(*) FROM budget_ledgerentry").fetchone()[0],
                    db.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0],
                    bal[0],
                    str(bal[1]),
                    db.execute("SELECT status FROM budget_allocation WHERE id = ?", [jor.pk]).fetchone()[0],
                )
        bal = Balance.objects.get(allocation=jor)
        jor.refresh_from_db()
        return LedgerEntry.objects.count(), AuditEvent.objects.count(), bal.entries, str(bal.allocated), jor.status

    before = state()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "stop", token, body], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "WRITTEN", (line, child.stderr.read() if child.stderr else "")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL

    assert state() == before  # no entry, no balance move, no status change, no event
    assert before[2] == 0 and D(before[3]) == 0
    assert _run(env, "verify") == {"chain_ok": True}
    if connection.vendor == "postgresql":
        assert verify_chain().ok

    again = _run(env, "go", token, body)
    assert again == {"status": 201, "posted": 201, "chain_ok": True}
    entries_after, events_after, count, allocated, status = state()
    assert (entries_after, count, status) == (before[0] + 201, 101, "apportioned") and before[4] == "approved"
    assert events_after == before[1] + 2  # the batch's event and the line's status change
    assert D(allocated) == D("100.00")
