"""Vega-Lite specs of the funds charts, built here and passed to templates as data (json_script).

The pages draw them with static/web/charts.js: no chart code in templates, so the strict
Content-Security-Policy holds (see docs/adr/0801-content-security-policy.md).
"""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
STAGES = ["appropriated", "allocated", "obligated", "disbursed", "expiring"]


def funds_by_account(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "width": 560,
        "height": 260,
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "x": {"field": "account", "type": "nominal", "title": "Account"},
            "xOffset": {"field": "stage", "sort": STAGES},
            "y": {"field": "amount", "type": "quantitative", "title": "USD"},
            "color": {"field": "stage", "type": "nominal", "sort": STAGES},
            "tooltip": [{"field": "account"}, {"field": "stage"}, {"field": "amount", "format": ",.2f"}],
        },
    }


def history_by_program(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "width": 640,
        "height": 220,
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "x": {"field": "fiscal_year", "type": "ordinal", "title": "Fiscal year", "axis": {"labelOverlap": True}},
            "y": {"field": "amount", "type": "quantitative", "title": "USD (current)"},
            "color": {"field": "program", "type": "nominal"},
            "tooltip": [{"field": "fiscal_year"}, {"field": "program"}, {"field": "amount", "format": ",.0f"}],
        },
    }
