"""One chart helper (issue #15 item 4): charts drawn on the server as SVG — no JavaScript (strict CSP),
offline, readable: amounts in $K/$M/$B, full width (viewBox scaling), titled, a colour-blind-safe
palette, and always shown beside a data table with the same numbers. Two kinds: horizontal bars
(`bar_chart`) and lines over ordered categories (`line_chart`, e.g. cumulative amounts by quarter end).
The world map, which needs the shipped geometry, is in insights/charts.py and builds on this."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import escape

BAR = "#2c7fb8"  # ColorBrewer YlGnBu, colour-blind safe
# Okabe & Ito's colour-blind-safe qualitative palette (blue, vermillion, bluish green, orange, purple);
# lines also differ by marker shape and dash, so no series is told apart by colour alone.
SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7")
MARKERS = ("circle", "square", "diamond", "triangle", "circle")


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


def days_label(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    n = int(value)
    return f"{n:,} day" if n == 1 else f"{n:,} days"


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


# ---------------------------------------------------------------- line chart


@dataclass(frozen=True)
class Series:
    """One line: a value (or None: no point) for each category of the chart, in order."""

    name: str
    values: tuple[Decimal | None, ...]
    dashed: bool = False


def _nice_ceiling(peak: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above the peak (axis top)."""
    if peak <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(peak))
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= peak:
            return float(m * step)
    return float(10 * step)  # pragma: no cover — the loop always returns


def _marker(shape: str, x: float, y: float, colour: str, tip: str) -> str:
    title = f"<title>{escape(tip)}</title>"
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{title}</rect>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}">{title}</polygon>'
    if shape == "triangle":
        pts = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{pts}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{title}</circle>'


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    chart_id: str,
    label: Callable[[Any], str] = money_label,
) -> str:
    """Lines over ordered categories (left to right), a value axis from zero with labelled gridlines
    ($K/$M/$B unless `label` says otherwise), a legend naming each line with its colour, marker and
    dash. Each point carries a tooltip with its series, category and value."""
    width, left, right, top = 960, 90, 20, 64
    plot_h = 260
    bottom = 46
    height = top + plot_h + bottom
    plot_w = width - left - right
    values = [float(v) for s in series for v in s.values if v is not None]
    axis_top = _nice_ceiling(max(values, default=0.0))
    n = len(categories)

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else 0.0)

    def y_at(v: float) -> float:
        return top + plot_h - (v / axis_top) * plot_h

    parts = [
        f'<svg class="sa-chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<text x="0" y="20" class="sa-chart-title" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    # legend
    lx = left
    for k, s in enumerate(series):
        colour, shape = SERIES_COLOURS[k % len(SERIES_COLOURS)], MARKERS[k % len(MARKERS)]
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(
            f'<g><line x1="{lx}" y1="40" x2="{lx + 28}" y2="40" stroke="{colour}" stroke-width="2.5"{dash}/>'
            f"{_marker(shape, lx + 14, 40, colour, s.name)}"
            f'<text x="{lx + 34}" y="44" font-size="13">{escape(s.name)}</text></g>'
        )
        lx += 44 + 7 * len(s.name)
    # value axis: five gridlines from zero to the axis top
    for g in range(5):
        v = axis_top * g / 4
        y = y_at(v)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dfe1e2"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{label(v)}</text>'
        )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#565c65"/>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#565c65"/>')
    # category axis: at most about twelve labels, always the first and the last
    every = max(1, math.ceil(n / 12))
    for i, c in enumerate(categories):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{top + plot_h + 20}" text-anchor="middle" font-size="12">{escape(c[:14])}</text>'
            )
    if not values:
        parts.append(f'<text x="{left + 10}" y="{top + plot_h / 2:.1f}" font-size="13">No amounts for this selection.</text>')
    for k, s in enumerate(series):
        colour, shape = SERIES_COLOURS[k % len(SERIES_COLOURS)], MARKERS[k % len(MARKERS)]
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        points = [(i, float(v)) for i, v in enumerate(s.values[:n]) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        for i, v in points:
            parts.append(_marker(shape, x_at(i), y_at(v), colour, f"{s.name}, {categories[i]}: {label(v)}"))
    parts.append("</svg>")
    return "".join(parts)
