from django.apps import AppConfig


class ClearancesConfig(AppConfig):
    name = "secassist.clearances"
    label = "clearances"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import HomeCount, HomePanel, registry

        from . import selectors

        def panel(user: object) -> dict[str, object] | None:
            office_id = getattr(user, "office_id", None)
            if not office_id:
                return None
            rows = list(selectors.for_office(office_id).order_by("due_on")[:10])
            return {"clearances": rows, "office_code": user.office.code}  # type: ignore[attr-defined]

        registry.add_home_panel(HomePanel("clearances", 10, "clearances/_home_panel.html", panel))
        registry.add_home_count(
            HomeCount("Open clearances", 50, lambda user: selectors.open_count(), "clearances:list", shared=True)
        )
        _register_jobs()


def _register_jobs() -> None:
    import datetime as dt

    from secassist.core.registry import PeriodicJob, registry

    from .jobs import clearance_alerts

    registry.add_periodic_job(PeriodicJob("clearance escalations and due alerts", dt.timedelta(hours=1), clearance_alerts))
