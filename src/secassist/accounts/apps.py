from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "secassist.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .auth_events import connect

        connect()  # logins, logouts, failed logins and lockouts are audited
