"""Object access helpers: the only way an interface loads an object for a user.

A missing object and an object the user may not see both answer 404, so the existence of records
is not disclosed to outsiders.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from secassist.core.errors import AccessDenied

from .roles import has_capability

M = TypeVar("M", bound=models.Model)


def get_visible(queryset: models.QuerySet[M], **lookup: Any) -> M:
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("No such record, or you may not see it.")
    return obj


def require(user: Any, capability: str) -> None:
    if not has_capability(user, capability):
        raise AccessDenied(f"your role does not allow this action ({capability})", capability=capability)
