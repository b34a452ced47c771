from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from secassist.audit.admin_mixins import AuditedModelAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ("username", "role", "office", "is_active", "last_login")
    list_filter = ("role", "is_active", "office")
    fieldsets = (*BaseUserAdmin.fieldsets, ("secassist", {"fields": ("role", "office")}))  # type: ignore[misc]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "user", "created_at", "last_used_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are created with `secassist create-token` or on the account page
