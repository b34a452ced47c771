from django.apps import AppConfig


class RestrictionsConfig(AppConfig):
    name = "secassist.restrictions"
    label = "restrictions"
    default_auto_field = "django.db.models.BigAutoField"
