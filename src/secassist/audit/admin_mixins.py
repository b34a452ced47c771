"""Admin edits of reference data go through the audit trail like every other write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from .services import record


def snapshot(obj: models.Model) -> dict[str, Any]:
    return {k: v for k, v in model_to_dict(obj).items() if not isinstance(v, (list, set))}


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
            if change and hasattr(obj, "locally_edited"):
                obj.locally_edited = True  # reloading the shipped file must not undo this correction
            super().save_model(request, obj, form, change)
            reason = "edited in the administration site"
            if change:
                record(actor=request.user, action="admin.change", obj=obj, before=before, after=snapshot(obj), reason=reason)
            else:
                record(actor=request.user, action="admin.add", obj=obj, after=snapshot(obj), reason=reason)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(actor=request.user, action="admin.delete", obj=obj, before=snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record(actor=request.user, action="admin.delete", obj=obj, before=snapshot(obj))
            super().delete_queryset(request, queryset)
