from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "secassist.budget"
    label = "budget"
    default_auto_field = "django.db.models.BigAutoField"
