from django.apps import AppConfig


class CongressConfig(AppConfig):
    name = "secassist.congress"
    label = "congress"
    default_auto_field = "django.db.models.BigAutoField"
