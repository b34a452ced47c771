from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from secassist.audit.anchors import anchor_log_path, append_anchor


class Command(BaseCommand):
    help = "Append the audit chain's newest hash and length to the anchor log (run it from a timer, e.g. hourly)."

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = append_anchor(reason="scheduled")
        self.stdout.write(f"audit chain anchored at event #{anchor.last_id} ({anchor.count} events) in {anchor_log_path()}")
