"""The oversight charts, drawn by the one chart helper (core/charts.py, ADR 1102): server-side SVG, no
script. Each builder returns the SVG and the rows of the data table shown beside it (the same numbers),
or None when there is nothing to draw."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from secassist.core.charts import Bar, Series, bar_chart, count_label, days_label, line_chart

ZERO = Decimal("0.00")
CURVE_SERIES = (
    ("obligated", "actual", "Obligated"),
    ("obligated", "plan", "Obligated (plan)"),
    ("disbursed", "actual", "Disbursed"),
    ("disbursed", "plan", "Disbursed (plan)"),
)


def execution_curve(t22: list[dict[str, Any]], *, chart_id: str = "ovs-curve") -> dict[str, Any] | None:
    """Cumulative obligated and disbursed by quarter end, actual and plan, summed over the lines shown.
    A plan figure is shown for a quarter only when some line has a plan for it (no plan is not a zero)."""
    sums: dict[tuple[Any, str, str], Decimal] = defaultdict(lambda: ZERO)
    labels: dict[Any, str] = {}
    for row in t22:
        for q in row["quarters"]:
            labels.setdefault(q.end, q.label)
            sums[(q.end, "obligated", "actual")] += q.obligated
            sums[(q.end, "disbursed", "actual")] += q.disbursed
            if q.planned_obligated is not None:
                sums[(q.end, "obligated", "plan")] += q.planned_obligated
                sums[(q.end, "disbursed", "plan")] += q.planned_disbursed or ZERO
    if not labels:
        return None
    ends = sorted(labels)
    rows = [
        {
            "label": labels[end],
            "end": end,
            **{f"{stage}_{kind}": sums.get((end, stage, kind)) for stage, kind, _ in CURVE_SERIES},
        }
        for end in ends
    ]
    series = [
        Series(name, tuple(r[f"{stage}_{kind}"] for r in rows), dashed=kind == "plan")
        for stage, kind, name in CURVE_SERIES
        if any(r[f"{stage}_{kind}"] is not None for r in rows)
    ]
    svg = line_chart(
        [f"{labels[end]}" for end in ends],
        series,
        title="Execution: cumulative obligated and disbursed by quarter end",
        description="Lines of cumulative obligated and disbursed amounts at each fiscal quarter end, actual (solid) "
        "and plan (dashed), summed over the Title 22 lines shown; the same figures are in the table beside it.",
        chart_id=chart_id,
    )
    return {"svg": svg, "rows": rows, "has_plan": any(s.dashed for s in series)}


def pipeline_age(t22: list[dict[str, Any]], *, chart_id: str = "ovs-age") -> dict[str, Any] | None:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    order: list[str] = []
    for row in t22:
        for b in row["ulo_aging"]:
            if b["bucket"] not in order:
                order.append(b["bucket"])
            sums[b["bucket"]] += b["amount"]
    if not any(sums.values()):
        return None
    rows: list[dict[str, Any]] = [{"bucket": k, "amount": sums[k]} for k in order]
    svg = bar_chart(
        [Bar(r["bucket"], r["amount"]) for r in rows],
        title="Pipeline age: unliquidated obligations by age",
        description="Horizontal bars of the unliquidated obligations of the lines shown, by age since obligation; "
        "the same amounts are in the table beside it.",
        chart_id=chart_id,
    )
    return {"svg": svg, "rows": rows}


def late_deliveries(rows: list[dict[str, Any]], *, chart_id: str = "ovs-late") -> dict[str, Any] | None:
    late = sorted(
        (
            {"reference": r["delivery"].reference, "days_late": r["days_late"], "state": r["state"]}
            for r in rows
            if r["days_late"] > 0
        ),
        key=lambda r: (-r["days_late"], r["reference"]),
    )
    if not late:
        return None
    svg = bar_chart(
        [Bar(f"{r['reference']} ({r['state']})", Decimal(r["days_late"])) for r in late],
        title="Late deliveries: days late per element",
        description="Horizontal bars of the days each delivery element was or is late (delivered late, or due and "
        "not delivered), longest first; the same figures are in the table beside it.",
        chart_id=chart_id,
        label=days_label,
    )
    return {"svg": svg, "rows": late}


def indicator_status(rows: list[dict[str, Any]], *, chart_id: str = "ovs-status") -> dict[str, Any] | None:
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["status"].replace("_", " ")] += 1
    if not counts:
        return None
    table: list[dict[str, Any]] = [{"status": k, "indicators": v} for k, v in sorted(counts.items())]
    svg = bar_chart(
        [Bar(r["status"], Decimal(r["indicators"])) for r in table],
        title="Indicators by status",
        description="Horizontal bars of the number of indicators in each status; the same counts are in the table beside it.",
        chart_id=chart_id,
        label=count_label,
    )
    return {"svg": svg, "rows": table}
