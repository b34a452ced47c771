"""Deconfliction scoring: how much two programs for the same country overlap.

Pure and database-free so the benchmark (`bench/title10_deconfliction.py`) measures exactly what
the product runs. A candidate's score combines the TF-IDF cosine similarity of the descriptions
(word 1-2 grams plus character 3-5 grams, so "patrol boat" meets "patrol boats") with structured
overlaps: the same unit, purposes, elements and fiscal years. Each contribution becomes a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: a pair scoring at or above this is flagged for an analyst decision. Chosen on the *dev* half of
#: data/title10/deconfliction_pairs.csv (see bench/title10_deconfliction.py and the ADR); the test
#: half is reported separately.
FLAG_THRESHOLD = 0.18

W_TEXT = 0.70
W_UNIT = 0.20
W_PURPOSE = 0.06
W_ELEMENT = 0.04
NO_YEAR_OVERLAP_FACTOR = 0.6

#: abbreviations and spellings of security-cooperation writing, expanded so both wordings meet
ABBREVIATIONS = {
    r"\bsof\b": "special operations forces",
    r"\bct\b": "counterterrorism",
    r"\bisr\b": "intelligence surveillance reconnaissance",
    r"\bc-?uas\b": "counter unmanned aircraft",
    r"\bcounter-uas\b": "counter unmanned aircraft",
    r"\buas\b": "unmanned aircraft",
    r"\bcbrn\b": "chemical biological radiological nuclear",
    r"\bwmd\b": "weapons mass destruction",
    r"\beod\b": "explosive ordnance disposal",
    r"\bc-ied\b": "counter improvised explosive device",
    r"\bied\b": "improvised explosive device",
    r"\bmda\b": "maritime domain awareness",
    r"\bnco\b": "noncommissioned officer",
    r"\bnvgs?\b": "night vision",
    r"\brhibs?\b": "rigid hull inflatable boat",
    r"\bvbss\b": "visit board search seizure",
    r"\bsoc\b": "security operations center",
    r"\bdco\b": "defensive cyber operations",
    r"\bpme\b": "professional military education",
    r"\bjcet\b": "joint combined exchange training",
    r"\bcentre\b": "center",
    r"\bdefence\b": "defense",
    r"\bo&m\b": "operations maintenance",
}
UNIT_STOPWORDS = {"the", "of", "and", "for", "de"}


def normalise_text(text: str) -> str:
    text = text.lower()
    for pattern, expansion in ABBREVIATIONS.items():
        text = re.sub(pattern, expansion, text)
    return re.sub(r"[^a-z0-9 ]+", " ", text.replace("&", " and "))


def normalise_unit(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _acronyms(words: list[str]) -> set[str]:
    return {"".join(w[0] for w in words[i : i + size]) for size in (2, 3, 4) for i in range(len(words) - size + 1)}


def same_unit(a: str, b: str) -> bool:
    """Two names of one unit: equal, or one abbreviates the other ("Kenya Navy SBU" for "Kenya Navy
    Special Boat Unit"): 3/4 of the shorter name's words are in the longer, at least one of them as
    an acronym. A name whose words are all inside the longer one ("Tunisian Army" in "Tunisian Army
    Engineers") names the parent force, not the same unit."""
    if normalise_unit(a) == normalise_unit(b):
        return True
    words_a = [w for w in normalise_unit(a).split() if w not in UNIT_STOPWORDS]
    words_b = [w for w in normalise_unit(b).split() if w not in UNIT_STOPWORDS]
    short, long_ = (words_a, words_b) if len(words_a) <= len(words_b) else (words_b, words_a)
    if len(short) < 2:  # a bare acronym ("JAF") names the whole force
        return False
    literal = sum(1 for w in short if w in long_)
    acronym = sum(1 for w in short if w not in long_ and w in _acronyms(long_))
    return acronym >= 1 and (literal + acronym) / len(short) >= 0.75


@dataclass(frozen=True)
class Profile:
    key: str
    label: str
    text: str
    fiscal_years: frozenset[int] = frozenset()
    purposes: frozenset[str] = frozenset()
    elements: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()


@dataclass
class Candidate:
    key: str
    label: str
    score: float
    text_similarity: float
    reasons: list[str] = field(default_factory=list)
    flagged: bool = False
    url: str = ""


def make_vectorizer() -> Any:
    # scikit-learn takes seconds to import: load it on first use, not when the app starts
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    preprocessor=normalise_text, ngram_range=(1, 2), stop_words="english", sublinear_tf=True, min_df=1
                ),
            ),
            (
                "chars",
                TfidfVectorizer(preprocessor=normalise_text, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1),
            ),
        ]
    )


def fit_model(corpus: list[str]) -> Any:
    """The TF-IDF model with its IDF fitted on `corpus` (no labels involved)."""
    return make_vectorizer().fit(corpus)


def similarities(model: Any, subject: str, others: list[str]) -> list[float]:
    from sklearn.metrics.pairwise import cosine_similarity

    if not others:
        return []
    matrix = model.transform([subject, *others])
    # the union concatenates two L2-normalised blocks; cosine_similarity renormalises, which makes the
    # result the mean of the word and character cosines (in [0, 1])
    return [float(v) for v in cosine_similarity(matrix[0], matrix[1:])[0]]


def text_similarities(subject: str, others: list[str], corpus: list[str] | None = None) -> list[float]:
    """Cosine similarity of `subject` to each of `others` (IDF fitted on `corpus` or on all texts)."""
    if not others:
        return []
    return similarities(fit_model(corpus or [subject, *others]), subject, others)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def score(a: Profile, b: Profile, text_similarity: float) -> Candidate:
    reasons: list[str] = [f"description similarity {text_similarity:.2f} (TF-IDF cosine)"]
    value = W_TEXT * text_similarity
    shared_units = {u for u in a.units if any(same_unit(u, v) for v in b.units)}
    if shared_units:
        value += W_UNIT
        reasons.append("same unit: " + ", ".join(sorted(shared_units)))
    shared_purposes = a.purposes & b.purposes
    if shared_purposes:
        value += W_PURPOSE
        reasons.append("same purpose: " + ", ".join(sorted(shared_purposes)))
    shared_elements = a.elements & b.elements
    if shared_elements:
        value += W_ELEMENT * _jaccard(a.elements, b.elements)
        reasons.append("same elements: " + ", ".join(sorted(shared_elements)))
    if a.fiscal_years and b.fiscal_years:
        years = a.fiscal_years & b.fiscal_years
        if years:
            reasons.append("overlapping fiscal years: " + ", ".join(f"FY{y}" for y in sorted(years)))
        else:
            value *= NO_YEAR_OVERLAP_FACTOR
            reasons.append("no overlapping fiscal years (score reduced)")
    value = min(value, 1.0)
    return Candidate(
        key=b.key,
        label=b.label,
        score=round(value, 3),
        text_similarity=round(text_similarity, 3),
        reasons=reasons,
        flagged=value >= FLAG_THRESHOLD,
    )


def rank(subject: Profile, others: list[Profile], corpus: list[str] | None = None) -> list[Candidate]:
    sims = text_similarities(subject.text, [o.text for o in others], corpus)
    candidates = [score(subject, other, sim) for other, sim in zip(others, sims, strict=True)]
    return sorted(candidates, key=lambda c: (-c.score, c.key))
