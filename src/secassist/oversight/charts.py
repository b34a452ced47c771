"""Vega-Lite specifications of the oversight charts, built here from selector figures and passed to
the page with json_script; static/oversight/charts.js embeds them (no inline script). Every chart has
the same numbers in a table next to it."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _spec(
    values: list[dict[str, Any]], mark: Any, encoding: dict[str, Any], *, width: int = 560, height: int = 240
) -> dict[str, Any]:
    return {"$schema": SCHEMA, "width": width, "height": height, "data": {"values": values}, "mark": mark, "encoding": encoding}


def execution_curve(t22: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Cumulative obligated and disbursed by quarter end, actual and plan, summed over the lines shown."""
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for row in t22:
        for q in row["quarters"]:
            sums[(str(q.end), "obligated", "actual")] += q.obligated
            sums[(str(q.end), "disbursed", "actual")] += q.disbursed
            if q.planned_obligated is not None:
                sums[(str(q.end), "obligated", "plan")] += q.planned_obligated
                sums[(str(q.end), "disbursed", "plan")] += q.planned_disbursed or Decimal(0)
    if not sums:
        return None
    values = [{"quarter_end": k[0], "stage": k[1], "series": k[2], "amount": float(v)} for k, v in sorted(sums.items())]
    return _spec(
        values,
        {"type": "line", "point": True},
        {
            "x": {"field": "quarter_end", "type": "temporal", "title": "Quarter end"},
            "y": {"field": "amount", "type": "quantitative", "title": "USD (cumulative)"},
            "color": {"field": "stage", "type": "nominal", "title": "Stage"},
            "strokeDash": {"field": "series", "type": "nominal", "title": "Actual or plan"},
            "tooltip": [
                {"field": "quarter_end", "type": "temporal"},
                {"field": "stage"},
                {"field": "series"},
                {"field": "amount", "format": ",.0f"},
            ],
        },
    )


def pipeline_age(t22: list[dict[str, Any]]) -> dict[str, Any] | None:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    order = []
    for row in t22:
        for b in row["ulo_aging"]:
            if b["bucket"] not in order:
                order.append(b["bucket"])
            sums[b["bucket"]] += b["amount"]
    if not any(sums.values()):
        return None
    values = [{"age": k, "amount": float(sums[k])} for k in order]
    return _spec(
        values,
        "bar",
        {
            "x": {"field": "age", "type": "ordinal", "sort": order, "title": "Age of unliquidated obligation"},
            "y": {"field": "amount", "type": "quantitative", "title": "USD"},
            "tooltip": [{"field": "age"}, {"field": "amount", "format": ",.0f"}],
        },
        width=420,
    )


def late_deliveries(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    values = [
        {"reference": r["delivery"].reference, "days_late": r["days_late"], "state": r["state"]}
        for r in rows
        if r["days_late"] > 0
    ]
    if not values:
        return None
    return _spec(
        values,
        "bar",
        {
            "y": {"field": "reference", "type": "nominal", "sort": "-x", "title": "Element"},
            "x": {"field": "days_late", "type": "quantitative", "title": "Days late"},
            "color": {"field": "state", "type": "nominal", "title": "Delivered or still due"},
            "tooltip": [{"field": "reference"}, {"field": "days_late"}, {"field": "state"}],
        },
        width=420,
        height=max(60, 22 * len(values)),
    )


def indicator_status(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["status"].replace("_", " ")] += 1
    if not counts:
        return None
    return _spec(
        [{"status": k, "indicators": v} for k, v in sorted(counts.items())],
        "bar",
        {
            "x": {"field": "status", "type": "nominal", "title": "Status"},
            "y": {"field": "indicators", "type": "quantitative", "title": "Indicators", "axis": {"tickMinStep": 1}},
            "color": {"field": "status", "type": "nominal", "legend": None},
            "tooltip": [{"field": "status"}, {"field": "indicators"}],
        },
        width=320,
    )
