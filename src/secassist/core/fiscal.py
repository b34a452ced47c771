"""US government fiscal years: FY N runs 1 October N-1 to 30 September N."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import InvalidInput

MIN_FY = 1946
MAX_FY = 2100


@dataclass(frozen=True, order=True)
class FiscalYear:
    year: int

    def __post_init__(self) -> None:
        if not MIN_FY <= self.year <= MAX_FY:
            raise InvalidInput(
                f"fiscal year must be between {MIN_FY} and {MAX_FY}",
                field="fiscal_year",
                value=self.year,
            )

    @classmethod
    def of(cls, day: dt.date) -> FiscalYear:
        return cls(day.year + 1 if day.month >= 10 else day.year)

    @classmethod
    def parse(cls, value: object, *, field: str = "fiscal_year") -> FiscalYear:
        text = str(value).strip().upper().removeprefix("FY")
        if not text.isdigit():
            raise InvalidInput(
                f"{field} must be a four-digit fiscal year such as 2025",
                field=field,
                value=value,
            )
        year = int(text)
        if not MIN_FY <= year <= MAX_FY:
            raise InvalidInput(f"{field} must be between {MIN_FY} and {MAX_FY}", field=field, value=value)
        return cls(year)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 10, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 9, 30)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def quarter_of(self, day: dt.date) -> int:
        if not self.contains(day):
            raise ValueError(f"{day} is not in {self}")
        return (day.month - 10) % 12 // 3 + 1

    def quarter_bounds(self, quarter: int) -> tuple[dt.date, dt.date]:
        if quarter not in (1, 2, 3, 4):
            raise InvalidInput("quarter must be 1, 2, 3 or 4", field="quarter", value=quarter)
        start_month = (10 + 3 * (quarter - 1) - 1) % 12 + 1
        start_year = self.year - 1 if start_month >= 10 else self.year
        start = dt.date(start_year, start_month, 1)
        next_month = start_month + 3
        next_year = start_year + (1 if next_month > 12 else 0)
        end = dt.date(next_year, (next_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
        return start, end

    def __add__(self, years: int) -> FiscalYear:
        return FiscalYear(self.year + years)

    def __str__(self) -> str:
        return f"FY{self.year}"


def period_of_availability_end(fiscal_year: int, years_available: int) -> dt.date:
    """Last day on which new obligations may be made: 30 Sep of FY + years_available - 1.

    One-year money of FY2025 expires 30 Sep 2025; two-year money on 30 Sep 2026.
    """
    if years_available < 1:
        raise InvalidInput("years of availability must be at least 1", field="years_available")
    return FiscalYear(fiscal_year + years_available - 1).end


def cancellation_date(expiry: dt.date, *, years_after_expiry: int = 5) -> dt.date:
    """31 U.S.C. 1552(a): closed on 30 Sep of the 5th fiscal year after the account expires."""
    return FiscalYear(FiscalYear.of(expiry).year + years_after_expiry).end
