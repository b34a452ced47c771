"""Reference data API: countries and Title 10 authorities."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from secassist.core.errors import InvalidInput

from . import selectors
from .models import Bureau, Cocom, Country

router = Router(tags=["reference"])
ISO3 = re.compile(r"^[A-Za-z]{3}$")


class CountryOut(Schema):
    iso3: str
    iso2: str
    name: str
    bureau: str
    cocom: str
    un_region: str
    aliases: list[str]


class AuthorityOut(Schema):
    code: str
    citation: str
    name: str
    state_role: str
    requires_secstate_concurrence: bool
    role_detail: str
    cn_days_before: int | None
    cn_clock: str
    caps: str
    reporting: str
    inherits_title22_bars: bool
    inherits_citation: str
    confidence: str
    source: str


def _country_out(country: Country) -> dict[str, object]:
    c = country
    return {
        "iso3": c.iso3,
        "iso2": c.iso2,
        "name": c.name,
        "bureau": c.bureau,
        "cocom": c.cocom,  # type: ignore[attr-defined]
        "un_region": c.un_region,
        "aliases": [a.alias for a in c.aliases.all()],
    }  # type: ignore[attr-defined]


@router.get("/countries", response=list[CountryOut], summary="Countries with bureau, COCOM and aliases")
def list_countries(request: HttpRequest, bureau: str | None = None, cocom: str | None = None) -> list[dict[str, object]]:
    if bureau and bureau not in Bureau.values:
        raise InvalidInput(f"bureau must be one of {', '.join(Bureau.values)}", field="bureau", value=bureau)
    if cocom and cocom not in Cocom.values:
        raise InvalidInput(f"cocom must be one of {', '.join(Cocom.values)}", field="cocom", value=cocom)
    return [_country_out(c) for c in selectors.countries(bureau=bureau, cocom=cocom)]


@router.get("/countries/{iso3}", response=CountryOut, summary="One country by ISO alpha-3 code")
def get_country(request: HttpRequest, iso3: str) -> dict[str, object]:
    if not ISO3.match(iso3):
        raise InvalidInput("iso3 must be a three-letter ISO 3166-1 alpha-3 code, e.g. KEN", field="iso3", value=iso3)
    country = selectors.country(iso3)
    if country is None:
        raise Http404(f"no country with ISO alpha-3 code {iso3.upper()!r}")
    return _country_out(country)


@router.get("/authorities", response=list[AuthorityOut], summary="Title 10 authorities and State's role")
def list_authorities(request: HttpRequest) -> list[object]:
    return list(selectors.authorities())
