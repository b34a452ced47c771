"""secassist manage title10_escalate: mark overdue clearance requests as escalated (run daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from secassist.core.cli import domain_errors_exit, system_user

from ... import services


class Command(BaseCommand):
    help = "Escalate clearance requests on Title 10 proposals whose due date has passed (audited)."

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        count = services.escalate_overdue_clearances(acting_user=system_user())
        self.stdout.write(f"title10: {count} overdue clearance request(s) escalated")
