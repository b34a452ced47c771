"""The one chart helper (core/charts.py, ADR 1102): line charts as well as bars, readable axes, series told
apart without colour, and no chart script or Vega left anywhere in the product."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from secassist.core.charts import Series, days_label, line_chart

ROOT = Path(__file__).resolve().parents[1]


def _points(svg: str) -> list[tuple[float, float, str]]:
    found = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="4"[^>]*><title>([^<]*)</title>', svg)
    return [(float(x), float(y), t) for x, y, t in found]


def test_a_line_chart_puts_each_value_at_its_height_from_zero_and_labels_it() -> None:
    svg = line_chart(
        ["FY2027 Q1", "FY2027 Q2", "FY2027 Q3"],
        [Series("Obligated", (Decimal("0"), Decimal("500000"), Decimal("1000000")))],
        title="Execution <FY2027>",
        description="desc",
        chart_id="t",
    )
    assert '<title id="t-title">Execution &lt;FY2027&gt;</title>' in svg and 'role="img"' in svg
    (x0, y0, t0), (x1, y1, _), (x2, y2, t2) = _points(svg)[1:]  # the first circle is the legend's marker
    assert x0 < x1 < x2
    assert y0 == 324.0 and y2 == 64.0 and y1 == pytest.approx((y0 + y2) / 2)  # zero at the bottom, the top of the axis
    assert t0 == "Obligated, FY2027 Q1: $0" and t2 == "Obligated, FY2027 Q3: $1.0M"
    assert ">$1.0M</text>" in svg and ">$500K</text>" in svg  # axis labels in $K/$M/$B


def test_a_missing_value_is_no_point_not_a_zero_and_a_plan_is_dashed() -> None:
    svg = line_chart(
        ["Q1", "Q2"],
        [Series("Actual", (Decimal("10"), Decimal("20"))), Series("Plan", (None, Decimal("30")), dashed=True)],
        title="t",
        description="d",
        chart_id="c",
    )
    assert "Plan, Q1" not in svg and "Plan, Q2: $30" in svg
    assert svg.count('stroke-dasharray="6 4"') == 1  # the plan's legend line and nothing else: one point draws no line
    assert "<rect" in svg  # the second series has its own marker shape (square), not only a colour


def test_an_empty_line_chart_says_so() -> None:
    svg = line_chart([], [], title="t", description="d", chart_id="e")
    assert "No amounts for this selection." in svg


@pytest.mark.parametrize(("value", "label"), [(0, "0 days"), (1, "1 day"), (17, "17 days"), (1200, "1,200 days"), (None, "—")])
def test_days_read_as_days(value: int | None, label: str) -> None:
    assert days_label(value) == label


def test_no_page_loads_vega_or_a_chart_script_any_more() -> None:
    """Every chart is drawn on the server; Vega is gone from the templates, static files, vendoring and packages."""
    sources = [p for p in (ROOT / "src").rglob("*") if p.is_file() and p.suffix in {".html", ".js", ".py", ".css"}]
    offenders = [str(p.relative_to(ROOT)) for p in sources if re.search(r"vega|data-spec=", p.read_text(errors="ignore"), re.I)]
    assert offenders == []
    assert not [d for d in json.loads((ROOT / "package.json").read_text())["dependencies"] if d.startswith("vega")]
    assert "vega" not in (ROOT / "scripts" / "vendor_assets.py").read_text()
