from __future__ import annotations

from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "secassist.oversight"
    label = "oversight"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Program oversight"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
