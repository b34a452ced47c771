"""Money is Decimal with two places, never float.

`to_money` is the one parser every interface uses, so a bad amount gets the same clear error
wherever it is typed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from .errors import InvalidInput

CENT = Decimal("0.01")
MAX_DIGITS = 18
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES) - CENT


def to_money(value: object, *, field: str = "amount", allow_negative: bool = False) -> Decimal:
    """Parse a user-supplied amount; refuse floats' surprises, blanks, and silent rounding."""
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("$", "")
    try:
        amount = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(
            f"{field} must be a decimal number of dollars, e.g. 1250000.00",
            field=field,
            value=value,
        ) from None
    if not amount.is_finite():
        raise InvalidInput(f"{field} must be a finite number", field=field, value=str(value))
    if abs(amount) > MAX_AMOUNT:
        raise InvalidInput(f"{field} is larger than {MAX_AMOUNT}", field=field, value=str(value))
    if amount != amount.quantize(CENT):
        raise InvalidInput(
            f"{field} has more than two decimal places; amounts are in dollars and cents",
            field=field,
            value=str(value),
        )
    if amount < 0 and not allow_negative:
        raise InvalidInput(f"{field} must not be negative", field=field, value=str(value))
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
