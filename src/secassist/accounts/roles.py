"""Roles and what each may do. The server checks these on every request (see permissions.py)."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SA_ANALYST = "sa_analyst", "Security Assistance analyst"
    T10_ANALYST = "t10_analyst", "Title 10 analyst"
    DSP_ANALYST = "dsp_analyst", "Defense Sector Plans analyst"
    CLEARING_OFFICER = "clearing_officer", "Clearing officer"
    BUDGET_REVIEWER = "budget_reviewer", "F/budget reviewer"
    READ_ONLY = "read_only", "Read-only"
    ADMIN = "admin", "Administrator"


ALL_ROLES = frozenset(Role.values)
ANALYSTS = frozenset({Role.SA_ANALYST, Role.T10_ANALYST, Role.DSP_ANALYST})

# Capability -> roles that hold it. Pages and endpoints name a capability, never a role.
CAPABILITIES: dict[str, frozenset[str]] = {
    "view": ALL_ROLES,
    "audit.view": frozenset({Role.ADMIN, Role.BUDGET_REVIEWER, Role.READ_ONLY}),
    "reference.edit": frozenset({Role.ADMIN}),
    "accounts.manage": frozenset({Role.ADMIN}),
    "budget.edit": frozenset({Role.SA_ANALYST, Role.ADMIN}),
    "budget.review": frozenset({Role.BUDGET_REVIEWER, Role.SA_ANALYST, Role.ADMIN}),
    # Budget formulation is pre-decisional (the President's Budget is embargoed until release): SA, F and
    # administrators read requests; F alone sets F levels.
    "budget.request.view": frozenset({Role.BUDGET_REVIEWER, Role.SA_ANALYST, Role.ADMIN}),
    "budget.levels": frozenset({Role.BUDGET_REVIEWER, Role.ADMIN}),
    "restrictions.edit": frozenset({Role.SA_ANALYST, Role.T10_ANALYST, Role.ADMIN}),
    "restrictions.check": frozenset(ALL_ROLES),
    "congress.edit": frozenset({Role.SA_ANALYST, Role.T10_ANALYST, Role.ADMIN}),
    "title10.edit": frozenset({Role.T10_ANALYST, Role.ADMIN}),
    "title10.decide": frozenset({Role.T10_ANALYST, Role.ADMIN}),
    "plans.edit": frozenset({Role.DSP_ANALYST, Role.ADMIN}),
    "plans.comment": frozenset({Role.DSP_ANALYST, Role.CLEARING_OFFICER, Role.ADMIN}),
    "clearance.respond": frozenset({Role.CLEARING_OFFICER, Role.SA_ANALYST, Role.T10_ANALYST, Role.DSP_ANALYST, Role.ADMIN}),
    # Program oversight: objectives, indicators, values, spend plans, deliveries (the two analyst teams).
    "oversight.edit": frozenset({Role.SA_ANALYST, Role.T10_ANALYST, Role.ADMIN}),
    # Evaluations and their follow-up: also F, which sets the Department's monitoring-and-evaluation policy (FATAA).
    "oversight.evaluate": frozenset({Role.SA_ANALYST, Role.T10_ANALYST, Role.BUDGET_REVIEWER, Role.ADMIN}),
    # Deciding approvals: the roles allowed for each act are data (approvals.ApprovalPolicy); this
    # capability only keeps read-only seats out of the decision forms.
    "approvals.decide": frozenset(ALL_ROLES - {Role.READ_ONLY}),
    "approvals.configure": frozenset({Role.ADMIN}),
    "data.import": frozenset({Role.SA_ANALYST, Role.T10_ANALYST, Role.DSP_ANALYST, Role.ADMIN}),
}


def has_capability(user: object, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    return getattr(user, "role", None) in CAPABILITIES[capability]
