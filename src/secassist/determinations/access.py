"""The only way an interface loads a package for a user: 404 for missing and for not-yours."""

from __future__ import annotations

from typing import Any

from secassist.accounts.access import get_visible

from . import selectors
from .models import DeterminationPackage


def package(user: Any, pk: Any) -> DeterminationPackage:
    return get_visible(selectors.packages(user), pk=pk)
