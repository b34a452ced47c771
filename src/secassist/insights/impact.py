"""Impact analysis: what a restriction (a coup, a Tier 3 ranking, a CSPA listing, an SST designation …)
would touch in one country from an effective date — real or hypothetical — before anyone records it.

The verdicts are the restrictions engine's own: a copy of its snapshot gets one extra, hypothetical
designation (never saved) and `engine.evaluate` runs on it for every program, beside the real snapshot
for comparison. What is reached is then listed from the owners' records: funds lines still available
for obligation and their amounts by stage, Title 10 proposals, open CNs, and Defense Sector Plans items.
Nothing is written: no designation, no audit event (a read, like any page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from secassist.budget.models import Allocation, AllocationStatus
from secassist.congress.models import LIVE_STATUSES, Package
from secassist.core import clock
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import FiscalYear
from secassist.plans.models import Engagement, PlanningProduct, PostureChangeRequest
from secassist.reference.models import Country
from secassist.restrictions.checking import parse_query
from secassist.restrictions.engine import PROHIBITS, DesignationFact, RestrictionRule, Snapshot, evaluate
from secassist.restrictions.models import Restriction, Waiver
from secassist.restrictions.snapshot import get_snapshot
from secassist.title10.models import Proposal, Status

from .country360 import TITLE22_PROGRAMS

ZERO = Decimal("0.00")
HYPOTHETICAL_SOURCE = "hypothetical impact analysis: not a designation, never recorded"
STAGES = ("allocated", "obligated", "disbursed", "unobligated", "undisbursed")


@dataclasses.dataclass(frozen=True)
class ImpactQuery:
    country: Country
    restriction: Restriction
    effective_on: dt.date

    @property
    def fiscal_year(self) -> int:
        return FiscalYear.of(self.effective_on).year


def parse(*, country: Any, restriction: Any, effective_on: Any) -> ImpactQuery:
    """The three inputs checked, each refusal naming its field and what is allowed."""
    iso3 = str(country or "").strip().upper()
    obj = Country.objects.filter(iso3=iso3).first()
    if obj is None:
        raise InvalidInput(
            f"country {country!r} is not an ISO3 code in the reference data", field="country", allowed="GET /api/v1/countries"
        )
    keys = list(Restriction.objects.filter(is_active=True, trigger_kind="country_designation").values_list("key", flat=True))
    rule = Restriction.objects.filter(key=str(restriction or "").strip(), is_active=True).first()
    if rule is None or rule.key not in keys:
        raise InvalidInput(
            f"restriction {restriction!r} is not a country-level restriction in the catalog", field="restriction", allowed=keys
        )
    try:
        day = dt.date.fromisoformat(str(effective_on or "").strip()) if effective_on else clock.today()
    except ValueError:
        raise InvalidInput("effective_on must be a date YYYY-MM-DD", field="effective_on", allowed="YYYY-MM-DD") from None
    return ImpactQuery(obj, rule, day)


def _hypothetical(snapshot: Snapshot, q: ImpactQuery) -> Snapshot:
    fact = DesignationFact(
        id=0,
        restriction_id=q.restriction.pk,
        country=q.country.iso3,
        status="hypothetical",
        effect=PROHIBITS,
        fiscal_year=None,
        effective_from=q.effective_on,
        ended_on=None,
        source_document=HYPOTHETICAL_SOURCE,
        source_url="",
        pd_number="",
        note="",
    )
    designations = {**snapshot.designations, q.country.iso3: (*snapshot.designations.get(q.country.iso3, ()), fact)}
    # The snapshot's memo dicts (rules reaching a program, designations by year) belong to the real one: fresh ones here.
    memos: dict[str, Any] = {f.name: {} for f in dataclasses.fields(snapshot) if f.name in ("reach", "by_year")}
    return dataclasses.replace(snapshot, designations=designations, **memos)


def _programs(q: ImpactQuery) -> list[str]:
    authorities = (
        Proposal.objects.filter(country=q.country).exclude(status=Status.WITHDRAWN).values_list("authority__code", flat=True)
    )
    return [*TITLE22_PROGRAMS, *sorted(set(authorities))]


def program_effects(q: ImpactQuery) -> list[dict[str, Any]]:
    """Per program: the engine's verdict today and with the restriction in force, and what the restriction does."""
    real = get_snapshot()
    what_if = _hypothetical(real, q)
    on_date = max(q.effective_on, clock.today())
    out = []
    for program in _programs(q):
        query = parse_query(real, country=q.country.iso3, program=program, fiscal_year=q.fiscal_year, on_date=on_date)
        before = evaluate(real, query, evaluated_at=clock.now())
        after = evaluate(what_if, query, evaluated_at=clock.now())
        mine = [f for f in after.findings if f.restriction_key == q.restriction.key]
        out.append(
            {
                "program": program,
                "verdict_now": before.verdict,
                "verdict_with_restriction": after.verdict,
                "label_with_restriction": after.verdict_label,
                "reached": any(f.effect == PROHIBITS for f in mine),
                "findings": [f.as_dict() for f in mine],
            }
        )
    return out


def _lines(q: ImpactQuery, programs: set[str]) -> list[dict[str, Any]]:
    lines = (
        Allocation.objects.filter(
            country=q.country, account__code__in=programs, appropriation__obligation_period_end__gte=q.effective_on
        )
        .exclude(status=AllocationStatus.WITHDRAWN)
        .select_related("balance", "account", "appropriation")
        .order_by("appropriation__fiscal_year", "account__code", "id")
    )
    out = []
    for a in lines:
        bal = getattr(a, "balance", None)
        allocated, obligated, disbursed = (bal.allocated, bal.obligated, bal.disbursed) if bal else (ZERO, ZERO, ZERO)
        out.append(
            {
                "id": a.pk,
                "fiscal_year": a.appropriation.fiscal_year,
                "program": a.account.code,
                "purpose": a.purpose,
                "status": a.status,
                "allocated": allocated,
                "obligated": obligated,
                "disbursed": disbursed,
                "unobligated": allocated - obligated,
                "undisbursed": obligated - disbursed,
            }
        )
    return out


def _at_risk(lines: list[dict[str, Any]], proposals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sums: dict[str, dict[str, Any]] = {}
    for line in lines:
        row = sums.setdefault(line["program"], {"program": line["program"], **dict.fromkeys(STAGES, ZERO), "proposed": ZERO})
        for stage in STAGES:
            row[stage] += line[stage]
    for p in proposals:
        row = sums.setdefault(p["authority"], {"program": p["authority"], **dict.fromkeys(STAGES, ZERO), "proposed": ZERO})
        row["proposed"] += p["amount"]
    return sorted(sums.values(), key=lambda r: r["program"])


def _proposals(q: ImpactQuery, programs: set[str]) -> list[dict[str, Any]]:
    qs = (
        Proposal.objects.filter(country=q.country, authority__code__in=programs, fiscal_year__gte=q.fiscal_year - 2)
        .exclude(status=Status.WITHDRAWN)
        .select_related("authority")
        .prefetch_related("elements")
        .order_by("fiscal_year", "reference")
    )
    return [
        {
            "reference": p.reference,
            "title": p.title,
            "authority": p.authority.code,
            "fiscal_year": p.fiscal_year,
            "status": p.status,
            "amount": p.total_cost,
        }
        for p in qs
    ]


def _notifications(q: ImpactQuery, programs: set[str]) -> list[dict[str, Any]]:
    qs = (
        Package.objects.filter(country=q.country, status__in=LIVE_STATUSES)
        .select_related("account", "authority")
        .order_by("number")
    )
    return [
        {"number": p.number, "title": p.title, "status": p.status, "program": p.program, "amount": p.amount}
        for p in qs
        if (p.account and p.account.code in programs) or (p.authority and p.authority.code in programs) or p.program in programs
    ]


def _plans(q: ImpactQuery) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {"kind": "plan", "title": p.title, "date": None}
        for p in PlanningProduct.objects.filter(countries=q.country).order_by("title")
    ]
    items += [
        {"kind": "posture change", "title": p.title, "date": None} for p in PostureChangeRequest.objects.filter(country=q.country)
    ]
    items += [
        {"kind": "engagement", "title": e.title, "date": e.held_on}
        for e in Engagement.objects.filter(countries=q.country, held_on__gte=q.effective_on).order_by("held_on")
    ]
    return items


def _relief(q: ImpactQuery, rule: RestrictionRule | None) -> dict[str, Any]:
    r = q.restriction
    waivers = Waiver.objects.filter(restriction=r, country=q.country).order_by("-effective_from")
    return {
        "exceptions": [
            {"text": e.text, "citation": e.citation, "programs": sorted(e.programs)} for e in (rule.exceptions if rule else ())
        ],
        "waiver": {"available": r.has_waiver, "holder": r.waiver_holder, "form": r.waiver_form},
        "waivers_on_record": [
            {"kind": w.kind, "effective_from": w.effective_from, "expires_on": w.expires_on, "legal_authority": w.legal_authority}
            for w in waivers
        ],
    }


def _clocks(q: ImpactQuery) -> list[dict[str, Any]]:
    r = q.restriction
    if not r.congressional_step:
        return []
    due = q.effective_on + dt.timedelta(days=r.clock_days) if r.clock_days else None
    return [
        {
            "what": r.congressional_step,
            "days": r.clock_days,
            "direction": r.clock_direction,
            "from": q.effective_on,
            "date": due,
            "citation": r.citation,
        }
    ]


def analyse(q: ImpactQuery) -> dict[str, Any]:
    effects = program_effects(q)
    reached = {e["program"] for e in effects if e["reached"]}
    lines = _lines(q, reached)
    proposals = _proposals(q, reached)
    rule = get_snapshot().restrictions.get(q.restriction.pk)
    return {
        "country": {"iso3": q.country.iso3, "name": q.country.name},
        "restriction": {
            "key": q.restriction.key,
            "rule_code": q.restriction.rule_code,
            "name": q.restriction.name,
            "citation": q.restriction.citation,
        },
        "effective_on": q.effective_on,
        "fiscal_year": q.fiscal_year,
        "hypothetical": True,
        "recorded": False,
        "programs": effects,
        "funds_lines": lines,
        "proposals": proposals,
        "notifications": _notifications(q, reached),
        "plans": _plans(q),
        "at_risk": _at_risk(lines, proposals),
        "relief": _relief(q, rule),
        "clocks": _clocks(q),
        "caveats": [
            "The restriction is applied as a hypothetical designation in force from the effective date; nothing is recorded.",
            "Funds lines are those still open for obligation on the effective date; Title 10 proposals those of the FY "
            "and the two before it that are not withdrawn.",
        ],
    }
