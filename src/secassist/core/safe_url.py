"""The one URL rule: a link the product stores or renders is `https://host/...` or a relative path.

Everything else (`javascript:`, `data:`, `http:`, `//evil.example`, `/\\evil`, control characters)
is refused where the value enters (models, forms, services, API) and not rendered as a link where it
leaves (`{{ value|safe_url }}`, `{% safe_link value text %}` in `core/templatetags/safe_urls.py`),
so a row that slipped in before the rule existed is still harmless.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models

from .errors import InvalidInput

ALLOWED = "an https:// address (https://host/path) or a relative path starting with a single '/'"
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")  # whitespace, control characters, backslashes


def is_safe_url(value: Any) -> bool:
    """Only a non-empty https URL with a host, or a path like '/plans/3/' (never '//host')."""
    if not isinstance(value, str) or not value or _FORBIDDEN_CHARS.search(value):
        return False
    if value.startswith("/"):
        return not value.startswith("//")
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and value.lower().startswith("https://")


def validate_safe_url(value: Any) -> None:
    """Django validator (models, forms): blank is allowed, anything else must be safe."""
    if value in ("", None):
        return
    if not is_safe_url(value):
        raise ValidationError(f"Enter {ALLOWED}.", code="unsafe_url")


def clean_url(value: Any, *, field: str) -> str:
    """Service-level check: returns the stripped URL ('' when blank) or raises InvalidInput."""
    text = "" if value is None else str(value).strip()
    if text and not is_safe_url(text):
        raise InvalidInput(f"{field}: {text[:80]!r} is not allowed; enter {ALLOWED}", field=field, allowed=ALLOWED)
    return text


class SafeURLField(models.CharField):
    """A CharField holding an https URL or a relative path (validated by `validate_safe_url`)."""

    default_validators = [validate_safe_url]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 400)
        super().__init__(*args, **kwargs)
