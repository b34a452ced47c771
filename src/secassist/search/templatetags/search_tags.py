from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from secassist.search.index import MARK_END, MARK_START

register = template.Library()


@register.filter
def highlighted(snippet: str) -> SafeString:
    """Escape the snippet first, then turn the engine's match markers into <mark>: nothing in it can be markup."""
    safe = escape(snippet.replace(MARK_START, "\x00s").replace(MARK_END, "\x00e"))
    return mark_safe(safe.replace("\x00s", "<mark>").replace("\x00e", "</mark>"))  # noqa: S308 - escaped above
