"""Parse and validate one proposal's input, from the form, the API or a workbook row.

`clean_proposal(raw)` returns the cleaned values and *every* problem as (field, message), so the
workbook import can report all of them with row and column, and the form can tie each to its
input. Field names are the workbook's column names (see `COLUMNS`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from secassist.core.dates import parse_date
from secassist.core.errors import DomainError, InvalidInput
from secassist.core.fiscal import FiscalYear
from secassist.core.money import to_money
from secassist.reference import taxonomy as tx
from secassist.reference.models import Authority, Cocom, Country
from secassist.reference.resolver import NameResolver

from .models import ElementKind
from .purposes import purpose_codes_for


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


ELEMENT_KINDS = [k.value for k in ElementKind]

COLUMNS: list[Column] = [
    Column("reference", True, "DoD proposal reference number; unique; re-importing the same reference is idempotent"),
    Column("title", True, "short program title"),
    Column("authority", True, "authority code or citation from the authorities list, e.g. 10USC333 or 10 U.S.C. 333"),
    Column("fiscal_year", True, "fiscal year of funds, e.g. 2027"),
    Column("ccmd", True, f"combatant command: {', '.join(Cocom.values)}"),
    Column("country", True, "ISO3 code or country name"),
    Column("purposes", True, "purpose codes separated by ';' (for §333 the 333(a) purposes; see the user guide)"),
    Column("description", True, "program description (used for deconfliction)"),
    Column("units", False, "recipient units separated by ';' (333(e)(1)); named units route to DRL for Leahy"),
    *[Column(f"{k}_cost", False, f"cost of the {k} element in dollars (Decimal)") for k in ELEMENT_KINDS],
    *[Column(f"{k}_description", False, f"what the {k} element provides") for k in ELEMENT_KINDS],
    Column("absorptive_capacity", False, "333(e)(2) absorptive-capacity evaluation"),
    Column("timeline", False, "333(e)(3) implementation timeline"),
    Column("delivery_schedule", False, "333(e)(3) delivery schedule"),
    Column("sustainment_plan", False, "333(e)(4) sustainment arrangements"),
    Column("sustainment_cost", False, "333(e)(4) estimated sustainment cost in dollars"),
    Column("sustainment_source", False, "333(e)(4) source of sustainment funds"),
    Column("sustainment_years", False, "years of sustainment (over 5 needs 333(e)(7) justification)"),
    Column("sustainment_justification", False, "333(e)(7) justification and transition plan"),
    Column("prior_assistance", False, "333(e)(5) assistance in the preceding three fiscal years"),
    Column("tcp_linkage", False, "333(e)(6) theater campaign plan elements"),
    Column("ics_linkage", False, "333(e)(6) Integrated Country Strategy objectives"),
    Column("construction_details", False, "333(e)(8) location, title, cost, DD Form 1391, master plan (construction over $750K)"),
    Column("alternative_authorities", False, "333(e)(9) other authorities considered"),
    Column("cert_human_rights", False, "yes/no: 333(c)(2) certification recorded"),
    Column("cert_institutional_capacity", False, "yes/no: 333(c)(3) certification recorded"),
    Column("legal_questions", False, "questions for the Legal Adviser (routes to L)"),
    Column("foc_extension", False, "yes/no: 333(g) FOC extension claimed"),
    Column("program_code", False, "DSCA program code"),
    Column("received_on", False, "date received (YYYY-MM-DD); default today"),
    # added for issue #18 at the end, so the letters of the earlier columns do not move
    Column("capabilities", False, "capability categories separated by ';' (codes or labels of data/reference/capabilities.csv)"),
    Column("platforms", False, "platforms or systems separated by ';' (code, name or designation, e.g. UH-60 or Black Hawk)"),
]
COLUMN_NAMES = [c.name for c in COLUMNS]
TEXT_FIELDS = [
    "absorptive_capacity",
    "timeline",
    "delivery_schedule",
    "sustainment_plan",
    "sustainment_source",
    "sustainment_justification",
    "prior_assistance",
    "tcp_linkage",
    "ics_linkage",
    "construction_details",
    "alternative_authorities",
    "legal_questions",
    "program_code",
]
BOOL_FIELDS = ["cert_human_rights", "cert_institutional_capacity", "foc_extension"]
TRUE = {"yes", "y", "true", "1", "x"}
FALSE = {"no", "n", "false", "0", ""}
REFERENCE_RE = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_LEN = {"reference": 40, "title": 200, "program_code": 20, "sustainment_source": 200}


class Lookups:
    """Reference lookups loaded once per import (not once per row)."""

    def __init__(self) -> None:
        self.authorities: dict[str, Authority] = {}
        for a in Authority.objects.filter(is_active=True):
            self.authorities[a.code.upper()] = a
            self.authorities[_squash(a.citation)] = a
        self.resolver = NameResolver.from_db()

    def authority(self, value: str) -> Authority | None:
        return self.authorities.get(value.strip().upper()) or self.authorities.get(_squash(value))

    def country(self, value: str) -> Country | None:
        return self.resolver.resolve(value).country if value.strip() else None


def _squash(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split(value: Any) -> list[str]:
    text = None if isinstance(value, (list, tuple)) else str(value or "").replace("\n", ";")
    items = [str(v) for v in value] if text is None else text.split(";")
    seen: list[str] = []
    for item in (i.strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen


def _bool(raw: dict[str, Any], name: str, problems: list[tuple[str, str]]) -> bool:
    value = raw.get(name)
    if isinstance(value, bool):
        return value
    text = _text(raw, name).lower()
    if text in TRUE:
        return True
    if text not in FALSE:
        problems.append((name, f"{name} must be yes or no, not {text!r}"))
    return False


def clean_proposal(raw: dict[str, Any], lookups: Lookups, *, today: dt.date) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for col in ("reference", "title", "description"):
        out[col] = _text(raw, col)
        if not out[col]:
            problems.append((col, f"{col} is required"))
    if out["reference"] and not REFERENCE_RE.match(out["reference"]):
        problems.append(("reference", "reference may hold only letters, digits, '.', '_' and '-'"))
    for name, limit in MAX_LEN.items():
        if len(_text(raw, name)) > limit:
            problems.append((name, f"{name} is longer than {limit} characters"))
    out["authority"] = lookups.authority(_text(raw, "authority"))
    if out["authority"] is None:
        problems.append(("authority", f"authority {_text(raw, 'authority')!r} is not in the authorities list (e.g. 10USC333)"))
    out["fiscal_year"] = _fiscal_year(raw, problems)
    out["ccmd"] = _text(raw, "ccmd").upper()
    if out["ccmd"] not in Cocom.values:
        problems.append(("ccmd", f"ccmd must be one of {', '.join(Cocom.values)}"))
    out["country"] = lookups.country(_text(raw, "country"))
    if out["country"] is None:
        problems.append(("country", f"country {_text(raw, 'country')!r} is not a known country name or ISO3 code"))
    out["purposes"] = _purposes(raw, out["authority"], problems)
    out["units"] = _split(raw.get("units"))
    if any(len(u) > 200 for u in out["units"]):
        problems.append(("units", "a unit name is longer than 200 characters"))
    out["capabilities"] = _codes(raw, "capabilities", tx.capability_code, tx.valid_capability_codes, problems)
    out["platforms"] = _codes(raw, "platforms", tx.platform_code, tx.valid_platform_codes, problems)
    out["elements"] = _elements(raw, problems)
    for name in TEXT_FIELDS:
        out[name] = _text(raw, name)
    out["sustainment_cost"] = _money(raw, "sustainment_cost", problems)
    out["sustainment_years"] = _int(raw, "sustainment_years", problems, low=0, high=30)
    for name in BOOL_FIELDS:
        out[name] = _bool(raw, name, problems)
    out["received_on"] = _date(raw, "received_on", problems) or today
    return out, problems


def _codes(
    raw: dict[str, Any],
    name: str,
    to_code: Any,
    allowed: Any,
    problems: list[tuple[str, str]],
) -> list[str]:
    """Taxonomy codes of a list field; each unknown value is a problem naming the allowed codes."""
    codes: list[str] = []
    for value in _split(raw.get(name)):
        code = to_code(value)
        if code is None:
            problems.append((name, f"{value!r} is not in the taxonomy; allowed: {', '.join(allowed())}"))
        elif code not in codes:
            codes.append(code)
    return codes


def _fiscal_year(raw: dict[str, Any], problems: list[tuple[str, str]]) -> int | None:
    try:
        return FiscalYear.parse(_text(raw, "fiscal_year")).year
    except DomainError as exc:
        problems.append(("fiscal_year", exc.message))
        return None


def _purposes(raw: dict[str, Any], authority: Authority | None, problems: list[tuple[str, str]]) -> list[str]:
    codes = _split(raw.get("purposes"))
    if not codes:
        problems.append(("purposes", "at least one purpose is required"))
        return []
    if authority is not None:
        allowed = purpose_codes_for(authority.code)
        bad = [c for c in codes if c not in allowed]
        if bad:
            problems.append(
                ("purposes", f"{', '.join(bad)} not a purpose under {authority.citation}; allowed: {', '.join(allowed)}")
            )
    return codes


def _money(raw: dict[str, Any], name: str, problems: list[tuple[str, str]]) -> Decimal:
    value = raw.get(name)
    if value is None or _text(raw, name) == "":
        return Decimal("0.00")
    try:
        return to_money(value, field=name)
    except DomainError as exc:
        problems.append((name, exc.message))
        return Decimal("0.00")


def _int(raw: dict[str, Any], name: str, problems: list[tuple[str, str]], *, low: int, high: int) -> int:
    text = _text(raw, name)
    if not text:
        return 0
    if not text.isdigit() or not low <= int(text) <= high:
        problems.append((name, f"{name} must be a whole number from {low} to {high}"))
        return 0
    return int(text)


def _date(raw: dict[str, Any], name: str, problems: list[tuple[str, str]]) -> dt.date | None:
    value = raw.get(name)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(raw, name)
    if not text:
        return None
    try:
        return parse_date(text[:10], field=name)
    except InvalidInput as exc:
        problems.append((name, exc.message))
        return None


def _elements(raw: dict[str, Any], problems: list[tuple[str, str]]) -> list[tuple[str, str, Decimal]]:
    """Elements from a list of {kind, description, cost} (API) or per-kind columns (form, workbook)."""
    elements: list[tuple[str, str, Decimal]] = []
    given = raw.get("elements")
    if isinstance(given, list):
        for i, item in enumerate(given):
            kind = str(item.get("kind", "")).strip()
            if kind not in ELEMENT_KINDS:
                problems.append((f"elements[{i}].kind", f"kind must be one of {', '.join(ELEMENT_KINDS)}"))
                continue
            if any(k == kind for k, _, _ in elements):
                problems.append((f"elements[{i}].kind", f"element {kind} is given twice"))
                continue
            cost = _money({"cost": item.get("cost")}, "cost", problems)
            elements.append((kind, str(item.get("description", "")).strip(), cost))
    else:
        for kind in ELEMENT_KINDS:
            if _text(raw, f"{kind}_cost") == "":
                if _text(raw, f"{kind}_description"):
                    problems.append((f"{kind}_cost", f"{kind}_description is given but {kind}_cost is empty"))
                continue
            elements.append((kind, _text(raw, f"{kind}_description"), _money(raw, f"{kind}_cost", problems)))
    if not elements:
        problems.append(
            (
                "articles_cost" if not isinstance(given, list) else "elements",
                f"at least one element with a cost is required ({', '.join(ELEMENT_KINDS)})",
            )
        )
    return elements


def as_raw(proposal: Any) -> dict[str, Any]:
    """The stored proposal as input values, so a re-import can tell 'unchanged' from 'changed'."""
    raw: dict[str, Any] = {
        "reference": proposal.reference,
        "title": proposal.title,
        "authority": proposal.authority.code,
        "fiscal_year": str(proposal.fiscal_year),
        "ccmd": proposal.ccmd,
        "country": proposal.country.iso3,
        "purposes": list(proposal.purposes),
        "description": proposal.description,
        "units": [u.name for u in proposal.units.all()],
        "capabilities": list(proposal.capabilities),
        "platforms": list(proposal.platforms),
        "sustainment_cost": str(proposal.sustainment_cost),
        "sustainment_years": str(proposal.sustainment_years),
        "received_on": proposal.received_on,
        **{name: getattr(proposal, name) for name in TEXT_FIELDS},
        **{name: getattr(proposal, name) for name in BOOL_FIELDS},
    }
    for element in proposal.elements.all():
        raw[f"{element.kind}_cost"] = str(element.cost)
        raw[f"{element.kind}_description"] = element.description
    return raw


def comparable(clean: dict[str, Any]) -> dict[str, Any]:
    out = dict(clean)
    out["authority"] = clean["authority"].pk if clean.get("authority") else None
    out["country"] = clean["country"].pk if clean.get("country") else None
    out["units"] = sorted(clean.get("units", []))
    out["capabilities"] = sorted(clean.get("capabilities", []))
    out["platforms"] = sorted(clean.get("platforms", []))
    out["elements"] = sorted(clean.get("elements", []))
    out.pop("received_on", None)
    return out
