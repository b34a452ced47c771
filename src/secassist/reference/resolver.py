"""Map a recipient name as spelled in a source file to one country or one named pseudo-region.

Exact matches on normalised spellings only: a name that is not known is reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .models import Country, CountryAlias, PseudoRegion


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = text.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass(frozen=True)
class Resolution:
    name: str
    country: Country | None = None
    pseudo_region: PseudoRegion | None = None

    @property
    def resolved(self) -> bool:
        return self.country is not None or self.pseudo_region is not None


class NameResolver:
    def __init__(self, countries: dict[str, Country], pseudo: dict[str, PseudoRegion], by_code: dict[str, Country]):
        self._countries = countries
        self._pseudo = pseudo
        self._by_code = by_code

    @classmethod
    def from_db(cls) -> NameResolver:
        countries: dict[str, Country] = {}
        by_code: dict[str, Country] = {}
        for c in Country.objects.all():
            countries[normalise_name(c.name)] = c
            by_code[c.iso3] = c
        pseudo = {normalise_name(p.name): p for p in PseudoRegion.objects.all()}
        for a in CountryAlias.objects.select_related("country", "pseudo_region"):
            if a.country is not None:
                countries[a.normalized] = a.country
            elif a.pseudo_region is not None:
                pseudo[a.normalized] = a.pseudo_region
        return cls(countries, pseudo, by_code)

    def resolve(self, name: str) -> Resolution:
        key = normalise_name(name)
        if key in self._countries:
            return Resolution(name, country=self._countries[key])
        if key in self._pseudo:
            return Resolution(name, pseudo_region=self._pseudo[key])
        code = name.strip().upper()
        if len(code) == 3 and code in self._by_code:
            return Resolution(name, country=self._by_code[code])
        return Resolution(name)

    def unresolved(self, names: set[str]) -> list[str]:
        return sorted(n for n in names if not self.resolve(n).resolved)
