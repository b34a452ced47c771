"""Load the notification rules and the per-FY always-notify list from `data/congress/`.

All-or-nothing (every row is checked before anything is written, problems name line and column)
and idempotent (a second run changes nothing). Rows an administrator corrected
(`locally_edited`) are left as edited.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from secassist.audit.services import record
from secassist.core.errors import ImportRejected
from secassist.reference.models import Committee, Country

from .models import AlwaysNotifyCountry, ClockKind, DayBasis, FyAnchor, NotificationRule

RULE_COLUMNS = [
    "code",
    "effective_from",
    "effective_to",
    "citation",
    "title",
    "kind",
    "days",
    "day_basis",
    "month",
    "day",
    "fy_anchor",
    "offset_days",
    "emergency_days_after",
    "committees",
    "scope",
    "trigger",
    "amount_tolerance_percent",
    "quantity_threshold_percent",
    "team",
    "creates_waiting_period",
    "reference_only",
    "confidence",
    "source",
    "notes",
]
LIST_COLUMNS = ["fiscal_year", "iso3", "citation", "source"]
BOOL = {"true": True, "false": False}


def rules_path() -> Path:
    return Path(settings.PRODUCT_DATA_DIR) / "congress" / "notification_rules.csv"


def always_notify_path() -> Path:
    return Path(settings.PRODUCT_DATA_DIR) / "congress" / "always_notify_countries.csv"


def _read(path: Path, columns: list[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise ImportRejected(f"file not found: {path}", path=str(path))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportRejected(f"{path.name} is missing column(s) {', '.join(missing)}", missing=missing, required=columns)
        return list(reader)


class _Row:
    """Typed access to one CSV row that collects problems instead of stopping at the first."""

    def __init__(self, row: dict[str, str], line: int, problems: list[str]) -> None:
        self.row, self.line, self.problems = row, line, problems

    def text(self, col: str, *, required: bool = False) -> str:
        value = (self.row.get(col) or "").strip()
        if required and not value:
            self.problems.append(f"line {self.line}, column {col}: required")
        return value

    def integer(self, col: str) -> int | None:
        value = self.text(col)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            self.problems.append(f"line {self.line}, column {col}: {value!r} is not a whole number")
            return None

    def date(self, col: str, *, required: bool = False) -> dt.date | None:
        value = self.text(col, required=required)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problems.append(f"line {self.line}, column {col}: {value!r} is not a date YYYY-MM-DD")
            return None

    def choice(self, col: str, allowed: list[str], *, blank: bool = False) -> str:
        value = self.text(col)
        if (value or not blank) and value not in allowed:
            self.problems.append(f"line {self.line}, column {col}: {value!r} is not one of {', '.join(allowed)}")
        return value

    def decimal(self, col: str) -> Decimal | None:
        value = self.text(col)
        if not value:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            self.problems.append(f"line {self.line}, column {col}: {value!r} is not a number")
            return None

    def flag(self, col: str) -> bool:
        return BOOL.get(self.choice(col, ["true", "false"]).lower(), False)


def _parse_rule(row: _Row, committees: dict[str, Committee]) -> tuple[dict[str, Any], list[Committee]]:
    codes = row.text("committees").split()
    unknown = [c for c in codes if c not in committees]
    if unknown:
        row.problems.append(
            f"line {row.line}, column committees: unknown committee code(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(committees))}"
        )
    kind = row.choice("kind", list(ClockKind.values))
    values: dict[str, Any] = {
        "effective_to": row.date("effective_to"),
        "citation": row.text("citation", required=True),
        "title": row.text("title", required=True),
        "kind": kind,
        "days": row.integer("days"),
        "day_basis": row.choice("day_basis", list(DayBasis.values)),
        "month": row.integer("month"),
        "day": row.integer("day"),
        "fy_anchor": row.choice("fy_anchor", list(FyAnchor.values), blank=True),
        "offset_days": row.integer("offset_days") or 0,
        "emergency_days_after": row.integer("emergency_days_after"),
        "scope": row.text("scope"),
        "trigger": row.text("trigger"),
        "amount_tolerance_percent": row.decimal("amount_tolerance_percent") or Decimal("0"),
        "quantity_threshold_percent": row.decimal("quantity_threshold_percent"),
        "team": row.text("team"),
        "creates_waiting_period": row.flag("creates_waiting_period"),
        "reference_only": row.flag("reference_only"),
        "confidence": row.choice("confidence", ["V", "S", "U"]),
        "source": row.text("source", required=True),
        "notes": row.text("notes"),
    }
    if kind in (ClockKind.BEFORE_ACTION, ClockKind.AFTER_EVENT, ClockKind.AFTER_ENACTMENT) and values["days"] is None:
        row.problems.append(f"line {row.line}, column days: a {kind} rule needs a number of days")
    if kind == ClockKind.FIXED_DATE:
        try:
            dt.date(2001, values["month"] or 0, values["day"] or 0)
        except ValueError:
            row.problems.append(f"line {row.line}, columns month/day: a fixed_date rule needs a valid month and day")
    if kind == ClockKind.FY_RELATIVE and not values["fy_anchor"]:
        row.problems.append(f"line {row.line}, column fy_anchor: an fy_relative rule needs fy_start or fy_end")
    return values, [committees[c] for c in codes if c in committees]


@transaction.atomic
def load_rules(path: Path | None = None, *, acting_user: Any = None, progress: bool = False) -> dict[str, int]:
    path = path or rules_path()
    rows = _read(path, RULE_COLUMNS)
    committees = {c.code: c for c in Committee.objects.all()}
    if not committees:
        raise ImportRejected("no congressional committees loaded: run `secassist load-reference` first")
    problems: list[str] = []
    parsed = []
    for line, raw in enumerate(rows, start=2):
        row = _Row(raw, line, problems)
        code, start = row.text("code", required=True), row.date("effective_from", required=True)
        values, members = _parse_rule(row, committees)
        parsed.append((code, start, values, members))
    if problems:
        raise ImportRejected(f"{path.name}: {len(problems)} problem(s); nothing was loaded", problems=problems)
    created = updated = 0
    for code, start, values, members in parsed:
        assert start is not None  # a missing date was reported as a problem above
        rule = NotificationRule.objects.filter(code=code, effective_from=start).first()
        if rule is None:
            rule = NotificationRule.objects.create(code=code, effective_from=start, **values)
            rule.committees.set(members)
            record(actor=acting_user, action="congress.rule_load", obj=rule, after={"code": code, **values})
            created += 1
            continue
        if rule.locally_edited:
            continue
        before = {k: getattr(rule, k) for k in values}
        changed = {k: v for k, v in values.items() if before[k] != v}
        same_members = set(rule.committees.values_list("pk", flat=True)) == {c.pk for c in members}
        if changed or not same_members:
            NotificationRule.objects.filter(pk=rule.pk).update(**values)
            rule.committees.set(members)
            record(
                actor=acting_user,
                action="congress.rule_load",
                obj=rule,
                before={k: before[k] for k in changed},
                after={**changed, "committees": [c.code for c in members]},
            )
            updated += 1
    return {"rows": len(parsed), "created": created, "updated": updated}


@transaction.atomic
def load_always_notify(path: Path | None = None, *, acting_user: Any = None, progress: bool = False) -> dict[str, int]:
    path = path or always_notify_path()
    rows = _read(path, LIST_COLUMNS)
    countries = {c.iso3: c for c in Country.objects.all()}
    problems: list[str] = []
    parsed = []
    for line, raw in enumerate(rows, start=2):
        row = _Row(raw, line, problems)
        fy, iso3 = row.integer("fiscal_year"), row.text("iso3", required=True).upper()
        if iso3 and iso3 not in countries:
            problems.append(f"line {line}, column iso3: {iso3!r} is not a known ISO 3166 alpha-3 code")
        if fy is None or not 1946 <= fy <= 2100:
            problems.append(f"line {line}, column fiscal_year: a fiscal year between 1946 and 2100 is required")
        parsed.append((fy, iso3, row.text("citation", required=True), row.text("source", required=True)))
    if problems:
        raise ImportRejected(f"{path.name}: {len(problems)} problem(s); nothing was loaded", problems=problems)
    created = 0
    for fy, iso3, citation, source in parsed:
        assert fy is not None
        entry, made = AlwaysNotifyCountry.objects.get_or_create(
            fiscal_year=fy, country=countries[iso3], defaults={"citation": citation, "source": source}
        )
        if made:
            record(
                actor=acting_user,
                action="congress.always_notify_load",
                obj=entry,
                after={"fiscal_year": fy, "iso3": iso3, "citation": citation},
            )
            created += 1
        elif not entry.locally_edited and (entry.citation, entry.source) != (citation, source):
            AlwaysNotifyCountry.objects.filter(pk=entry.pk).update(citation=citation, source=source)
    return {"rows": len(parsed), "created": created}


def load_all(*, acting_user: Any = None) -> dict[str, int]:
    rules = load_rules(acting_user=acting_user)
    lst = load_always_notify(acting_user=acting_user)
    return {
        "rules": rules["rows"],
        "rules_created": rules["created"],
        "rules_updated": rules["updated"],
        "always_notify": lst["rows"],
        "always_notify_created": lst["created"],
    }
