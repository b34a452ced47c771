"""The capability and platform taxonomy of security cooperation (issue #18).

Both sides of a deconfliction — Title 10 proposals and Title 22 activities — are tagged with the
same vocabulary, read from the cited files `data/reference/capabilities.csv` and
`data/reference/platforms.csv`:

- a **capability category** (maritime security, border security, ISR, counter-UAS, airlift, …)
  with the phrases that name it in program descriptions;
- a **platform** (C-130J, UH-60, A-29, ScanEagle, …) with its designations and names ("C-130J" =
  "Super Hercules"; "A-29" = "Super Tucano" = "EMB-314"; "UH-60" = "Black Hawk" = "S-70"), its family
  (C-130J and C-130H are both Hercules but two fleets) and the category it serves.

Pure functions on text plus a cached loader; no database, so the benchmark measures exactly what
the product runs. The files are product data: an office that needs another platform adds a row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

#: categories a program nearly always mentions in passing ("spares", "training"): they count only
#: when nothing more specific names the program, so "spares for the A-29" is light attack, not
#: merely sustainment
GENERIC_CATEGORIES = frozenset({"sustainment"})

#: a category whose phrases name the *threat* with the words of another category: a counter-drone
#: program talks of "small unmanned aircraft" because it shoots them down, which does not make it
#: ISR (issue #18: "surveillance drones and counter-drone systems read as the same thing")
SUPERSEDES = {"counter-uas": frozenset({"isr"})}


@dataclass(frozen=True)
class Capability:
    code: str
    label: str
    keywords: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Platform:
    code: str
    name: str
    aliases: tuple[str, ...]
    family: str
    capability: str
    source: str

    @property
    def is_family(self) -> bool:
        """A bare family name ("Hercules", "C-130") that does not say which fleet."""
        return self.code == self.family


@dataclass(frozen=True)
class Taxonomy:
    capabilities: dict[str, Capability]
    platforms: dict[str, Platform]

    def capability_label(self, code: str) -> str:
        cap = self.capabilities.get(code)
        return cap.label if cap else code

    def platform_name(self, code: str) -> str:
        plat = self.platforms.get(code)
        return plat.name if plat else code


def _split(value: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.split(";") if x.strip())


def read_taxonomy(directory: Path) -> Taxonomy:
    with (directory / "capabilities.csv").open(encoding="utf-8") as fh:
        caps = {r["code"]: Capability(r["code"], r["label"], _split(r["keywords"]), r["source"]) for r in csv.DictReader(fh)}
    with (directory / "platforms.csv").open(encoding="utf-8") as fh:
        plats = {
            r["code"]: Platform(
                r["code"], r["name"], _split(r["aliases"]), r["family"] or r["code"], r["capability"], r["source"]
            )
            for r in csv.DictReader(fh)
        }
    unknown = sorted({p.capability for p in plats.values() if p.capability and p.capability not in caps})
    if unknown:
        raise ValueError(f"platforms.csv names unknown capability codes: {', '.join(unknown)}")
    return Taxonomy(caps, plats)


@cache
def taxonomy() -> Taxonomy:
    return read_taxonomy(Path(settings.PRODUCT_DATA_DIR) / "reference")


def _phrase_pattern(phrase: str) -> str:
    # a phrase matches as whole words; hyphens, spaces and slashes between its parts are interchangeable
    parts = [re.escape(p) for p in re.split(r"[\s\-/]+", phrase.lower()) if p]
    return r"(?<![a-z0-9])" + r"[\s\-/]?".join(parts) + r"s?(?![a-z0-9])"


_Patterns = tuple[list[tuple[str, re.Pattern[str]]], list[tuple[str, re.Pattern[str]]]]
_PATTERNS: dict[int, tuple[Taxonomy, _Patterns]] = {}


def _patterns(tax: Taxonomy) -> _Patterns:
    """Compiled patterns of a taxonomy, built once per loaded taxonomy (kept with it, so an id is
    never reused for another one)."""
    held = _PATTERNS.get(id(tax))
    if held is None or held[0] is not tax:
        caps = [(c.code, re.compile("|".join(_phrase_pattern(k) for k in c.keywords))) for c in tax.capabilities.values()]
        plats = [(p.code, re.compile("|".join(_phrase_pattern(a) for a in p.aliases))) for p in tax.platforms.values()]
        held = _PATTERNS[id(tax)] = (tax, (caps, plats))
    return held[1]


def find_platforms(text: str, tax: Taxonomy | None = None) -> frozenset[str]:
    """Platform codes named in `text`; a bare family ("Hercules") only when no model of it is named."""
    tax = tax or taxonomy()
    lowered = text.lower()
    found = {code for code, pattern in _patterns(tax)[1] if pattern.search(lowered)}
    named_families = {tax.platforms[c].family for c in found if not tax.platforms[c].is_family}
    return frozenset(c for c in found if not (tax.platforms[c].is_family and c in named_families))


def find_capabilities(text: str, platforms: frozenset[str] = frozenset(), tax: Taxonomy | None = None) -> frozenset[str]:
    """Capability codes of a program: the categories its named platforms serve, or, when it names
    none, those its phrases name — generic ones (sustainment) only when nothing more specific is."""
    tax = tax or taxonomy()
    served = {tax.platforms[p].capability for p in platforms if p in tax.platforms and tax.platforms[p].capability}
    if served:
        # a named platform says what is being built: "ScanEagle for maritime domain awareness" is ISR
        return frozenset(served)
    lowered = text.lower()
    found = {code for code, pattern in _patterns(tax)[0] if pattern.search(lowered)}
    for code, hidden in SUPERSEDES.items():
        if code in found:
            found -= hidden
    specific = found - GENERIC_CATEGORIES
    return frozenset(specific or found)


def valid_capability_codes() -> list[str]:
    return sorted(taxonomy().capabilities)


def valid_platform_codes() -> list[str]:
    return sorted(taxonomy().platforms)


def platforms_compatible(a: frozenset[str], b: frozenset[str], tax: Taxonomy | None = None) -> bool:
    """Two platform sets can be one capability: either side names none, they share one, or one names
    only a family ("Hercules") that the other names a model of."""
    if not a or not b or a & b:
        return True
    tax = tax or taxonomy()

    def families(codes: frozenset[str]) -> set[str]:
        return {tax.platforms[c].family for c in codes if c in tax.platforms}

    bare_a = {tax.platforms[c].family for c in a if c in tax.platforms and tax.platforms[c].is_family}
    bare_b = {tax.platforms[c].family for c in b if c in tax.platforms and tax.platforms[c].is_family}
    return bool(bare_a & families(b)) or bool(bare_b & families(a))


def _code_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def capability_code(value: str, tax: Taxonomy | None = None) -> str | None:
    """The capability code a user wrote as its code or its label; None when it is not in the taxonomy."""
    tax = tax or taxonomy()
    key = _code_key(value)
    return next((c.code for c in tax.capabilities.values() if key in (_code_key(c.code), _code_key(c.label))), None)


def platform_code(value: str, tax: Taxonomy | None = None) -> str | None:
    """The platform code a user wrote as its code, name or a designation ("Black Hawk" -> uh-60)."""
    tax = tax or taxonomy()
    key = _code_key(value)
    return next((p.code for p in tax.platforms.values() if key in {_code_key(n) for n in (p.code, p.name, *p.aliases)}), None)
