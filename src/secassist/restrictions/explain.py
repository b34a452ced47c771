"""Render a CheckResult as a readable explanation (CLI and plain-text exports)."""

from __future__ import annotations

from .engine import CheckResult

LABELS = {
    "prohibited": "PROHIBITED",
    "not_assessed": "NOT ASSESSED (the data does not cover a restriction that could apply: not a yes)",
    "allowed_under_waiver": "ALLOWED UNDER WAIVER / EXCEPTION",
    "allowed_with_conditions": "ALLOWED WITH CONDITIONS",
    "allowed": "ALLOWED",
}


def explain_lines(result: CheckResult) -> list[str]:
    q = result.query
    lines = [
        f"{q.country} · {q.program} · FY{q.fiscal_year} · on {q.on_date} · recipient {q.recipient} · purpose {q.purpose}"
        + (f" · units {', '.join(str(u) for u in q.units)}" if q.units else ""),
        f"Verdict: {LABELS[result.verdict]}",
        "",
    ]
    if not result.findings:
        lines.append(f"No restriction in the catalog ({result.restrictions_checked} checked) applies on this date.")
    for f in result.findings:
        lines.append(f"[{f.code}] {f.restriction} — {f.citation} — {f.effect.upper()}")
        lines.append(f"    {f.explanation}")
        if f.designation and f.designation.get("source_url"):
            lines.append(f"    source: {f.designation['source_url']}")
        if f.waiver:
            lines.append(f"    relied on: {f.waiver.get('source_document')} {f.waiver.get('source_url') or ''}".rstrip())
    if result.conditions:
        lines += ["", "Conditions (still to be done, whatever the verdict):"]
        lines += [f"  - [{c['code']}] {c['text']}" for c in result.conditions]
    if result.waivers_relied_on:
        lines += ["", "Waivers relied on:"]
        lines += [f"  - [{w['code']}] {w.get('pd_number') or w.get('source_document')}" for w in result.waivers_relied_on]
    if result.assessments:
        lines += ["", "Analysts' assessments relied on:"]
        lines += [f"  - [{a['code']}] FY{a['fiscal_year']} {a['conclusion']}: {a['basis']}" for a in result.assessments]
    lines += [
        "",
        f"Evaluated at {result.evaluated_at.isoformat()} (restrictions data version {result.data_version or 'initial'}).",
    ]
    return lines
