"""Pure rules of determination packages: the congressional-notice clock, the signing guard and the
statutory dates of the annual calendar. No queries; each result names its rule code and citation.

Rule codes (listed in docs/user-guide/determinations.md):
- DET-001 a package is signed only after every required office has cleared
- DET-002 the signature date is not in the future and not before the package was opened
- DET-003 the congressional notice clock (before / after / with the determination)
- DET-004 a "before" notice must be sent before the waiver can take effect (recorded before signature)
- DET-005 the justification is frozen once the package is signed
- DET-006 a package closes only when its notice is sent and, where required, it is published
- DET-007 one open package per restriction, country and fiscal year
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from secassist.core.dates import add_days

CLEARED = frozenset({"clear", "clear_with_comments"})


@dataclass(frozen=True)
class Result:
    code: str
    severity: str
    message: str
    citation: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
            "data": self.data,
        }


def clearance_gaps(required: Iterable[str], positions: Mapping[str, str]) -> Result | None:
    """DET-001: offices that must clear and have not (pending, not asked, or did not clear)."""
    missing = sorted(code for code in required if positions.get(code) not in CLEARED)
    if not missing:
        return None
    detail = {code: positions.get(code, "not asked") for code in missing}
    return Result(
        "DET-001",
        "error",
        "the package cannot be signed before every required office has cleared; outstanding: "
        + ", ".join(f"{c} ({p})" for c, p in detail.items()),
        "determination routing (data/determinations/types.csv, clearing_offices)",
        {"outstanding": detail},
    )


def signature_date_problem(signed_on: dt.date, *, opened_on: dt.date, today: dt.date) -> Result | None:
    """DET-002: a signature is recorded after the fact, never for a future day or before the package existed."""
    if signed_on > today:
        return Result("DET-002", "error", f"the signature date {signed_on} is in the future (today is {today})")
    if signed_on < opened_on:
        return Result("DET-002", "error", f"the signature date {signed_on} is before the package was opened ({opened_on})")
    return None


@dataclass(frozen=True)
class Clock:
    direction: str
    days: int
    citation: str
    signed_on: dt.date | None
    sent_on: dt.date | None
    due_on: dt.date | None
    effective_from: dt.date | None
    days_left: int | None
    state: str  # not_started | running | overdue | sent | sent_late | waiting_effect

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": "DET-003",
            "direction": self.direction,
            "days": self.days,
            "citation": self.citation,
            "signed_on": self.signed_on,
            "sent_on": self.sent_on,
            "due_on": self.due_on,
            "effective_from": self.effective_from,
            "days_left": self.days_left,
            "state": self.state,
        }


def notice_clock(
    *, direction: str, days: int, citation: str, signed_on: dt.date | None, sent_on: dt.date | None, today: dt.date
) -> Clock:
    """DET-003: the statutory clock of the congressional notice, computed from the signature date.

    - after (CSPA, 22 U.S.C. 2370c-1(c)(2)): due `days` after signature; the waiver is in force on signature.
    - before (SST, 22 U.S.C. 2371(d)): the report goes first; the waiver takes effect no earlier than
      `days` after the report (and not before signature).
    - with (TVPA, drug majors): the determination is itself the report; due on the signature date.
    """
    if direction == "before":
        effective = max(signed_on, add_days(sent_on, days)) if (signed_on and sent_on) else None
        if sent_on is None:
            return Clock(direction, days, citation, signed_on, None, None, None, None, "not_started")
        state = "waiting_effect" if effective and today < effective else "sent"
        return Clock(direction, days, citation, signed_on, sent_on, None, effective, None, state)
    if signed_on is None:
        return Clock(direction, days, citation, None, sent_on, None, None, None, "not_started")
    due = add_days(signed_on, days if direction == "after" else 0)
    if sent_on is not None:
        state = "sent" if sent_on <= due else "sent_late"
        return Clock(direction, days, citation, signed_on, sent_on, due, signed_on, None, state)
    left = (due - today).days
    return Clock(direction, days, citation, signed_on, None, due, signed_on, left, "running" if left >= 0 else "overdue")


def before_notice_missing(direction: str, sent_on: dt.date | None, citation: str) -> Result | None:
    """DET-004: a waiver whose report must precede it cannot enter the register before the report is sent."""
    if direction == "before" and sent_on is None:
        return Result(
            "DET-004",
            "error",
            "record the report to Congress first: this waiver takes effect only after the statutory wait that follows it",
            citation,
        )
    return None


def close_gaps(*, notice_sent: bool, needs_publication: bool, published: bool) -> Result | None:
    """DET-006."""
    missing = ([] if notice_sent else ["congressional notice not recorded as sent"]) + (
        ["Federal Register publication not recorded"] if needs_publication and not published else []
    )
    if not missing:
        return None
    return Result("DET-006", "error", "the package cannot be closed: " + "; ".join(missing), data={"missing": missing})


# ---- calendar -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeView:
    key: str
    due_month: int | None
    due_day: int | None
    anchor_key: str | None
    offset_min_days: int | None
    offset_max_days: int | None
    reminder_days: tuple[int, ...] = ()


def statutory_window(item: TypeView, year: int, fixed: Mapping[str, TypeView]) -> tuple[dt.date, dt.date] | None:
    """(window opens, due) in calendar year `year`: a fixed month/day, or an offset window from an anchor item."""
    if item.due_month and item.due_day:
        day = dt.date(year, item.due_month, item.due_day)
        return day, day
    if item.anchor_key and item.anchor_key in fixed:
        anchor = statutory_window(fixed[item.anchor_key], year, fixed)
        if anchor is None:
            return None
        base = anchor[1]
        return add_days(base, item.offset_min_days or 0), add_days(base, item.offset_max_days or 0)
    return None


def reminder_dates(due_on: dt.date, reminder_days: Iterable[int]) -> list[dt.date]:
    return sorted(add_days(due_on, -d) for d in reminder_days)
