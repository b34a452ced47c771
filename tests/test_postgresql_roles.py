"""The documented PostgreSQL set-up (docs/postgresql-roles.md): the application connects as a
non-owner role with only the grants of scripts/postgresql-app-role.sql. It works, and it can
neither remove audit rows nor switch the guards off."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from secassist.audit.services import record

SCRIPT = Path(settings.REPO_DIR) / "scripts" / "postgresql-app-role.sql"


def _statements(**names: str) -> list[str]:
    text = "\n".join(line for line in SCRIPT.read_text().splitlines() if not line.lstrip().startswith("--"))
    for var, name in names.items():
        text = text.replace(f':"{var}"', '"' + name.replace('"', '""') + '"')
    assert not re.search(r':"\w+"', text), "every psql variable of the script is substituted"
    return [s.strip() for s in text.split(";") if s.strip()]


@pytest.fixture
def app_role():
    """A login role `proof_app_<random>` set up exactly as the script says (the owner here is the
    test database's owner, which ran the migrations)."""
    role = f"proof_app_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict["NAME"]
    with connection.cursor() as cur:
        cur.execute("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
        owner = cur.fetchone()[0]
        cur.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS')
        for statement in _statements(db=db, owner=owner, app=role):
            cur.execute(statement)
    yield role, db
    with connection.cursor() as cur:
        cur.execute(f'DROP OWNED BY "{role}"')
        cur.execute(f'DROP ROLE "{role}"')


def _as_app(role: str, db: str) -> psycopg.Connection:
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    port = connection.settings_dict.get("PORT") or 5432
    return psycopg.connect(host=host, port=port, dbname=db, user=role, autocommit=True)


def _refused(conn: psycopg.Connection, sql: str) -> str:
    with pytest.raises(psycopg.Error) as excinfo:
        conn.execute(sql)
    return str(excinfo.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_product_runs_as_the_non_owner_role(app_role, tmp_path):
    role, db = app_role
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    port = connection.settings_dict.get("PORT") or 5432
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{role}@{host}:{port}/{db}",
        "SECASSIST_VAR_DIR": str(tmp_path),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "secassist", *args], capture_output=True, text=True, env=env)

    created = run("create-user", "roletest", "--role", "read_only")
    assert created.returncode == 0, created.stderr
    verified = run("audit-verify")
    assert verified.returncode == 0, verified.stderr
    assert "anchors" in verified.stdout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_non_owner_role_cannot_remove_audit_rows_or_lift_the_guards(app_role):
    role, db = app_role
    with _as_app(role, db) as conn:
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone() is not None
        assert "permission denied" in _refused(conn, "DELETE FROM audit_auditevent")
        assert "permission denied" in _refused(conn, "UPDATE audit_auditevent SET reason = 'x'")
        assert "permission denied" in _refused(conn, "TRUNCATE audit_auditevent")
        assert "permission denied" in _refused(conn, "TRUNCATE audit_auditchainhead")
        assert "permission denied" in _refused(conn, "DELETE FROM audit_auditchainhead")
        assert "must be owner" in _refused(conn, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        assert "must be owner" in _refused(conn, "DROP TRIGGER audit_event_no_change ON audit_auditevent")
        assert "permission denied" in _refused(conn, "SET session_replication_role = replica")
        assert "permission denied" in _refused(conn, "CREATE TABLE proof_sneaky (id int)")
        assert "permission denied" in _refused(conn, "DELETE FROM django_migrations")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_owner_role_is_still_refused_by_the_triggers():
    with transaction.atomic():
        record(actor=None, action="test.event")
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent")
