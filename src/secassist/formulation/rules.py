"""Pure computations of budget formulation: stage comparison, roll-forward, stage order.

Rule codes (FRM-0xx) are listed in docs/user-guide/formulation.md; each refusal names the numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from .models import STAGE_ORDER

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

RULES: dict[str, str] = {
    "FRM-001": "Only the cycle's working stage version takes changes; earlier versions are the record",
    "FRM-002": "Stages follow the order bureau request → PM/F review → F levels → OMB passback → "
    "President's Budget → CBJ → enacted; a cycle never goes back",
    "FRM-003": "F levels are set by F (budget reviewers); analysts comment",
    "FRM-004": "The allocation table is seeded only from the enacted stage, once",
    "FRM-005": "Seeding needs the enacted appropriation of every program in the lines (record it under Funds first)",
    "FRM-006": "A line's recipient already has an allocation line in the appropriation: it is left as it is",
}

# (recipient key, program code) identifies a line across stages and years.
LineKey = tuple[str, str]


@dataclass(frozen=True)
class Comparison:
    key: LineKey
    current: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.current or ZERO) - (self.previous or ZERO)

    @property
    def change_pct(self) -> Decimal | None:
        """Percent change, one decimal; None when there is nothing to compare against."""
        if not self.previous:
            return None
        return (self.change * 100 / self.previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)

    @property
    def status(self) -> str:
        if self.previous is None:
            return "added"
        if self.current is None:
            return "removed"
        return "unchanged" if self.current == self.previous else ("increased" if self.current > self.previous else "decreased")


def compare(current: Mapping[LineKey, Decimal], previous: Mapping[LineKey, Decimal]) -> list[Comparison]:
    """Every key of either side, with its change; sorted by program then recipient."""
    keys = sorted(set(current) | set(previous), key=lambda k: (k[1], k[0]))
    return [Comparison(k, current.get(k), previous.get(k)) for k in keys]


def totals(rows: Iterable[Comparison]) -> dict[str, Decimal]:
    rows = list(rows)
    return {
        "current": sum((r.current or ZERO for r in rows), ZERO),
        "previous": sum((r.previous or ZERO for r in rows), ZERO),
        "change": sum((r.change for r in rows), ZERO),
    }


def roll_forward(actuals: Mapping[LineKey, Decimal], *, change_pct: Decimal = ZERO) -> dict[LineKey, Decimal]:
    """A request from actuals: each line's actual changed by `change_pct` percent, to the cent
    (half-even). Lines whose actual is zero or net negative (deobligated) carry nothing forward."""
    factor = 1 + change_pct / 100
    out: dict[LineKey, Decimal] = {}
    for key, amount in actuals.items():
        if amount <= 0:
            continue
        value = (amount * factor).quantize(CENT, rounding=ROUND_HALF_EVEN)
        if value > 0:
            out[key] = value
    return out


def stage_position(kind: str) -> int:
    return STAGE_ORDER.index(kind)


def may_open(current_kind: str | None, new_kind: str) -> bool:
    """A new version of the same stage or any later stage; never an earlier one."""
    return current_kind is None or stage_position(new_kind) >= stage_position(current_kind)


def next_kind(current_kind: str | None) -> str | None:
    if current_kind is None:
        return STAGE_ORDER[0]
    pos = stage_position(current_kind)
    return STAGE_ORDER[pos + 1] if pos + 1 < len(STAGE_ORDER) else None
