from __future__ import annotations

from django.db.models import QuerySet

from .models import Authority, Country


def countries(*, bureau: str | None = None, cocom: str | None = None, q: str = "") -> QuerySet[Country]:
    qs = Country.objects.prefetch_related("aliases").order_by("name")
    if bureau:
        qs = qs.filter(bureau=bureau)
    if cocom:
        qs = qs.filter(cocom=cocom)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(iso3__iexact=q)
    return qs


def country(iso3: str) -> Country | None:
    return Country.objects.prefetch_related("aliases").filter(iso3=iso3.upper()).first()


def authorities(*, active_only: bool = True) -> QuerySet[Authority]:
    qs = Authority.objects.order_by("code")
    return qs.filter(is_active=True) if active_only else qs
