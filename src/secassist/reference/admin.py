from django.contrib import admin

from secassist.audit.admin_mixins import AuditedModelAdmin

from .models import Authority, Committee, Country, CountryAlias, Office, PseudoRegion, Title22Account


@admin.register(Country)
class CountryAdmin(AuditedModelAdmin):
    list_display = ("iso3", "name", "bureau", "cocom", "locally_edited")
    list_filter = ("bureau", "cocom")
    search_fields = ("iso3", "iso2", "name")


@admin.register(PseudoRegion)
class PseudoRegionAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "code", "bureau")
    list_filter = ("kind",)


@admin.register(CountryAlias)
class CountryAliasAdmin(AuditedModelAdmin):
    list_display = ("alias", "country", "pseudo_region", "source")
    search_fields = ("alias",)


@admin.register(Title22Account)
class Title22AccountAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "years_available", "reobligation_years", "cancellation_years")


@admin.register(Authority)
class AuthorityAdmin(AuditedModelAdmin):
    list_display = ("code", "citation", "name", "state_role", "requires_secstate_concurrence", "confidence")
    list_filter = ("state_role", "confidence")
    search_fields = ("code", "citation", "name")


@admin.register(Office)
class OfficeAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind", "is_clearing_office")
    list_filter = ("kind", "is_clearing_office")


@admin.register(Committee)
class CommitteeAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "chamber", "chair_title", "chair_name", "ranking_title", "ranking_name", "leadership_as_of")
