"""Demo users, one per role, created by `secassist setup --demo` (never in production)."""

from __future__ import annotations

from typing import Any

from .services import ensure_demo_user

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 — demo only; setup refuses demo data in production

DEMO_USERS: list[tuple[str, str, str | None, str]] = [
    # username, role, office, what they do in the demo
    ("sa.analyst", "sa_analyst", "PM/SA-SAT", "Security Assistance team: FMF, IMET, PKO budgets, CNs, waivers"),
    ("t10.analyst", "t10_analyst", "PM/SA-T10", "Title 10 team: DoD proposals, clearances, concurrence"),
    ("dsp.analyst", "dsp_analyst", "PM/SA-DSP", "Defense Sector Plans team: plan reviews, posture, 3D WG"),
    ("drl.clearer", "clearing_officer", "DRL", "Clearing officer, DRL (human rights, Leahy)"),
    ("af.clearer", "clearing_officer", "AF", "Clearing officer, Bureau of African Affairs"),
    ("nea.clearer", "clearing_officer", "NEA", "Clearing officer, Bureau of Near Eastern Affairs"),
    ("rsat.clearer", "clearing_officer", "PM/RSAT", "Clearing officer, PM/RSAT (TPT, EUM)"),
    ("f.reviewer", "budget_reviewer", "F", "F/budget reviewer"),
    ("viewer", "read_only", None, "Read-only viewer"),
    ("admin", "admin", "PM/SA", "Administrator"),
]


def create_demo_users(*, acting_user: Any = None, stdout: Any = None) -> None:
    for username, role, office, _ in DEMO_USERS:
        ensure_demo_user(username=username, role=role, office_code=office, password=DEMO_PASSWORD)


def demo_admin() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="admin").first()
