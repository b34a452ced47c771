"""The CN document and the transmittal letters: generate the DOCX and read it back with python-docx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from docx import Document

from secassist.congress import documents
from secassist.reference.models import Committee

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> tuple[str, str, list[list[str]]]:
    doc = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    tables = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return body, header, tables


def test_the_cn_document_carries_the_record_the_configured_marking_and_says_it_is_pre_decisional(make_package) -> None:
    package = make_package(
        cbj_amount="20000000.00",
        description="Border surveillance towers.",
        purpose="Counter-smuggling.",
        mde_items=[{"item": "M1117 armored security vehicle", "quantity": 12, "justified_quantity": 8}],
    )
    body, header, rows = _text(documents.cn_document(package))
    assert f"Congressional Notification {package.number}" in body
    assert "Border surveillance towers." in body and "Counter-smuggling." in body
    assert header == "CUI"
    assert "Pre-decisional draft: not yet transmitted to Congress." in body
    facts = {r[0]: r[1] for r in rows if len(r) == 2}
    assert facts["Country or region"] == "Jordan"
    assert facts["Amount notified"] == "$25,000,000.00"
    assert facts["Change from the CBJ / 653(a) level"] == "+$5,000,000.00"
    assert "22 U.S.C. 2394-1 (FAA §634A)" in facts["Statutory basis"]
    assert ["M1117 armored security vehicle", "12", "8"] in rows
    assert not any("{{" in cell for row in rows for cell in row) and "{{" not in body


def test_after_transmittal_the_document_shows_the_dates_and_the_cui_marking(make_package, walk) -> None:
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        package = walk(make_package(drafted_on=dt.date(2026, 4, 20)), "waiting", transmitted_on=dt.date(2026, 5, 1))
    _, header, rows = _text(documents.cn_document(package))
    facts = {r[0]: r[1] for r in rows if len(r) == 2}
    assert header == "CUI"
    assert facts["Transmitted on"] == "2026-05-01" and facts["Waiting period ends"] == "2026-05-16"
    assert ["None", "—", "—"] in rows


def test_each_committee_gets_its_own_transmittal_letter(make_package) -> None:
    package = make_package()
    committee = Committee.objects.get(code="SFRC")
    body, _, _ = _text(documents.transmittal_letter(package, committee))
    assert "Senate Committee on Foreign Relations" in body
    assert "United States Senate" in body
    assert f"notification {package.number}" in body
    assert "$25,000,000.00 of FMF funds (FY2026) for Jordan" in body


def test_the_office_can_edit_the_template(make_package, tmp_path, settings) -> None:
    settings.PRODUCT_DATA_DIR = tmp_path
    documents.build_default_templates(tmp_path / "congress")
    doc = Document(str(tmp_path / "congress" / "cn_template.docx"))
    doc.add_paragraph("Prepared by PM/SA for {{ recipient }} — {{ number }}")
    doc.save(str(tmp_path / "congress" / "cn_template.docx"))
    package = make_package()
    body, _, _ = _text(documents.cn_document(package))
    assert f"Prepared by PM/SA for Jordan — {package.number}" in body


def test_the_source_elements_such_as_333e_are_printed(t10_analyst) -> None:
    from secassist.congress import services
    from secassist.reference.models import Authority

    package = services.open_package(
        acting_user=t10_analyst,
        source=Authority.objects.get(code="10USC333"),
        title="§333 Kenya",
        country="KEN",
        authority="10USC333",
        fiscal_year=2027,
        program="§333 maritime",
        amount="7830000.00",
        units=["Kenya Navy"],
        s333e={"e2_absorptive_capacity": "Adequate: the navy operates two patrol boats"},
    )
    body, _, _ = _text(documents.cn_document(package))
    assert "units: Kenya Navy" in body
    assert "e2 absorptive capacity: Adequate: the navy operates two patrol boats" in body


def test_a_letter_goes_to_the_chair_by_role_title_until_the_office_enters_a_name(make_package) -> None:
    package = make_package()
    body, _, _ = _text(documents.transmittal_letter(package, Committee.objects.get(code="SFRC")))
    assert "The Chair\nChair, Senate Committee on Foreign Relations" in body
    assert "Dear Chair:" in body and "Honorable" not in body


def test_a_letter_uses_the_name_the_office_keeps_with_its_source(make_package) -> None:
    package = make_package()
    committee = Committee.objects.get(code="HFAC")
    committee.ranking_name = "Alex Example"  # an office-entered name (a placeholder, not a real member)
    committee.leadership_source = "https://foreignaffairs.house.gov/ (membership page)"
    committee.save()
    body, _, _ = _text(documents.transmittal_letter(package, committee, role="ranking_member"))
    assert "The Honorable Alex Example\nRanking Member, House Committee on Foreign Affairs" in body
    assert "Dear Ranking Member Example:" in body


def test_senate_appropriations_minority_lead_is_its_vice_chair_and_the_speaker_has_no_ranking_member(
    make_package, client_as, sa_analyst
) -> None:
    package = make_package()
    body, _, _ = _text(documents.transmittal_letter(package, Committee.objects.get(code="SACFO"), role="ranking_member"))
    assert "The Vice Chair\nVice Chair, Senate Committee on Appropriations" in body
    client = client_as(sa_analyst)
    assert client.get(f"/notifications/{package.pk}/letters/SPEAKER.docx?to=ranking_member").status_code == 422
    assert client.get(f"/notifications/{package.pk}/letters/SFRC.docx?to=clerk").status_code == 422
    ok = client.get(f"/notifications/{package.pk}/letters/SFRC.docx?to=ranking_member")
    assert ok.status_code == 200 and "SFRC-ranking_member-letter.docx" in ok["Content-Disposition"]
