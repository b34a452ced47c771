"""Administrators correct the notification rules and the always-notify list here (audited; a reload
of the shipped file leaves corrected rows as edited)."""

from django.contrib import admin

from secassist.audit.admin_mixins import AuditedModelAdmin

from .models import AlwaysNotifyCountry, NotificationRule


@admin.register(NotificationRule)
class NotificationRuleAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "citation",
        "kind",
        "days",
        "day_basis",
        "emergency_days_after",
        "effective_from",
        "effective_to",
        "locally_edited",
    )
    list_filter = ("kind", "day_basis", "team", "reference_only")
    search_fields = ("code", "citation", "title")
    filter_horizontal = ("committees",)


@admin.register(AlwaysNotifyCountry)
class AlwaysNotifyCountryAdmin(AuditedModelAdmin):
    list_display = ("fiscal_year", "country", "citation", "locally_edited")
    list_filter = ("fiscal_year",)
    autocomplete_fields = ("country",)
