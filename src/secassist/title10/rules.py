"""Pure rules of the Title 10 review: clearance routing, §333 record completeness, assurances.

Every rule has a stable code, a citation and returns the data it used, so the page can explain
each verdict. No queries here: callers pass `ProposalFacts` (built by `facts_of`) and rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from secassist.core import clock
from secassist.core.fiscal import FiscalYear

from .purposes import OFFICE_FOR_PURPOSE

CONSTRUCTION_DETAIL_THRESHOLD = Decimal("750000.00")  # 333(e)(8)
CONSTRUCTION_CAP = Decimal("2000000.00")  # DSCA 25-03 small-scale construction cap
SUSTAINMENT_YEARS_LIMIT = 5  # 333(d)(3)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" (blocks concurrence), "warning" (flag for the analyst), "info"
    message: str
    citation: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
            "data": self.data,
        }


@dataclass(frozen=True)
class ProposalFacts:
    """What the rules need to know about a proposal, detached from the database."""

    authority_code: str
    country_iso3: str
    country_bureau: str
    fiscal_year: int
    purposes: tuple[str, ...]
    element_costs: dict[str, Decimal]
    units: tuple[str, ...]
    legal_questions: str = ""
    sustainment_years: int = 0
    sustainment_justification: str = ""
    construction_details: str = ""
    cert_human_rights: bool = False
    cert_institutional_capacity: bool = False
    texts: dict[str, str] = field(default_factory=dict)
    current_fiscal_year: int | None = None


def facts_of(proposal: Any) -> ProposalFacts:
    return ProposalFacts(
        authority_code=proposal.authority.code,
        country_iso3=proposal.country.iso3,
        country_bureau=proposal.country.bureau,
        fiscal_year=proposal.fiscal_year,
        purposes=tuple(proposal.purposes or ()),
        element_costs={e.kind: e.cost for e in proposal.elements.all()},
        units=tuple(u.name for u in proposal.units.all()),
        legal_questions=proposal.legal_questions,
        sustainment_years=proposal.sustainment_years,
        sustainment_justification=proposal.sustainment_justification,
        construction_details=proposal.construction_details,
        cert_human_rights=proposal.cert_human_rights,
        cert_institutional_capacity=proposal.cert_institutional_capacity,
        texts={name: getattr(proposal, name) for name in S333E_TEXT_FIELDS},
        current_fiscal_year=FiscalYear.of(clock.today()).year,
    )


# ---------------------------------------------------------------------------------------------
# Clearance routing: a table of rules; each gives the office, the reason and a business-day SLA.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    code: str
    office_code: str
    reason: str
    sla_business_days: int


@dataclass(frozen=True)
class RoutingRule:
    code: str
    applies: Callable[[ProposalFacts], bool]
    offices: Callable[[ProposalFacts], list[tuple[str, str]]]
    sla_business_days: int


def _bureau(f: ProposalFacts) -> list[tuple[str, str]]:
    if not f.country_bureau:
        return []
    return [(f.country_bureau, f"regional bureau for {f.country_iso3}: always consulted on foreign-policy fit")]


def _purpose_offices(f: ProposalFacts) -> list[tuple[str, str]]:
    out = []
    for code in f.purposes:
        if code in OFFICE_FOR_PURPOSE:
            office, why = OFFICE_FOR_PURPOSE[code]
            out.append((office, why))
    return out


ROUTING_RULES: list[RoutingRule] = [
    RoutingRule("RT-01", lambda f: True, _bureau, 5),
    RoutingRule(
        "RT-02",
        lambda f: True,
        lambda f: [
            (embassy_code(f.country_iso3), f"embassy {f.country_iso3}: Chief of Mission view and ICS linkage (333(e)(6))")
        ],
        7,
    ),
    RoutingRule(
        "RT-03",
        lambda f: bool(f.units),
        lambda f: [("DRL", f"units named ({len(f.units)}): Leahy vetting under 10 U.S.C. 362 / 22 U.S.C. 2378d")],
        10,
    ),
    RoutingRule(
        "RT-04",
        lambda f: "articles" in f.element_costs,
        lambda f: [
            ("PM/RSAT", "defense articles proposed: third-party-transfer and end-use-monitoring assurances (AECA §3, §40A)")
        ],
        5,
    ),
    RoutingRule("RT-05", lambda f: bool(_purpose_offices(f)), _purpose_offices, 5),
    RoutingRule(
        "RT-06", lambda f: bool(f.legal_questions.strip()), lambda f: [("L", "legal questions raised in the proposal")], 5
    ),
    RoutingRule("RT-07", lambda f: True, lambda f: [("PM/SA", "PM/SA coordinates State's position (Title 10 Team)")], 5),
]


def embassy_code(iso3: str) -> str:
    return f"EMB-{iso3.upper()}"


def routes_for(facts: ProposalFacts) -> list[Route]:
    """Every office to ask, once, with the first rule that named it and the longest SLA."""
    routes: dict[str, Route] = {}
    for rule in ROUTING_RULES:
        if not rule.applies(facts):
            continue
        for office, reason in rule.offices(facts):
            if office in routes:
                prior = routes[office]
                routes[office] = Route(
                    prior.code, office, f"{prior.reason}; {reason}", max(prior.sla_business_days, rule.sla_business_days)
                )
            else:
                routes[office] = Route(rule.code, office, reason, rule.sla_business_days)
    return list(routes.values())


# ---------------------------------------------------------------------------------------------
# §333 record rules
# ---------------------------------------------------------------------------------------------

#: the text elements of 333(e), by field, with the paragraph that requires them
S333E_TEXT_FIELDS: dict[str, str] = {
    "absorptive_capacity": "333(e)(2)",
    "timeline": "333(e)(3)",
    "delivery_schedule": "333(e)(3)",
    "sustainment_plan": "333(e)(4)",
    "prior_assistance": "333(e)(5)",
    "tcp_linkage": "333(e)(6)",
    "ics_linkage": "333(e)(6)",
    "alternative_authorities": "333(e)(9)",
}


def cfy_end_date(fiscal_year: int) -> dt.date:
    """333(g): funds of FY N may fund programs that end by the end of FY N+2."""
    return FiscalYear(fiscal_year + 2).end


def record_findings(facts: ProposalFacts) -> list[Finding]:
    """Completeness and limits of the §333 record (only §333 carries these statutory elements)."""
    if facts.authority_code != "10USC333":
        return []
    out: list[Finding] = []
    missing = [f"{name} ({para})" for name, para in S333E_TEXT_FIELDS.items() if not facts.texts.get(name, "").strip()]
    if missing:
        out.append(
            Finding(
                "T10-001", "error", f"§333(e) CN elements missing: {', '.join(missing)}", "10 U.S.C. 333(e)", {"missing": missing}
            )
        )
    if not facts.units:
        out.append(
            Finding("T10-002", "error", "no recipient unit named; the CN must name the specific unit", "10 U.S.C. 333(e)(1)", {})
        )
    if not (facts.cert_human_rights and facts.cert_institutional_capacity):
        out.append(
            Finding(
                "T10-003",
                "error",
                "SecDef certification of the required elements "
                "(human rights/LOAC and institutional capacity building) is not recorded",
                "10 U.S.C. 333(c)(2)-(4)",
                {"human_rights": facts.cert_human_rights, "institutional_capacity": facts.cert_institutional_capacity},
            )
        )
    construction = facts.element_costs.get("construction", Decimal("0"))
    if construction > CONSTRUCTION_CAP:
        out.append(
            Finding(
                "T10-004",
                "error",
                f"small-scale construction ${construction:,.2f} exceeds the ${CONSTRUCTION_CAP:,.0f} cap",
                "10 U.S.C. 333(c)(1)(E); DSCA 25-03",
                {"construction": construction, "cap": CONSTRUCTION_CAP},
            )
        )
    if construction > CONSTRUCTION_DETAIL_THRESHOLD and not facts.construction_details.strip():
        out.append(
            Finding(
                "T10-005",
                "error",
                "construction over $750,000 needs location, title, cost, DD Form 1391 and the 5-year master plan",
                "10 U.S.C. 333(e)(8)",
                {"construction": construction, "threshold": CONSTRUCTION_DETAIL_THRESHOLD},
            )
        )
    if facts.sustainment_years > SUSTAINMENT_YEARS_LIMIT and not facts.sustainment_justification.strip():
        out.append(
            Finding(
                "T10-006",
                "error",
                f"sustainment for {facts.sustainment_years} years (over 5) needs a justification and transition plan",
                "10 U.S.C. 333(d)(3), (e)(7)",
                {"sustainment_years": facts.sustainment_years},
            )
        )
    if facts.current_fiscal_year is not None and facts.fiscal_year > facts.current_fiscal_year + 1:
        out.append(
            Finding(
                "T10-007",
                "warning",
                f"FY{facts.fiscal_year} funds are more than one fiscal year ahead of FY{facts.current_fiscal_year}: "
                "a §333 proposal may be conditionally approved and notified no more than one FY early",
                "DSCA policy memo 19-22",
                {"fiscal_year": facts.fiscal_year, "current": facts.current_fiscal_year},
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Assurances: what the proposed elements need, and whether the registry has it in force.
# ---------------------------------------------------------------------------------------------

#: element kind -> assurance kinds that must be in force, and why
ASSURANCES_NEEDED: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("faa505", "22 U.S.C. 2314 (FAA §505)"),
        ("aeca3", "22 U.S.C. 2753(a) (AECA §3)"),
        ("eum", "22 U.S.C. 2785 (AECA §40A)"),
        ("tpt", "22 U.S.C. 2753(a)(2)"),
    ],
    "supplies": [("faa505", "22 U.S.C. 2314 (FAA §505)")],
    "services": [("faa505", "22 U.S.C. 2314 (FAA §505)"), ("aeca3", "22 U.S.C. 2753(a) (AECA §3)")],
    "training": [("faa505", "22 U.S.C. 2314 (FAA §505)")],
}
KIND_LABEL = {"faa505": "FAA §505", "aeca3": "AECA §3", "eum": "EUM", "tpt": "TPT"}
SCOPE_FIELD = {
    "articles": "covers_articles",
    "supplies": "covers_articles",
    "services": "covers_services",
    "training": "covers_training",
}


@dataclass(frozen=True)
class AssuranceRow:
    kind: str
    instrument: str
    state: str
    expires_on: dt.date | None
    covers_articles: bool
    covers_training: bool
    covers_services: bool


def assurance_findings(element_kinds: list[str], rows: list[AssuranceRow], *, today: dt.date) -> list[Finding]:
    out: list[Finding] = []
    checked: set[tuple[str, str]] = set()
    for element in element_kinds:
        for kind, citation in ASSURANCES_NEEDED.get(element, []):
            if (element, kind) in checked:
                continue
            checked.add((element, kind))
            out.append(_one_assurance(element, kind, citation, [r for r in rows if r.kind == kind], today))
    return out


def _one_assurance(element: str, kind: str, citation: str, rows: list[AssuranceRow], today: dt.date) -> Finding:
    data: dict[str, Any] = {"element": element, "assurance": kind, "records": [r.instrument for r in rows]}
    if kind == "tpt":
        bad = [r for r in rows if r.state == "violation"]
        if bad:
            return Finding(
                "T10-A04",
                "warning",
                f"unauthorized transfer or use on record ({bad[0].instrument}): articles need PM/RSAT review",
                citation,
                data,
            )
        return Finding("T10-A00", "info", "no unauthorized third-party transfer on record", citation, data)
    if kind == "eum":
        if not rows:
            return Finding("T10-A01", "warning", f"no Golden Sentry EUM status recorded for {element}", citation, data)
        worst = rows[0]
        if worst.state in ("discrepancy", "violation", "suspended"):
            return Finding(
                "T10-A03", "warning", f"EUM status: {worst.state.replace('_', ' ')} ({worst.instrument})", citation, data
            )
        return Finding("T10-A00", "info", f"EUM status compliant ({worst.instrument})", citation, data)
    scope = SCOPE_FIELD[element]
    covering = [r for r in rows if getattr(r, scope)]
    if not covering:
        return Finding("T10-A01", "warning", f"no {KIND_LABEL[kind]} assurance on record covering {element}", citation, data)
    live = [r for r in covering if r.state == "in_force" and (r.expires_on is None or r.expires_on >= today)]
    if not live:
        r = covering[0]
        why = f"expired {r.expires_on}" if r.expires_on and r.expires_on < today else r.state
        return Finding(
            "T10-A02",
            "warning",
            f"{KIND_LABEL[kind]} assurance for {element} is not in force ({r.instrument}: {why})",
            citation,
            {**data, "expires_on": r.expires_on},
        )
    return Finding(
        "T10-A00", "info", f"{KIND_LABEL[kind]} assurance in force for {element} ({live[0].instrument})", citation, data
    )
