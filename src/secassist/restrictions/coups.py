"""§7008 is self-executing: designations computed from the coup record (ADR 0601).

Every successful coup coded by Powell & Thyne since 1990 (the shared file, read in place) and every
later coup in the product's cited record (`data/restrictions/coups_7008.csv`) restricts assistance to
the government from the coup date, not from a later determination, unless the record shows that it
does not apply:
- `not_elected`: the head of government deposed was not duly elected (no bar; kept on the timeline);
- `already_restricted`: the country was already under an earlier coup's bar;
- `no_determination_required`: a recorded decision (Egypt 2013) — the exception itself is a row of the
  waiver register (kind `exception`), so every answer names it in `waivers_relied_on`;
- `restored_on`: the day a democratically elected government took office (the certification), which
  ends the bar. Where that end rests on an unconfirmed record, a condition says so after it.
- `unresolved`: the record shows no determination and no decision either way: not assessed until an
  analyst records the Department's position.
A coded coup with no record row at all restricts from its date with no end ("no aftermath recorded").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from secassist.core.errors import ImportRejected
from secassist.reference.resolver import NameResolver

COUP_SINCE = dt.date(1990, 1, 1)
MATCH_DAYS = 5  # a record row matches a coded coup of the same country within this many days
OUTCOMES = ("restricted", "not_elected", "already_restricted", "no_determination_required", "unresolved")
PT_SOURCE = "Powell & Thyne coup dataset v2022-11-29 (shared file reference/powell_thyne_coups_v2022-11-29.csv)"
PT_URL = "https://github.com/andybega/ds-external-data"
RECORD = "data/restrictions/coups_7008.csv"


def coded_coups(rows: list[dict[str, str]], path: Path, summary: Any) -> list[tuple[str, dt.date, str]]:
    """(ISO3, date, name as coded) of every successful coup since COUP_SINCE in the research coding."""
    resolver = NameResolver.from_db()
    out = []
    for line, row in enumerate(rows, start=2):
        if row["coup"] != "2":
            continue
        day = dt.date(int(row["year"]), int(row["month"]), int(row["day"]))
        if day < COUP_SINCE:
            continue
        country = resolver.resolve(row["country"]).country
        if country is None:
            summary.skipped.append(f"{path.name} line {line}: country {row['country']!r} not resolved; coup not loaded")
            continue
        out.append((country.iso3, day, row["country"]))
    return out


def _parse_record(rows: list[dict[str, str]], path: Path, parse_date: Any) -> list[dict[str, Any]]:
    parsed = []
    for line, row in enumerate(rows, start=2):
        if row["outcome"] not in OUTCOMES:
            raise ImportRejected(
                f"{path.name} line {line}: outcome {row['outcome']!r}; allowed: {', '.join(OUTCOMES)}",
                problems=[f"line {line} column outcome"],
            )
        item: dict[str, Any] = dict(row)
        for column in ("coup_date", "determination_on", "restored_on"):
            item[column] = parse_date(row[column], path, line, column)
        if item["coup_date"] is None:
            raise ImportRejected(f"{path.name} line {line}: coup_date is required", problems=[f"line {line} coup_date"])
        if item["restored_on"] and item["restored_on"] <= item["coup_date"]:
            raise ImportRejected(
                f"{path.name} line {line}: restored_on must be after coup_date", problems=[f"line {line} restored_on"]
            )
        parsed.append(item)
    return parsed


def events(coded: list[tuple[str, dt.date, str]], record: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each coded coup joined with its record row; record rows for coups the coding lacks are added."""
    used: set[int] = set()
    out = []
    for iso3, day, name in coded:
        match = next(
            (
                i
                for i, r in enumerate(record)
                if i not in used and r["iso3"] == iso3 and abs((r["coup_date"] - day).days) <= MATCH_DAYS
            ),
            None,
        )
        if match is None:
            out.append(
                {
                    "seed_key": f"coup:{iso3}:{day.isoformat()}",
                    "iso3": iso3,
                    "coup_date": day,
                    "outcome": "restricted",
                    "determination_on": None,
                    "restored_on": None,
                    "restored_confidence": "",
                    "confidence": "U",
                    "source_document": PT_SOURCE,
                    "source_url": PT_URL,
                    "note": f"Coded as a successful coup in {name}; no aftermath is recorded (whether the head of government "
                    "deposed was elected, any determination, any restoration): record it in the coup record.",
                    "coded": True,
                }
            )
            continue
        used.add(match)
        out.append({**record[match], "coded": True})
    out += [{**r, "coded": False} for i, r in enumerate(record) if i not in used]
    return out


def designation_rows(
    coded: list[tuple[str, dt.date, str]], record: list[dict[str, Any]], *, restriction_id: int, countries: dict[str, int]
) -> dict[str, dict[str, Any]]:
    wanted: dict[str, dict[str, Any]] = {}
    for event in events(coded, record):
        if event["iso3"] not in countries:
            raise ImportRejected(f"{RECORD}: iso3 {event['iso3']!r} is not a country", problems=[event["seed_key"]])
        wanted.update(_rows_for(event, restriction_id, countries[event["iso3"]]))
    return wanted


def _source(event: dict[str, Any]) -> str:
    coded = f"{PT_SOURCE}; " if event["coded"] and event["source_document"] != PT_SOURCE else ""
    return (coded + event["source_document"])[:400]


def _rows_for(event: dict[str, Any], restriction_id: int, country_id: int) -> dict[str, dict[str, Any]]:
    day: dt.date = event["coup_date"]
    outcome = event["outcome"]
    determination = f"; determination or announcement {event['determination_on']}" if event["determination_on"] else ""
    base = {
        "restriction_id": restriction_id,
        "country_id": country_id,
        "fiscal_year": None,
        "effective_from": day,
        "pd_number": "",
        "source_document": _source(event),
        "source_url": event["source_url"] or (PT_URL if event["coded"] else ""),
        "confidence": event["confidence"] or "U",
    }
    note = event["note"]
    key = event["seed_key"]
    if outcome in ("not_elected", "already_restricted"):
        why = (
            "head of government deposed was not elected" if outcome == "not_elected" else "already restricted by an earlier coup"
        )
        return {
            key: {
                **base,
                "status": f"coup d'état of {day}: §7008 not triggered ({why})",
                "effect": "none",
                "ended_on": day + dt.timedelta(days=1),
                "note": note,
            }
        }
    restored = event["restored_on"]
    if outcome == "unresolved":
        status, effect = f"coup d'état of {day}: whether §7008 applies is unresolved", "unknown"
        text = (
            f"{note} Not assessed until the Department's position is recorded "
            "(a determination, or a decision that none is needed)."
        )
    else:
        status = f"coup d'état of {day}: §7008 restriction (self-executing from the coup){determination}"
        effect = "prohibits"
        tail = (
            f" Restriction ended {restored} (a democratically elected government took office)."
            if restored
            else " No restoration is recorded: the bar stands until a democratically elected government takes office "
            "and the certification is recorded."
        )
        text = f"{note}{tail}"
    rows = {key: {**base, "status": status[:200], "effect": effect, "ended_on": restored, "note": text.strip()}}
    if restored and (event.get("restored_confidence") or "U") == "U":
        rows[f"{key}:end-unconfirmed"] = {
            **base,
            "status": f"end of the coup restriction on {restored} rests on an unconfirmed record",
            "effect": "condition",
            "effective_from": restored,
            "ended_on": None,
            "confidence": "U",
            "note": (
                f"The §7008 restriction from the coup of {day} is recorded as ended on {restored}, but that end rests on an "
                "unconfirmed record: confirm the certification (and its date) before relying on it."
            ),
        }
    return rows
