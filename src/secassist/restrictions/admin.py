"""The catalog is editable data: administrators correct it here (audited; the engine snapshot is
refreshed because every save bumps DataVersion)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from secassist.audit.admin_mixins import AuditedModelAdmin

from .models import DataVersion, Designation, Restriction, SecurityForceUnit, Waiver


class VersionedAdmin(AuditedModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            DataVersion.bump()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            DataVersion.bump()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            DataVersion.bump()


@admin.register(Restriction)
class RestrictionAdmin(VersionedAdmin):
    list_display = ("rule_code", "short_name", "citation", "trigger_kind", "duration", "confidence", "is_active")
    list_filter = ("trigger_kind", "duration", "confidence")
    search_fields = ("rule_code", "short_name", "citation")
    filter_horizontal = ("accounts", "authorities")


@admin.register(Designation)
class DesignationAdmin(VersionedAdmin):
    list_display = ("country", "restriction", "status", "effect", "fiscal_year", "effective_from", "ended_on")
    list_filter = ("restriction", "effect", "fiscal_year")
    search_fields = ("country__name", "country__iso3", "status")
    raw_id_fields = ("country",)


@admin.register(Waiver)
class WaiverAdmin(VersionedAdmin):
    list_display = ("country", "restriction", "kind", "pd_number", "fiscal_year", "effective_from", "expires_on")
    list_filter = ("restriction", "kind", "fiscal_year")
    search_fields = ("country__name", "country__iso3", "pd_number")
    raw_id_fields = ("country",)


@admin.register(SecurityForceUnit)
class SecurityForceUnitAdmin(VersionedAdmin):
    list_display = ("name", "country", "force_type", "vetting_status", "credible_information", "remediation_status")
    list_filter = ("force_type", "vetting_status", "credible_information")
    search_fields = ("name", "aliases", "invest_request_id")
    raw_id_fields = ("country", "parent")
