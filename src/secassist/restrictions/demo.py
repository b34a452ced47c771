"""Reference step (run by `secassist load-reference`) and demo step (order 200): load the product's
cited restrictions data. Both idempotent."""

from __future__ import annotations

from typing import Any

from .loader import load_restrictions


def load_demo(*, acting_user: Any, stdout: Any) -> None:
    summary = load_restrictions(acting_user=acting_user)
    created = sum(summary.created.values())
    updated = sum(summary.updated.values())
    stdout.write(
        f"  restrictions: {created} created, {updated} updated"
        + (f", {len(summary.skipped)} coup rows skipped" if summary.skipped else "")
    )


def load_reference_step(*, acting_user: Any) -> dict[str, Any]:
    summary = load_restrictions(acting_user=acting_user)
    return {
        "created": sum(summary.created.values()),
        "updated": sum(summary.updated.values()),
        "coup_rows_skipped": len(summary.skipped),
    }
