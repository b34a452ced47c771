from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "secassist.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .dates import guard_model_dates, install_bulk_guard
        from .files import restrict_sqlite_files

        # One rule for every model's dates, whichever interface saves them (issue #12 item 2).
        pre_save.connect(guard_model_dates, dispatch_uid="secassist.core.dates.guard_model_dates")
        # ... and for the writes that bypass save(): QuerySet.update, bulk_create, bulk_update (ADR 0851).
        install_bulk_guard()
        # The database files are owner-only, whatever the umask (issue #12 item 10).
        connection_created.connect(restrict_sqlite_files, dispatch_uid="secassist.core.files.restrict_sqlite_files")
