"""The concurrence memo (DOCX), generated from the record: decision, reasons, conditions, the
§333(e) elements, clearances and the automated checks with their rule codes and citations."""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.shared import Pt

from secassist.clearances.selectors import for_subject
from secassist.core.errors import RuleViolation
from secassist.core.exports import docx_bytes

from . import checks, cn
from .models import Proposal, Status
from .purposes import label_of


def build_memo(proposal: Proposal) -> bytes:
    if proposal.status not in (Status.DECIDED, Status.CN_PENDING, Status.READY_TO_EXECUTE) or not proposal.decision:
        raise RuleViolation("the memo is generated once State's decision is recorded", code="T10-040", status=proposal.status)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    doc.add_paragraph("Draft generated from the record")
    doc.add_heading("Department of State — Bureau of Political-Military Affairs, Office of Security Assistance", level=2)
    title = {"concur": "Concurrence", "concur_with_conditions": "Concurrence with conditions", "non_concur": "Non-concurrence"}[
        proposal.decision
    ]
    doc.add_heading(f"{title}: {proposal.reference}", level=1)
    _facts(doc, proposal)
    doc.add_heading("Decision", level=2)
    doc.add_paragraph(f"State's position: {proposal.get_decision_display()}.")
    by = proposal.decided_by.get_full_name() or proposal.decided_by.username if proposal.decided_by else "system"
    doc.add_paragraph(f"Decided by {by} on {proposal.decided_on}.")
    doc.add_paragraph(f"Reasons: {proposal.decision_reasons}")
    if proposal.decision_conditions:
        doc.add_heading("Conditions", level=2)
        for line in [x.strip() for x in proposal.decision_conditions.splitlines() if x.strip()]:
            doc.add_paragraph(line, style="List Number")
    _clearances(doc, proposal)
    _checks(doc, proposal)
    doc.add_heading("10 U.S.C. 333(e) notification elements", level=2)
    for key, text in cn.s333e_elements(proposal).items():
        doc.add_paragraph(f"{key.split('_', 1)[0].upper()}: {text or '(not provided)'}")
    if proposal.cn_reference:
        doc.add_paragraph(f"Congressional notification package: {proposal.cn_reference}.")
    return docx_bytes(doc)


def _facts(doc: Any, p: Proposal) -> None:
    rows = [
        ("Program", p.title),
        ("Authority", f"{p.authority.citation} — {p.authority.name}"),
        ("Country", f"{p.country.name} ({p.country.iso3})"),
        ("Combatant command", p.ccmd),
        ("Fiscal year of funds", f"FY{p.fiscal_year}"),
        ("Purposes", "; ".join(label_of(x) for x in p.purposes)),
        ("Units", "; ".join(u.name for u in p.units.all()) or "none named"),
        ("Total cost", f"${p.total_cost:,.2f}"),
        ("CFY end date (333(g))", str(p.cfy_end_date)),
        ("FOC extension claimed", "yes" if p.foc_extension else "no"),
        ("Received", str(p.received_on)),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_paragraph("Elements:")
    for e in p.elements.all():
        doc.add_paragraph(
            f"{e.get_kind_display()}: ${e.cost:,.2f}" + (f" — {e.description}" if e.description else ""), style="List Bullet"
        )


def _clearances(doc: Any, p: Proposal) -> None:
    doc.add_heading("Clearances", level=2)
    rows = list(for_subject(p))
    if not rows:
        doc.add_paragraph("No clearances recorded.")
        return
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Office", "Position", "On version", "By / on", "Comments"), strict=True):
        cell.text = text
    for c in rows:
        cells = table.add_row().cells
        cells[0].text = c.office.code
        cells[1].text = c.state_label
        cells[2].text = f"v{c.cleared_version.number}" if c.cleared_version else "—"
        cells[3].text = f"{c.decided_by.username if c.decided_by else '—'} {c.decided_at.date() if c.decided_at else ''}".strip()
        cells[4].text = c.comments


def _checks(doc: Any, p: Proposal) -> None:
    doc.add_heading("Automated checks at the time of this memo", level=2)
    r = checks.restrictions_check(p)
    if r["status"] == "ok":
        doc.add_paragraph(f"Restrictions screen: {r['verdict']}.")
        for f in (r["result"] or {}).get("findings", [])[:20]:
            doc.add_paragraph(
                f"{f.get('code', '')} {f.get('restriction', '')}: {f.get('explanation', '')} ({f.get('citation', '')})",
                style="List Bullet",
            )
    else:
        doc.add_paragraph(f"Restrictions screen: {r['message']}.")
    for f in checks.assurance_check(p):
        doc.add_paragraph(f"{f.code} {f.message} ({f.citation})", style="List Bullet")
    leahy = checks.leahy_check(p)
    if not leahy["available"]:
        doc.add_paragraph(leahy["message"])
    for u in leahy["units"]:
        doc.add_paragraph(f"Leahy — {u['name']}: {u['code']} {u['message']} ({u['citation']})", style="List Bullet")
    for d in checks.decision_rows(p):
        where = f"; recorded on {d['recorded_on']}" if d["recorded_on"] else ""
        doc.add_paragraph(f"Deconfliction — {d['label']}: {d['verdict']} ({d['justification']}{where})", style="List Bullet")
