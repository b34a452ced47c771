"""Template filters of the oversight pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from secassist.oversight.rules import num as _num

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """An indicator value without trailing zeros or exponent: 20.0000 → 20, 12.5000 → 12.5."""
    return _num(value) if isinstance(value, Decimal) else ("" if value is None else str(value))
