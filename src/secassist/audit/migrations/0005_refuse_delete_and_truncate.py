"""Database-level guard, completed: audit rows cannot be DELETEd on SQLite either, and neither the
events nor the chain head can be TRUNCATEd on PostgreSQL (row triggers do not fire on TRUNCATE).

Tests flush the database between transactional tests; their conftest lifts these guards for the
flush only (`secassist.audit.guards`), as `restore` does on PostgreSQL under the owner role.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
    BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_delete;", "DROP TRIGGER IF EXISTS audit_head_no_delete;"]

PG_UP = ["""
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit tables are append-only: TRUNCATE refused'; END; $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_head_refuse_delete() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit chain head cannot be deleted'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_auditchainhead;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
FOR EACH ROW EXECUTE FUNCTION audit_head_refuse_delete();
"""]
PG_DOWN = ["""
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
DROP FUNCTION IF EXISTS audit_head_refuse_delete();
"""]


def up(apps, schema_editor):
    for statement in {"sqlite": SQLITE_UP, "postgresql": PG_UP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def down(apps, schema_editor):
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_head_event_count_data")]
    operations = [migrations.RunPython(up, down)]
