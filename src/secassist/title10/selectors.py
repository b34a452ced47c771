"""Reads of the Title 10 app: lists, the pipeline dashboard figures and the country section."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Prefetch, QuerySet

from secassist.clearances.models import ClearanceRequest, Position
from secassist.core import clock
from secassist.reference.models import Country

from .models import Assurance, Proposal, ProposalHistory, Status

SUBJECT_TYPE = "title10.proposal"


def proposals(*, status: str = "", authority: str = "", country: str = "", q: str = "") -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("authority", "country").prefetch_related("elements")
    if status:
        qs = qs.filter(status=status)
    if authority:
        qs = qs.filter(authority__code=authority)
    if country:
        qs = qs.filter(country__iso3=country.upper())
    if q:
        qs = qs.filter(title__icontains=q) | qs.filter(reference__icontains=q)
    return qs.order_by("-received_on", "reference")


def proposal_detail_qs() -> QuerySet[Proposal]:
    return Proposal.objects.select_related("authority", "country", "decided_by").prefetch_related(
        "elements",
        "units",
        Prefetch("history", queryset=ProposalHistory.objects.select_related("actor")),
        "deconfliction_decisions",
    )


def assurances(*, country: str = "") -> QuerySet[Assurance]:
    qs = Assurance.objects.select_related("country")
    if country:
        qs = qs.filter(country__iso3=country.upper())
    return qs.order_by("country__name", "kind", "-signed_on")


def for_country(country: Country) -> QuerySet[Proposal]:
    return proposals(country=country.iso3)


def dashboard(*, today: Any = None) -> dict[str, Any]:
    today = today or clock.today()
    rows = list(
        Proposal.objects.select_related("authority").values_list("status", "authority__code", "received_on", "decided_on")
    )
    by_status = Counter(r[0] for r in rows)
    by_authority: dict[str, Counter[str]] = defaultdict(Counter)
    for status, authority, _, _ in rows:
        by_authority[authority][status] += 1
    days = [(d - r).days for _, _, r, d in rows if d is not None]
    clearances = list(ClearanceRequest.objects.filter(subject_type=SUBJECT_TYPE).select_related("office"))
    overdue = [c for c in clearances if c.position == Position.PENDING and c.due_on < today]
    return {
        "by_status": [(s.value, s.label, by_status.get(s.value, 0)) for s in Status],
        "by_authority": sorted((a, [c.get(s.value, 0) for s in Status], sum(c.values())) for a, c in by_authority.items()),
        "statuses": [s.label for s in Status],
        "median_days_to_decision": statistics.median(days) if days else None,
        "decided_count": len(days),
        "overdue": sorted(overdue, key=lambda c: c.due_on),
        "turnaround": office_turnaround(clearances),
        "total": len(rows),
    }


def office_turnaround(clearances: list[ClearanceRequest]) -> list[dict[str, Any]]:
    per: dict[str, dict[str, Any]] = {}
    for c in clearances:
        row = per.setdefault(c.office.code, {"office": c.office.code, "answered": 0, "pending": 0, "late": 0, "days": []})
        if c.position == Position.PENDING:
            row["pending"] += 1
        elif c.decided_at is not None:
            row["answered"] += 1
            row["days"].append((c.decided_at.date() - c.requested_at.date()).days)
            row["late"] += c.decided_at.date() > c.due_on
    out = []
    for row in sorted(per.values(), key=lambda r: r["office"]):
        days = row.pop("days")
        row["median_days"] = statistics.median(days) if days else None
        out.append(row)
    return out


def proposals_for(*, country: str, fiscal_year: int) -> list[dict[str, Any]]:
    """The `title10.proposals_for` service: a country's proposals for a fiscal year (for determination facts)."""
    rows = proposals(country=country).filter(fiscal_year=fiscal_year)
    return [
        {
            "reference": p.reference,
            "title": p.title,
            "authority": p.authority.code,
            "fiscal_year": p.fiscal_year,
            "status": p.status,
            "total_cost": str(p.total_cost),
        }
        for p in rows[:50]
    ]
