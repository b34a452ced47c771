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

Records that name a subject by type and id (approval requests) follow their subject: a request on a
need-to-know record is read by whoever reads that record (its selector, registered with
`registry.add_scoped_selector`), by the oversight seats, and by its proposer; a request on a shared
record is shared. A need-to-know type without a registered selector is read by nobody but the
oversight seats and the proposer: an unknown is never a yes (`subject_q`).

A missing record and a record outside this policy answer 404 alike (`access.get_visible`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from secassist.core.registry import registry

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


def subject_q(user: Any, *, type_field: str = "subject_type", id_field: str = "subject_id") -> Q:
    """Rows naming a subject by (type, id) text columns that `user` may read through the subject.

    Shared subject types: every signed-in user. Need-to-know types (`KEEPERS`): the keepers and the
    oversight seats read all; everyone else the subjects the type's registered selector gives them.
    """
    if not signed_in(user):
        return Q(pk__in=[])
    if is_oversight(user):
        return ~Q(pk__in=[])  # every row (an empty Q() would vanish when OR-ed with another)
    allowed = ~Q(**{f"{type_field}__in": sorted(KEEPERS)})
    for record_type in sorted(KEEPERS):
        if reads_all(user, record_type):
            allowed |= Q(**{type_field: record_type})
            continue
        selector = registry.scoped_selectors.get(record_type)
        if selector is None:
            continue  # no written way to tell who reads it: nobody below the oversight seats does
        ids = [str(pk) for pk in selector(user).values_list("pk", flat=True)]
        if ids:
            allowed |= Q(**{type_field: record_type, f"{id_field}__in": ids})
    return allowed
