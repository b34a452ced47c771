"""The audit chain anchored outside the database (ADR 0800), the database refusing DELETE and
TRUNCATE of audit rows, and restore refusing a backup whose chain is broken."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from secassist.audit import anchors as anchors_module
from secassist.audit.anchors import append_anchor, database_label, read_anchor_log
from secassist.audit.guards import lift_statements
from secassist.audit.models import AuditChainHead, AuditEvent
from secassist.audit.services import GENESIS, digest_of, record
from secassist.audit.verify import verify_chain


@pytest.fixture
def anchor_log(settings, tmp_path):
    settings.SECASSIST_AUDIT_ANCHOR_LOG = tmp_path / "anchors.log"
    return settings.SECASSIST_AUDIT_ANCHOR_LOG


def _events(n):
    with transaction.atomic():
        return [
            record(actor=None, action="test.event", object_type="test.thing", object_id=str(i), after={"i": i}) for i in range(n)
        ]


def _as_dba(*statements):
    """Tamper as someone with the owner's rights would: lift the guards, then write."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        else:
            for statement in ["DROP TRIGGER IF EXISTS audit_event_no_update", *lift_statements("sqlite")]:
                cur.execute(statement)
        for sql, params in statements:
            cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = DEFAULT")


def _cut_tail_and_rewind_head(keep_last):
    _as_dba(
        ("DELETE FROM audit_auditevent WHERE id > %s", [keep_last.pk]),
        (
            "UPDATE audit_auditchainhead SET last_event_id = %s, last_hash = %s, "
            "event_count = (SELECT count(*) FROM audit_auditevent)",
            [keep_last.pk, keep_last.hash],
        ),
    )


def _anchors():
    return read_anchor_log().for_database(database_label())


def test_a_deleted_tail_with_a_rewound_head_passes_the_chain_alone_but_not_the_anchors(db, anchor_log):
    events = _events(5)
    append_anchor(reason="periodic")
    _cut_tail_and_rewind_head(events[2])
    assert verify_chain().ok, "without anchors the shortened chain is self-consistent: the hole this closes"
    report = verify_chain(anchors=_anchors())
    assert not report.ok
    assert report.broken_at == events[-1].pk
    assert "no longer in the chain" in report.problem
    with pytest.raises(CommandError, match=f"#{events[-1].pk}.*head rewound"):
        call_command("audit_verify")


def test_a_chain_rewritten_with_recomputed_hashes_fails_at_the_anchored_event(db, anchor_log):
    events = _events(3)
    append_anchor(reason="periodic")
    # Rewrite event 2 and re-hash it and its successor, as an attacker without the anchor log would.
    statements = []
    prev = events[0].hash
    for event in events[1:]:
        if event is events[1]:
            event.reason = "rewritten"
        new_hash = digest_of(event, prev)
        statements.append(
            (
                "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.reason, prev, new_hash, event.pk],
            )
        )
        prev = new_hash
    statements.append(("UPDATE audit_auditchainhead SET last_hash = %s", [prev]))
    _as_dba(*statements)
    assert verify_chain().ok
    report = verify_chain(anchors=_anchors())
    assert not report.ok
    assert report.broken_at == events[-1].pk
    assert "rewritten" in report.problem


def test_an_intact_chain_matches_every_anchor(db, anchor_log, capsys):
    _events(2)
    append_anchor(reason="periodic")
    _events(2)
    append_anchor(reason="scheduled")
    report = verify_chain(anchors=_anchors())
    assert report.ok
    assert report.anchors_checked == 2
    call_command("audit_verify")
    assert "2 of 2 anchors" in capsys.readouterr().out


def test_audit_verify_warns_when_there_is_no_anchor_log(db, anchor_log, capsys):
    _events(1)
    call_command("audit_verify")
    assert "no anchor log" in capsys.readouterr().out


def test_a_damaged_anchor_log_fails_verification(db, anchor_log):
    append_anchor(reason="periodic")
    with anchor_log.open("a") as fh:
        fh.write("{not json\n")
    with pytest.raises(CommandError, match=r"anchor log is damaged.*:2"):
        call_command("audit_verify")


def test_anchors_written_before_a_restore_do_not_bind_the_restored_chain(db, anchor_log):
    events = _events(4)
    append_anchor(reason="periodic")
    _cut_tail_and_rewind_head(events[1])
    append_anchor(reason="restore", file="b.sqlite3")
    assert verify_chain(anchors=_anchors()).ok


def test_anchors_of_another_database_are_not_held_against_this_one(db, anchor_log):
    _events(2)
    anchor = append_anchor(reason="periodic")
    with anchor_log.open("a") as fh:
        fh.write(json.dumps({**json.loads(anchor.line()), "database": "sqlite:/elsewhere.sqlite3", "last_id": 10**9}) + "\n")
    assert len(read_anchor_log().anchors) == 2
    assert verify_chain(anchors=_anchors()).ok


def test_the_anchor_log_is_written_owner_only(db, anchor_log):
    append_anchor(reason="periodic")
    assert stat.S_IMODE(anchor_log.stat().st_mode) == 0o600
    line = json.loads(anchor_log.read_text())
    assert set(line) == {"at", "reason", "last_id", "head_hash", "count", "database", "detail"}


def test_an_anchor_of_an_empty_chain_points_at_the_genesis(db, anchor_log):
    with connection.cursor():
        pass
    anchor = anchors_module.current_anchor(reason="x")
    assert (anchor.count == 0) == (anchor.last_id == 0)
    if anchor.last_id == 0:
        assert anchor.head_hash == GENESIS


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_appends_an_anchor_at_most_once_per_interval(anchor_log, settings, monkeypatch):
    settings.SECASSIST_AUDIT_ANCHOR_EVERY = 3600
    monkeypatch.setattr(anchors_module, "_last_periodic", None)
    (first,) = _events(1)
    _events(1)
    lines = anchor_log.read_text().splitlines()
    assert len(lines) == 1, "the second commit came within the interval"
    assert json.loads(lines[0])["reason"] == "periodic"
    assert json.loads(lines[0])["last_id"] == first.pk


@pytest.mark.django_db(transaction=True)
def test_automatic_anchors_can_be_turned_off(anchor_log, settings, monkeypatch):
    settings.SECASSIST_AUDIT_ANCHOR_EVERY = -1
    monkeypatch.setattr(anchors_module, "_last_periodic", None)
    _events(1)
    assert not anchor_log.exists()


def test_a_rolled_back_write_appends_no_anchor(db, anchor_log, settings, monkeypatch):
    settings.SECASSIST_AUDIT_ANCHOR_EVERY = 0
    monkeypatch.setattr(anchors_module, "_last_periodic", None)
    _events(1)  # inside the test's transaction, which is rolled back: on_commit never runs
    assert not anchor_log.exists()


# ---------------------------------------------------------------- the database refuses


def test_the_database_refuses_to_delete_an_audit_event(db):
    (event,) = _events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_to_delete_the_chain_head(db):
    _events(1)
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditchainhead")
    assert AuditChainHead.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed rows: TRUNCATE after uncommitted inserts fails for another reason
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditchainhead"])
def test_postgresql_refuses_to_truncate_the_audit_tables(table):
    _events(1)
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_a_truncate_that_cascades_from_the_users():
    _events(1)
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE accounts_user CASCADE")


@pytest.mark.django_db(transaction=True)
def test_the_guards_are_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    _events(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent")


# ---------------------------------------------------------------- backup and restore (PostgreSQL: JSON)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_with_its_chain_intact_and_anchors_both(tmp_path, anchor_log):
    _events(3)
    backup = tmp_path / "b.json.gz"
    call_command("backup", str(backup))
    call_command("restore", str(backup), "--yes")
    assert verify_chain(anchors=_anchors()).ok
    reasons = [a.reason for a in read_anchor_log().anchors]
    assert reasons[-2:] == ["backup", "restore"] or reasons[-1] == "restore"
    assert "backup" in reasons


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_with_a_broken_chain_restores_nothing(tmp_path, anchor_log):
    _events(3)
    backup = tmp_path / "b.json.gz"
    call_command("backup", str(backup))
    rows = json.loads(gzip.decompress(backup.read_bytes()))
    for row in rows:
        if row["model"] == "audit.auditevent":
            row["fields"]["reason"] = "tampered"
            break
    backup.write_bytes(gzip.compress(json.dumps(rows).encode()))
    marker = _events(1)[0]
    with pytest.raises(CommandError, match=r"refusing to restore.*broken") as excinfo:
        call_command("restore", str(backup), "--yes")
    assert excinfo.value.returncode == 2
    assert AuditEvent.objects.filter(pk=marker.pk).exists(), "the live database was left as it was"


# ---------------------------------------------------------------- at the command line (SQLite files)


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """One migrated SQLite file per module; each test works on its own copy."""
    var = tmp_path_factory.mktemp("migrated")
    env = {**os.environ, "SECASSIST_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "secassist", "migrate"], capture_output=True, env=env, check=True)
    return var / "secassist.sqlite3"


@pytest.fixture
def cli(tmp_path, migrated_sqlite):
    var = tmp_path / "var"
    var.mkdir()
    shutil.copyfile(migrated_sqlite, var / "secassist.sqlite3")
    env = {**os.environ, "SECASSIST_VAR_DIR": str(var), "SECASSIST_AUDIT_ANCHOR_EVERY": "0"}
    env.pop("DATABASE_URL", None)
    env.pop("SECASSIST_AUDIT_ANCHOR_LOG", None)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "secassist", *args], capture_output=True, text=True, env=env)

    return run, var / "secassist.sqlite3"


def _tamper_file(db_path, *statements):
    con = sqlite3.connect(db_path)
    for name in ("audit_event_no_update", "audit_event_no_delete", "audit_head_no_delete"):
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql, params in statements:
        con.execute(sql, params)
    con.commit()
    con.close()


def test_audit_verify_at_the_command_line_detects_a_deleted_tail_with_a_rewound_head(tmp_path, cli):
    run, db_path = cli
    for name in ("ann", "bob", "cat"):
        assert run("create-user", name, "--role", "read_only").returncode == 0
    assert run("audit-verify").returncode == 0
    con = sqlite3.connect(db_path)
    last_id, keep_id, keep_hash = con.execute(
        "SELECT (SELECT max(id) FROM audit_auditevent), id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1 OFFSET 1"
    ).fetchone()
    con.close()
    _tamper_file(
        db_path,
        ("DELETE FROM audit_auditevent WHERE id > ?", [keep_id]),
        (
            "UPDATE audit_auditchainhead SET last_event_id = ?, last_hash = ?, "
            "event_count = (SELECT count(*) FROM audit_auditevent)",
            [keep_id, keep_hash],
        ),
    )
    result = run("audit-verify")
    assert result.returncode != 0
    assert f"#{last_id}" in result.stderr
    assert "head rewound" in result.stderr


def test_restore_of_a_backup_with_a_broken_chain_exits_non_zero_and_restores_nothing(tmp_path, cli):
    run, db_path = cli
    assert run("create-user", "ann", "--role", "read_only").returncode == 0
    backup = tmp_path / "b.sqlite3"
    assert run("backup", str(backup)).returncode == 0
    _tamper_file(
        backup, ("UPDATE audit_auditevent SET reason = 'tampered' WHERE id = (SELECT min(id) FROM audit_auditevent)", [])
    )
    assert run("create-user", "bob", "--role", "read_only").returncode == 0
    before = db_path.read_bytes()
    result = run("restore", str(backup), "--yes")
    assert result.returncode == 2
    assert "refusing to restore" in result.stderr
    assert "Nothing was restored" in result.stderr
    assert db_path.read_bytes() == before
    assert run("audit-verify").returncode == 0


def test_a_backup_and_its_restore_are_anchored_and_verify(tmp_path, cli):
    run, _ = cli
    assert run("create-user", "ann", "--role", "read_only").returncode == 0
    backup = tmp_path / "b.sqlite3"
    out = run("backup", str(backup)).stdout
    assert "anchored at event" in out
    assert run("create-user", "bob", "--role", "read_only").returncode == 0
    result = run("restore", str(backup), "--yes")
    assert result.returncode == 0, result.stderr
    verified = run("audit-verify")
    assert verified.returncode == 0, verified.stderr
    log = [json.loads(line) for line in (tmp_path / "var" / "audit-anchors.log").read_text().splitlines()]
    assert [a["reason"] for a in log if a["reason"] in ("backup", "restore")] == ["backup", "restore"]
    assert log[[a["reason"] for a in log].index("backup")]["detail"]["sha256"]
