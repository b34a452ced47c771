"""The facts a justification version rests on, pulled from the product when the version is saved
(and kept with it, so a later reader sees what the drafter saw): the restrictions engine's findings
for each program in scope, the amounts at stake, Title 10 proposals, the country's designations and
the prior year's determination. Each fact names its source."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from secassist.budget.models import Allocation
from secassist.core.money import money_str
from secassist.core.registry import registry
from secassist.restrictions.models import Designation, Waiver

from .models import DeterminationPackage


def programs_in_scope(package: DeterminationPackage) -> list[str]:
    if not package.scope_all:
        return list(package.scope_programs)
    accounts = list(package.restriction.accounts.values_list("code", flat=True))
    return sorted(accounts)


def restriction_findings(package: DeterminationPackage) -> list[dict[str, Any]]:
    """The engine's verdict for each program in scope (via the `restrictions.check` service)."""
    check = registry.service("restrictions.check")
    if check is None:
        return [
            {"program": p, "verdict": "not_assessed", "note": "restrictions engine not installed"}
            for p in programs_in_scope(package)
        ]
    rows = []
    for program in programs_in_scope(package):
        result = check(country=package.country.iso3, program=program, fiscal_year=package.fiscal_year).as_dict()
        rows.append(
            {
                "program": program,
                "verdict": result["verdict"],
                "findings": [
                    {k: f.get(k) for k in ("code", "restriction", "citation", "effect", "explanation")}
                    for f in result["findings"]
                ],
            }
        )
    return rows


def amounts_at_stake(package: DeterminationPackage) -> dict[str, Any]:
    """Allocated amounts for the country and FY in the programs in scope (budget ledger balances)."""
    programs = programs_in_scope(package)
    rows = (
        Allocation.objects.filter(
            country=package.country, appropriation__fiscal_year=package.fiscal_year, account__code__in=programs
        )
        .values("account__code")
        .annotate(allocated=Sum("balance__allocated"), obligated=Sum("balance__obligated"))
        .order_by("account__code")
    )
    lines = [
        {
            "program": r["account__code"],
            "allocated": money_str(r["allocated"] or Decimal("0")),
            "obligated": money_str(r["obligated"] or Decimal("0")),
        }
        for r in rows
    ]
    total = sum((Decimal(x["allocated"]) for x in lines), Decimal("0"))
    return {"source": "budget allocations (ledger balances)", "lines": lines, "total_allocated": money_str(total)}


def proposals_at_stake(package: DeterminationPackage) -> dict[str, Any]:
    lookup = registry.service("title10.proposals_for")
    if lookup is None:
        return {"source": "Title 10 proposals", "rows": [], "note": "title10 not installed"}
    return {"source": "Title 10 proposals", "rows": lookup(country=package.country.iso3, fiscal_year=package.fiscal_year)}


def country_history(package: DeterminationPackage) -> list[dict[str, Any]]:
    rows = (
        Designation.objects.filter(country=package.country, restriction=package.restriction)
        .order_by("-fiscal_year", "-effective_from")
        .values("status", "fiscal_year", "effective_from", "ended_on", "source_document")[:10]
    )
    return [{**r, "effective_from": str(r["effective_from"] or ""), "ended_on": str(r["ended_on"] or "")} for r in rows]


def prior_determinations(package: DeterminationPackage) -> list[dict[str, Any]]:
    """The register's entries for the same restriction and country in the previous fiscal year."""
    rows = Waiver.objects.filter(
        country=package.country, restriction=package.restriction, fiscal_year=package.fiscal_year - 1
    ).order_by("-effective_from")
    return [
        {
            "waiver_id": w.pk,
            "kind": w.kind,
            "fiscal_year": w.fiscal_year,
            "scope": w.scope_label,
            "signed_on": str(w.signed_on or ""),
            "pd_number": w.pd_number,
            "source_document": w.source_document,
        }
        for w in rows
    ]


def gather(package: DeterminationPackage) -> dict[str, Any]:
    return {
        "restriction": {"key": package.restriction.key, "citation": package.restriction.citation},
        "programs": programs_in_scope(package),
        "findings": restriction_findings(package),
        "amounts": amounts_at_stake(package),
        "proposals": proposals_at_stake(package),
        "country_history": country_history(package),
        "prior_year": prior_determinations(package),
    }
