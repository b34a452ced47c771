"""Server-rendered SVG charts: a bar chart and a choropleth world map, drawn in Python.

No script, no tile server, no network: the SVG is part of the HTML, so it works offline, under the
strict Content-Security-Policy and in the printed page; every chart has a title, a description and
a data table beside it (screen readers and copying). Colours are ColorBrewer's YlGnBu (colour-blind
safe, sequential); amounts are labelled in $K/$M/$B.

The map's geometry is Natural Earth 1:110m (public domain) as TopoJSON from the `world-atlas` npm
package, vendored by scripts/vendor_assets.py into static/vendor/world-atlas/ (ADR 1100).
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pycountry
from django.contrib.staticfiles import finders
from django.utils.html import escape

from secassist.core.charts import Bar, bar_chart, count_label, money_label  # noqa: F401  (the one helper, re-exported)

GEOMETRY = "vendor/world-atlas/countries-110m.json"
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # ColorBrewer YlGnBu-5, colour-blind safe
NO_DATA = "#e4e4e4"
MAP_WIDTH, MAP_HEIGHT = 960.0, 400.0
NORTH, SOUTH = 84.0, -58.0  # Antarctica and the far north are left out: no recipients there
ANTARCTICA = "010"


# ---------------------------------------------------------------- choropleth map


def _geometry_path() -> Path | None:
    found = finders.find(GEOMETRY)
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


def _decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are quantised and delta-encoded: undo both (the TopoJSON specification, §2.1.3)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular, cropped to the inhabited latitudes."""
    lat = max(min(lat, NORTH), SOUTH)
    return (lon + 180.0) / 360.0 * MAP_WIDTH, (NORTH - lat) / (NORTH - SOUTH) * MAP_HEIGHT


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> str:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    xy = [_project(lon, lat) for lon, lat in points]
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z"


def _alpha3(numeric: str | None) -> str:
    if not numeric:
        return ""
    found = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return found.alpha_3 if found else ""


@functools.cache
def world_shapes() -> tuple[tuple[str, str, str], ...]:
    """(ISO3, name, SVG path) per country of the shipped geometry; empty when it is not installed."""
    path = _geometry_path()
    if path is None:
        return ()
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    shapes = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom.get("id") == ANTARCTICA or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        d = "".join(_ring(ring, arcs) for polygon in polygons for ring in polygon)
        shapes.append((_alpha3(geom.get("id")), geom.get("properties", {}).get("name", ""), d))
    return tuple(shapes)


def _breaks(values: list[Decimal]) -> list[Decimal]:
    """Upper bounds of five classes at the quintiles of the non-zero values (each colour has countries)."""
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, (len(ordered) * k) // 5)] for k in range(1, 5)] + [ordered[-1]]


def _class_of(value: Decimal, breaks: list[Decimal]) -> int:
    for i, bound in enumerate(breaks):
        if value <= bound:
            return i
    return len(breaks) - 1


def choropleth(
    values: dict[str, Decimal], *, title: str, description: str, chart_id: str, names: dict[str, str] | None = None
) -> str:
    """A world map with each country shaded by its amount (five classes); no data in light grey."""
    shapes = world_shapes()
    if not shapes:
        return (
            '<p class="usa-alert__text">The world map geometry is not installed (run <code>make install</code>); '
            "the amounts are in the table.</p>"
        )
    breaks = _breaks(list(values.values()))
    legend_h = 40
    parts = [
        f'<svg class="sa-chart sa-map" viewBox="0 0 {MAP_WIDTH:.0f} {MAP_HEIGHT + legend_h:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{MAP_WIDTH:.0f}" height="{MAP_HEIGHT:.0f}" fill="#f7fbff"/>',
    ]
    names = names or {}
    for iso3, name, d in shapes:
        value = values.get(iso3)
        fill = PALETTE[_class_of(value, breaks)] if value and breaks else NO_DATA
        label = f"{names.get(iso3, name)}: {money_label(value) if value else 'no amount'}"
        parts.append(
            f'<path d="{d}" fill="{fill}" stroke="#6f7378" stroke-width="0.3" data-iso3="{iso3}">'
            f"<title>{escape(label)}</title></path>"
        )
    parts.append(_legend(breaks, y=MAP_HEIGHT + 8))
    parts.append("</svg>")
    return "".join(parts)


def _legend(breaks: list[Decimal], *, y: float) -> str:
    items = [(NO_DATA, "no amount")]
    low: Decimal = Decimal(0)
    for colour, bound in zip(PALETTE, breaks, strict=False):
        items.append((colour, f"{money_label(low)}–{money_label(bound)}"))
        low = bound
    out = []
    for i, (colour, text) in enumerate(items):
        x = 10 + i * 158
        out.append(
            f'<rect x="{x}" y="{y}" width="18" height="14" fill="{colour}" stroke="#6f7378" stroke-width="0.5"/>'
            f'<text x="{x + 24}" y="{y + 12}" font-size="12">{escape(text)}</text>'
        )
    return "".join(out)
