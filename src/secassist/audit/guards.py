"""The database guards on the audit tables, and the one sanctioned way to lift them.

Migrations 0002/0003 make the database itself refuse UPDATE, DELETE and TRUNCATE of audit rows.
Replacing the whole database is the only act that legitimately removes them: `restore` on
PostgreSQL (run as the owner role: the application role may not alter tables) and the test
suite's flush between transactional tests. Both lift the guards inside the same transaction as
the replacement, so a failure leaves the guards — and the data — as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

_SQLITE_TRIGGERS = {
    "audit_event_no_delete": "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    "audit_head_no_delete": "CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_auditchainhead "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;",
}
_PG_TRIGGERS = (
    ("audit_auditevent", "audit_event_no_truncate"),
    ("audit_auditchainhead", "audit_head_no_truncate"),
    ("audit_auditchainhead", "audit_head_no_delete"),
)


def lift_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [f"ALTER TABLE {table} DISABLE TRIGGER {name}" for table, name in _PG_TRIGGERS]
    return []


def restore_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return list(_SQLITE_TRIGGERS.values())
    if vendor == "postgresql":
        return [f"ALTER TABLE {table} ENABLE TRIGGER {name}" for table, name in _PG_TRIGGERS]
    return []


def wrap_flush(vendor: str, statements: list[str]) -> list[str]:
    """A flush's SQL with the guards lifted before it and put back after it."""
    return [*lift_statements(vendor), *statements, *restore_statements(vendor)]


@contextmanager
def guards_lifted(using: str = "default") -> Iterator[None]:
    """Lift the guards for the enclosed block, which must run inside a transaction."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("audit guards may be lifted only inside a transaction")
    with connection.cursor() as cursor:
        for statement in lift_statements(connection.vendor):
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in restore_statements(connection.vendor):
            cursor.execute(statement)
