"""Money is Decimal with two places, never float.

`to_money` is the one parser every interface uses, so a bad amount gets the same clear error
wherever it is typed.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

from .errors import InvalidInput

CENT = Decimal("0.01")
MAX_DIGITS = 18
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES) - CENT


# Digits, an optional point and at most two decimals, an optional leading minus: nothing else. A
# thousands separator, a currency sign, blanks around the number, an exponent, NaN or Infinity are
# refused with a message, never normalised silently (issue #12 item 8): "1,000" could be one
# thousand or one (a European decimal comma), and "  12 " pasted from a sheet may have lost digits.
AMOUNT_PATTERN = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
AMOUNT_EXAMPLE = "1250000.00"


def _refuse(field: str, why: str, value: object) -> InvalidInput:
    return InvalidInput(
        f"{field} {why}; write dollars and cents as digits with an optional point, e.g. {AMOUNT_EXAMPLE}",
        field=field,
        value=str(value)[:40],
        allowed=f"-?digits(.cc), at most {MAX_DIGITS - DECIMAL_PLACES} digits before the point",
    )


def _as_text(value: object, field: str) -> str:
    if isinstance(value, bool) or value is None:
        raise _refuse(field, "must be an amount", value)
    if isinstance(value, int):
        if abs(value) > MAX_AMOUNT:  # before str(): a 5,000-digit int would not even convert
            raise _refuse(field, f"is larger than {MAX_AMOUNT}", "(a very large integer)")
        return str(value)
    if isinstance(value, float):
        return repr(value)  # 1e+30, nan and inf then fail the pattern like their text forms
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _refuse(field, "must be a finite number", value)
        if abs(value) > MAX_AMOUNT:
            raise _refuse(field, f"is larger than {MAX_AMOUNT}", value)
        if value != value.quantize(CENT):
            raise _refuse(field, "has more than two decimal places; amounts are in dollars and cents", value)
        return format(value.quantize(CENT), "f")
    if isinstance(value, str):
        return value
    raise _refuse(field, "must be an amount", value)


def to_money(value: object, *, field: str = "amount", allow_negative: bool = False, allow_zero: bool = True) -> Decimal:
    """Parse a user-supplied amount strictly: what is typed is what is stored, or a clear refusal."""
    text = _as_text(value, field)
    if text != text.strip():
        raise _refuse(field, "has blanks around the number", value)
    if not AMOUNT_PATTERN.fullmatch(text):
        if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", text):
            raise _refuse(field, "has more than two decimal places; amounts are in dollars and cents", value)
        raise _refuse(field, "must be a decimal number of dollars (no commas, currency signs, exponents or blanks)", value)
    amount = Decimal(text)
    if abs(amount) > MAX_AMOUNT:
        raise _refuse(field, f"is larger than {MAX_AMOUNT}", value)
    if text.startswith("-") and amount == 0:
        raise _refuse(field, "is a negative zero", value)
    if amount < 0 and not allow_negative:
        raise _refuse(field, "must not be negative", value)
    if amount == 0 and not allow_zero:
        raise _refuse(field, "must be more than zero", value)
    return amount.quantize(CENT)


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def fmt_money(amount: Decimal | None) -> str:
    """$1,234,567.00 — how the office reads amounts."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def money_str(amount: Decimal) -> str:
    """Amounts in the API are decimal strings so no client parses them as floats."""
    return str(quantize(amount))
