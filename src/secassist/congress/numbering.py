"""CN numbers: CN-<FY>-<NNN>, the next free number in the fiscal year."""

from __future__ import annotations

from .models import Package


def next_number(fiscal_year: int) -> str:
    prefix = f"CN-{fiscal_year}-"
    numbers = [
        int(n.removeprefix(prefix))
        for n in Package.objects.filter(number__startswith=prefix).values_list("number", flat=True)
        if n.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"
