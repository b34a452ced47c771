from django.apps import AppConfig


class CongressConfig(AppConfig):
    name = "secassist.congress"
    label = "congress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import (
            ApprovalAct,
            CountrySection,
            DemoStep,
            HomeCount,
            HomePanel,
            Importer,
            ReferenceStep,
            VersionedDocument,
            registry,
        )

        from . import coverage, demo, documents, exports, historical, integrations, loader, services, transmittal, views

        registry.add_versioned_document(
            VersionedDocument(
                "congress.package",
                "CN text and transmittal letters",
                documents.document_content,
                views.load_for,
                lambda package: f"/notifications/{package.pk}/",
            )
        )
        registry.provide("congress.obligation_gate", integrations.gate)
        registry.provide("congress.open_package", services.open_package)
        registry.provide("congress.clearance_for", integrations.clearance_for)
        registry.provide("congress.notification_states", coverage.notification_states)
        registry.add_approval_act(
            ApprovalAct(
                historical.ACT,
                "Count a historical CN record (transmitted outside the workbench) as a notification",
                ("sa_analyst", "t10_analyst", "budget_reviewer", "admin"),
                historical.on_approve,
                current_version=historical.current_version,
            )
        )
        registry.add_approval_act(
            ApprovalAct(
                transmittal.ACT,
                "Record a CN as transmitted to Congress (starts the statutory waiting period)",
                ("sa_analyst", "t10_analyst", "admin"),
                transmittal.on_approve,
                current_version=transmittal.current_version,
            )
        )
        registry.add_importer(
            Importer(
                "congress-rules",
                "notification rules (data/congress/notification_rules.csv)",
                loader.load_rules,
                loader.rules_path,
            )
        )
        registry.add_importer(
            Importer(
                "congress-always-notify",
                "SFOPS §7015(f) always-notify countries per FY",
                loader.load_always_notify,
                loader.always_notify_path,
            )
        )
        for table in exports.TABLES:
            registry.add_exporter(
                Importer(f"congress-{table}", f"congress {table} (CSV or XLSX by the file suffix)", exports.exporter(table))
            )
        # Every install needs the notification rules, with or without the demo.
        registry.add_reference_step(
            ReferenceStep("notification rules", 300, lambda *, acting_user=None: loader.load_all(acting_user=acting_user))
        )
        registry.add_demo_step(DemoStep("congressional notifications", 300, demo.run))
        registry.add_demo_step(DemoStep("historical notifications, approved by a second person", 320, demo.run_historical))
        registry.add_home_panel(HomePanel("congress", 30, "congress/_home_panel.html", views.home_panel))
        registry.add_home_count(HomeCount("CNs waiting or on hold", 300, views.waiting_count, "congress:list", shared=True))
        registry.add_country_section(
            CountrySection("Congressional notifications", 300, "congress/_country_section.html", views.country_section)  # type: ignore[arg-type]
        )
        _register_jobs()


def _register_jobs() -> None:
    import datetime as dt

    from secassist.core.registry import PeriodicJob, registry

    from .jobs import clock_alerts

    registry.add_periodic_job(PeriodicJob("statutory clock alerts", dt.timedelta(days=1), clock_alerts))
