"""Data migration (issue #11): the retired free "notification cleared" flag of budget lines becomes a
`historical` CN package awaiting completion and a second person's approval, linked to the line.

Nothing is lost (the flag's last audit event — who, when, why — is copied into the package's
description) and nothing is silently cleared: the package is a draft record that counts for the
obligation gate only once approved. Lines whose status said "Notified to Congress" on the strength
of the flag alone go back to the stage before it, with a status-history row saying why.
Uses the historical models only (no app code), as the house rules require.
"""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

NOTE = (
    "Created when the free 'notification cleared' flag was retired (issue #11). The flag on this line was "
    "set by {who} on {when} with the reason: {why}. Complete the transmittal date, committees, document "
    "reference and a copy, then propose the record for approval: it counts for obligations only once a "
    "second person approves it."
)


def _next_number(Package, fiscal_year):  # noqa: N803 — a historical model class
    prefix = f"CN-{fiscal_year}-"
    numbers = [
        int(n.removeprefix(prefix))
        for n in Package.objects.filter(number__startswith=prefix).values_list("number", flat=True)
        if n.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def forwards(apps, schema_editor):
    Allocation = apps.get_model("budget", "Allocation")
    Balance = apps.get_model("budget", "Balance")
    StatusChange = apps.get_model("budget", "AllocationStatusChange")
    Package = apps.get_model("congress", "Package")
    Office = apps.get_model("reference", "Office")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    flagged = list(Allocation.objects.filter(notification_cleared=True).select_related("appropriation", "account"))
    if not flagged:
        return
    team = Office.objects.filter(code="PM/SA-SAT").first() or Office.objects.order_by("id").first()
    now = timezone.now()
    for line in flagged:
        fiscal_year = line.appropriation.fiscal_year
        event = (
            AuditEvent.objects.filter(action="budget.allocation.notification", object_type="budget.allocation", object_id=str(line.pk))
            .order_by("-id")
            .first()
        )
        balance = Balance.objects.filter(allocation_id=line.pk).first()
        package = Package.objects.create(
            number=_next_number(Package, fiscal_year),
            kind="historical",
            status="drafting",
            title=f"Historical CN — {line.recipient_name} FY{fiscal_year} {line.account.code}"[:200],
            team=team,
            fiscal_year=fiscal_year,
            account_id=line.account_id,
            country_id=line.country_id,
            pseudo_region_id=line.pseudo_region_id,
            program=line.account.code,
            amount=balance.allocated if balance and balance.allocated > 0 else 0,
            description=NOTE.format(
                who=event.actor_username if event else "an unknown user",
                when=event.occurred_at.date().isoformat() if event else "an unknown date",
                why=(event.reason if event else "") or "(none recorded)",
            ),
            drafted_on=now.date(),
            created_at=now,
            updated_at=now,
            created_by_id=event.actor_id if event else None,
        )
        package.allocations.add(line)
        if line.status == "notified":
            back = "reported_653a" if line.baseline_653a is not None else "approved"
            Allocation.objects.filter(pk=line.pk, status="notified").update(status=back)
            StatusChange.objects.create(
                allocation_id=line.pk,
                from_status="notified",
                to_status=back,
                at=now,
                reason=f"the notification state now comes from CN packages: {package.number} awaits approval",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0002_package_kind_historical"),
        ("budget", "0001_initial"),
        ("audit", "0002_append_only_triggers"),
        ("reference", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
