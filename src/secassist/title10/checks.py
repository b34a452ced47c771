"""The automated checks shown on a proposal, each explained with its rule, citation and data:

1. the restrictions engine's verdict (through the `restrictions.check` service);
2. assurances in the registry for the elements proposed;
3. deconfliction against Title 22 allocations (budget) and other Title 10 proposals;
4. the Leahy vetting status of each named unit (restrictions' security-force unit registry).

A check whose provider is absent says so plainly; it never passes by default.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.fiscal import FiscalYear
from secassist.core.registry import registry
from secassist.reference.models import Country

from . import deconfliction, rules, semantic
from .models import Assurance, DeconflictionDecision, Proposal, Status
from .purposes import restriction_purpose

# ---------------------------------------------------------------------------------------------
# 1. Restrictions
# ---------------------------------------------------------------------------------------------


def restriction_inputs(proposal: Proposal) -> dict[str, Any]:
    """The engine takes registered unit ids; names not in the registry are listed apart (Leahy check)."""
    units = list(proposal.units.all())
    ids = {u.name: u.registry_unit_id for u in units if u.registry_unit_id}
    ids.update(resolve_units(proposal.country, [u.name for u in units if not u.registry_unit_id]))
    unit_ids = sorted(set(ids.values()))
    return {
        "country": proposal.country.iso3,
        "program": proposal.authority.code,
        "fiscal_year": proposal.fiscal_year,
        "recipient": "units" if unit_ids else "government",
        "purpose": restriction_purpose(list(proposal.purposes), proposal.authority.code),
        "units": [str(i) for i in unit_ids],
    }


def _display_inputs(proposal: Proposal, inputs: dict[str, Any]) -> dict[str, Any]:
    names = [u.name for u in proposal.units.all()]
    resolved = set(resolve_units(proposal.country, names)) | {u.name for u in proposal.units.all() if u.registry_unit_id}
    return {
        **inputs,
        "unit_names": [n for n in names if n in resolved],
        "unregistered_units": [n for n in names if n not in resolved],
    }


def restrictions_check(proposal: Proposal) -> dict[str, Any]:
    """{'status': ok|unavailable|error, 'verdict', 'result' (the engine's as_dict()), 'inputs'}."""
    inputs = restriction_inputs(proposal)
    shown = _display_inputs(proposal, inputs)
    check = registry.service("restrictions.check")
    if check is None:
        return {
            "status": "unavailable",
            "verdict": None,
            "message": "restrictions engine not installed",
            "inputs": shown,
            "result": None,
        }
    try:
        result = check(on_date=clock.today(), **inputs)
    except DomainError as exc:
        return {"status": "error", "verdict": None, "message": exc.message, "inputs": shown, "result": None}
    body = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    return {
        "status": "ok",
        "verdict": getattr(result, "verdict", body.get("verdict")),
        "message": "",
        "inputs": shown,
        "result": body,
    }


# ---------------------------------------------------------------------------------------------
# 2. Assurances
# ---------------------------------------------------------------------------------------------


def assurance_rows(country: Country) -> list[rules.AssuranceRow]:
    return [
        rules.AssuranceRow(a.kind, a.instrument, a.state, a.expires_on, a.covers_articles, a.covers_training, a.covers_services)
        for a in Assurance.objects.filter(country=country).order_by("kind", "-signed_on", "-id")
    ]


def assurance_check(proposal: Proposal) -> list[rules.Finding]:
    kinds = [e.kind for e in proposal.elements.all()]
    return rules.assurance_findings(kinds, assurance_rows(proposal.country), today=clock.today())


# ---------------------------------------------------------------------------------------------
# 3. Deconfliction
# ---------------------------------------------------------------------------------------------


def years_of(proposal: Proposal) -> frozenset[int]:
    return frozenset(range(proposal.fiscal_year, FiscalYear.of(proposal.cfy_end_date).year + 1))


def unit_index(country: Country) -> deconfliction.UnitIndex:
    """The country's registered security-force units with their aliases (empty without restrictions)."""
    model = _unit_model()
    if model is None:
        return deconfliction.UnitIndex([])
    rows = model.objects.filter(country=country).only("pk", "name", "aliases", "parent_id")
    return deconfliction.UnitIndex(
        [
            deconfliction.RegistryUnit(
                u.pk, u.name, tuple(a.strip() for a in str(u.aliases or "").split(";") if a.strip()), u.parent_id
            )
            for u in rows
        ]
    )


def profile_of(proposal: Proposal, index: deconfliction.UnitIndex | None = None) -> deconfliction.Profile:
    index = index if index is not None else unit_index(proposal.country)
    elements = " ".join(e.description for e in proposal.elements.all())
    units = list(proposal.units.all())
    text = f"{proposal.title}. {proposal.description} {elements}"
    # recorded codes win over what the text names (the same rule as for Title 22 activities)
    capabilities, platforms = deconfliction.tag(text, capabilities=proposal.capabilities, platforms=proposal.platforms)
    return deconfliction.Profile(
        key=f"title10:{proposal.reference}",
        label=f"{proposal.reference} — {proposal.title} ({proposal.authority.citation}, FY{proposal.fiscal_year})",
        text=text,
        fiscal_years=years_of(proposal),
        purposes=frozenset(proposal.purposes),
        elements=frozenset(e.kind for e in proposal.elements.all()),
        capabilities=capabilities,
        platforms=platforms,
        **index.unit_facts([u.name for u in units], {u.name: u.registry_unit_id for u in units if u.registry_unit_id}),
    )


def title22_profiles(country: Country, index: deconfliction.UnitIndex | None = None) -> tuple[list[deconfliction.Profile], str]:
    """Title 22 activities (or, for a line without one, the allocation itself) for the country."""
    try:
        from secassist.budget.selectors import title22_activities
    except ImportError:  # budget app not installed in this deployment
        return [], "budget (Title 22) app not installed"
    index = index if index is not None else unit_index(country)
    out = []
    for a in title22_activities(country):
        capabilities, platforms = deconfliction.tag(a.text, capabilities=a.capabilities, platforms=a.platforms)
        out.append(
            deconfliction.Profile(
                key=a.key,
                label=a.label,
                text=a.text,
                fiscal_years=frozenset(a.fiscal_years),
                capabilities=capabilities,
                platforms=platforms,
                **index.unit_facts(a.units, dict(a.linked_units)),
            )
        )
    return out, ""


def deconfliction_candidates(proposal: Proposal, *, limit: int = 10) -> list[deconfliction.Candidate]:
    others = list(
        Proposal.objects.filter(country=proposal.country)
        .exclude(pk=proposal.pk)
        .exclude(status=Status.WITHDRAWN)
        .select_related("authority")
        .prefetch_related("elements", "units")
    )
    index = unit_index(proposal.country)
    profiles = [profile_of(o, index) for o in others]
    t22, _ = title22_profiles(proposal.country, index)
    profiles += t22
    ranked = deconfliction.rank(profile_of(proposal, index), profiles, encoder=semantic.load_encoder())
    urls = {f"title10:{o.reference}": reverse("title10:detail", args=[o.reference]) for o in others}
    for c in ranked:
        c.url = urls.get(c.key, "")
    return ranked[:limit]


def unresolved_names(proposal: Proposal, candidates: list[deconfliction.Candidate]) -> list[str]:
    """Unit names on this proposal or its candidates that the registry does not know (to link)."""
    names = {u.name for u in proposal.units.all() if not u.registry_unit_id}
    own = set(resolve_units(proposal.country, sorted(names)))
    out = (names - own) | {n for c in candidates for n in c.unresolved_units}
    return sorted(out)


def registry_unit_choices(country: Country) -> list[tuple[int, str]]:
    return sorted(((u.id, u.name) for u in unit_index(country).units.values()), key=lambda x: x[1])


def pair_decisions(proposal: Proposal) -> dict[str, DeconflictionDecision]:
    """Candidate key -> the analyst's decision on that pair, whichever of the two proposals it was
    recorded on: a decision on "A vs B" is the decision on "B vs A" too (one pair, one decision)."""
    mine = {d.candidate_key: d for d in DeconflictionDecision.objects.filter(proposal=proposal).select_related("decided_by")}
    theirs = DeconflictionDecision.objects.filter(candidate_key=f"title10:{proposal.reference}").select_related(
        "proposal", "decided_by"
    )
    for d in theirs:
        mine.setdefault(f"title10:{d.proposal.reference}", d)
    return mine


def decision_rows(proposal: Proposal) -> list[dict[str, Any]]:
    """The pair decisions as the memo and pages list them, from this proposal's side."""
    rows = []
    for key, d in sorted(pair_decisions(proposal).items()):
        mine = d.proposal_id == proposal.pk
        rows.append(
            {
                "key": key,
                "label": d.candidate_label if mine else f"{d.proposal.reference} — {d.proposal.title}",
                "verdict": d.get_verdict_display(),
                "justification": d.justification,
                "decided_by": str(d.decided_by or "system"),
                "recorded_on": "" if mine else d.proposal.reference,
            }
        )
    return rows


def decided_keys(proposal: Proposal) -> set[str]:
    return set(pair_decisions(proposal))


# ---------------------------------------------------------------------------------------------
# 4. Leahy status of named units
# ---------------------------------------------------------------------------------------------


def _unit_model() -> Any:
    try:
        from secassist.restrictions.models import SecurityForceUnit
    except ImportError:  # restrictions app not installed
        return None
    return SecurityForceUnit


def resolve_units(country: Country, names: list[str]) -> dict[str, int]:
    """Name -> registry id for names that match a unit (or one of its aliases) of the country."""
    if not names:
        return {}
    index = unit_index(country)
    found = {n: index.resolve(n) for n in names}
    return {n: u.id for n, u in found.items() if u is not None}


def leahy_check(proposal: Proposal) -> dict[str, Any]:
    return unit_resolution(proposal.country, [(u.name, u.registry_unit_id) for u in proposal.units.all()])


def unit_resolution(country: Country, named: list[tuple[str, int | None]]) -> dict[str, Any]:
    """Each unit name (with the registry id it is already linked to, if any) resolved in the
    country's security-force unit registry, with its Leahy vetting finding. The one place a
    proposal's units and a Title 22 activity's units (budget line page, via the service
    `title10.unit_resolution`) are resolved and judged. An unresolved name is a finding to act on
    (link or register it), never a match by string."""
    model = _unit_model()
    if model is None:
        return {
            "available": False,
            "message": "restrictions engine not installed: the security-force unit registry is unavailable",
            "units": [],
        }
    ids = {name: linked for name, linked in named}
    ids.update(resolve_units(country, [name for name, linked in named if not linked]))
    found = {x.pk: x for x in model.objects.filter(pk__in=[i for i in ids.values() if i])}
    today = clock.today()
    return {
        "available": True,
        "message": "",
        "units": [_leahy_row(name, found.get(ids.get(name) or 0), today) for name, _ in named],
    }


def _leahy_row(name: str, unit: Any, today: Any) -> dict[str, Any]:
    cite = "10 U.S.C. 362; 22 U.S.C. 2378d"
    if unit is None:
        return {
            "name": name,
            "code": "T10-L01",
            "severity": "error",
            "citation": cite,
            "status": "not in registry",
            "message": "unit not found in the security-force unit registry: request INVEST vetting",
            "expires_on": None,
        }
    base = {
        "name": name,
        "citation": cite,
        "status": unit.get_vetting_status_display(),
        "expires_on": unit.vetting_expires_on,
        "registry_name": unit.name,
        "vetted_on": unit.vetted_on,
    }
    if unit.credible_information and unit.remediation_status not in unit.CLEARING:
        return {
            **base,
            "code": "T10-L02",
            "severity": "error",
            "message": "credible information of a gross violation of human rights, not remediated: assistance barred",
        }
    if unit.vetting_status in ("denied", "suspended", "cancelled"):
        return {
            **base,
            "code": "T10-L02",
            "severity": "error",
            "message": f"vetting {unit.vetting_status}: assistance barred until re-vetted",
        }
    if unit.vetting_status != "approved":
        return {
            **base,
            "code": "T10-L03",
            "severity": "warning",
            "message": f"vetting {unit.get_vetting_status_display().lower()}: must be approved before assistance starts",
        }
    if unit.vetting_expires_on and unit.vetting_expires_on < today:
        return {
            **base,
            "code": "T10-L04",
            "severity": "warning",
            "message": f"vetting expired on {unit.vetting_expires_on}: re-vet before assistance",
        }
    return {**base, "code": "T10-L00", "severity": "info", "message": "vetting approved and current"}


def all_checks(proposal: Proposal) -> dict[str, Any]:
    return {
        "record": rules.record_findings(rules.facts_of(proposal)),
        "restrictions": restrictions_check(proposal),
        "assurances": assurance_check(proposal),
        "deconfliction": deconfliction_candidates(proposal),
        "leahy": leahy_check(proposal),
    }
