"""One chart helper (issue #15 item 4): charts drawn on the server as SVG — no JavaScript (strict CSP),
offline, readable: amounts in $K/$M/$B, full width (viewBox scaling), titled, a colour-blind-safe
palette, and always shown beside a data table with the same numbers. The world map, which needs the
shipped geometry, is in insights/charts.py and builds on this."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import escape

BAR = "#2c7fb8"  # ColorBrewer YlGnBu, colour-blind safe


def money_label(value: Decimal | float | int | None) -> str:
    """$1.2B, $350M, $12K, $900: the unit the amount reads best in."""
    if value is None:
        return "—"
    v = float(value)
    sign = "-" if v < 0 else ""
    v = abs(v)
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= size:
            scaled = v / size
            return f"{sign}${scaled:,.1f}{unit}" if scaled < 100 else f"{sign}${scaled:,.0f}{unit}"
    return f"{sign}${v:,.0f}"


# ---------------------------------------------------------------- bar chart


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


def count_label(value: Decimal | float | int | None) -> str:
    return "—" if value is None else f"{int(value):,}"


def bar_chart(
    bars: Sequence[Bar], *, title: str, description: str, chart_id: str, label: Callable[[Any], str] = money_label
) -> str:
    """Horizontal bars (labels left, values at the bar's end: amounts in $K/$M/$B unless `label` says
    otherwise), full width through viewBox scaling."""
    row_h, label_w, width, top = 28, 220, 960, 36
    height = top + row_h * max(len(bars), 1) + 30
    peak = max((float(b.value) for b in bars), default=0.0) or 1.0
    plot_w = width - label_w - 110
    parts = [
        f'<svg class="sa-chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<text x="0" y="20" class="sa-chart-title" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    for i, b in enumerate(bars):
        y = top + i * row_h
        w = max(float(b.value) / peak * plot_w, 0.0)
        parts.append(
            f'<g><text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="13">{escape(b.label[:32])}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{BAR}"><title>{escape(b.label)}: '
            f"{label(b.value)}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 18}" font-size="13">{label(b.value)}</text></g>'
        )
    if not bars:
        parts.append(f'<text x="{label_w}" y="{top + 18}" font-size="13">No amounts for this selection.</text>')
    parts.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 26}" stroke="#565c65"/>')
    parts.append("</svg>")
    return "".join(parts)
