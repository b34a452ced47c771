"""Country 360: everything about one country for a fiscal year, in six labelled sections.

Insights writes nothing and computes no state of its own: each section reads the app that owns the
facts (budget for lines and balances, congress.coverage for "notified", the restrictions engine for
verdicts, congress.deadlines for clocks, title10 and plans selectors). The same dict feeds the page,
`GET /api/v1/countries/{iso3}/summary`, the CSV/XLSX tables and the printable brief, so they cannot
disagree. Every section carries its `source` and `caveats`; lists are empty, never missing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from secassist.budget import selectors as budget
from secassist.budget.models import Allocation, Earmark, HistorySource
from secassist.congress import deadlines
from secassist.congress import selectors as congress
from secassist.congress.models import LIVE_STATUSES
from secassist.core import clock
from secassist.core.fiscal import FiscalYear
from secassist.core.registry import registry
from secassist.plans import rules as plans_rules
from secassist.plans import selectors as plans
from secassist.plans.models import OPEN_ACTION_STATUSES, ActionItem, PostureChangeRequest, TaskerStatus
from secassist.reference.models import Country
from secassist.restrictions import selectors as restrictions
from secassist.restrictions.models import SecurityForceUnit
from secassist.title10.models import Assurance, Proposal, ProposalUnit, Status

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)
HISTORY_YEARS = 10  # the FY and the ten before it
TITLE22_PROGRAMS = ("FMF", "IMET", "PKO")
SECTIONS = ("funds", "title10", "history", "restrictions", "notifications", "plans")
CLOCK_LOOKBACK_DAYS = 365
CLOCK_AHEAD_DAYS = 90

FUNDS_SOURCE = "secassist funds ledger (maintained balances) and enacted earmarks; notification state from CN packages"
FUNDS_CAVEATS = [
    "Allocated, obligated and disbursed are the ledger's running balances; FMF counts as obligated on apportionment "
    "(31 U.S.C. 1501(a)(5)(C)).",
    "Notified is the amount cleared by congressional notifications covering each line (congress coverage, ADR 0701).",
    "Demo lines (public law 'DEMO') take their amounts from the Greenbook's FY2019 obligations; they are not enacted figures.",
]
TITLE10_SOURCE = "DoD Title 10 proposals received by PM/SA, the assurances registry and the security-force unit registry"
TITLE10_CAVEATS = [
    "Title 10 amounts are the proposed costs of DoD proposals (sum of their elements), not DoD obligations; "
    "withdrawn proposals are left out.",
    "Leahy status is the unit's recorded vetting status in the unit registry; a unit not found there is 'not in registry'.",
]
HISTORY_SOURCE = "USAID Greenbook (military, FY1946–2019) and ForeignAssistance.gov, kept apart by source and transaction type"
RESTRICTIONS_SOURCE = "secassist restrictions engine (catalog, designations, waivers, coverage) as of today"
RESTRICTIONS_CAVEATS = [
    "A verdict is the engine's answer for a government recipient and a general purpose; units and purposes can change it.",
    "'Not assessed' lists what the engine could not decide from its data: unknown is never a yes.",
]
NOTIFICATIONS_SOURCE = "secassist congressional notification packages, holds and the statutory calendar"
NOTIFICATIONS_CAVEATS = [
    "Clocks are those of this country's CN packages in the past year and the next 90 days.",
    "Only notifications your role may see are listed.",
]
PLANS_SOURCE = "Defense Sector Plans: planning products, review taskers, posture changes, engagements (unclassified metadata)"
PLANS_CAVEATS = ["Unclassified metadata only; the products' text lives outside secassist."]


def summary(country: Country, user: Any, *, fiscal_year: int | None = None, proposals_limit: int | None = None) -> dict[str, Any]:
    """The six sections for one country and FY (the current FY when none is given). The API, the brief and the
    downloads list every Title 10 proposal; the page passes `proposals_limit` (ADR 1010)."""
    fy = fiscal_year or FiscalYear.of(clock.today()).year
    today = clock.today()
    t10 = title10_section(country, fy, proposals_limit=proposals_limit)
    return {
        "country": {
            "iso3": country.iso3,
            "name": country.name,
            "bureau": country.bureau,
            "cocom": country.cocom,
            "un_region": country.un_region,
        },
        "fiscal_year": fy,
        "as_of": today,
        "funds": funds_section(country, fy),
        "title10": t10,
        "history": history_section(country),
        "restrictions": restrictions_section(country, fy, [a["authority"] for a in t10["by_authority"]]),
        "notifications": notifications_section(country, user, today),
        "plans": plans_section(country, user),
    }


# ---------------------------------------------------------------- funds


def _line_row(line: Allocation) -> dict[str, Any]:
    bal = getattr(line, "balance", None)
    state = line.notification  # type: ignore[attr-defined]
    return {
        "id": line.pk,
        "fiscal_year": line.appropriation.fiscal_year,
        "program": line.account.code,
        "purpose": line.purpose,
        "status": line.status,
        "allocated": bal.allocated if bal else ZERO,
        "obligated": bal.obligated if bal else ZERO,
        "disbursed": bal.disbursed if bal else ZERO,
        "notified": state["cleared_amount"],
        "notification_state": state["state"],
        "notification_label": state["label"],
        "url": reverse("budget:allocation", args=[line.pk]),
    }


def _by_program(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines summed by FY and program: the money by stage at a glance."""
    totals: dict[tuple[int, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["fiscal_year"], r["program"])
        t = totals.setdefault(
            key,
            {"fiscal_year": key[0], "program": key[1], "lines": 0, **dict.fromkeys(STAGES, ZERO)},
        )
        t["lines"] += 1
        for stage in STAGES:
            t[stage] += r[stage]
    return sorted(totals.values(), key=lambda t: (-t["fiscal_year"], t["program"]))


STAGES = ("allocated", "obligated", "disbursed", "notified")


def funds_section(country: Country, fy: int) -> dict[str, Any]:
    lines = list(
        Allocation.objects.filter(country=country, appropriation__fiscal_year__range=(fy - HISTORY_YEARS, fy))
        .select_related("balance", "account", "appropriation")
        .order_by("-appropriation__fiscal_year", "account__code", "purpose", "id")
    )
    rows = [_line_row(line) for line in budget.with_notification(lines)]
    earmarks = (
        Earmark.objects.filter(country=country, appropriation__fiscal_year__range=(fy - HISTORY_YEARS, fy))
        .select_related("appropriation__account")
        .order_by("-appropriation__fiscal_year", "appropriation__account__code")
    )
    return {
        "source": FUNDS_SOURCE,
        "caveats": FUNDS_CAVEATS,
        "fiscal_years": [fy - HISTORY_YEARS, fy],
        "lines": rows,
        "by_program": _by_program(rows),
        "earmarks": [
            {
                "fiscal_year": e.appropriation.fiscal_year,
                "program": e.appropriation.account.code,
                "kind": e.kind,
                "label": str(e),
                "amount": e.amount,
                "citation": e.citation,
            }
            for e in earmarks
        ],
    }


# ---------------------------------------------------------------- Title 10


PAGE_PROPOSALS = 25  # the country page lists the most recent ones and links the full list (ADR 1010)
_VETTING_LABELS = dict(SecurityForceUnit.Vetting.choices)
_STATUS_LABELS = dict(Status.choices)


def _t10_live(country: Country) -> QuerySet[Proposal]:
    return Proposal.objects.filter(country=country).exclude(status=Status.WITHDRAWN)


def _t10_by_fy_authority(country: Country) -> list[dict[str, Any]]:
    """Proposals and proposed cost by FY and authority, summed in SQL (one row per group, no instances)."""
    rows = (
        _t10_live(country)
        .values("fiscal_year", "authority__code", "authority__citation")
        .annotate(n=Count("id", distinct=True), total=Coalesce(Sum("elements__cost"), Value(ZERO), output_field=MONEY))
        .order_by("-fiscal_year", "authority__code")
    )
    return [
        {
            "fiscal_year": r["fiscal_year"],
            "authority": r["authority__code"],
            "citation": r["authority__citation"],
            "proposals": r["n"],
            "amount": r["total"],
        }
        for r in rows
    ]


def _t10_proposal_rows(country: Country, limit: int | None) -> list[dict[str, Any]]:
    """The proposals listed (the `limit` most recent, or all), each with its cost summed in SQL and its units'
    Leahy status from the unit registry: value rows, three queries whatever the count."""
    qs = (
        _t10_live(country)
        .values("id", "reference", "title", "authority__code", "fiscal_year", "status", "decision")
        .annotate(total=Coalesce(Sum("elements__cost"), Value(ZERO), output_field=MONEY))
        .order_by("-fiscal_year", "authority__code", "reference")
    )
    proposals = list(qs if limit is None else qs[:limit])
    units: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for proposal_id, name, registry_id in (
        ProposalUnit.objects.filter(proposal_id__in=[p["id"] for p in proposals])
        .order_by("name", "id")
        .values_list("proposal_id", "name", "registry_unit_id")
    ):
        units[proposal_id].append((name, registry_id))
    registry_ids = {rid for rows in units.values() for _, rid in rows if rid}
    registry_units = {
        pk: (status, credible)
        for pk, status, credible in SecurityForceUnit.objects.filter(pk__in=registry_ids).values_list(
            "pk", "vetting_status", "credible_information"
        )
    }
    return [
        {
            "reference": p["reference"],
            "title": p["title"],
            "authority": p["authority__code"],
            "fiscal_year": p["fiscal_year"],
            "status": p["status"],
            "status_label": _STATUS_LABELS.get(p["status"], p["status"]),
            "decision": p["decision"],
            "amount": p["total"],
            "units": [_leahy(name, registry_units.get(rid or 0)) for name, rid in units[p["id"]]],
            "url": reverse("title10:detail", args=[p["reference"]]),
        }
        for p in proposals
    ]


def _leahy(name: str, reg: tuple[str, bool] | None) -> dict[str, Any]:
    return {
        "name": name,
        "leahy": reg[0] if reg else "not_in_registry",
        "leahy_label": _VETTING_LABELS.get(reg[0], reg[0]) if reg else "not in registry",
        "credible_information": bool(reg and reg[1]),
    }


def title10_section(country: Country, fy: int, *, proposals_limit: int | None = None) -> dict[str, Any]:
    """Title 10 by FY and authority (SQL sums) and the proposals: all of them, or with `proposals_limit` the most
    recent ones, `proposals_total` saying how many there are and `proposals_url` where the full list is."""
    by_fy_authority = _t10_by_fy_authority(country)
    return {
        "source": TITLE10_SOURCE,
        "caveats": TITLE10_CAVEATS,
        "by_authority": [r for r in by_fy_authority if r["fiscal_year"] == fy],
        "by_authority_all_years": sorted(by_fy_authority, key=lambda r: (-r["fiscal_year"], r["authority"])),
        "proposals": _t10_proposal_rows(country, proposals_limit),
        "proposals_total": sum(r["proposals"] for r in by_fy_authority),
        "proposals_url": reverse("title10:list") + f"?country={country.iso3}",
        "assurances": [
            {
                "kind": a.kind,
                "kind_label": a.get_kind_display(),
                "instrument": a.instrument,
                "state": a.state,
                "state_label": a.get_state_display(),
                "signed_on": a.signed_on,
                "expires_on": a.expires_on,
            }
            for a in Assurance.objects.filter(country=country).order_by("kind", "-signed_on")
        ],
    }


# ---------------------------------------------------------------- history


def history_section(country: Country) -> dict[str, Any]:
    greenbook = budget.country_history(country.pk)
    fa_rows = budget.country_fa_summary(country.pk)
    caveats = [budget.GREENBOOK_CAVEAT, budget.FA_CAVEAT]
    imports = budget.history_imports()
    for source in (HistorySource.GREENBOOK, HistorySource.FA_COUNTRY):
        if source.value not in imports:
            caveats.append(f"{source.label}: not imported into this installation (secassist import {source.value}).")
    return {
        "source": HISTORY_SOURCE,
        "caveats": caveats,
        "greenbook": [
            {
                "source": "greenbook",
                "fiscal_year": r["fiscal_year"],
                "program": r["program"],
                "transaction_type": "Obligations",
                "amount": Decimal(str(r["amount"])).quantize(ZERO),
            }
            for r in greenbook
        ],
        "foreignassistance": [
            {
                "source": "fa-country",
                "fiscal_year": r["fiscal_year"],
                "transaction_type": r["transaction_type"],
                "amount": r["amount"],
            }
            for r in fa_rows
        ],
    }


# ---------------------------------------------------------------- restrictions


def verdicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The engine's verdicts for (country, program, fiscal_year) rows, one snapshot for all; each as the engine
    words it. Without the restrictions app nothing is known: unknown, never a yes."""
    check_many = registry.service("restrictions.check_many")
    if check_many is None or not rows:
        return [
            {"verdict": "unknown", "label": "unknown (restrictions engine not installed)", "findings": [], "not_assessed": []}
            for _ in rows
        ]
    out = []
    for result in check_many(rows):
        body = result.as_dict()
        out.append(
            {
                "verdict": result.verdict,
                "label": result.verdict_label,
                "findings": [f for f in body["findings"] if f["effect"] != "not_assessed"],
                "not_assessed": body["not_assessed"],
            }
        )
    return out


def restrictions_section(country: Country, fy: int, authorities: list[str]) -> dict[str, Any]:
    today = clock.today()
    programs = [*TITLE22_PROGRAMS, *authorities]
    results = verdicts([{"country": country.iso3, "program": p, "fiscal_year": fy} for p in programs])
    designations = restrictions.designations_for(country.iso3)
    waivers = restrictions.waivers_for(country.iso3)
    return {
        "source": RESTRICTIONS_SOURCE,
        "caveats": RESTRICTIONS_CAVEATS,
        "verdicts": [{"program": p, **r} for p, r in zip(programs, results, strict=True)],
        "designations": [
            {
                "restriction": str(d.restriction),
                "rule_code": d.restriction.rule_code,
                "status": d.status,
                "effect": d.effect,
                "fiscal_year": d.fiscal_year,
                "effective_from": d.effective_from,
                "ended_on": d.ended_on,
                "ended": bool(d.ended_on and d.ended_on <= today),
                "source_document": d.source_document,
            }
            for d in designations
        ],
        "waivers": [
            {
                "restriction": str(w.restriction),
                "kind": w.kind,
                "scope": w.scope_label,
                "fiscal_year": w.fiscal_year,
                "effective_from": w.effective_from,
                "expires_on": w.expires_on,
                "legal_authority": w.legal_authority,
            }
            for w in waivers
        ],
    }


# ---------------------------------------------------------------- notifications


def notifications_section(country: Country, user: Any, today: dt.date) -> dict[str, Any]:
    packages = list(
        congress.visible_packages(user)
        .filter(country=country, status__in=LIVE_STATUSES)
        .select_related("account", "authority")
        .order_by("-fiscal_year", "number")
    )
    ids = {p.pk for p in packages}
    holds = [h for p in packages for h in p.holds.all() if h.lifted_on is None]
    # The calendar's items for this country's packages, computed for them alone (ADR 1010), not the whole calendar.
    items = deadlines.package_clocks(
        ids, start=today - dt.timedelta(days=CLOCK_LOOKBACK_DAYS), end=today + dt.timedelta(days=CLOCK_AHEAD_DAYS), today=today
    )
    clocks = [i for i in items if i.state in (deadlines.DUE, deadlines.OVERDUE, deadlines.WAITING)]
    return {
        "source": NOTIFICATIONS_SOURCE,
        "caveats": NOTIFICATIONS_CAVEATS,
        "open": [
            {
                "number": p.number,
                "title": p.title,
                "status": p.status,
                "stage": congress.stage_of(p),
                "fiscal_year": p.fiscal_year,
                "program": p.program,
                "amount": p.amount,
                "transmitted_on": p.transmitted_on,
                "wait_ends_on": p.wait_ends_on,
                "url": reverse("congress:detail", args=[p.pk]),
            }
            for p in packages
        ],
        "holds": [
            {"number": h.package.number, "committee": h.committee.code, "placed_on": h.placed_on, "reason": h.reason}
            for h in holds
        ],
        "clocks": [
            {"date": i.date, "title": i.title, "state": i.state, "rule": i.rule, "citation": i.citation, "number": i.number}
            for i in clocks
        ],
    }


# ---------------------------------------------------------------- plans


def plans_section(country: Country, user: Any) -> dict[str, Any]:
    products = list(plans.products(user).filter(countries=country).order_by("-updated_at")[:50])
    taskers = plans.taskers(user).filter(product__countries=country).exclude(status=TaskerStatus.CLOSED).select_related("product")
    posture = PostureChangeRequest.objects.filter(country=country).order_by("-id")[:50]
    engagements = plans.engagements(user).filter(countries=country).order_by("-held_on")[:50]
    actions = (
        ActionItem.objects.filter(Q(engagement__countries=country), status__in=OPEN_ACTION_STATUSES)
        .select_related("engagement", "owner")
        .order_by("due_on")[:50]
    )
    highest = plans_rules.highest_marking([(p.classification, p.dissemination) for p in products])
    return {
        "source": PLANS_SOURCE,
        "caveats": [*PLANS_CAVEATS, *([f"The products listed are marked up to {highest}."] if highest else [])],
        "plans": [
            {
                "title": p.title,
                "type": p.get_product_type_display(),
                "owner": p.owner_label,
                "marking": p.marking,
                "url": reverse("plans:product", args=[p.pk]),
            }
            for p in products
        ],
        "taskers": [
            {
                "id": t.pk,
                "product": t.product.title,
                "status": t.get_status_display(),
                "due_on": t.due_on,
                "url": reverse("plans:tasker", args=[t.pk]),
            }
            for t in taskers.order_by("due_on")[:50]
        ],
        "posture_changes": [
            {
                "title": p.title,
                "coordination_status": p.get_coordination_status_display(),
                "decision": p.get_decision_display() if p.decision else "",
            }
            for p in posture
        ],
        "engagements": [
            {
                "title": e.title,
                "kind": e.get_kind_display(),
                "held_on": e.held_on,
                "ends_on": e.ends_on,
                "url": reverse("plans:engagement", args=[e.pk]),
            }
            for e in engagements
        ],
        "action_items": [
            {
                "description": a.description,
                "owner": str(a.owner),
                "due_on": a.due_on,
                "status": a.get_status_display(),
                "engagement": a.engagement.title,
            }
            for a in actions
        ],
    }


def money_totals(rows: list[dict[str, Any]], keys: tuple[str, ...] = STAGES) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        for k in keys:
            out[k] += r[k]
    return dict(out)
