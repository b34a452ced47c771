"""The funds rules: pure checks on proposed balances, dates and earmarks.

Every rule has a stable code (BUD-0xx), a citation and a message that states the numbers and
what would make the change pass. Services turn the first failing result into a RuleViolation.
The list is documented in docs/user-guide/budget.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from secassist.core.money import fmt_money

ZERO = Decimal("0.00")

RULES: dict[str, tuple[str, str]] = {
    # code: (title, citation)
    "BUD-001": ("Allocations may not exceed the appropriation", "31 U.S.C. 1341(a)(1)(A) and 1517(a) (Antideficiency Act)"),
    "BUD-002": (
        "Obligations may not exceed a line's allocation",
        "31 U.S.C. 1517(a)(2) (administrative subdivision of funds); 31 U.S.C. 1341(a)(1)(A)",
    ),
    "BUD-003": (
        "Commitments and disbursements may not exceed obligations",
        "31 U.S.C. 1341(a)(1)(A); 31 U.S.C. 1501(a) (recording obligations)",
    ),
    "BUD-004": (
        "No new obligation after the period of availability (reobligation only inside the window)",
        "31 U.S.C. 1502(a), 1553(a); SFOPS Title IV deobligation/reobligation authority (§7011), DSCA 12-45",
    ),
    "BUD-005": (
        "Nothing may be posted to a cancelled account; expired funds accept only adjustments and disbursements",
        "31 U.S.C. 1552(a), 1553(a)",
    ),
    "BUD-006": (
        "No obligation of a line whose congressional notification is required and not cleared",
        "22 U.S.C. 2394-1 (FAA §634A); SFOPS §7015 regular notification; FMF/PKO heading provisos",
    ),
    "BUD-007": (
        "No allocation or obligation to a country whose assistance is prohibited",
        "the statute named in the restrictions finding (see the findings)",
    ),
    "BUD-008": (
        "A reallocation may not break an earmark floor without an audited override",
        "the act's earmark (citation on the earmark); SFOPS §7014",
    ),
    "BUD-009": (
        "An allocation may not exceed an earmark ceiling or use reserved ('only for') funds without an audited override",
        "the act's earmark (citation on the earmark)",
    ),
    "BUD-010": (
        "FMF is obligated upon apportionment: record an apportionment, not a separate obligation",
        "31 U.S.C. 1501(a)(5)(C); FMF heading of the annual SFOPS act (e.g. 115 Stat. 2136)",
    ),
    "BUD-011": ("FMF is expended on transfer to the FMS Trust Fund; PKO and IMET are disbursed", "SAMM C9.7.2.10.4 (DSCA 06-51)"),
    "BUD-012": (
        "PKO and IMET are obligated by the FAA §632(b) MOA between State and DSCA",
        "22 U.S.C. 2392(b) (FAA §632(b)); DSCA 12-45, 17-16",
    ),
    "BUD-013": (
        "Apportionments may not exceed the allocation; PKO/IMET obligations may not exceed the apportionment",
        "31 U.S.C. 1512, 1517(a)(1) (apportionment)",
    ),
    "BUD-014": (
        "Reobligations may not exceed what was deobligated",
        "SFOPS Title IV deobligation/reobligation authority (§7011); DSCA 12-45",
    ),
    "BUD-015": ("Deobligations may not exceed the undisbursed obligation", "31 U.S.C. 1501(a); 31 U.S.C. 1553(a)"),
    "BUD-016": ("Money moves only on an approved line", "PM/SA allocation procedure (653(a) baseline, 22 U.S.C. 2413)"),
    "BUD-017": (
        "An entry can be reversed once, and only by a matching reversal",
        "ledger integrity (append-only ledger, reversing entries)",
    ),
    "BUD-018": ("The 653(a) report applies to full-year acts only", "22 U.S.C. 2413(b)"),
    "BUD-019": (
        "Reprogramming above $1M that takes a country more than $5M over its 653(a) level needs a §634A notice "
        "stating nature, purpose and source country",
        "22 U.S.C. 2394-1(a) (FAA §634A)",
    ),
    "BUD-020": (
        "No allocation or obligation to a country whose restrictions are not assessed for the period until an analyst "
        "records an assessment of each gap",
        "the statutes named in the not_assessed findings (restrictions engine, ADR 0600)",
    ),
}


@dataclass(frozen=True)
class RuleResult:
    code: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)
    remedy: str = ""
    severity: str = "error"

    @property
    def citation(self) -> str:
        return RULES[self.code][1]

    @property
    def title(self) -> str:
        return RULES[self.code][0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
            "remedy": self.remedy,
            "data": {k: str(v) for k, v in self.data.items()},
        }


def money(amount: Decimal) -> str:
    return fmt_money(amount)


# ---------------------------------------------------------------- balances

LINE_STAGES = ("allocated", "apportioned", "obligated", "committed", "disbursed", "deobligated", "reobligated")


@dataclass(frozen=True)
class Effect:
    """Stage deltas of one entry on the source line, the target line and the appropriation totals."""

    line: Mapping[str, Decimal] = field(default_factory=dict)
    to_line: Mapping[str, Decimal] = field(default_factory=dict)
    total: Mapping[str, Decimal] = field(default_factory=dict)

    def negated(self) -> Effect:
        return Effect(
            {k: -v for k, v in self.line.items()},
            {k: -v for k, v in self.to_line.items()},
            {k: -v for k, v in self.total.items()},
        )


def effect_of(entry_type: str, amount: Decimal, *, account: str, has_target: bool = False) -> Effect:
    """What an entry does to the balances. FMF apportionment is also its obligation."""
    a = amount
    if entry_type == "appropriate":
        return Effect(total={"appropriated": a})
    if entry_type == "allocate":
        return Effect(line={"allocated": a}, total={"allocated": a})
    if entry_type in ("reallocate", "reprogram"):
        if has_target:
            return Effect(line={"allocated": -a}, to_line={"allocated": a})
        return Effect(line={"allocated": -a}, total={"allocated": -a})
    if entry_type == "apportion":
        if account == "FMF":
            return Effect(line={"apportioned": a, "obligated": a}, total={"apportioned": a, "obligated": a})
        return Effect(line={"apportioned": a}, total={"apportioned": a})
    if entry_type == "obligate":
        return Effect(line={"obligated": a}, total={"obligated": a})
    if entry_type == "deobligate":
        return Effect(line={"obligated": -a, "deobligated": a}, total={"obligated": -a, "deobligated": a})
    if entry_type == "reobligate":
        return Effect(line={"obligated": a, "reobligated": a}, total={"obligated": a, "reobligated": a})
    if entry_type == "commit":
        return Effect(line={"committed": a}, total={"committed": a})
    if entry_type in ("disburse", "transfer_fms"):
        return Effect(line={"disbursed": a}, total={"disbursed": a})
    if entry_type == "expire":
        return Effect(total={"expired": a})
    if entry_type == "cancel":
        return Effect(total={"cancelled": a})
    raise ValueError(f"unknown entry type {entry_type!r}")


def apply(values: Mapping[str, Decimal], deltas: Mapping[str, Decimal]) -> dict[str, Decimal]:
    out = dict(values)
    for k, v in deltas.items():
        out[k] = out.get(k, ZERO) + v
    return out


def check_totals(after: Mapping[str, Decimal], amount: Decimal) -> list[RuleResult]:
    if after["allocated"] > after["appropriated"]:
        over = after["allocated"] - after["appropriated"]
        return [
            RuleResult(
                "BUD-001",
                f"allocating {money(amount)} would bring allocations to {money(after['allocated'])}, "
                f"{money(over)} more than the {money(after['appropriated'])} appropriated",
                {"appropriated": after["appropriated"], "allocated_after": after["allocated"], "amount": amount, "excess": over},
                f"allocate at most {money(max(amount - over, ZERO))}, or reallocate from another line first",
            )
        ]
    return []


def check_line(name: str, account: str, entry_type: str, after: Mapping[str, Decimal], amount: Decimal) -> list[RuleResult]:
    """Invariants of one line after the change, in the order an analyst would fix them."""
    data = {"line": name, "amount": amount, **{k: after.get(k, ZERO) for k in LINE_STAGES}}
    used = max(after["obligated"], after["apportioned"])
    if after["allocated"] < used and entry_type in ("reallocate", "reprogram", "allocate"):
        short = used - after["allocated"]
        return [
            RuleResult(
                "BUD-002",
                f"moving {money(amount)} away from {name} would leave its allocation at {money(after['allocated'])}, "
                f"below the {money(used)} already apportioned or obligated",
                data,
                f"move at most {money(max(amount - short, ZERO))}, or deobligate first",
            )
        ]
    if after["apportioned"] > after["allocated"]:
        over = after["apportioned"] - after["allocated"]
        return [
            RuleResult(
                "BUD-013",
                f"apportioning {money(amount)} to {name} would bring apportionments to {money(after['apportioned'])}, "
                f"{money(over)} more than its {money(after['allocated'])} allocation",
                data,
                f"apportion at most {money(max(amount - over, ZERO))}, or allocate more to the line first",
            )
        ]
    if after["obligated"] > after["allocated"]:
        over = after["obligated"] - after["allocated"]
        return [
            RuleResult(
                "BUD-002",
                f"obligating {money(amount)} on {name} would bring obligations to {money(after['obligated'])}, "
                f"{money(over)} more than its {money(after['allocated'])} allocation",
                data,
                f"obligate at most {money(max(amount - over, ZERO))}, or allocate more to the line first",
            )
        ]
    if account != "FMF" and entry_type in ("obligate", "reobligate") and after["obligated"] > after["apportioned"]:
        over = after["obligated"] - after["apportioned"]
        return [
            RuleResult(
                "BUD-013",
                f"obligating {money(amount)} on {name} would bring obligations to {money(after['obligated'])}, "
                f"{money(over)} more than the {money(after['apportioned'])} apportioned",
                data,
                f"obligate at most {money(max(amount - over, ZERO))}, or record the OMB apportionment first",
            )
        ]
    if entry_type == "deobligate" and (after["obligated"] < ZERO or after["obligated"] < after["disbursed"]):
        room = amount - (after["disbursed"] - after["obligated"])
        return [
            RuleResult(
                "BUD-015",
                f"deobligating {money(amount)} from {name} would leave obligations at {money(after['obligated'])}, "
                f"below the {money(after['disbursed'])} already disbursed",
                data,
                f"deobligate at most {money(max(room, ZERO))}",
            )
        ]
    if after["reobligated"] > after["deobligated"]:
        over = after["reobligated"] - after["deobligated"]
        return [
            RuleResult(
                "BUD-014",
                f"reobligating {money(amount)} on {name} would reobligate {money(after['reobligated'])} in all, "
                f"{money(over)} more than the {money(after['deobligated'])} deobligated",
                data,
                f"reobligate at most {money(max(amount - over, ZERO))}",
            )
        ]
    for stage, verb in (("disbursed", "disbursing"), ("committed", "committing")):
        if after[stage] > after["obligated"]:
            over = after[stage] - after["obligated"]
            return [
                RuleResult(
                    "BUD-003",
                    f"{verb} {money(amount)} on {name} would bring {stage} to {money(after[stage])}, "
                    f"{money(over)} more than the {money(after['obligated'])} obligated",
                    data,
                    f"post at most {money(max(amount - over, ZERO))}, or obligate more first",
                )
            ]
    negative = [k for k in LINE_STAGES if after.get(k, ZERO) < ZERO]
    if negative:
        return [
            RuleResult(
                "BUD-017",
                f"the change would make {', '.join(negative)} of {name} negative",
                data,
                "reverse only what the line still holds",
            )
        ]
    return []


# ---------------------------------------------------------------- account-specific rules

OBLIGATING = ("obligate", "reobligate")
EXPIRED_ALLOWED = frozenset({"deobligate", "reobligate", "commit", "disburse", "transfer_fms", "expire", "cancel"})
MOA_DOCUMENT = "632(b) MOA"


def check_account(account: str, entry_type: str, document_type: str, document_ref: str) -> list[RuleResult]:
    data = {"account": account, "entry_type": entry_type, "document_type": document_type}
    if account == "FMF" and entry_type == "obligate":
        return [
            RuleResult(
                "BUD-010",
                "FMF is obligated upon apportionment: a separate FMF obligation is not recorded",
                data,
                "record an 'apportion' entry with the OMB apportionment (SF 132) reference",
            )
        ]
    if account == "FMF" and entry_type == "disburse":
        return [
            RuleResult(
                "BUD-011",
                "FMF is expended on transfer to the FMS Trust Fund (8242), not disbursed by State",
                data,
                "record a 'transfer_fms' entry",
            )
        ]
    if account != "FMF" and entry_type == "transfer_fms":
        return [
            RuleResult(
                "BUD-011",
                f"only FMF is transferred to the FMS Trust Fund; {account} is disbursed",
                data,
                "record a 'disburse' entry",
            )
        ]
    if account in ("PKO", "IMET") and entry_type in OBLIGATING and (document_type != MOA_DOCUMENT or not document_ref.strip()):
        return [
            RuleResult(
                "BUD-012",
                f"{account} is obligated by the FAA §632(b) MOA: the entry names document type "
                f"{document_type or '(none)'} and reference {document_ref or '(none)'}",
                data,
                f"give document type '{MOA_DOCUMENT}' and the MOA (or MOA amendment) reference",
            )
        ]
    return []


@dataclass(frozen=True)
class Dates:
    obligation_period_end: dt.date
    reobligation_window_end: dt.date
    cancellation_date: dt.date
    cancelled_recorded: bool = False


def check_dates(dates: Dates, entry_type: str, on: dt.date, *, is_reversal: bool = False) -> list[RuleResult]:
    data = {
        "effective_on": on,
        "obligation_period_end": dates.obligation_period_end,
        "reobligation_window_end": dates.reobligation_window_end,
        "cancellation_date": dates.cancellation_date,
    }
    if on > dates.cancellation_date or dates.cancelled_recorded:
        return [
            RuleResult(
                "BUD-005",
                f"the account was cancelled on {dates.cancellation_date:%Y-%m-%d}: nothing may be posted to it "
                f"(entry dated {on:%Y-%m-%d})",
                data,
                "charge a valid obligation to a current account (up to 1% of its appropriation, 31 U.S.C. 1553(b))",
            )
        ]
    if on <= dates.obligation_period_end or is_reversal:
        return []
    if entry_type == "reobligate":
        if on > dates.reobligation_window_end:
            return [
                RuleResult(
                    "BUD-004",
                    f"the reobligation window closed on {dates.reobligation_window_end:%Y-%m-%d}; "
                    f"the entry is dated {on:%Y-%m-%d}",
                    data,
                    "only adjustments and disbursements remain possible until cancellation",
                )
            ]
        return []
    if entry_type in EXPIRED_ALLOWED:
        return []
    code = "BUD-004" if entry_type in ("obligate", "apportion") else "BUD-005"
    return [
        RuleResult(
            code,
            f"the funds expired for new obligations on {dates.obligation_period_end:%Y-%m-%d}; "
            f"an entry of type '{entry_type}' dated {on:%Y-%m-%d} is not allowed",
            data,
            "use current-year funds; inside the reobligation window only deobligated funds may be reobligated "
            f"(until {dates.reobligation_window_end:%Y-%m-%d})",
        )
    ]


# The entries that move money, in the words of the BUD-016 message ("money cannot be … on it").
MOVES_MONEY = {
    "apportion": "apportioned",
    "obligate": "obligated",
    "reobligate": "reobligated",
    "commit": "committed",
    "disburse": "disbursed",
    "transfer_fms": "transferred to the FMS Trust Fund",
}


def check_status(status: str, entry_type: str, name: str) -> list[RuleResult]:
    if entry_type in MOVES_MONEY and status in ("planned", "withdrawn"):
        return [
            RuleResult(
                "BUD-016",
                f"{name} is {status}: money cannot be {MOVES_MONEY[entry_type]} on it",
                {"line": name, "status": status},
                "approve the line first",
            )
        ]
    return []


def check_cn_unknown(*, required: bool, name: str, amount: Decimal) -> list[RuleResult]:
    """Without the congress app no cleared notification can be confirmed: unknown is never a yes."""
    if required:
        return [
            RuleResult(
                "BUD-006",
                f"{name} needs a congressional notification and none can be confirmed (the congressional "
                f"notifications module is not installed); {money(amount)} cannot be obligated",
                {"line": name, "amount": amount, "notification_required": required},
                "install the congressional notifications module and record the CN (or a historical CN record)",
            )
        ]
    return []


def check_restriction(verdict: dict[str, Any], *, country: str) -> list[RuleResult]:
    if verdict.get("verdict") == "not_assessed":
        return _not_assessed(verdict, country=country)
    if verdict.get("verdict") != "prohibited":
        return []
    findings = verdict.get("findings") or []
    cited = (
        "; ".join(
            str(f.get("citation") or f.get("code") or f.get("message") or f) if isinstance(f, dict) else str(f) for f in findings
        )
        or "no finding detail given"
    )
    return [
        RuleResult(
            "BUD-007",
            f"assistance to {country} is prohibited: {cited}",
            {"country": country, "verdict": "prohibited", "findings": cited},
            "a waiver or determination that allows it, recorded in the restrictions register",
        )
    ]


def _not_assessed(verdict: dict[str, Any], *, country: str) -> list[RuleResult]:
    """An unknown is never a yes: money does not move on a line whose restrictions the data does not cover
    until an analyst records an assessment of each gap (the restrictions register, audited)."""
    gaps = [g for g in verdict.get("not_assessed") or [] if isinstance(g, dict)]
    named = "; ".join(f"{g.get('restriction')} ({(g.get('designation') or {}).get('missing_period', '')})" for g in gaps)
    return [
        RuleResult(
            "BUD-020",
            f"restrictions on assistance to {country} are not assessed: {named or 'the data does not cover the period'}",
            {"country": country, "verdict": "not_assessed", "not_assessed": [g.get("restriction_key") for g in gaps]},
            "record an analyst's assessment of each restriction named (Restrictions > record an assessment), "
            "or the missing designations, then retry",
        )
    ]


# ---------------------------------------------------------------- earmarks


@dataclass(frozen=True)
class EarmarkView:
    id: int
    kind: str
    country_id: int | None
    purpose: str
    amount: Decimal
    citation: str
    label: str


@dataclass(frozen=True)
class LineView:
    id: int
    country_id: int | None
    purpose: str
    allocated: Decimal


def matches(earmark: EarmarkView, line: LineView) -> bool:
    if earmark.country_id is not None and earmark.country_id != line.country_id:
        return False
    return not earmark.purpose or earmark.purpose.strip().casefold() == line.purpose.strip().casefold()


@dataclass(frozen=True)
class Compliance:
    earmark: EarmarkView
    matched: Decimal
    unmatched: Decimal
    ok: bool
    gap: Decimal
    text: str


def compliance(earmark: EarmarkView, lines: Iterable[LineView], appropriated: Decimal) -> Compliance:
    lines = list(lines)
    matched = sum((ln.allocated for ln in lines if matches(earmark, ln)), ZERO)
    unmatched = sum((ln.allocated for ln in lines if not matches(earmark, ln)), ZERO)
    if earmark.kind == "not_less_than":
        gap = max(earmark.amount - matched, ZERO)
        text = "met" if gap == 0 else f"short by {money(gap)}"
    elif earmark.kind == "not_more_than":
        gap = max(matched - earmark.amount, ZERO)
        text = "met" if gap == 0 else f"over by {money(gap)}"
    else:
        gap = max(unmatched - (appropriated - earmark.amount), ZERO)
        text = "met" if gap == 0 else f"other lines use {money(gap)} of the reserved funds"
    return Compliance(earmark, matched, unmatched, gap == 0, gap, text)


def check_earmarks(
    earmarks: Iterable[EarmarkView], before: list[LineView], after: list[LineView], appropriated: Decimal, entry_type: str
) -> list[RuleResult]:
    """A movement may not newly break or worsen an earmark (floors are only at risk from reallocation)."""
    results = []
    for em in earmarks:
        old, new = compliance(em, before, appropriated), compliance(em, after, appropriated)
        if new.ok or new.gap <= old.gap:
            continue
        data = {
            "earmark": em.label,
            "earmark_amount": em.amount,
            "matched_before": old.matched,
            "matched_after": new.matched,
            "earmark_citation": em.citation,
        }
        if em.kind == "not_less_than":
            results.append(
                RuleResult(
                    "BUD-008",
                    f"this {entry_type} would take {em.label} from {money(old.matched)} to {money(new.matched)}, "
                    f"below its floor of {money(em.amount)} ({em.citation})",
                    data,
                    f"move at most {money(max(old.matched - em.amount, ZERO))}, or give an override with a reason",
                )
            )
        else:
            results.append(
                RuleResult(
                    "BUD-009",
                    f"this {entry_type} would break {em.label}: {new.text} ({em.citation})",
                    data,
                    f"reduce the amount by {money(new.gap - old.gap)}, or give an override with a reason",
                )
            )
    return results


# ---------------------------------------------------------------- §634A

REPROGRAM_THRESHOLD = Decimal("1000000.00")
ABOVE_653A_THRESHOLD = Decimal("5000000.00")


def section_634a_flag(
    *, amount: Decimal, target_name: str, baseline: Decimal | None, allocated_after: Decimal, source_name: str
) -> RuleResult | None:
    """FAA §634A: a reprogramming > $1M that takes a country > $5M above its 653(a) level."""
    if baseline is None or amount <= REPROGRAM_THRESHOLD:
        return None
    above = allocated_after - baseline
    if above <= ABOVE_653A_THRESHOLD:
        return None
    return RuleResult(
        "BUD-019",
        f"reprogramming {money(amount)} takes {target_name} to {money(allocated_after)}, {money(above)} above its 653(a) "
        f"level of {money(baseline)}: the notification must state the nature and purpose and that the funds come from "
        f"{source_name}",
        {"amount": amount, "baseline_653a": baseline, "allocated_after": allocated_after, "above": above, "source": source_name},
        "include nature, purpose and source country in the congressional notification",
        severity="warning",
    )
