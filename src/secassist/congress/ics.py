"""An RFC 5545 iCalendar feed of the statutory calendar (hand-written: it is small).

All-day VEVENTs (DTSTART;VALUE=DATE), CRLF line ends, lines folded at 75 octets, TEXT values
escaped (backslash, semicolon, comma, newline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from secassist.core.dates import add_days

from .deadlines import Item


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with one space
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def render(items: Iterable[Item], *, stamp: dt.datetime, base_url: str = "") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//PM/SA//secassist statutory calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:secassist statutory calendar",
    ]
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for item in items:
        summary = f"[{item.state}] {item.title}"
        description = f"{item.detail} — {item.citation} (rule {item.rule}; team {item.team or '—'})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape(item.uid)}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{item.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{add_days(item.date, 1).strftime('%Y%m%d')}",
            f"SUMMARY:{escape(summary)}",
            f"DESCRIPTION:{escape(description)}",
            f"CATEGORIES:{escape(item.kind)}",
            "TRANSP:TRANSPARENT",
        ]
        if item.url and base_url:
            lines.append(f"URL:{base_url.rstrip('/')}{item.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
