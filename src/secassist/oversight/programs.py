"""A "program" is a Title 22 allocation line or a Title 10 proposal. Keys name them in the API,
forms and import files: `t22:<allocation id>` or `t10:<proposal reference>`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secassist.budget import selectors as budget_selectors
from secassist.budget.models import Allocation
from secassist.core.errors import InvalidInput
from secassist.title10 import selectors as title10_selectors
from secassist.title10.models import Proposal

KEY_HELP = "t22:<allocation id> (a Title 22 line) or t10:<proposal reference> (a Title 10 proposal)"


@dataclass(frozen=True)
class Program:
    allocation: Allocation | None = None
    proposal: Proposal | None = None

    @property
    def key(self) -> str:
        return f"t22:{self.allocation.pk}" if self.allocation is not None else f"t10:{self.proposal.reference}"  # type: ignore[union-attr]

    @property
    def label(self) -> str:
        if self.allocation is not None:
            a = self.allocation
            return f"FY{a.appropriation.fiscal_year} {a.account.code} {a.recipient_name}" + (
                f" — {a.purpose}" if a.purpose else ""
            )
        assert self.proposal is not None
        return f"{self.proposal.reference} {self.proposal.title}"

    @property
    def team(self) -> str:
        return "t22" if self.allocation is not None else "t10"

    @property
    def country_id(self) -> int:
        """Programs are per country: resolve() refuses regional and global lines."""
        found = self.allocation.country_id if self.allocation is not None else self.proposal.country_id  # type: ignore[union-attr]
        assert found is not None
        return found

    @property
    def country_iso3(self) -> str:
        if self.allocation is not None:
            return self.allocation.iso3
        assert self.proposal is not None
        return self.proposal.country.iso3

    def fk(self) -> dict[str, Any]:
        return {"allocation": self.allocation, "proposal": self.proposal}


def of(obj: Any) -> Program:
    """The program of a row that names an allocation or a proposal (indicator, delivery, link)."""
    return Program(allocation=obj.allocation) if obj.allocation_id else Program(proposal=obj.proposal)


def resolve(key: Any, *, field: str = "program") -> Program:
    """Parse a program key; a country-less line (regional, global) cannot carry oversight records."""
    raw = str(key or "").strip()
    kind, _, ident = raw.partition(":")
    if kind.lower() == "t22" and ident.strip().isdigit():
        alloc = budget_selectors.allocations().filter(pk=int(ident)).first()
        if alloc is None:
            raise InvalidInput(f"no Title 22 line {ident}", field=field, value=raw)
        if alloc.country_id is None:
            raise InvalidInput(f"line {ident} is not a country line; oversight records are per country", field=field, value=raw)
        return Program(allocation=alloc)
    if kind.lower() == "t10" and ident.strip():
        proposal = title10_selectors.proposals().filter(reference=ident.strip()).first()
        if proposal is None:
            raise InvalidInput(f"no Title 10 proposal {ident.strip()}", field=field, value=raw)
        return Program(proposal=proposal)
    raise InvalidInput(f"{field} must be {KEY_HELP}", field=field, value=raw, allowed=["t22:<id>", "t10:<reference>"])
