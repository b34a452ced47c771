"""The portfolio: every country × program for one fiscal year, with what is expiring or overdue.

Rows are Title 22 lines summed by country and account (balances from the ledger, "notified" from
congress.coverage through budget.selectors.with_notification) and Title 10 proposals summed by
country and authority (proposed cost). Each row's restriction verdict is the engine's, all rows
checked against one snapshot. A fixed number of queries whatever the number of countries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, Q, Sum

from secassist.budget import selectors as budget
from secassist.budget.models import Allocation, HistoricalAmount, HistorySource
from secassist.clearances import selectors as clearances
from secassist.congress import deadlines
from secassist.core import clock
from secassist.reference.models import Bureau, Cocom, Country
from secassist.title10.models import Proposal, ProposalElement, Status

from .country360 import TITLE22_PROGRAMS, verdicts

ZERO = Decimal("0.00")
TITLE10 = "T10"  # the program filter value for "every Title 10 authority"
MONEY_COLUMNS = ("allocated", "obligated", "disbursed", "notified", "proposed")
SORT_COLUMNS = ("country", "bureau", "cocom", "program", *MONEY_COLUMNS, "verdict")
MAP_METRICS = ("allocated", "obligated", "disbursed", "notified", "proposed")
RECONCILE_THRESHOLD = Decimal("1000.00")
EXPIRY_DAYS = 90

SOURCE = (
    "Title 22: secassist funds ledger balances, notification state from CN packages (congress coverage); "
    "Title 10: DoD proposals received by PM/SA (proposed cost); verdicts: the restrictions engine"
)
CAVEATS = [
    "Title 10 rows show the proposed cost of DoD proposals (withdrawn left out); DoD's own obligations and "
    "disbursements are not in secassist's ledger, so those cells are empty, not zero. What DoD reports publicly "
    "(Greenbook, ForeignAssistance.gov) is shown apart, by account, as reported obligations.",
    "Verdicts are for a government recipient and a general purpose on today's date.",
    "Regional and 'not specified' Title 22 lines are not countries and are not in this table.",
]


def _title22_rows(fy: int) -> list[dict[str, Any]]:
    lines = list(
        Allocation.objects.filter(appropriation__fiscal_year=fy, country__isnull=False)
        .select_related("balance", "account", "appropriation", "country")
        .order_by("country__name", "account__code", "id")
    )
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for line in budget.with_notification(lines):
        assert line.country is not None
        row = rows.setdefault((line.country_id or 0, line.account.code), _row(line.country, line.account.code, "title22"))
        bal = getattr(line, "balance", None)
        row["lines"] += 1
        for stage in ("allocated", "obligated", "disbursed"):
            row[stage] += getattr(bal, stage) if bal else ZERO
        row["notified"] += line.notification["cleared_amount"]  # type: ignore[attr-defined]
    return list(rows.values())


def _title10_rows(fy: int) -> list[dict[str, Any]]:
    proposals = (
        Proposal.objects.filter(fiscal_year=fy)
        .exclude(status=Status.WITHDRAWN)
        .select_related("authority", "country")
        .prefetch_related(Prefetch("elements", queryset=ProposalElement.objects.only("proposal_id", "cost")))
    )
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for p in proposals:
        row = rows.setdefault((p.country_id, p.authority.code), _row(p.country, p.authority.code, "title10"))
        row["lines"] += 1
        row["proposed"] += p.total_cost
    return list(rows.values())


def _row(country: Country, program: str, kind: str) -> dict[str, Any]:
    is_t22 = kind == "title22"
    return {
        "iso3": country.iso3,
        "country": country.name,
        "bureau": country.bureau,
        "cocom": country.cocom,
        "program": program,
        "kind": kind,
        "lines": 0,
        "allocated": ZERO if is_t22 else None,
        "obligated": ZERO if is_t22 else None,
        "disbursed": ZERO if is_t22 else None,
        "notified": ZERO if is_t22 else None,
        "proposed": None if is_t22 else ZERO,
    }


def _matches(row: dict[str, Any], *, bureau: str, cocom: str, program: str) -> bool:
    if bureau and row["bureau"] != bureau:
        return False
    if cocom and row["cocom"] != cocom:
        return False
    if program == TITLE10:
        return bool(row["kind"] == "title10")
    return not program or row["program"] == program


def _sort_key(column: str) -> Any:
    if column in MONEY_COLUMNS:
        return lambda r: (r[column] is None, r[column] or ZERO, r["country"])
    return lambda r: (str(r[column] or ""), r["country"], r["program"])


def rows(
    *, fy: int, bureau: str = "", cocom: str = "", program: str = "", sort: str = "obligated", descending: bool = True
) -> list[dict[str, Any]]:
    """Country × program rows for the FY, filtered, with the engine's verdict on each, sorted."""
    all_rows = [r for r in _title22_rows(fy) + _title10_rows(fy) if _matches(r, bureau=bureau, cocom=cocom, program=program)]
    results = verdicts([{"country": r["iso3"], "program": r["program"], "fiscal_year": fy} for r in all_rows])
    for row, result in zip(all_rows, results, strict=True):
        row["verdict"] = result["verdict"]
        row["verdict_label"] = result["label"]
        row["verdict_rules"] = sorted({f["code"] for f in result["findings"]})
        row["not_assessed"] = len(result["not_assessed"])
    column = sort if sort in SORT_COLUMNS else "obligated"
    key = _sort_key(column)
    if column in MONEY_COLUMNS and descending:
        # empty cells (not tracked) last whichever way the numbers run
        filled = sorted((r for r in all_rows if r[column] is not None), key=key, reverse=True)
        return filled + [r for r in all_rows if r[column] is None]
    return sorted(all_rows, key=key, reverse=descending and column not in MONEY_COLUMNS)


def by_bureau(rows_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows summed by regional bureau (the chart beside the table)."""
    labels = dict(Bureau.choices)
    sums: dict[str, dict[str, Any]] = {}
    for r in rows_:
        b = r["bureau"] or ""
        s = sums.setdefault(b, {"bureau": b, "label": labels.get(b, "not assigned"), **dict.fromkeys(MONEY_COLUMNS, ZERO)})
        for k in MONEY_COLUMNS:
            s[k] += r[k] or ZERO
    return sorted(sums.values(), key=lambda s: (-s["obligated"], s["label"]))


def by_country(rows_: list[dict[str, Any]], metric: str) -> dict[str, Decimal]:
    """Per ISO3, the sum of one money column over the rows (the map's values)."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows_:
        if r[metric] is not None:
            out[r["iso3"]] += r[metric]
    return {k: v for k, v in out.items() if v}


def reconciliation(*, fy: int, threshold: Decimal = RECONCILE_THRESHOLD) -> dict[str, Any]:
    """The product's obligations per country and account against ForeignAssistance.gov's (complete schema,
    same account, transaction type Obligations, same FY; the FY1976 transition quarter is a period of its own
    and is never counted in FY1976). Flagged when they differ by more than the threshold. Pairs where only
    one side has a figure are listed, not flagged: there is nothing to compare. Each pair names the acts
    its ledger lines come from, so a demonstration ledger says so on every row."""
    product = (
        Allocation.objects.filter(appropriation__fiscal_year=fy, country__isnull=False, account__code__in=TITLE22_PROGRAMS)
        .values("country__iso3", "country__name", "account__code", "appropriation__public_law")
        .annotate(obligated=Sum("balance__obligated"))
        .order_by()
    )
    public = (
        _public_obligations()
        .filter(fiscal_year=fy)
        .values("country__iso3", "country__name", "program")
        .annotate(amount=Sum("amount_current"))
        .order_by()
    )
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for p in product:
        key = (p["country__iso3"], p["account__code"])
        pair = pairs.setdefault(
            key,
            {"iso3": key[0], "country": p["country__name"], "program": key[1], "product": ZERO, "public": None, "laws": []},
        )
        pair["product"] += p["obligated"] or ZERO
        pair["laws"] = sorted({*pair["laws"], p["appropriation__public_law"]})
    for f in public:
        key = (f["country__iso3"], f["program"])
        pair = pairs.setdefault(
            key, {"iso3": key[0], "country": f["country__name"], "program": key[1], "product": None, "public": None, "laws": []}
        )
        pair["public"] = f["amount"]
    out = []
    for pair in sorted(pairs.values(), key=lambda r: (r["country"], r["program"])):
        both = pair["product"] is not None and pair["public"] is not None
        pair["difference"] = pair["product"] - pair["public"] if both else None
        pair["flagged"] = bool(both and abs(pair["difference"]) > threshold)
        pair["ledger_acts"] = "; ".join(pair["laws"])
        out.append(pair)
    return {
        "fiscal_year": fy,
        "threshold": threshold,
        "product_source": "secassist funds ledger: obligated balance of the FY's lines (the act of each line is named)",
        "public_source": f"{HistorySource.FA_COMPLETE.label}: transaction type Obligations, same account and FY",
        "public_loaded": HistoricalAmount.objects.filter(source=HistorySource.FA_COMPLETE).exists(),
        "rows": out,
        "flagged": [r for r in out if r["flagged"]],
        "years_with_both_sides": years_with_both_sides(),
    }


def _public_obligations() -> Any:
    return HistoricalAmount.objects.filter(
        source=HistorySource.FA_COMPLETE,
        country__isnull=False,
        program__in=TITLE22_PROGRAMS,
        transaction_type="Obligations",
        transition_quarter=False,
    )


def years_with_both_sides() -> list[int]:
    """The fiscal years in which some country and account has both a ledger line and a public obligation
    (where the reconciliation has something to compare), newest first. Two queries."""
    ours = set(
        Allocation.objects.filter(country__isnull=False, account__code__in=TITLE22_PROGRAMS)
        .values_list("appropriation__fiscal_year", "country_id", "account__code")
        .distinct()
    )
    theirs = set(_public_obligations().values_list("fiscal_year", "country_id", "program").distinct())
    return sorted({fy for fy, _, _ in ours & theirs}, reverse=True)


# DoD (Title 10) appropriation accounts as the public files name them. Excess Defense Articles and the old
# Military Assistance Program are DoD-run but Title 22 (Foreign Assistance Act) authorities, and the Iraq
# Relief and Reconstruction Fund is not a DoD account: they are left out.
TITLE10_ACCOUNT_PATTERNS = (
    "Operation and Maintenance",
    "Operations and Maintenance",
    "Security Forces Fund",
    "Train and Equip Fund",
    "Counterinsurgency Fund",
    "Overseas Contingency Operations Transfer Fund",
    "Drug Interdiction and Counter-Drug Activities, Defense",
    "Cooperative Threat Reduction Account",
    "Military Construction",
)
REPORTED_SOURCES = (HistorySource.GREENBOOK, HistorySource.FA_COMPLETE)


def _title10_public() -> Any:
    accounts = Q()
    for pattern in TITLE10_ACCOUNT_PATTERNS:
        accounts |= Q(account_name__icontains=pattern)
    return HistoricalAmount.objects.filter(
        accounts,
        source__in=REPORTED_SOURCES,
        country__isnull=False,
        transaction_type="Obligations",
        transition_quarter=False,
    )


def title10_reported(*, fy: int, bureau: str = "", cocom: str = "", program: str = "") -> dict[str, Any]:
    """DoD (Title 10) obligations by country and account for the FY as the public files report them, each
    source kept apart (never added to the ledger's figures, never to each other). By account, not by
    authority: one account (e.g. O&M, Defense-Wide) funds several authorities. Two queries."""
    labels = dict(HistorySource.choices)
    rows = []
    if program in ("", TITLE10):
        found = (
            _title10_public()
            .filter(fiscal_year=fy)
            .values("country__iso3", "country__name", "country__bureau", "country__cocom", "account_name", "source")
            .annotate(amount=Sum("amount_current"))
            .order_by("country__name", "account_name", "source")
        )
        rows = [
            {
                "iso3": r["country__iso3"],
                "country": r["country__name"],
                "bureau": r["country__bureau"],
                "cocom": r["country__cocom"],
                "account": r["account_name"],
                "fiscal_year": fy,
                "reported_obligations": Decimal(r["amount"]).quantize(Decimal("0.01")),  # cents on both engines
                "source": labels.get(r["source"], r["source"]),
            }
            for r in found
            if (not bureau or r["country__bureau"] == bureau) and (not cocom or r["country__cocom"] == cocom)
        ]
    latest = _title10_public().aggregate(latest=Max("fiscal_year"))["latest"]
    return {
        "fiscal_year": fy,
        "rows": rows,
        "latest_fiscal_year": latest,
        "source": "Reported obligations of DoD (Title 10) accounts: "
        + "; ".join(str(labels[s]) for s in REPORTED_SOURCES)
        + ". Obligations only (no disbursements are published by country and account).",
        "caveats": [
            "Reported by DoD to the public files, not secassist's ledger; each source is shown apart and never added.",
            "By appropriation account, not by Title 10 authority: O&M, Defense-Wide funds several authorities.",
            "The Greenbook ends in FY2019 and rounds amounts of $10M or more to two significant figures; the "
            "ForeignAssistance.gov complete-schema file loaded here may cover only some countries.",
        ],
    }


def alerts(*, today: dt.date | None = None) -> dict[str, Any]:
    """Expiring funds, overdue statutory clocks and overdue clearances (as the clocks dashboard reads them)."""
    today = today or clock.today()
    items = deadlines.calendar(start=today - dt.timedelta(days=365), end=today, today=today, cached=True)
    return {
        "expiring_funds": budget.expiring(days=EXPIRY_DAYS, today=today),
        "overdue_clocks": sorted((i for i in items if i.state == deadlines.OVERDUE), key=lambda i: i.date),
        "overdue_clearances": list(clearances.overdue(today=today).order_by("due_on")[:50]),
    }


def filters() -> dict[str, Any]:
    return {"bureaus": Bureau.choices, "cocoms": Cocom.choices, "programs": [*TITLE22_PROGRAMS, TITLE10]}
