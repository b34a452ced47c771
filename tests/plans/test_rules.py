"""Pure rules: PLN-001 classified-text refusal, highest marking, PLN-008 duplicates."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from secassist.core.errors import RuleViolation
from secassist.plans import rules, services

from .conftest import make_product


@pytest.mark.parametrize(
    "text",
    [
        "SECRET//NOFORN",
        "(S) The plan assumes access.",
        "(S//NF) objective",
        "(TS) annex",
        "TOP SECRET annex",
        "Releasable: REL TO USA, FVEY",
        "NOFORN",
        "(C//REL TO USA, GBR) text",
        "TS//SI material",
    ],
)
def test_classification_markings_are_detected(text):
    assert rules.classified_markings(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Secretary of State concurs.",
        "a secret ballot",
        "10 U.S.C. 333(c) and 22 U.S.C. 2378d(a)",
        "Section (C) of the annex",
        "Unclassified summary of the campaign objectives.",
        "(U) Unclassified paragraph",
    ],
)
def test_ordinary_prose_is_not_flagged(text):
    assert rules.classified_markings(text) == []


def test_a_product_with_a_classified_summary_is_refused_and_names_the_field(dsp_analyst):
    with pytest.raises(RuleViolation) as exc:
        make_product(dsp_analyst, summary="(S//NF) The plan's end states are ...")
    assert exc.value.code == "PLN-001"
    assert exc.value.details["field"] == "summary"
    assert "E.O. 13526" in exc.value.details["citation"]


def test_a_classified_product_needs_a_pointer_to_its_text(dsp_analyst):
    from secassist.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        make_product(dsp_analyst, classified_text_location="")
    assert exc.value.details["field"] == "classified_text_location"


@pytest.mark.parametrize(
    "markings,expected",
    [
        ([], None),
        ([("UNCLASSIFIED", ""), ("CUI", "")], "CUI"),
        ([("SECRET", "NOFORN"), ("CONFIDENTIAL", "")], "SECRET//NOFORN"),
        ([("SECRET", "REL TO USA, FVEY"), ("SECRET", "REL TO USA, FVEY")], "SECRET//REL TO USA, FVEY"),
        ([("SECRET", "REL TO USA, FVEY"), ("CONFIDENTIAL", "REL TO USA, NATO")], "SECRET//NOFORN"),
        ([("TOP SECRET", ""), ("SECRET", "NOFORN")], "TOP SECRET//NOFORN"),
    ],
)
def test_the_highest_marking_is_combined_conservatively(markings, expected):
    assert rules.highest_marking(markings) == expected


def _c(number, comment, page="9", paragraph="2.c", line="11"):
    return SimpleNamespace(number=number, comment=comment, page=page, paragraph=paragraph, line=line)


def test_duplicates_need_the_same_location_and_near_identical_text():
    a = _c(1, "Replace 'host nation consent is assumed' with 'consent will be sought through the Chief of Mission'.")
    b = _c(2, "Replace “host-nation consent is assumed” with “consent will be sought through the Chief of Mission.”")
    elsewhere = _c(3, a.comment, page="10")
    different = _c(4, "Add NEA as the State counterpart for Libya and Tunisia.")
    groups = rules.duplicate_groups([a, b, elsewhere, different])
    assert [[c.number for c in g] for g in groups] == [[1, 2]]


def test_unknown_choice_names_field_and_allowed_values():
    from secassist.core.errors import InvalidInput
    from secassist.plans.models import CommentType

    with pytest.raises(InvalidInput) as exc:
        services.choice("minor", CommentType, "comment_type")
    assert exc.value.details["allowed"] == ["critical", "substantive", "administrative"]
