"""Pure checks of the congress app. Each result carries a stable code, a citation and the data used.

Codes (listed in docs/user-guide/congress.md):
- CN-001 no notification covers the obligation; CN-002 the CN has not cleared (waiting period
  not over or not transmitted); CN-003 a committee hold is open; CN-004 amount above the
  notified amount beyond the rule's tolerance; CN-005 a historical CN record not yet approved by a
  second person.
- CN-010 always-notify country; CN-011 FMF increase over the justified level; CN-012 MDE
  quantities over the justified quantities by more than the rule's threshold; CN-013 amount
  above the CBJ/653(a) level (§634A); CN-014 Title 10 authority with its own notice.
- CN-020 … CN-029 lifecycle guards (workflow.py); CN-030 … CN-039 holds (services.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from .clocks import BUSINESS, CALENDAR, ClockSpec

# Title 10 authority code -> the notification rule of its own notice clock.
AUTHORITY_RULES = {
    "10USC333": "10USC333E",
    "10USC331": "10USC331D",
    "10USC332": "10USC332C",
    "10USC341": "10USC341",
    "10USC127E": "10USC127E",
}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "required" (a CN basis applies), "info", "block"
    message: str
    citation: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def spec_of(rule: Any) -> ClockSpec:
    return ClockSpec(
        kind=rule.kind,
        days=rule.days,
        day_basis=rule.day_basis or CALENDAR,
        month=rule.month,
        day=rule.day,
        fy_anchor=rule.fy_anchor or "",
        offset_days=rule.offset_days or 0,
        emergency_days_after=rule.emergency_days_after,
    )


def waiting_spec(rules: Iterable[Any]) -> tuple[ClockSpec, Any] | None:
    """The governing waiting period of a CN: the longest before-action clock among its bases.

    Business days win over calendar days for equal numbers (the later end).
    """
    candidates = [r for r in rules if r.kind == "before_action" and r.creates_waiting_period and r.days is not None]
    if not candidates:
        return None
    best = max(candidates, key=lambda r: (r.days, r.day_basis == BUSINESS))
    return spec_of(best), best


def emergency_spec(rules: Iterable[Any]) -> tuple[ClockSpec, Any] | None:
    candidates = [r for r in rules if r.emergency_days_after is not None]
    if not candidates:
        return None
    best = min(candidates, key=lambda r: r.emergency_days_after)
    return spec_of(best), best


def tolerance_percent(rules: Iterable[Any]) -> tuple[Decimal, Any] | None:
    """The tightest amount tolerance among the package's bases (and the rule that sets it)."""
    candidates = [r for r in rules if not r.reference_only]
    if not candidates:
        return None
    best = min(candidates, key=lambda r: r.amount_tolerance_percent)
    return Decimal(best.amount_tolerance_percent), best


def suggested_bases(
    *,
    iso3: str,
    account: str,
    authority: str,
    fiscal_year: int,
    amount: Decimal,
    cbj_amount: Decimal | None,
    mde_items: list[dict[str, Any]],
    always_notify: dict[str, str],
    rules_by_code: dict[str, Any],
) -> list[Finding]:
    """Which statutory bases apply to a package, each with the rule, its citation and the facts used."""
    findings: list[Finding] = []

    def cite(code: str) -> str:
        rule = rules_by_code.get(code)
        return rule.citation if rule else code

    if iso3 and iso3 in always_notify:
        findings.append(
            Finding(
                "CN-010",
                "required",
                f"{iso3} is on the FY{fiscal_year} always-notify list: any obligation needs regular notification",
                always_notify[iso3],
                {"iso3": iso3, "fiscal_year": fiscal_year, "rule": "SFOPS7015F"},
            )
        )
    elif account in ("FMF", "IMET", "PKO") and not always_notify:
        findings.append(
            Finding(
                "CN-010",
                "info",
                f"no §7015(f) always-notify list is recorded for FY{fiscal_year}; "
                "add it to data/congress/always_notify_countries.csv",
                cite("SFOPS7015F"),
                {"fiscal_year": fiscal_year},
            )
        )
    if account == "FMF" and (cbj_amount is None or amount > cbj_amount):
        findings.append(
            Finding(
                "CN-011",
                "required",
                "FMF: every increase in a country allocation is notified",
                cite("FMF-HEADING"),
                {"amount": str(amount), "cbj_amount": str(cbj_amount), "rule": "FMF-HEADING"},
            )
        )
    if account == "PKO":
        findings.append(
            Finding(
                "CN-011",
                "required",
                "PKO: no funds obligated except through regular notification",
                cite("PKO-HEADING"),
                {"rule": "PKO-HEADING"},
            )
        )
    findings.extend(_mde_findings(account, mde_items, rules_by_code))
    if account in ("FMF", "IMET", "PKO") and cbj_amount is not None and amount > cbj_amount:
        findings.append(
            Finding(
                "CN-013",
                "required",
                f"amount {amount:,.2f} is above the justified level {cbj_amount:,.2f}",
                cite("FAA634A"),
                {
                    "amount": str(amount),
                    "cbj_amount": str(cbj_amount),
                    "change": str(amount - cbj_amount),
                    "rules": ["FAA634A", "SFOPS7015"],
                },
            )
        )
    t10 = AUTHORITY_RULES
    if authority in t10:
        findings.append(
            Finding(
                "CN-014",
                "required",
                f"{authority} activities need their own notice before they begin",
                cite(t10[authority]),
                {"authority": authority, "rule": t10[authority]},
            )
        )
    return findings


def _mde_findings(account: str, mde_items: list[dict[str, Any]], rules_by_code: dict[str, Any]) -> list[Finding]:
    rule = rules_by_code.get("SFOPS7015-MDE")
    if account != "FMF" or not mde_items:
        return []
    threshold = Decimal(rule.quantity_threshold_percent if rule and rule.quantity_threshold_percent is not None else 20)
    out = []
    for item in mde_items:
        qty, justified = int(item.get("quantity") or 0), item.get("justified_quantity")
        if justified in (None, "", 0, "0"):
            out.append(
                Finding(
                    "CN-012",
                    "required",
                    f"MDE item {item.get('item')!r} was not justified to Congress",
                    rule.citation if rule else "SFOPS §7015(c)",
                    {"item": item.get("item"), "quantity": qty},
                )
            )
            continue
        limit = Decimal(int(justified)) * (1 + threshold / 100)
        if qty > limit:
            out.append(
                Finding(
                    "CN-012",
                    "required",
                    f"MDE item {item.get('item')!r}: {qty} is more than {threshold}% over the justified {justified}",
                    rule.citation if rule else "SFOPS §7015(c)",
                    {
                        "item": item.get("item"),
                        "quantity": qty,
                        "justified_quantity": int(justified),
                        "threshold_percent": str(threshold),
                    },
                )
            )
    return out


@dataclass(frozen=True)
class Coverage:
    """One notification's numbers, as the obligation gate and the line's notification state see them."""

    number: str
    status: str
    amount: Decimal
    transmitted_on: dt.date | None
    wait_ends_on: dt.date | None
    open_holds: list[str]
    cleared_on: dt.date | None
    tolerance: Decimal
    citation: str
    stage: str = ""  # drafting | historical_pending | in_clearance | cleared | waiting | cleared_to_obligate
    url: str = ""


def cleared_coverages(coverages: list[Coverage], on_date: dt.date) -> list[Coverage]:
    return [c for c in coverages if c.cleared_on is not None and c.cleared_on <= on_date]


def covered_ceiling(cleared: list[Coverage]) -> Decimal:
    """What may be obligated under the cleared CNs: each CN's amount plus its own statutory tolerance
    (zero where the statute gives none, which is every rule in the catalog today)."""
    return sum((c.amount * (1 + c.tolerance / 100) for c in cleared), Decimal("0")).quantize(Decimal("0.01"))


def gate_verdict(
    *, allocation_label: str, amount: Decimal, obligated_before: Decimal, on_date: dt.date, coverages: list[Coverage]
) -> Finding | None:
    """None when the obligation is covered; else the refusal (CN-001 … CN-005) with its numbers."""
    if not coverages:
        return Finding(
            "CN-001",
            "block",
            f"no congressional notification covers {allocation_label}: draft and transmit a CN before obligating",
            "22 U.S.C. 2394-1 (FAA §634A); SFOPS §7015",
            {"allocation": allocation_label, "amount": str(amount), "on_date": on_date.isoformat()},
        )
    cleared = cleared_coverages(coverages, on_date)
    if not cleared:
        return _not_cleared(coverages, allocation_label, on_date)
    notified = sum((c.amount for c in cleared), Decimal("0"))
    ceiling = covered_ceiling(cleared)
    total = obligated_before + amount
    if total > ceiling:
        numbers = ", ".join(f"{c.number} (transmitted {c.transmitted_on}, cleared {c.cleared_on})" for c in cleared)
        tolerances = ", ".join(f"{c.number} {c.tolerance}%" for c in cleared)
        return Finding(
            "CN-004",
            "block",
            f"obligating {amount:,.2f} would bring {allocation_label} to {total:,.2f}, above the "
            f"{notified:,.2f} notified in {numbers} (tolerance {tolerances}): notify the increase first",
            cleared[0].citation,
            {
                "notified": str(notified),
                "ceiling": str(ceiling),
                "obligated_before": str(obligated_before),
                "amount": str(amount),
                "cns": [c.number for c in cleared],
            },
        )
    return None


# The line's notification state, most advanced first; `cleared`/`exceeded` come from the amounts.
STAGE_ORDER = ["on_hold", "waiting", "cleared", "in_clearance", "historical_pending", "drafting"]
STATE_LABELS = {
    "not_required": "not required",
    "none": "no notification",
    "drafting": "CN drafting",
    "historical_pending": "historical CN record awaiting a second person's approval",
    "in_clearance": "CN in clearance",
    "cleared": "CN cleared in the Department, not yet transmitted",
    "waiting": "transmitted — waiting period",
    "on_hold": "transmitted — on hold",
    "cleared_to_obligate": "cleared to obligate",
    "exceeded": "obligated beyond the cleared notifications",
}


@dataclass(frozen=True)
class LineState:
    """A funds line's notification state, computed from CN packages only (issue #11: one source)."""

    state: str
    label: str
    cleared: bool
    cleared_amount: Decimal
    ceiling: Decimal
    obligated: Decimal
    uncovered: Decimal
    cns: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def line_state(*, required: bool, coverages: list[Coverage], obligated: Decimal, on_date: dt.date) -> LineState:
    cns = [
        {"number": c.number, "status": c.status, "stage": c.stage, "amount": c.amount, "cleared_on": c.cleared_on, "url": c.url}
        for c in coverages
    ]
    cleared = cleared_coverages(coverages, on_date)
    ceiling = covered_ceiling(cleared)
    uncovered = max(obligated - ceiling, Decimal("0")) if required else Decimal("0")
    amount = sum((c.amount for c in cleared), Decimal("0"))
    if not required:
        state = "not_required"
    elif uncovered > 0:
        state = "exceeded"
    elif cleared:
        state = "cleared_to_obligate"
    elif coverages:
        stages = [("on_hold" if c.open_holds and c.transmitted_on else c.stage) for c in coverages]
        state = min(stages, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else len(STAGE_ORDER))
    else:
        state = "none"
    label = STATE_LABELS.get(state, state)
    if state == "exceeded":
        label = f"{label}: {uncovered:,.2f} obligated beyond {ceiling:,.2f} cleared"
    elif state == "cleared_to_obligate":
        label = f"{label} up to {ceiling:,.2f} ({', '.join(c.number for c in cleared)})"
    elif coverages and state not in ("none", "not_required"):
        label = f"{label} ({', '.join(c.number for c in coverages)})"
    return LineState(
        state=state,
        label=label,
        cleared=state == "cleared_to_obligate",
        cleared_amount=amount,
        ceiling=ceiling,
        obligated=obligated,
        uncovered=uncovered,
        cns=cns,
    )


def _not_cleared(coverages: list[Coverage], label: str, on_date: dt.date) -> Finding:
    c = sorted(coverages, key=lambda c: (c.transmitted_on is None, c.wait_ends_on or dt.date.max))[0]
    data = {
        "cn": c.number,
        "status": c.status,
        "transmitted_on": c.transmitted_on,
        "wait_ends_on": c.wait_ends_on,
        "open_holds": c.open_holds,
        "on_date": on_date.isoformat(),
    }
    if c.stage == "historical_pending":
        return Finding(
            "CN-005",
            "block",
            f"{c.number} for {label} is a historical CN record that a second person has not yet approved: "
            "it does not count until approved",
            c.citation,
            data,
        )
    if c.open_holds:
        return Finding(
            "CN-003",
            "block",
            f"{c.number} for {label} is on hold by {', '.join(c.open_holds)} (transmitted "
            f"{c.transmitted_on}, waiting period ends {c.wait_ends_on}): State does not obligate while a hold stands",
            c.citation,
            data,
        )
    if c.transmitted_on is None:
        return Finding(
            "CN-002",
            "block",
            f"{c.number} for {label} has not been transmitted to Congress (status: {c.status})",
            c.citation,
            data,
        )
    when = c.cleared_on or c.wait_ends_on
    return Finding(
        "CN-002",
        "block",
        f"{c.number} for {label} was transmitted on {c.transmitted_on}; its waiting period ends "
        f"{c.wait_ends_on}: no obligation before {when} (requested {on_date})",
        c.citation,
        data,
    )
