"""Purposes a proposal may name, per authority.

For 10 U.S.C. 333 these are the 333(a) purposes (DOMAIN.md §7). Other authorities carry the
general purposes DoD uses in security-cooperation proposals; an authority missing from
`BY_AUTHORITY` falls back to `GENERAL`. Each purpose has the clearing office whose equities it
touches (used by the routing rules) and the restrictions-engine purpose it maps to.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Purpose:
    code: str
    label: str
    citation: str
    restriction_purpose: str = "general"


S333 = [
    Purpose("counterterrorism", "Counterterrorism operations", "10 U.S.C. 333(a)(1)", "counterterrorism"),
    Purpose("counter_wmd", "Counter-weapons of mass destruction operations", "10 U.S.C. 333(a)(2)", "general"),
    Purpose("counternarcotics", "Counter-illicit drug trafficking operations", "10 U.S.C. 333(a)(3)", "counternarcotics"),
    Purpose("counter_toc", "Counter-transnational organized crime operations", "10 U.S.C. 333(a)(4)", "general"),
    Purpose("maritime_border", "Maritime and border security operations", "10 U.S.C. 333(a)(5)", "general"),
    Purpose("military_intelligence", "Military intelligence operations", "10 U.S.C. 333(a)(6)", "general"),
    Purpose("air_domain_awareness", "Air domain awareness operations", "10 U.S.C. 333(a)(7)", "general"),
    Purpose(
        "coalition_operations",
        "Operations or activities contributing to an international coalition operation",
        "10 U.S.C. 333(a)(8)",
        "general",
    ),
    Purpose("cyber", "Cyberspace security and defensive cyberspace operations", "10 U.S.C. 333(a)(9)", "general"),
]

GENERAL = [
    Purpose("institutional_capacity", "Defense institution capacity building", "10 U.S.C. 332", "ssr"),
    Purpose("training_education", "Training and professional military education", "10 U.S.C. ch. 16", "professionalization"),
    Purpose("operational_support", "Support for operations", "10 U.S.C. 331", "general"),
    Purpose("counterterrorism", "Counterterrorism", "10 U.S.C. 127e; 333(a)(1)", "counterterrorism"),
    Purpose("counternarcotics", "Counterdrug and counter-transnational organized crime", "10 U.S.C. 284", "counternarcotics"),
    Purpose("humanitarian", "Humanitarian and civic assistance", "10 U.S.C. 401; 2561", "humanitarian"),
    Purpose("exchange", "Personnel exchanges and partnership programs", "10 U.S.C. 311; 341", "general"),
]

BY_AUTHORITY: dict[str, list[Purpose]] = {"10USC333": S333}

#: purpose code -> (office code, why) for the routing rules
OFFICE_FOR_PURPOSE: dict[str, tuple[str, str]] = {
    "counter_wmd": ("ISN", "WMD-related purpose: nonproliferation equities"),
    "counternarcotics": ("INL", "counternarcotics purpose: INL equities"),
    "counter_toc": ("INL", "transnational-crime purpose: INL equities"),
    "counterterrorism": ("CT", "counterterrorism purpose: CT equities"),
}


def purposes_for(authority_code: str) -> list[Purpose]:
    return BY_AUTHORITY.get(authority_code, GENERAL)


def purpose_codes_for(authority_code: str) -> list[str]:
    return [p.code for p in purposes_for(authority_code)]


def label_of(code: str) -> str:
    for purpose in [*S333, *GENERAL]:
        if purpose.code == code:
            return purpose.label
    return code


def restriction_purpose(codes: list[str], authority_code: str) -> str:
    """The one purpose the restrictions engine is asked about: the first specific one."""
    for purpose in purposes_for(authority_code):
        if purpose.code in codes and purpose.restriction_purpose != "general":
            return purpose.restriction_purpose
    return "general"
