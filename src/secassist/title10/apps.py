from django.apps import AppConfig


class Title10Config(AppConfig):
    name = "secassist.title10"
    label = "title10"
    default_auto_field = "django.db.models.BigAutoField"
