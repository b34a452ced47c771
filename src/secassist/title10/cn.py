"""The congressional-notification side of a proposal, through the congress app's named services
(`congress.open_package`, `congress.clearance_for`): title10 and congress are siblings and may not
import each other."""

from __future__ import annotations

from typing import Any

from secassist.core.errors import RuleViolation
from secassist.core.money import money_str
from secassist.core.registry import registry

from .models import Proposal
from .purposes import label_of


def bears_cn(proposal: Proposal) -> bool:
    return proposal.authority.cn_days_before is not None


def s333e_elements(proposal: Proposal) -> dict[str, str]:
    """The nine §333(e) CN elements, filled from the record (DOMAIN.md §7)."""
    elements = list(proposal.elements.all())
    units = ", ".join(u.name for u in proposal.units.all()) or "(no unit named)"
    costs = "; ".join(
        f"{e.get_kind_display()}: ${e.cost:,.2f}" + (f" ({e.description})" if e.description else "") for e in elements
    )
    construction = next((e for e in elements if e.kind == "construction"), None)
    return {
        "e1_country_unit_amount_type_purpose": (
            f"{proposal.country.name}; units: {units}; amount ${proposal.total_cost:,.2f}; "
            f"type: {', '.join(e.get_kind_display() for e in elements)}; "
            f"purposes: {', '.join(label_of(p) for p in proposal.purposes)}"
        ),
        "e2_absorptive_capacity": proposal.absorptive_capacity,
        "e3_cost_timeline_delivery": f"{costs}. Timeline: {proposal.timeline}. Delivery: {proposal.delivery_schedule}",
        "e4_sustainment": (
            f"{proposal.sustainment_plan} Estimated cost ${proposal.sustainment_cost:,.2f}; "
            f"source: {proposal.sustainment_source or 'not stated'}"
        ),
        "e5_prior_three_fy_assistance": proposal.prior_assistance,
        "e6_tcp_and_ics": f"Theater campaign plan: {proposal.tcp_linkage}. Integrated Country Strategy: {proposal.ics_linkage}",
        "e7_sustainment_over_5_years": proposal.sustainment_justification
        if proposal.sustainment_years > 5
        else "not applicable (5 years or less)",
        "e8_construction_over_750k": (proposal.construction_details or "details missing")
        if construction and construction.cost > 750000
        else "not applicable",
        "e9_other_authorities": proposal.alternative_authorities,
    }


def package_fields(proposal: Proposal) -> dict[str, Any]:
    return {
        "title": f"{proposal.authority.citation} — {proposal.country.name}: {proposal.title}"[:200],
        "country": proposal.country.iso3,
        "authority": proposal.authority.code,
        "fiscal_year": proposal.fiscal_year,
        "program": f"{proposal.authority.citation} {proposal.reference}"[:120],
        "implementing_agency": "DoD / DSCA",
        "amount": proposal.total_cost,
        "amount_str": money_str(proposal.total_cost),
        "description": proposal.description,
        "purpose": "; ".join(label_of(p) for p in proposal.purposes),
        "units": [u.name for u in proposal.units.all()],
        "source_label": str(proposal)[:300],
        "s333e": s333e_elements(proposal),
    }


def open_package(*, acting_user: Any, proposal: Proposal) -> Any:
    service = registry.service("congress.open_package")
    if service is None:
        raise RuleViolation("notifications workbench (congress) not installed: the CN package cannot be opened", code="T10-020")
    return service(acting_user=acting_user, source=proposal, **package_fields(proposal))


def clearance_status(proposal: Proposal) -> dict[str, Any] | None:
    """The linked CN's number, status, wait end and clearance date; None if congress is absent."""
    service = registry.service("congress.clearance_for")
    if service is None:
        return None
    return service(proposal) or {
        "number": proposal.cn_reference,
        "status": "not found",
        "wait_ends_on": None,
        "cleared_to_obligate_on": None,
    }
