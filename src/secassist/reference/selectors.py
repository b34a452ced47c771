from __future__ import annotations

from django.db.models import Q, QuerySet

from secassist.audit import statecache

from .models import Authority, Country
from .resolver import normalise_name


def countries(*, bureau: str | None = None, cocom: str | None = None, q: str = "") -> QuerySet[Country]:
    qs = Country.objects.prefetch_related("aliases").order_by("name")
    if bureau:
        qs = qs.filter(bureau=bureau)
    if cocom:
        qs = qs.filter(cocom=cocom)
    if q:
        # Aliases count as names: Turkey finds Türkiye, Burma Myanmar, UAE the United Arab Emirates.
        by_alias = Q(aliases__alias__icontains=q) | Q(aliases__normalized=normalise_name(q))
        matches = Q(name__icontains=q) | Q(iso3__iexact=q) | by_alias
        qs = qs.filter(pk__in=Country.objects.filter(matches).values("pk"))
    return qs


def country(iso3: str) -> Country | None:
    return Country.objects.prefetch_related("aliases").filter(iso3=iso3.upper()).first()


def country_cached(iso3: str) -> Country | None:
    """`country()` kept until the next write (ADR 1005): the country page and the 360 API ask on every
    request. A code that is not three letters is looked up but not kept (no cache entry per typo)."""
    code = iso3.upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        return country(code)
    return statecache.cached("reference.country", lambda: country(code), code)


def authorities(*, active_only: bool = True) -> QuerySet[Authority]:
    qs = Authority.objects.order_by("code")
    return qs.filter(is_active=True) if active_only else qs
