"""Template helpers of the insights pages: short currency labels and amounts in tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from secassist.core.money import fmt_money
from secassist.insights.charts import money_label

register = template.Library()


@register.filter
def money_short(value: Any) -> str:
    """$1.2B / $350M / $12K (chart labels and summaries)."""
    return money_label(value) if value not in (None, "") else "—"


@register.filter
def money(value: Any) -> str:
    """$1,234,567.00 in tables; an empty cell (not tracked) is a dash, never a zero."""
    if value in (None, ""):
        return "—"
    return fmt_money(Decimal(value))
