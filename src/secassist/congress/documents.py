"""The CN document and the per-committee transmittal letter, as DOCX filled from the record.

The templates are ordinary Word files the office can edit (`data/congress/cn_template.docx`,
`data/congress/transmittal_template.docx`): text like `{{ number }}` is replaced wherever it
stands (body, tables, headers, footers); a table row holding `{{ mde_item }}` is repeated per MDE
item. `build_default_templates()` writes the shipped versions (`secassist notifications
build-templates`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from docx import Document
from docx.shared import Pt

from secassist.core import clock
from secassist.core.errors import InvalidInput
from secassist.core.exports import docx_bytes, marking
from secassist.core.money import fmt_money

from .models import Package

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
ROW_FIELDS = ("mde_item", "mde_quantity", "mde_justified")


def template_dir() -> Path:
    return Path(settings.PRODUCT_DATA_DIR) / "congress"


def cn_template_path() -> Path:
    return template_dir() / "cn_template.docx"


def letter_template_path() -> Path:
    return template_dir() / "transmittal_template.docx"


def document_content(package: Package) -> list[tuple[str, str, str]]:
    """The CN's text as the clearing offices read it and as it is versioned (ADR 0740): every
    field of the CN document and the transmittal letters that the drafter writes, nothing that
    changes by itself (status, clocks, today's date)."""
    bases = list(package.rules.all())
    change = package.change_from_cbj
    mde = "\n".join(
        f"{i.get('item', '')}: {i.get('quantity', '')} (justified: {i.get('justified_quantity') or 'not justified'})"
        for i in package.mde_items or []
    )
    return [
        ("title", "Title", package.title),
        ("recipient", "Country or region", package.recipient_name),
        ("program", "Program", package.program),
        ("implementing_agency", "Implementing agency", package.implementing_agency or "—"),
        ("account", "Account", package.account.code if package.account else "—"),
        ("account_name", "Account name", package.account.name if package.account else "—"),
        ("authority", "Title 10 authority", package.authority.citation if package.authority else "—"),
        ("fiscal_year", "Fiscal year of funds", f"FY{package.fiscal_year}"),
        ("appropriation_fy", "Appropriation FY", f"FY{package.appropriation_fy}" if package.appropriation_fy else "—"),
        ("public_law", "Public law", package.public_law or "—"),
        ("amount", "Amount notified", fmt_money(package.amount)),
        ("cbj_amount", "CBJ / 653(a) level", fmt_money(package.cbj_amount)),
        (
            "change_from_cbj",
            "Change from the CBJ / 653(a) level",
            "—" if change is None else ("+" if change > 0 else "") + fmt_money(change),
        ),
        ("bases", "Statutory basis", "; ".join(r.citation for r in bases) or "—"),
        ("description", "Description", package.description or "—"),
        ("purpose", "Purpose", package.purpose or "—"),
        (
            "emergency",
            "Emergency",
            ("Emergency notification (SFOPS §7015(e)): " + package.emergency_justification) if package.is_emergency else "",
        ),
        ("elements", "Statutory elements from the source record", _elements_text(package.elements) or "—"),
        ("mde", "Major defense equipment", mde or "None"),
        ("links", "Linked records", "; ".join(link.label for link in package.links.all()) or "—"),
        ("allocations", "Linked allocations", "; ".join(str(a) for a in package.allocations.all()) or "—"),
        ("classification", "Marking once transmitted", package.classification),
    ]


def context_for(package: Package, version: Any = None) -> dict[str, str]:
    """The template values: the text of `version` (a DocumentVersion; the live record if None)
    and the facts of the moment (status, dates, addressees, the handling marking)."""
    content = version.content if version is not None else document_content(package)
    bases = list(package.rules.all())
    addressees = list(package.addressees.all()) or sorted({c for r in bases for c in r.committees.all()}, key=lambda c: c.code)
    values = {key: text for key, _label, text in content}
    values.update(
        marking=marking(),
        draft_note="" if package.transmitted_on else "Pre-decisional draft: not yet transmitted to Congress.",
        number=package.number,
        status=package.get_status_display(),
        addressees="; ".join(c.name for c in addressees) or "—",
        transmitted_on=package.transmitted_on.isoformat() if package.transmitted_on else "not yet transmitted",
        wait_ends_on=package.wait_ends_on.isoformat() if package.wait_ends_on else "—",
        date=clock.today().isoformat(),
        version=f"version {version.number} ({version.content_hash[:12]})" if version is not None else "current draft (unsaved)",
    )
    return values


def _elements_text(elements: dict[str, Any], indent: str = "") -> str:
    """The source's statutory elements (e.g. the nine §333(e) elements), one per line."""
    lines = []
    for key, value in (elements or {}).items():
        label = key.replace("_", " ")
        if isinstance(value, dict):
            lines.append(f"{indent}{label}:")
            lines.append(_elements_text(value, indent + "    "))
        elif isinstance(value, list):
            lines.append(f"{indent}{label}: {', '.join(map(str, value))}")
        else:
            lines.append(f"{indent}{label}: {value}")
    return "\n".join(line for line in lines if line)


def _replace_in_paragraph(paragraph: Any, values: dict[str, str]) -> None:
    text = paragraph.text
    if "{{" not in text:
        return
    new = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    if new == text:
        return
    runs = paragraph.runs
    if not runs:
        paragraph.add_run(new)
        return
    runs[0].text = new  # keeps the first run's formatting; placeholders may span runs after editing in Word
    for run in runs[1:]:
        run.text = ""


def _paragraphs(container: Any) -> list[Any]:
    out = list(container.paragraphs)
    for table in getattr(container, "tables", []):
        for row in table.rows:
            for cell in row.cells:
                out.extend(_paragraphs(cell))
    return out


def _expand_rows(doc: Any, items: list[dict[str, Any]]) -> None:
    """Repeat the table row holding {{ mde_item }} once per item (or drop it when there are none)."""
    import copy

    for table in doc.tables:
        for row in list(table.rows):
            if "mde_item" not in "".join(c.text for c in row.cells):
                continue
            template_tr = row._tr
            for item in items or [{"item": "None", "quantity": "—", "justified_quantity": "—"}]:
                new_tr = copy.deepcopy(template_tr)
                template_tr.addprevious(new_tr)
                values = {
                    "mde_item": str(item.get("item", "")),
                    "mde_quantity": str(item.get("quantity", "")),
                    "mde_justified": "not justified"
                    if item.get("justified_quantity") in (None, "")
                    else str(item.get("justified_quantity")),
                }
                for cell in new_tr.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
                    from docx.text.paragraph import Paragraph

                    _replace_in_paragraph(Paragraph(cell, row._parent), values)
            template_tr.getparent().remove(template_tr)


def _fill(template: Path, values: dict[str, str], mde_items: list[dict[str, Any]] | None = None) -> bytes:
    if not template.exists():
        raise InvalidInput(
            f"the template {template.name} is missing; run `secassist notifications build-templates`", field="template"
        )
    doc = Document(str(template))
    if mde_items is not None:
        _expand_rows(doc, mde_items)
    for paragraph in _paragraphs(doc):
        _replace_in_paragraph(paragraph, values)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            for paragraph in _paragraphs(part):
                _replace_in_paragraph(paragraph, values)
    return docx_bytes(doc)


def cn_document(package: Package, version: Any = None) -> bytes:
    """The CN document from `version` of its text (a DocumentVersion; the live record if None)."""
    return _fill(cn_template_path(), context_for(package, version), package.mde_items or [])


LETTER_ROLES = ("chair", "ranking_member")


def addressee(committee: Any, role: str) -> dict[str, str]:
    """Who a letter is addressed to: the name the office keeps for the role, else the role title alone."""
    if role not in LETTER_ROLES:
        raise InvalidInput(f"to must be one of {', '.join(LETTER_ROLES)}", field="to", value=role, allowed=list(LETTER_ROLES))
    title, name = committee.leader(role)
    if not title:
        raise InvalidInput(f"{committee.code} has no {role.replace('_', ' ')}", field="to", value=role, allowed=["chair"])
    return {
        "addressee_title": title,
        "addressee_name": name,
        "addressee_line": f"The Honorable {name}" if name else f"The {title}",
        "salutation": f"Dear {title} {name.split()[-1]}:" if name else f"Dear {title}:",
    }


def transmittal_letter(package: Package, committee: Any, version: Any = None, role: str = "chair") -> bytes:
    """The letter to one committee's chair (or ranking member), from `version` of the CN text."""
    values = context_for(package, version)
    values.update(
        committee_code=committee.code,
        committee_name=committee.name,
        chamber="Senate" if committee.chamber == "senate" else "House of Representatives",
        **addressee(committee, role),
    )
    return _fill(letter_template_path(), values)


def _marked(doc: Any) -> None:
    section = doc.sections[0]
    section.header.paragraphs[0].text = "{{ marking }}"
    section.footer.paragraphs[0].text = "{{ marking }}"


def build_default_templates(directory: Path | None = None) -> list[Path]:
    """Write the shipped templates (the office edits them in Word afterwards)."""
    directory = directory or template_dir()
    directory.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    _marked(doc)
    doc.add_heading("Congressional Notification {{ number }}", level=1)
    doc.add_paragraph("{{ draft_note }}")
    doc.add_paragraph("Text: {{ version }}")
    doc.add_paragraph("{{ title }}")
    doc.add_paragraph("{{ emergency }}")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, key in [
        ("Country or region", "recipient"),
        ("Program", "program"),
        ("Implementing agency", "implementing_agency"),
        ("Account", "account"),
        ("Title 10 authority", "authority"),
        ("Fiscal year of funds", "fiscal_year"),
        ("Appropriation FY", "appropriation_fy"),
        ("Public law", "public_law"),
        ("Amount notified", "amount"),
        ("CBJ / 653(a) level", "cbj_amount"),
        ("Change from the CBJ / 653(a) level", "change_from_cbj"),
        ("Statutory basis", "bases"),
        ("Addressees", "addressees"),
        ("Transmitted on", "transmitted_on"),
        ("Waiting period ends", "wait_ends_on"),
        ("Linked allocations", "allocations"),
        ("Linked records", "links"),
    ]:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = "{{ " + key + " }}"
    doc.add_heading("Description", level=2)
    doc.add_paragraph("{{ description }}")
    doc.add_heading("Purpose", level=2)
    doc.add_paragraph("{{ purpose }}")
    doc.add_heading("Statutory elements from the source record", level=2)
    doc.add_paragraph("{{ elements }}")
    doc.add_heading("Major defense equipment", level=2)
    mde = doc.add_table(rows=1, cols=3)
    mde.style = "Table Grid"
    for cell, text in zip(mde.rows[0].cells, ["Item", "Quantity", "Justified quantity"], strict=True):
        cell.text = text
    for cell, text in zip(mde.add_row().cells, ["{{ mde_item }}", "{{ mde_quantity }}", "{{ mde_justified }}"], strict=True):
        cell.text = text
    cn_path = directory / "cn_template.docx"
    doc.save(str(cn_path))

    letter = Document()
    _marked(letter)
    for text in [
        "{{ date }}",
        "",
        "{{ addressee_line }}",
        "{{ addressee_title }}, {{ committee_name }}",
        "United States {{ chamber }}",
        "Washington, DC",
        "",
        "{{ salutation }}",
        "Pursuant to {{ bases }}, the Department of State notifies the {{ committee_name }} of its intent to obligate "
        "{{ amount }} of {{ account }} funds ({{ fiscal_year }}) for {{ recipient }} ({{ program }}).",
        "The enclosed notification {{ number }}, \u201c{{ title }}\u201d, describes the program and its purpose.",
        "{{ emergency }}",
        "",
        "Sincerely,",
        "",
        "Assistant Secretary for Legislative Affairs",
        "",
        "Enclosure: Congressional Notification {{ number }}",
    ]:
        letter.add_paragraph(text)
    letter_path = directory / "transmittal_template.docx"
    letter.save(str(letter_path))
    return [cn_path, letter_path]
