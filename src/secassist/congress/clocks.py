"""The clock engine (DOMAIN §9.3): pure date arithmetic for every kind of statutory clock.

Kinds: N days before an action, N days after an event, N days after enactment, fixed calendar
dates, FY-relative dates, and the emergency variant (no later than N days after the action).
Days are calendar days unless the rule says business days (`core.calendar`, federal holidays
excluded). No queries here: callers pass the rule's numbers in.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from secassist.core.calendar import add_business_days
from secassist.core.dates import add_days as total_add_days
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import MAX_FY, MIN_FY, FiscalYear

CALENDAR = "calendar"
BUSINESS = "business"


@dataclass(frozen=True)
class ClockSpec:
    """The numbers of a rule the engine needs (a NotificationRule or a test's literal)."""

    kind: str
    days: int | None = None
    day_basis: str = CALENDAR
    month: int | None = None
    day: int | None = None
    fy_anchor: str = ""
    offset_days: int = 0
    emergency_days_after: int | None = None


def _unknown_basis(basis: str) -> InvalidInput:
    return InvalidInput(
        f"day basis must be {CALENDAR} or {BUSINESS}", field="day_basis", value=basis, allowed=[CALENDAR, BUSINESS]
    )


def add_days(start: dt.date, days: int, basis: str = CALENDAR) -> dt.date:
    if basis == BUSINESS:
        return add_business_days(start, days)
    if basis != CALENDAR:
        raise _unknown_basis(basis)
    return total_add_days(start, days)


def subtract_days(end: dt.date, days: int, basis: str = CALENDAR) -> dt.date:
    """The latest date that is `days` days before `end` (business days counted backwards).

    A basis other than calendar or business days is refused, as `add_days` refuses it: one rule
    must not count business days backwards from the action and refuse to count forwards."""
    if basis == CALENDAR:
        return total_add_days(end, -days)
    if basis != BUSINESS:
        raise _unknown_basis(basis)
    from secassist.core.calendar import is_business_day

    day, remaining = end, days
    while remaining and day > dt.date.min:
        day = total_add_days(day, -1)
        if is_business_day(day):
            remaining -= 1
    return day


def _need_days(spec: ClockSpec) -> int:
    if spec.days is None:
        raise InvalidInput(f"a {spec.kind} clock needs a number of days", field="days")
    return spec.days


def wait_ends_on(spec: ClockSpec, transmitted_on: dt.date) -> dt.date:
    """Before-action clock: a CN transmitted on D allows the action on D + N (N full days' notice)."""
    return add_days(transmitted_on, _need_days(spec), spec.day_basis)


def latest_notice_for_action(spec: ClockSpec, action_on: dt.date) -> dt.date:
    """Before-action clock seen from the action: transmit no later than action − N days."""
    return subtract_days(action_on, _need_days(spec), spec.day_basis)


def due_after(spec: ClockSpec, event_on: dt.date) -> dt.date:
    """After-event and after-enactment clocks: due no later than event + N days."""
    return add_days(event_on, _need_days(spec), spec.day_basis)


def emergency_due(spec: ClockSpec, action_on: dt.date) -> dt.date:
    """Emergency variant (e.g. SFOPS §7015(e)): notice no later than N days after the action."""
    if spec.emergency_days_after is None:
        raise InvalidInput("this rule has no emergency variant", field="is_emergency")
    return add_days(action_on, spec.emergency_days_after, spec.day_basis)


def fixed_date_in(spec: ClockSpec, year: int) -> dt.date:
    """The clock's date in calendar `year`; a 29 February rule falls on 28 February in a common year.

    A statute that names 29 February gives no date in three years of four. The earlier day is
    chosen (ADR 0854): for a "no later than" deadline, 28 February is the last day that is on time
    in every reading, while 1 March would be late if the statute meant "the end of February".
    Any other day that no month has (30 February, 31 April, month 13) is a bad rule: refused,
    naming the field, never a ValueError.
    """
    if not spec.month or not spec.day:
        raise InvalidInput("a fixed-date clock needs a month and a day", field="month")
    if not 1 <= spec.month <= 12:
        raise InvalidInput("a fixed-date clock's month must be 1 to 12", field="month", value=spec.month)
    if not 1 <= year <= 9999:
        raise InvalidInput("a fixed-date clock's year must be 1 to 9999", field="year", value=year)
    if (spec.month, spec.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    if spec.day > calendar.monthrange(2000, spec.month)[1] or spec.day < 1:
        raise InvalidInput(f"a fixed-date clock's day must be a day of month {spec.month}", field="day", value=spec.day)
    return dt.date(year, spec.month, spec.day)


def fy_relative(spec: ClockSpec, fiscal_year: int) -> dt.date:
    fy = FiscalYear(fiscal_year)
    if spec.fy_anchor == "fy_start":
        anchor = fy.start
    elif spec.fy_anchor == "fy_end":
        anchor = fy.end
    else:
        raise InvalidInput(
            "an FY-relative clock needs fy_anchor fy_start or fy_end",
            field="fy_anchor",
            value=spec.fy_anchor,
            allowed=["fy_start", "fy_end"],
        )
    return total_add_days(anchor, spec.offset_days)


def _fy_number(day: dt.date) -> int:
    """The fiscal year a day falls in (FY N runs 1 October N-1 to 30 September N), for any day."""
    return day.year + 1 if day.month >= 10 else day.year


def occurrences(spec: ClockSpec, start: dt.date, end: dt.date) -> list[dt.date]:
    """Recurring clocks (fixed-date and FY-relative) falling between start and end, inclusive."""
    dates: list[dt.date] = []
    if spec.kind == "fixed_date":
        for year in range(start.year, end.year + 1):
            day = fixed_date_in(spec, year)
            if start <= day <= end:
                dates.append(day)
    elif spec.kind == "fy_relative":
        # FY F's date is its anchor (1 October or 30 September, a day of FY F) moved by offset_days,
        # so the fiscal years whose date can fall in the window are those of the window moved back
        # by the offset, however many years the offset spans (looking one fiscal year either side
        # of the window missed a rule due, say, two years after the end of the fiscal year). A
        # window at the ends of the date domain reaches fiscal years the product does not have
        # (before MIN_FY, after MAX_FY): those have no occurrence rather than raising.
        first = max(MIN_FY, _fy_number(total_add_days(start, -spec.offset_days)))
        last = min(MAX_FY, _fy_number(total_add_days(end, -spec.offset_days)))
        for fy in range(first, last + 1):
            day = fy_relative(spec, fy)
            if start <= day <= end:
                dates.append(day)
    return sorted(dates)


def cleared_to_obligate_on(wait_end: dt.date | None, hold_lifts: list[dt.date | None]) -> dt.date | None:
    """Waiting period over AND no open hold: the later of the wait end and the last hold lifted.

    None while the CN is not transmitted or while any hold is open (`None` in `hold_lifts`).
    """
    if wait_end is None or any(lift is None for lift in hold_lifts):
        return None
    return max([wait_end, *[d for d in hold_lifts if d is not None]])
