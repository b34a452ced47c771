"""One cleared CN's coverage of a line, as the obligation gate sees it: the shared factory of the
congress rule tests (edges and findings), each overriding only what its table varies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from secassist.congress.rules import Coverage

CLEARED_ON = dt.date(2026, 3, 17)


def cleared_cn(amount: str = "1000.00", cleared_on: dt.date | None = CLEARED_ON, tolerance: str = "0", **over: Any) -> Coverage:
    values = {
        "number": "CN-26-001",
        "status": "cleared_to_obligate",
        "amount": Decimal(amount),
        "transmitted_on": dt.date(2026, 3, 2),
        "wait_ends_on": dt.date(2026, 3, 17),
        "open_holds": [],
        "cleared_on": cleared_on,
        "tolerance": Decimal(tolerance),
        "citation": "SFOPS §7015",
        "stage": "cleared_to_obligate",
        **over,
    }
    return Coverage(**values)
