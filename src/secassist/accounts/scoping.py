"""Who reads which record: the one written object-level policy (ADR 0840, docs/security.md).

Every selector and access function that scopes a record asks this module; no app keeps its own
list of roles that "read everything".

1. **Shared records** — funds, restrictions and waivers, CN packages, Title 10 proposals, planning
   products, posture changes, engagements and their action items, oversight records: every
   signed-in role reads them (the site is the office's own system of record; writes are checked
   by role and, where an office is the party, by office, in the services).
2. **Need-to-know records** — pre-decisional work named in `KEEPERS` (plan taskers and their
   comments, analysis products, determination packages) and the clearance requests on any subject:
   read in full by the team that keeps that kind of record and by the oversight seats; every other
   user reads only those that task, or ask for the clearance of, their own office.
3. **Oversight seats** — the holders of `audit.view` (administrators, F/budget reviewers, read-only
   reviewers). They read the audit trail, which holds the before and after of every record, so
   they read every record: a narrower view of the records would be undone by the trail.

A missing record and a record outside this policy answer 404 alike (`access.get_visible`).
"""

from __future__ import annotations

from typing import Any

from .roles import Role, has_capability

# Need-to-know record type (app_label.model) -> the roles of the team that keeps it.
KEEPERS: dict[str, frozenset[str]] = {
    "plans.tasker": frozenset({Role.DSP_ANALYST}),
    "plans.analysisproduct": frozenset({Role.DSP_ANALYST}),
    "determinations.determinationpackage": frozenset({Role.SA_ANALYST, Role.T10_ANALYST}),
}

# Clearance requests are need-to-know whatever their subject; the keepers of a subject type read all
# of its clearances (they route them). Subjects that are shared records have their editing teams here.
CLEARANCE_KEEPERS: dict[str, frozenset[str]] = {
    **KEEPERS,
    "congress.package": frozenset({Role.SA_ANALYST, Role.T10_ANALYST}),
    "title10.proposal": frozenset({Role.T10_ANALYST}),
}


def signed_in(user: Any) -> bool:
    return has_capability(user, "view")


def is_oversight(user: Any) -> bool:
    """An oversight seat reads every record (see the module docstring, point 3)."""
    return has_capability(user, "audit.view")


def reads_all(user: Any, record_type: str) -> bool:
    """Whether `user` reads every record of a need-to-know type (else only their office's)."""
    if not signed_in(user):
        return False
    return is_oversight(user) or getattr(user, "role", None) in KEEPERS.get(record_type, frozenset())


def office_id(user: Any) -> int | None:
    """The user's office, or None (a user without an office is tasked with nothing)."""
    return getattr(user, "office_id", None) if signed_in(user) else None


def kept_clearance_subjects(user: Any) -> list[str]:
    """The subject types whose clearances `user` reads in full (as a keeper of that kind of record)."""
    role = getattr(user, "role", None)
    return sorted(t for t, roles in CLEARANCE_KEEPERS.items() if role in roles)
