from django.db import migrations, models


def start_at_last_hash(apps, schema_editor):
    """An existing chain's state starts at its last hash: a real, committed hash (ADR 1005)."""
    head = apps.get_model("audit", "AuditChainHead")
    head.objects.filter(pk=1).update(state_hash=models.F("last_hash"))


# SQLite adds the column by rebuilding the table, which drops its triggers: the head's guard of
# migration 0005 is put back (PostgreSQL adds the column in place and keeps its triggers).
SQLITE_HEAD_GUARD = """CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;"""


def guard_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_HEAD_GUARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_refuse_delete_and_truncate")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="state_hash",
            field=models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64),
        ),
        migrations.RunPython(start_at_last_hash, migrations.RunPython.noop),
        migrations.RunPython(guard_again, migrations.RunPython.noop),
    ]
