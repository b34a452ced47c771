"""Pure checks of the plans app. Each result names its stable code, citation and the data used.

Codes (listed in docs/user-guide/plans.md):
- PLN-001 classified marking found in free text (refused: secassist holds no classified text)
- PLN-002 office suspense after DoD's due date, or in the past
- PLN-003 a tasker needs a State lead and at least one office before it is tasked
- PLN-004 comments are accepted only while a tasker is tasked or comments are due
- PLN-005 a clearing officer comments only for an office the tasker tasks, and only their own
- PLN-006 adjudication needs at least one comment
- PLN-007 transmittal needs every comment adjudicated (and a DoD response on modified/rejected)
- PLN-008 duplicate comments (same location, near-identical text) are merged
- PLN-009 reminders before the office suspense and DoD's due date
- PLN-010 a posture decision needs a date and is final
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from secassist.core.calendar import business_days_between

from .models import Classification

CITE_MARKING = (
    "E.O. 13526 §1.6 and 32 CFR 2001.21 (classification and portion markings); "
    "secassist is accredited for unclassified/CUI information only"
)
CITE_CRM = "DoD comment resolution matrix practice (critical / substantive / administrative); docs/adr/0500"
CITE_DUPLICATE = "plans duplicate rule, docs/adr/0500-plans-markings-and-workflow.md"
CITE_REMINDER = "plans reminder rule (business days, U.S. federal holidays excluded; secassist.core.calendar)"

# Banner lines and control markings ("SECRET//NOFORN", "TOP SECRET", "NOFORN", "REL TO USA") and
# portion markings "(S)", "(TS)", "(S//NF)", "(C//REL)". Upper case only, so ordinary prose
# ("a secret ballot", "the Secretary", "10 U.S.C. 333(c)") is not flagged.
_MARKING_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("banner marking", re.compile(r"\b(?:TOP SECRET|SECRET|CONFIDENTIAL)\s*//")),
    ("banner marking", re.compile(r"(?:^|\n)\s*(?:TOP SECRET|SECRET|CONFIDENTIAL)\s*(?:$|\n)")),
    ("classification level", re.compile(r"\bTOP SECRET\b")),
    ("portion marking", re.compile(r"\((?:TS|S)(?://[A-Z0-9 ,/-]+)?\)")),
    ("portion marking", re.compile(r"\((?:C)//[A-Z0-9 ,/-]+\)")),
    ("dissemination control", re.compile(r"\b(?:NOFORN|ORCON|IMCON|REL TO USA)\b")),
    ("classified-network marking", re.compile(r"//(?:SI|TK|HCS)\b|\bSCI\b")),
]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    citation: str
    data: dict[str, Any] = field(default_factory=dict)


def classified_markings(text: str) -> list[str]:
    """The classification markings found in `text` (empty when none)."""
    found = []
    for what, pattern in _MARKING_PATTERNS:
        match = pattern.search(text or "")
        if match:
            found.append(f"{what} {match.group(0).strip()!r}")
    return found


def check_unclassified(fields: dict[str, str]) -> list[Finding]:
    """PLN-001: every free-text field must be free of classification markings."""
    findings = []
    for name, text in fields.items():
        hits = classified_markings(text)
        if hits:
            findings.append(
                Finding(
                    "PLN-001",
                    "error",
                    f"{name} looks classified ({'; '.join(hits)}). secassist holds no classified text: "
                    "record only the marking and where the classified text lives.",
                    CITE_MARKING,
                    {"field": name, "markings": hits},
                )
            )
    return findings


LEVELS = [c.value for c in Classification]  # lowest first


def highest_marking(markings: Iterable[tuple[str, str]]) -> str | None:
    """The highest of (classification, dissemination) pairs, combined the conservative way:
    the highest level; NOFORN if any classified item is NOFORN; a REL TO only if every classified
    item carries the same REL TO. None when nothing is given."""
    items = [(lvl, dis) for lvl, dis in markings if lvl in LEVELS]
    if not items:
        return None
    top = max(items, key=lambda m: LEVELS.index(m[0]))[0]
    classified = [dis for lvl, dis in items if LEVELS.index(lvl) >= LEVELS.index(Classification.CONFIDENTIAL)]
    if not classified:
        return top
    if "NOFORN" in classified:
        return f"{top}//NOFORN"
    rels = set(classified)
    if len(rels) == 1 and next(iter(rels)):
        return f"{top}//{next(iter(rels))}"
    if any(d.startswith("REL TO") for d in rels):
        return f"{top}//NOFORN"  # mixed releasability: only what every item allows, i.e. US only
    return top


# ---- Duplicates (PLN-008) ---------------------------------------------------------------------

DUPLICATE_SIMILARITY = 0.85
_PUNCT = str.maketrans("", "", string.punctuation)


def normalise_text(text: str) -> str:
    return " ".join((text or "").lower().translate(_PUNCT).split())


def normalise_location(page: str, paragraph: str, line: str) -> tuple[str, str, str]:
    return tuple(" ".join((v or "").lower().replace("p.", "").replace("para", "").split()) for v in (page, paragraph, line))  # type: ignore[return-value]


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, normalise_text(a), normalise_text(b)).ratio()


def is_duplicate(a: Any, b: Any) -> bool:
    """Two comments are duplicates when they point at the same page, paragraph and line and their
    comment texts are at least 85% alike after case, punctuation and spacing are ignored."""
    if normalise_location(a.page, a.paragraph, a.line) != normalise_location(b.page, b.paragraph, b.line):
        return False
    return similarity(a.comment, b.comment) >= DUPLICATE_SIMILARITY


def duplicate_groups(comments: Sequence[Any]) -> list[list[Any]]:
    """Groups (by number order) of comments that duplicate the first of the group."""
    by_location: dict[tuple[str, str, str], list[Any]] = {}
    for c in sorted(comments, key=lambda c: c.number):  # only comments at one location can be duplicates
        by_location.setdefault(normalise_location(c.page, c.paragraph, c.line), []).append(c)
    groups = []
    for ordered in by_location.values():
        taken: set[int] = set()
        for i, first in enumerate(ordered):
            if first.number in taken:
                continue
            group = [first] + [c for c in ordered[i + 1 :] if c.number not in taken and is_duplicate(first, c)]
            if len(group) > 1:
                taken.update(c.number for c in group)
                groups.append(group)
    return sorted(groups, key=lambda g: g[0].number)


# ---- Reminders (PLN-009) ----------------------------------------------------------------------

OFFICE_REMINDER_BUSINESS_DAYS = 3
DOD_REMINDER_BUSINESS_DAYS = 5


@dataclass(frozen=True)
class Reminder:
    kind: str  # "office_suspense" | "dod_due"
    due_on: dt.date
    business_days_left: int
    message: str
    citation: str = CITE_REMINDER


def reminders_due(*, status: str, office_due_on: dt.date | None, due_on: dt.date, today: dt.date) -> list[Reminder]:
    """Reminders a tasker owes on `today`: from 3 business days before the office suspense (while
    offices may still comment) and from 5 business days before DoD's due date (until State's input
    is transmitted). Past due dates keep reminding (negative days left) until the state moves on."""
    out = []
    if office_due_on and status in ("tasked", "comments_due"):
        left = business_days_between(today, office_due_on)
        if left <= OFFICE_REMINDER_BUSINESS_DAYS:
            out.append(Reminder("office_suspense", office_due_on, left, _when("office comments", left, office_due_on)))
    if status in ("received", "tasked", "comments_due", "adjudicating"):
        left = business_days_between(today, due_on)
        if left <= DOD_REMINDER_BUSINESS_DAYS:
            out.append(Reminder("dod_due", due_on, left, _when("State input to DoD", left, due_on)))
    return out


def _when(what: str, left: int, day: dt.date) -> str:
    if left < 0:
        return f"{what} overdue since {day:%Y-%m-%d} ({-left} business day{'s' if left != -1 else ''})"
    if left == 0:
        return f"{what} due today ({day:%Y-%m-%d})"
    return f"{what} due {day:%Y-%m-%d} ({left} business day{'s' if left != 1 else ''} left)"
