import datetime as dt
from decimal import Decimal

import pytest

from secassist.core.calendar import add_business_days, business_days_between, is_business_day
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import FiscalYear, cancellation_date, period_of_availability_end
from secassist.core.money import fmt_money, to_money


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (dt.date(2024, 9, 30), 2024),
        (dt.date(2024, 10, 1), 2025),
        (dt.date(2025, 1, 1), 2025),
        (dt.date(2025, 9, 30), 2025),
        (dt.date(1976, 7, 1), 1976),
    ],
)
def test_fiscal_year_of_a_date_starts_on_1_october(day, fy):
    assert FiscalYear.of(day).year == fy


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (dt.date(2024, 10, 1), 1),
        (dt.date(2024, 12, 31), 1),
        (dt.date(2025, 1, 1), 2),
        (dt.date(2025, 4, 1), 3),
        (dt.date(2025, 9, 30), 4),
    ],
)
def test_fiscal_quarters(day, quarter):
    assert FiscalYear(2025).quarter_of(day) == quarter


def test_quarter_bounds_cover_the_year():
    fy = FiscalYear(2025)
    assert fy.quarter_bounds(1) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert fy.quarter_bounds(2) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert fy.quarter_bounds(4) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))


@pytest.mark.parametrize(("fy", "years", "end"), [(2025, 1, dt.date(2025, 9, 30)), (2025, 2, dt.date(2026, 9, 30))])
def test_period_of_availability_ends_30_september_of_the_last_year(fy, years, end):
    assert period_of_availability_end(fy, years) == end


def test_cancellation_is_30_september_of_the_fifth_fy_after_expiry():
    # Two-year FY2024 money expires 30 Sep 2025 (FY2025); cancelled 30 Sep 2030 (31 U.S.C. 1552(a)).
    assert cancellation_date(dt.date(2025, 9, 30)) == dt.date(2030, 9, 30)


@pytest.mark.parametrize("value", ["FY2025", "2025", " fy2025 ", 2025])
def test_fiscal_year_parse_accepts_common_spellings(value):
    assert FiscalYear.parse(value).year == 2025


@pytest.mark.parametrize("value", ["20x5", "", "FY", "1800", "3000"])
def test_fiscal_year_parse_rejects_bad_input_naming_the_field(value):
    with pytest.raises(InvalidInput) as exc:
        FiscalYear.parse(value)
    assert exc.value.details["field"] == "fiscal_year"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1250000", Decimal("1250000.00")),
        ("1250000.50", Decimal("1250000.50")),
        (Decimal("3.10"), Decimal("3.10")),
        (7, Decimal("7.00")),
    ],
)
def test_money_parses_dollars_and_cents(raw, expected):
    assert to_money(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1.005", "-5", "NaN", "Infinity", "1e30", None, "$1,250,000.50", " 12", "-0"])
def test_money_refuses_bad_amounts_without_rounding(raw):
    with pytest.raises(InvalidInput) as exc:
        to_money(raw)
    assert exc.value.details["field"] == "amount"


def test_money_formats_like_the_office_reads_it():
    assert fmt_money(Decimal("-1234567.5")) == "-$1,234,567.50"


def test_business_days_skip_weekends_and_federal_holidays():
    # Thanksgiving 2026 is Thursday 26 Nov; Christmas Friday 25 Dec.
    assert not is_business_day(dt.date(2026, 11, 26))
    assert add_business_days(dt.date(2026, 11, 25), 1) == dt.date(2026, 11, 27)
    assert add_business_days(dt.date(2026, 12, 23), 2) == dt.date(2026, 12, 28)
    assert business_days_between(dt.date(2026, 12, 23), dt.date(2026, 12, 28)) == 2
