"""Ledger entries: two fewer b-trees to write per entry (ADR 1020).

The single-column indexes Django made for `allocation` and `appropriation` duplicate the leading
column of `budget_entry_line_idx` (allocation, id) and `budget_entry_appr_idx` (appropriation, id),
which serve every lookup by those keys; `to_allocation` is set only on reallocations, so its index
now holds only those rows. The indexes are dropped by name (the same on both engines) instead of
letting SQLite rebuild the table three times.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    "budget_ledgerentry_allocation_id_11dada97": "allocation_id",
    "budget_ledgerentry_appropriation_id_e1044107": "appropriation_id",
    "budget_ledgerentry_to_allocation_id_9ccdbe42": "to_allocation_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0005_remove_free_notification_cleared_flag"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="allocation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="budget.allocation",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="appropriation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="budget.appropriation",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="to_allocation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="target line of a reallocation (blank: back to unallocated)",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries_in",
                        to="budget.allocation",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "budget_ledgerentry" ("{column}")',
                )
                for name, column in DROPPED.items()
            ],
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                condition=models.Q(("to_allocation__isnull", False)), fields=["to_allocation"], name="budget_entry_to_line_idx"
            ),
        ),
    ]
