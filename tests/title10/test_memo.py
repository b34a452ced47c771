"""The concurrence memo (DOCX) is generated from the record and reads back with its content."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from secassist.core.errors import RuleViolation
from secassist.title10 import memo
from tests.title10 import two_person


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_the_memo_carries_decision_conditions_clearances_checks_and_333e_elements(
    under_review: Any, t10_analyst: Any, restrictions: dict[str, Any], congress: dict[str, Any]
) -> None:
    restrictions["verdict"] = "allowed_with_conditions"
    restrictions["findings"] = [
        {"code": "RST-090", "restriction": "DoD Leahy law", "explanation": "vet every unit", "citation": "10 U.S.C. 362"}
    ]
    p = two_person.decide(
        acting_user=t10_analyst,
        proposal=under_review,
        decision="concur_with_conditions",
        reasons="Advances ICS objective 3.",
        conditions="Vet every trainee.\nEUM inventory within 12 months.",
    )
    text = text_of(memo.build_memo(p))
    assert "Concurrence with conditions: AFRICOM-333-FY27-901" in text
    assert "Reasons: Advances ICS objective 3." in text
    assert "Vet every trainee." in text and "EUM inventory within 12 months." in text
    assert "Authority | 10 U.S.C. 333" in text and "Country | Kenya (KEN)" in text
    assert "Total cost | $7,350,000.50" in text and "CFY end date (333(g)) | 2029-09-30" in text
    assert "DRL | Clear" in text and "EMB-KEN | Clear" in text
    assert (
        "Restrictions screen: allowed_with_conditions." in text
        and "RST-090 DoD Leahy law: vet every unit (10 U.S.C. 362)" in text
    )
    assert "Leahy — Kenya Navy Special Boat Unit: T10-L00" in text
    assert "E2: Operates two earlier U.S. boats at 80% readiness." in text
    assert "E9: FMF considered; timing does not allow." in text
    assert "Congressional notification package: CN-2027-901." in text


def test_a_non_concurrence_memo_says_so(under_review: Any, t10_analyst: Any, restrictions: dict[str, Any]) -> None:
    p = two_person.decide(acting_user=t10_analyst, proposal=under_review, decision="non_concur", reasons="Coup restriction.")
    text = text_of(memo.build_memo(p))
    assert "Non-concurrence: AFRICOM-333-FY27-901" in text and "Conditions" not in text


def test_no_memo_before_a_decision(make_proposal: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        memo.build_memo(make_proposal())
    assert exc.value.code == "T10-040"
