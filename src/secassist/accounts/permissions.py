"""The URL -> permission map. Every page view declares what it needs with @public or
@capability(...); PermissionMapMiddleware enforces it and refuses any view that declares nothing
(fail closed). tests/test_permissions.py keeps docs/permissions.md in sync with the URL resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .roles import CAPABILITIES

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "public"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def public(view: F) -> F:
    view.required_capability = PUBLIC  # type: ignore[attr-defined]
    view.write_capability = PUBLIC  # type: ignore[attr-defined]
    return view


def capability(read: str, write: str | None = None) -> Callable[[F], F]:
    """`read` guards GET/HEAD; `write` (default: the same) guards POST, PUT, PATCH, DELETE."""
    for cap in (read, write):
        if cap is not None and cap not in CAPABILITIES:
            raise KeyError(f"unknown capability {cap!r}")

    def decorate(view: F) -> F:
        view.required_capability = read  # type: ignore[attr-defined]
        view.write_capability = write or read  # type: ignore[attr-defined]
        return view

    return decorate


def required_for(view: Any, method: str) -> str | None:
    target = getattr(view, "view_class", None) or view
    if method.upper() in SAFE_METHODS:
        return getattr(view, "required_capability", None) or getattr(target, "required_capability", None)
    return getattr(view, "write_capability", None) or getattr(target, "write_capability", None)
