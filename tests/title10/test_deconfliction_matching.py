"""Deconfliction matching at its edges: the taxonomy, unit resolution, the three facts and the
classification, the optional semantic extra (issue #18). Pure: no database."""

from __future__ import annotations

from typing import Any

import pytest

from secassist.reference import taxonomy as tx
from secassist.title10 import deconfliction as dc
from secassist.title10 import semantic

INDEX = dc.UnitIndex(
    [
        dc.RegistryUnit(1, "Jordan Armed Forces", ("JAF",)),
        dc.RegistryUnit(2, "Royal Jordanian Air Force", ("RJAF",), parent_id=1),
        dc.RegistryUnit(3, "Jordan Border Guard Force", ("JBGF", "JAF Border Guard Force"), parent_id=1),
    ]
)


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("C-130J spares", "c-130j"),
        ("Super Hercules readiness", "c-130j"),
        ("A-29 training", "a-29"),
        ("Super Tucano sustainment", "a-29"),
        ("EMB-314 support", "a-29"),
        ("UH-60 maintenance", "uh-60"),
        ("Black Hawk spares", "uh-60"),
        ("S-70 helicopters", "uh-60"),
        ("C-130H engines", "c-130h"),
    ],
)
def test_a_platform_is_known_by_each_of_its_names(text: str, platform: str) -> None:
    assert tx.find_platforms(text) == {platform}


def test_a_bare_family_name_gives_way_to_a_named_model_and_is_compatible_with_any_of_its_models() -> None:
    assert tx.find_platforms("Hercules C-130J fleet") == {"c-130j"}
    assert tx.find_platforms("Hercules fleet") == {"c-130"}
    assert tx.platforms_compatible(frozenset({"c-130"}), frozenset({"c-130h"}))
    assert not tx.platforms_compatible(frozenset({"c-130j"}), frozenset({"c-130h"}))
    assert tx.platforms_compatible(frozenset(), frozenset({"c-130h"}))


def test_surveillance_drones_and_counter_drone_systems_are_different_capabilities() -> None:
    isr = tx.find_capabilities("small unmanned aerial vehicles with EO/IR payloads to watch the border")
    counter = tx.find_capabilities("RF jammers and detection radars to defeat small drones")
    assert "isr" in isr and "counter-uas" in counter and not (isr & counter)


def test_sustainment_counts_only_when_nothing_more_specific_is_named() -> None:
    assert tx.find_capabilities("spare parts and depot maintenance") == {"sustainment"}
    assert tx.find_capabilities("spare parts for the patrol boats") == {"maritime-security"}


def test_a_named_platform_says_which_capability_is_built() -> None:
    platforms = tx.find_platforms("ScanEagle for maritime domain awareness")
    assert tx.find_capabilities("ScanEagle for maritime domain awareness", platforms) == {"isr"}


def test_an_acronym_and_the_full_name_resolve_to_one_registry_unit() -> None:
    unit = INDEX.resolve("rjaf")
    assert unit is not None and unit == INDEX.resolve("Royal Jordanian Air Force")
    assert INDEX.resolve("Jordan Border Guard Force") == INDEX.resolve("JAF Border Guard Force")


def test_an_unregistered_name_is_unresolved_and_never_compared_as_a_string() -> None:
    a = profile("a", units=["Quick Reaction Force"])
    b = profile("b", units=["Quick Reaction Force"])
    assert a.unresolved_units == {"Quick Reaction Force"} and not a.unit_ids
    c = dc.score(a, b, 0.9)
    assert not c.evidence["same_unit"] and c.unresolved_units == ["Quick Reaction Force"]
    assert any("not in the registry, not compared" in r for r in c.reasons)


def test_an_explicit_link_resolves_a_name_the_registry_does_not_know() -> None:
    facts = INDEX.unit_facts(["Border Guards (north)"], {"Border Guards (north)": 3})
    assert facts["unit_ids"] == {3} and not facts["unresolved_units"]


def profile(key: str, *, units: list[str] = (), text: str = "", years: range = range(2025, 2026), **kw: Any) -> dc.Profile:  # type: ignore[assignment]
    capabilities, platforms = dc.tag(text)
    return dc.Profile(
        key=key,
        label=key,
        text=text,
        fiscal_years=frozenset(years),
        capabilities=kw.get("capabilities", capabilities),
        platforms=kw.get("platforms", platforms),
        **INDEX.unit_facts(units),
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # all three: same unit (acronym vs name), same platform (designation vs name), FY2025 shared
        (
            ("RJAF", "C-130J spares", range(2024, 2026)),
            ("Royal Jordanian Air Force", "Super Hercules readiness", range(2025, 2026)),
            "duplicate",
        ),
        # one year apart: no overlapping year -> overlap
        (
            ("RJAF", "C-130J spares", range(2024, 2025)),
            ("Royal Jordanian Air Force", "Super Hercules readiness", range(2025, 2026)),
            "overlap",
        ),
        # two fleets of one air force: same category, different platforms -> not the same capability
        (("RJAF", "C-130J spares", range(2025, 2026)), ("RJAF", "C-130H engines", range(2025, 2026)), "overlap"),
        # different unit, different capability, same year -> related
        (
            ("JBGF", "small unmanned aerial vehicles to watch the border", range(2025, 2026)),
            ("RJAF", "RF jammers to defeat small drones", range(2025, 2026)),
            "related",
        ),
        # a parent force is not the same unit
        (("JAF", "C-130J spares", range(2030, 2031)), ("RJAF", "C-130J spares", range(2025, 2026)), "related"),
    ],
)
def test_the_classification_counts_same_unit_same_capability_and_overlapping_years(
    a: tuple[str, str, range], b: tuple[str, str, range], expected: str
) -> None:
    c = dc.score(profile("a", units=[a[0]], text=a[1], years=a[2]), profile("b", units=[b[0]], text=b[1], years=b[2]), 0.0)
    assert c.classification == expected
    assert c.flagged == (expected != "related")
    assert c.reasons[0].startswith(expected)


def test_different_platforms_of_one_category_are_named_as_evidence_against_a_duplicate() -> None:
    c = dc.score(profile("a", units=["RJAF"], text="C-130J spares"), profile("b", units=["RJAF"], text="C-130H engines"), 0.0)
    assert any("different platforms" in r and "evidence against a duplicate" in r for r in c.reasons)


def test_a_parent_and_its_unit_are_noted_but_not_counted() -> None:
    c = dc.score(profile("a", units=["JAF"]), profile("b", units=["RJAF"]), 0.0)
    assert not c.evidence["same_unit"] and any("part of the other" in r for r in c.reasons)


@pytest.mark.parametrize("similarity", [dc.TEXT_SAME_CAPABILITY - 0.01, dc.TEXT_SAME_CAPABILITY])
def test_without_a_category_on_one_side_alike_descriptions_stand_in_from_the_threshold(similarity: float) -> None:
    a = profile("a", text="something unclassifiable", capabilities=frozenset(), platforms=frozenset())
    b = profile("b", text="C-130J spares")
    c = dc.score(a, b, similarity)
    assert c.evidence["same_capability"] == (similarity >= dc.TEXT_SAME_CAPABILITY)


def test_unknown_years_on_one_side_are_not_evidence() -> None:
    a = profile("a", years=range(0))
    c = dc.score(a, profile("b"), 0.0)
    assert not c.evidence["years_overlap"] and "fiscal years unknown on one side" in c.reasons


def test_an_encoder_can_only_raise_the_lexical_similarity() -> None:
    def fake(texts: list[str]) -> list[list[float]]:
        # every text maps to the same unit vector: cosine 1.0
        return [[1.0, 0.0] for _ in texts]

    def opposite(texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0], *([[-1.0, 0.0]] * (len(texts) - 1))]

    lexical = dc.text_similarities("patrol boats for the navy", ["patrol boats for the navy", "cyber"])
    scaled = dc.TEXT_SAME_CAPABILITY / dc.EMBEDDING_SAME_CAPABILITY  # a cosine of 1.0 on the lexical scale
    assert dc.text_similarities("patrol boats for the navy", ["patrol boats for the navy", "cyber"], encoder=fake) == [
        pytest.approx(1.0),
        pytest.approx(scaled),
    ]
    assert dc.text_similarities("patrol boats for the navy", ["patrol boats for the navy", "cyber"], encoder=opposite) == lexical


def test_an_embedding_counts_as_the_same_capability_only_at_its_own_threshold() -> None:
    at, below = dc.EMBEDDING_SAME_CAPABILITY, dc.EMBEDDING_SAME_CAPABILITY - 0.01
    assert dc.combine([0.0], [at]) == [pytest.approx(dc.TEXT_SAME_CAPABILITY)]
    assert dc.combine([0.0], [below])[0] < dc.TEXT_SAME_CAPABILITY


def test_the_semantic_extra_is_off_when_switched_off_and_says_how_to_install_when_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECASSIST_DECONFLICTION_SEMANTIC", "off")
    assert semantic.load_encoder() is None
    monkeypatch.setattr(semantic, "_cached_encoder", lambda: None)
    with pytest.raises(semantic.SemanticUnavailable) as exc:
        semantic.load_encoder(required=True)
    assert "pip install" in exc.value.message


def test_the_semantic_encoder_normalises_through_the_model() -> None:
    class FakeModel:
        def encode(self, texts: list[str], **kw: Any) -> list[list[float]]:
            assert kw["normalize_embeddings"] is True
            return [[0.6, 0.8] for _ in texts]

    encode = semantic.make_encoder(FakeModel())
    assert encode(["a", "b"]) == [[0.6, 0.8], [0.6, 0.8]]
    assert dc.encoder_similarities(encode, "a", ["b"]) == [pytest.approx(1.0)]
