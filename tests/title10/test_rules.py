"""The pure rules: routing table, CFY, §333 record completeness, assurances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from secassist.title10 import rules
from secassist.title10.rules import AssuranceRow, ProposalFacts


def facts(**kw: object) -> ProposalFacts:
    base: dict[str, object] = {
        "authority_code": "10USC333",
        "country_iso3": "KEN",
        "country_bureau": "AF",
        "fiscal_year": 2027,
        "purposes": ("maritime_border",),
        "element_costs": {"training": Decimal("100.00")},
        "units": (),
    }
    base.update(kw)
    return ProposalFacts(**base)  # type: ignore[arg-type]


def offices(f: ProposalFacts) -> dict[str, rules.Route]:
    return {r.office_code: r for r in rules.routes_for(f)}


def test_regional_bureau_embassy_and_pm_sa_are_always_asked() -> None:
    routed = offices(facts())
    assert set(routed) == {"AF", "EMB-KEN", "PM/SA"}
    assert routed["AF"].code == "RT-01" and "regional bureau" in routed["AF"].reason
    assert routed["EMB-KEN"].code == "RT-02"


def test_named_units_route_to_drl_for_leahy_with_a_longer_sla() -> None:
    routed = offices(facts(units=("Danab Brigade",)))
    assert routed["DRL"].code == "RT-03" and "Leahy" in routed["DRL"].reason
    assert routed["DRL"].sla_business_days == 10


def test_articles_route_to_pm_rsat_for_tpt_and_eum() -> None:
    routed = offices(facts(element_costs={"articles": Decimal("1.00")}))
    assert "PM/RSAT" in routed and "third-party-transfer" in routed["PM/RSAT"].reason
    assert "PM/RSAT" not in offices(facts(element_costs={"training": Decimal("1.00")}))


def test_purposes_route_to_isn_inl_and_ct() -> None:
    routed = offices(facts(purposes=("counter_wmd", "counternarcotics", "counter_toc", "counterterrorism")))
    assert {"ISN", "INL", "CT"} <= set(routed)
    assert "counternarcotics" in routed["INL"].reason and "transnational-crime" in routed["INL"].reason  # merged, asked once


def test_legal_questions_route_to_l_and_blank_ones_do_not() -> None:
    assert "L" in offices(facts(legal_questions="Does the waiver cover FY2027?"))
    assert "L" not in offices(facts(legal_questions="   "))


def test_a_country_without_a_bureau_is_not_routed_to_a_bureau() -> None:
    assert set(offices(facts(country_bureau=""))) == {"EMB-KEN", "PM/SA"}


def test_cfy_end_is_the_end_of_the_second_fiscal_year_after_the_funds() -> None:
    assert rules.cfy_end_date(2027) == dt.date(2029, 9, 30)


def test_a_complete_333_record_has_no_findings() -> None:
    texts = {name: "x" for name in rules.S333E_TEXT_FIELDS}
    assert rules.record_findings(facts(units=("U",), cert_human_rights=True, cert_institutional_capacity=True, texts=texts)) == []


def test_missing_333e_elements_unit_and_certifications_are_each_reported() -> None:
    codes = {f.code: f for f in rules.record_findings(facts())}
    assert {"T10-001", "T10-002", "T10-003"} <= set(codes)
    assert "absorptive_capacity (333(e)(2))" in codes["T10-001"].data["missing"]
    assert codes["T10-002"].citation == "10 U.S.C. 333(e)(1)"


def test_construction_over_750k_needs_details_and_over_2m_breaks_the_cap() -> None:
    mid = {f.code for f in rules.record_findings(facts(element_costs={"construction": Decimal("750000.01")}))}
    assert "T10-005" in mid and "T10-004" not in mid
    high = {
        f.code
        for f in rules.record_findings(
            facts(element_costs={"construction": Decimal("2000000.01")}, construction_details="Bizerte")
        )
    }
    assert "T10-004" in high and "T10-005" not in high
    assert "T10-005" not in {f.code for f in rules.record_findings(facts(element_costs={"construction": Decimal("750000.00")}))}


def test_sustainment_beyond_five_years_needs_a_justification() -> None:
    assert "T10-006" in {f.code for f in rules.record_findings(facts(sustainment_years=6))}
    assert "T10-006" not in {f.code for f in rules.record_findings(facts(sustainment_years=6, sustainment_justification="plan"))}
    assert "T10-006" not in {f.code for f in rules.record_findings(facts(sustainment_years=5))}


def test_other_authorities_carry_no_333_record_rules() -> None:
    assert rules.record_findings(facts(authority_code="10USC312")) == []


TODAY = dt.date(2026, 11, 27)


def row(kind: str, state: str = "in_force", expires: dt.date | None = None, articles: bool = True) -> AssuranceRow:
    return AssuranceRow(kind, f"{kind} instrument", state, expires, articles, True, True)


def by(findings: list[rules.Finding]) -> dict[str, str]:
    return {f"{f.data['element']}/{f.data['assurance']}": f.code for f in findings}


def test_articles_without_any_assurance_are_flagged_missing() -> None:
    got = by(rules.assurance_findings(["articles"], [], today=TODAY))
    assert got == {
        "articles/faa505": "T10-A01",
        "articles/aeca3": "T10-A01",
        "articles/eum": "T10-A01",
        "articles/tpt": "T10-A00",
    }


def test_an_expired_or_lapsed_agreement_is_flagged_not_in_force() -> None:
    expired = rules.assurance_findings(["training"], [row("faa505", expires=dt.date(2026, 1, 1))], today=TODAY)
    assert expired[0].code == "T10-A02" and "expired 2026-01-01" in expired[0].message
    lapsed = rules.assurance_findings(["training"], [row("faa505", state="lapsed")], today=TODAY)
    assert lapsed[0].code == "T10-A02"


def test_an_agreement_not_covering_the_element_counts_as_missing() -> None:
    got = rules.assurance_findings(["articles"], [row("faa505", articles=False)], today=TODAY)
    assert got[0].code == "T10-A01"


def test_eum_discrepancy_and_tpt_violation_are_flagged() -> None:
    got = by(
        rules.assurance_findings(
            ["articles"], [row("faa505"), row("aeca3"), row("eum", "discrepancy"), row("tpt", "violation")], today=TODAY
        )
    )
    assert got == {
        "articles/faa505": "T10-A00",
        "articles/aeca3": "T10-A00",
        "articles/eum": "T10-A03",
        "articles/tpt": "T10-A04",
    }


def test_construction_needs_no_assurance() -> None:
    assert rules.assurance_findings(["construction"], [], today=TODAY) == []


def test_funds_more_than_one_fy_ahead_are_flagged_but_do_not_block() -> None:
    texts = {name: "x" for name in rules.S333E_TEXT_FIELDS}
    full = {"units": ("U",), "cert_human_rights": True, "cert_institutional_capacity": True, "texts": texts}
    early = rules.record_findings(facts(fiscal_year=2029, current_fiscal_year=2027, **full))
    assert [(f.code, f.severity) for f in early] == [("T10-007", "warning")]
    assert rules.record_findings(facts(fiscal_year=2028, current_fiscal_year=2027, **full)) == []
