"""The current restrictions verdict of a CN package, through the cross-app service "restrictions.check".

A package is checked for its recipient country × program × fiscal year on a date (default today).
The program code checked is the first checkable code among the package's program text, its Title 22
account and its Title 10 authority (the restrictions engine knows exactly those codes), and the
verdict says which one it used. A package for a region (or with no recipient), or with no
checkable code, is "not applicable" with the reason; if the restrictions app is not installed the
verdict says so. Nothing here writes: a verdict is computed on each read, never stored.

Shape of every verdict (the page and the API both use it):
    {"status": "ok" | "not_applicable" | "unavailable" | "error",
     "verdict": "prohibited" | "not_assessed" | "allowed_under_waiver" | "allowed_with_conditions" | "allowed" | None,
     "message": str,                  # the reason when status is not "ok"
     "inputs": {country, program, program_source, fiscal_year, on_date},
     "result": CheckResult | None}    # the engine's result object (the API sends result.as_dict())
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.registry import registry
from secassist.reference.models import Authority, Title22Account

from .models import Package

NOT_INSTALLED = "The restrictions engine is not installed, so no restrictions verdict can be shown for this notification."


def checkable_programs() -> frozenset[str]:
    """The program codes the restrictions engine checks: Title 22 accounts and active Title 10 authorities."""
    codes = set(Title22Account.objects.values_list("code", flat=True))
    codes.update(Authority.objects.filter(is_active=True).values_list("code", flat=True))
    return frozenset(c.upper() for c in codes)


def _candidates(package: Package) -> list[tuple[str, str]]:
    found = [
        ((package.program or "").strip().upper(), "program"),
        (package.account.code.upper() if package.account_id and package.account else "", "account"),
        (package.authority.code.upper() if package.authority_id and package.authority else "", "authority"),
    ]
    return [(code, source) for code, source in found if code]


def inputs_for(package: Package, programs: Iterable[str], on_date: dt.date) -> tuple[dict[str, Any], str]:
    """(inputs, reason): the check's inputs, and a reason when the package cannot be checked ("" otherwise)."""
    known = set(programs)
    inputs: dict[str, Any] = {
        "country": package.country.iso3 if package.country_id and package.country else None,
        "program": None,
        "program_source": None,
        "fiscal_year": package.fiscal_year,
        "on_date": on_date,
    }
    if inputs["country"] is None:
        if package.pseudo_region_id and package.pseudo_region:
            return inputs, (
                f"the recipient is a region or program-wide line ({package.pseudo_region.name}), not a country: "
                "restrictions are checked per country"
            )
        return inputs, "no recipient country is recorded on this notification"
    for code, source in _candidates(package):
        if code in known:
            inputs.update(program=code, program_source=source)
            return inputs, ""
    tried = ", ".join(f"{source} {code!r}" for code, source in _candidates(package)) or "no program, account or authority"
    return inputs, (
        f"{tried}: not a program code the restrictions engine checks "
        "(a Title 22 account such as FMF or IMET, or a Title 10 authority code)"
    )


def _shown(inputs: dict[str, Any]) -> dict[str, Any]:
    return {**inputs, "on_date": inputs["on_date"].isoformat() if inputs.get("on_date") else None}


def _ok(inputs: dict[str, Any], result: Any) -> dict[str, Any]:
    return {"status": "ok", "verdict": result.verdict, "message": "", "inputs": inputs, "result": result}


def _not(status: str, inputs: dict[str, Any], message: str) -> dict[str, Any]:
    return {"status": status, "verdict": None, "message": message, "inputs": inputs, "result": None}


def verdict_for(package: Package, *, on_date: dt.date | None = None) -> dict[str, Any]:
    """The current restrictions verdict of one package (see the module docstring for its shape)."""
    inputs, reason = inputs_for(package, checkable_programs(), on_date or clock.today())
    if reason:
        return _not("not_applicable", inputs, reason)
    check = registry.service("restrictions.check")
    if check is None:
        return _not("unavailable", inputs, NOT_INSTALLED)
    try:
        result = check(
            country=inputs["country"], program=inputs["program"], fiscal_year=inputs["fiscal_year"], on_date=inputs["on_date"]
        )
    except DomainError as exc:
        return _not("error", inputs, exc.message)
    return _ok(inputs, result)


def verdicts_for(packages: list[Package], *, on_date: dt.date | None = None) -> dict[int, dict[str, Any]]:
    """Verdicts of many packages against one snapshot of the restrictions data (a fixed number of queries)."""
    day = on_date or clock.today()
    programs = checkable_programs() if packages else frozenset()
    out: dict[int, dict[str, Any]] = {}
    pending: list[tuple[Package, dict[str, Any]]] = []
    for p in packages:
        inputs, reason = inputs_for(p, programs, day)
        if reason:
            out[p.pk] = _not("not_applicable", inputs, reason)
        else:
            pending.append((p, inputs))
    if not pending:
        return out
    check_many = registry.service("restrictions.check_many")
    if check_many is None:
        out.update({p.pk: _not("unavailable", inputs, NOT_INSTALLED) for p, inputs in pending})
        return out
    rows = [{k: inputs[k] for k in ("country", "program", "fiscal_year", "on_date")} for _, inputs in pending]
    try:
        results = check_many(rows)
    except DomainError:
        # One invalid row refuses the whole batch: fall back to one check per package for the page.
        return out | {p.pk: verdict_for(p, on_date=day) for p, _ in pending}
    out.update({p.pk: _ok(inputs, result) for (p, inputs), result in zip(pending, results, strict=True)})
    return out


def as_api(verdict: dict[str, Any]) -> dict[str, Any]:
    """The verdict for JSON: dates as ISO strings and the engine's result as its as_dict() body."""
    result = verdict["result"]
    return {**verdict, "inputs": _shown(verdict["inputs"]), "result": result.as_dict() if result is not None else None}
