"""Template helpers for the Title 10 pages: one labelled, described, error-tied input per column."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("title10/_field.html", takes_context=True)
def field(context: Any, name: str, textarea: bool = False, readonly: bool = False) -> dict[str, Any]:
    column = context["columns"].get(name)
    values = context.get("values") or {}
    return {
        "name": name,
        "label": name.replace("_", " ").capitalize(),
        "help": column.help if column else "",
        "required": bool(column and column.required),
        "value": values.get(name, ""),
        "error": (context.get("errors") or {}).get(name, ""),
        "textarea": textarea,
        "readonly": readonly,
    }


@register.filter
def get(mapping: Any, key: str) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
