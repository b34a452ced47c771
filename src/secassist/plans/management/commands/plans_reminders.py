"""`secassist manage plans_reminders [--send] [--date YYYY-MM-DD]`: the PLN-009 reminders due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secassist.core import clock
from secassist.core.cli import domain_errors_exit, system_user
from secassist.plans import rules, services
from secassist.plans.models import Tasker, TaskerStatus


class Command(BaseCommand):
    help = (
        "List plan-review reminders due (3 business days before the office suspense, 5 before DoD's due date); "
        "with --send, record and e-mail each one once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--send", action="store_true", help="record and e-mail the reminders (each only once)")
        parser.add_argument("--date", help="the day to compute for (default: today)")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else clock.today()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}", returncode=2) from None
        if options["send"]:
            sent = services.send_reminders(acting_user=system_user(), today=today)
            for item in sent:
                offices = ", ".join(item["offices"]) or "—"
                self.stdout.write(f"sent  tasker {item['tasker']}: {item['message']} (offices: {offices})")
            self.stdout.write(f"{len(sent)} reminder(s) sent (rule PLN-009)")
            return
        count = 0
        for tasker in Tasker.objects.exclude(status=TaskerStatus.CLOSED).select_related("product").order_by("due_on"):
            for r in rules.reminders_due(
                status=tasker.status, office_due_on=tasker.office_due_on, due_on=tasker.due_on, today=today
            ):
                count += 1
                self.stdout.write(f"due   tasker {tasker.pk} ({tasker.product.title}): {r.message}")
        self.stdout.write(f"{count} reminder(s) due on {today:%Y-%m-%d} (rule PLN-009: {rules.CITE_REMINDER})")
