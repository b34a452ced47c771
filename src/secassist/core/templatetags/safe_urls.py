"""Render links through one helper: `{% load safe_urls %}` then `{{ url|safe_url }}` (the URL, or ''
when it is not https/relative) or `{% safe_link url text %}` (an <a>, or the text alone)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from secassist.core.safe_url import is_safe_url

register = template.Library()


@register.filter
def safe_url(value: Any) -> str:
    return value if is_safe_url(value) else ""


@register.simple_tag
def safe_link(url: Any, text: Any, css_class: str = "") -> str:
    if not is_safe_url(url):
        return format_html("{}", text)
    if css_class:
        return format_html('<a class="{}" href="{}">{}</a>', css_class, url, text)
    return format_html('<a href="{}">{}</a>', url, text)
