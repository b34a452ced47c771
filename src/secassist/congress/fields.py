"""Parse a CN package's editable fields from any interface (form, API, open_package) into model
values, with errors that name the field and what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from secassist.core import clock
from secassist.core.dates import parse_date as core_parse_date
from secassist.core.errors import InvalidInput
from secassist.core.fiscal import FiscalYear
from secassist.core.money import to_money
from secassist.reference.models import Authority, Country, Office, PseudoRegion, Title22Account

from .models import NotificationRule

TEXT_FIELDS = {
    "title": 200,
    "program": 120,
    "implementing_agency": 120,
    "public_law": 60,
    "description": 20000,
    "purpose": 20000,
    "classification": 40,
    "emergency_justification": 20000,
}
EDITABLE = sorted(
    [
        *TEXT_FIELDS,
        "team",
        "fiscal_year",
        "rules",
        "account",
        "authority",
        "appropriation_fy",
        "country",
        "pseudo_region",
        "amount",
        "cbj_amount",
        "mde_items",
        "is_emergency",
        "action_on",
        "event_on",
        "allocations",
        "drafted_on",
    ]
)
TEAMS = ("PM/SA-SAT", "PM/SA-T10", "PM/SA-DSP")


def parse_date(value: Any, field: str) -> dt.date | None:
    return core_parse_date(value, field=field, required=False)


def _lookup(model: Any, field: str, key: str, value: Any, hint: str) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    obj = model.objects.filter(**{key: str(value).strip()}).first()
    if obj is None:
        raise InvalidInput(f"{field} {value!r} is not known; {hint}", field=field, value=value)
    return obj


def _rules(value: Any) -> list[NotificationRule]:
    codes = value.split() if isinstance(value, str) else list(value or [])
    found = {r.code: r for r in NotificationRule.objects.filter(code__in=codes).order_by("code", "effective_from")}
    # ordered by effective_from, so the latest version of each code wins
    missing = [c for c in codes if c not in found]
    if missing:
        allowed = sorted(set(NotificationRule.objects.values_list("code", flat=True)))
        raise InvalidInput(f"rules: unknown rule code(s) {', '.join(missing)}", field="rules", value=missing, allowed=allowed)
    return [found[c] for c in dict.fromkeys(codes)]


def _mde(value: Any) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise InvalidInput("mde_items must be a list of {item, quantity, justified_quantity}", field="mde_items")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not str(item.get("item", "")).strip():
            raise InvalidInput(f"mde_items[{i}] needs an item name", field=f"mde_items[{i}].item")
        try:
            qty = int(item.get("quantity") or 0)
            justified = item.get("justified_quantity")
            justified = None if justified in (None, "") else int(justified)
        except (TypeError, ValueError):
            raise InvalidInput(f"mde_items[{i}] quantities must be whole numbers", field=f"mde_items[{i}].quantity") from None
        if qty < 0 or (justified is not None and justified < 0):
            raise InvalidInput(f"mde_items[{i}] quantities must not be negative", field=f"mde_items[{i}].quantity")
        out.append({"item": str(item["item"]).strip()[:200], "quantity": qty, "justified_quantity": justified})
    return out


def _allocations(value: Any) -> list[Any]:
    from secassist.budget.models import Allocation

    ids = [value] if isinstance(value, (int, str)) and value != "" else list(value or [])
    objs = []
    for raw in ids:
        if isinstance(raw, Allocation):
            objs.append(raw)
            continue
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            raise InvalidInput(f"allocations: {raw!r} is not an allocation id", field="allocations", value=raw) from None
        obj = Allocation.objects.filter(pk=pk).first()
        if obj is None:
            raise InvalidInput(f"allocations: no allocation with id {pk}", field="allocations", value=pk)
        objs.append(obj)
    return objs


def clean(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """-> (model field values, many-to-many values). Unknown names are refused with the allowed list."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidInput(f"unknown field(s) {', '.join(unknown)}", field=unknown[0], allowed=EDITABLE)
    values: dict[str, Any] = {}
    m2m: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            text = "" if value is None else str(value).strip()
            if len(text) > TEXT_FIELDS[name]:
                raise InvalidInput(f"{name} is longer than {TEXT_FIELDS[name]} characters", field=name)
            values[name] = text
        elif name == "team":
            if str(value) not in TEAMS:
                raise InvalidInput(f"team must be one of {', '.join(TEAMS)}", field="team", value=value, allowed=list(TEAMS))
            values["team"] = Office.objects.get(code=value)
        elif name in ("fiscal_year", "appropriation_fy"):
            values[name] = (
                None if value in (None, "") and name == "appropriation_fy" else FiscalYear.parse(value, field=name).year
            )
        elif name in ("amount", "cbj_amount"):
            values[name] = None if value in (None, "") and name == "cbj_amount" else to_money(value, field=name)
        elif name in ("action_on", "event_on"):
            values[name] = parse_date(value, name)
        elif name == "drafted_on":
            values[name] = parse_date(value, name) or clock.today()
            if values[name] > clock.today():
                raise InvalidInput("drafted_on must not be in the future", field=name, value=values[name])
        elif name == "is_emergency":
            values[name] = value in (True, "true", "on", "1", 1, "yes")
        elif name == "mde_items":
            values[name] = _mde(value)
        elif name == "account":
            values[name] = _lookup(Title22Account, name, "code", value, "use FMF, IMET or PKO")
        elif name == "authority":
            values[name] = _lookup(Authority, name, "code", value, "use a Title 10 authority code such as 10USC333")
        elif name == "country":
            values[name] = _lookup(Country, name, "iso3", str(value).upper() if value else value, "use an ISO 3166 alpha-3 code")
        elif name == "pseudo_region":
            values[name] = _lookup(PseudoRegion, name, "name", value, "use a regional program name as in the reference data")
        elif name == "rules":
            m2m["rules"] = _rules(value)
        elif name == "allocations":
            m2m["allocations"] = _allocations(value)
    if values.get("country") and values.get("pseudo_region"):
        raise InvalidInput("give either a country or a regional program, not both", field="pseudo_region")
    return values, m2m
