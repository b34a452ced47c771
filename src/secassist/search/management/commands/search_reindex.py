from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from secassist.search import index


class Command(BaseCommand):
    help = "Rebuild the search index from the records (it is also caught up on every search)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = index.rebuild()
        for kind, n in counts.items():
            self.stdout.write(f"{kind:<14}{n:>8}")
        self.stdout.write(f"indexed {sum(counts.values())} objects")
