"""The printable one-page country brief (`/countries/{iso3}/brief.pdf`), marked top and bottom.

Drawn with fpdf2, the PDF library the product already uses (653(a) report, oversight reports): pure
Python, no system libraries, no new dependency. It prints the same summary the page shows
(country360.summary), cut to the lines that fit one Letter page; the page and the CSV/XLSX carry the rest.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from fpdf import FPDF

from secassist.core.money import fmt_money

from .charts import money_label

PAGE_BOTTOM_MM = 262  # leave room for the bottom marking on Letter (279 mm)
MAX_ROWS = 6


def _latin(text: Any) -> str:
    out = str("" if text is None else text)
    for a, b in {
        "–": "-",
        "—": "-",
        "’": "'",
        "“": '"',
        "”": '"',
        "§": "Sec. ",
        "≥": ">=",
        "≤": "<=",
        "→": "->",
        "×": "x",
    }.items():
        out = out.replace(a, b)
    return out.encode("latin-1", "replace").decode("latin-1")


class _Brief(FPDF):
    marking = "CUI"

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.cell(0, 5, _latin(self.marking), align="C", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "B", 9)
        self.cell(0, 5, _latin(self.marking), align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(1.5)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)


def _line(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > PAGE_BOTTOM_MM:
        return  # one page: the rest is on the page and in the downloads
    pdf.multi_cell(0, 3.8, _latin(text)[:220], new_x="LMARGIN", new_y="NEXT")


def _source(pdf: FPDF, section: dict[str, Any]) -> None:
    pdf.set_font("Helvetica", "I", 6.5)
    _line(pdf, f"Source: {section['source']}")
    pdf.set_font("Helvetica", "", 8)


def _rows(pdf: FPDF, rows: list[str], empty: str) -> None:
    for text in rows[:MAX_ROWS] or [empty]:
        _line(pdf, text)
    if len(rows) > MAX_ROWS:
        _line(pdf, f"... and {len(rows) - MAX_ROWS} more (see the country page)")


def _money(value: Decimal | None) -> str:
    return money_label(value) if value is not None else "-"


def _funds(pdf: FPDF, s: dict[str, Any], fy: int) -> None:
    funds = s["funds"]
    _heading(pdf, f"Title 22 funds (FY{fy - 10}-FY{fy})")
    _rows(
        pdf,
        [
            f"FY{r['fiscal_year']} {r['program']}: allocated {_money(r['allocated'])}, obligated {_money(r['obligated'])}, "
            f"disbursed {_money(r['disbursed'])}, notified {_money(r['notified'])}"
            for r in funds["by_program"]
        ],
        "No Title 22 line in these years.",
    )
    _rows(
        pdf,
        [f"Earmark FY{e['fiscal_year']} {e['program']}: {e['label']} ({e['citation']})" for e in funds["earmarks"]],
        "No earmark.",
    )
    _source(pdf, funds)


def _title10(pdf: FPDF, s: dict[str, Any], fy: int) -> None:
    t10 = s["title10"]
    _heading(pdf, f"Title 10 by authority (FY{fy})")
    _rows(
        pdf,
        [
            f"{r['authority']} ({r['citation']}): {r['proposals']} proposal(s), {fmt_money(r['amount'])} proposed"
            for r in t10["by_authority"]
        ],
        "No Title 10 proposal for this FY.",
    )
    _source(pdf, t10)


def _restrictions(pdf: FPDF, s: dict[str, Any], fy: int) -> None:
    r = s["restrictions"]
    _heading(pdf, f"Restrictions: verdict by program (FY{fy})")
    _rows(
        pdf,
        [
            f"{v['program']}: {v['label']}"
            + (f" - {'; '.join(sorted({f['code'] for f in v['findings']}))}" if v["findings"] else "")
            + (f" ({len(v['not_assessed'])} not assessed)" if v["not_assessed"] else "")
            for v in r["verdicts"]
        ],
        "No verdict.",
    )
    _rows(
        pdf,
        [f"Waiver: {w['restriction']} until {w['expires_on'] or 'no end date'}" for w in r["waivers"]],
        "No waiver on record.",
    )
    _source(pdf, r)


def _notifications(pdf: FPDF, s: dict[str, Any]) -> None:
    n = s["notifications"]
    _heading(pdf, "Congressional notifications, holds and clocks")
    _rows(
        pdf, [f"{p['number']} {p['title']} - {p['stage']}, {fmt_money(p['amount'])}" for p in n["open"]], "No open notification."
    )
    _rows(pdf, [f"Hold: {h['number']} by {h['committee']} since {h['placed_on']}" for h in n["holds"]], "No hold.")
    _rows(pdf, [f"{c['date']} {c['state']}: {c['title']}" for c in n["clocks"]], "No clock running.")
    _source(pdf, n)


def _plans(pdf: FPDF, s: dict[str, Any]) -> None:
    p = s["plans"]
    _heading(pdf, "Defense Sector Plans")
    _line(
        pdf,
        f"{len(p['plans'])} plan(s), {len(p['taskers'])} open tasker(s), {len(p['posture_changes'])} posture change(s), "
        f"{len(p['engagements'])} engagement(s), {len(p['action_items'])} open action item(s).",
    )
    _source(pdf, p)


def render(s: dict[str, Any]) -> bytes:
    """One Letter page: marking, country and FY, then each section's key lines and its source."""
    pdf = _Brief(orientation="P", unit="mm", format="Letter")
    pdf.marking = settings.SECASSIST_MARKING
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(14, 10, 14)
    pdf.add_page()
    country, fy = s["country"], s["fiscal_year"]
    pdf.set_title(_latin(f"{country['name']} - country brief FY{fy}"))
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, _latin(f"{country['name']} ({country['iso3']}) - country brief, FY{fy}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    _line(pdf, f"Bureau {country['bureau'] or '-'}, COCOM {country['cocom'] or '-'}. As of {s['as_of']}. Generated by secassist.")
    _funds(pdf, s, fy)
    _title10(pdf, s, fy)
    _restrictions(pdf, s, fy)
    _notifications(pdf, s)
    _plans(pdf, s)
    return bytes(pdf.output())
