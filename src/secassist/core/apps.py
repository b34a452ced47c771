from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "secassist.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .dates import guard_model_dates

        # One rule for every model's dates, whichever interface saves them (issue #12 item 2).
        pre_save.connect(guard_model_dates, dispatch_uid="secassist.core.dates.guard_model_dates")
