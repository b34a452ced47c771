from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "secassist.plans"
    label = "plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import (
            DemoStep,
            HomeCount,
            HomePanel,
            Importer,
            VersionedDocument,
            registry,
        )

        from . import analyses, cycles_demo, demo, documents, integration, selectors

        # Need-to-know records (accounts.scoping): what names them by type and id reads through these.
        registry.add_scoped_selector(selectors.TASKER_TYPE, selectors.taskers)
        registry.add_scoped_selector(selectors.ANALYSIS_SUBJECT, selectors.analyses)
        registry.add_versioned_document(
            VersionedDocument(
                "plans.analysisproduct",
                "Analysis product",
                analyses.document_content,
                analyses.load_for,
                lambda analysis: f"/api/v1/plans/analyses/{analysis.pk}",
            )
        )

        registry.add_importer(
            Importer(
                "comment-matrix",
                "a comment resolution matrix (XLSX) for a plan-review tasker; all rows checked, all-or-nothing; "
                "run as SECASSIST_ACTING_USER=<user>",
                documents.run_import,
            )
        )
        registry.add_exporter(
            Importer(
                "plans-comment-matrix",
                "the consolidated State comment resolution matrix (XLSX): --param tasker=ID",
                documents.run_matrix_export,
            )
        )
        registry.add_exporter(
            Importer("plans-cover-memo", "the State input cover memo (DOCX): --param tasker=ID", documents.run_memo_export)
        )
        registry.add_demo_step(DemoStep("plans: events calendar and an issue paper (demo)", 510, cycles_demo.run))
        registry.add_demo_step(DemoStep("plans: AFRICOM theater campaign plan review, posture change, 3D WG", 500, demo.run))
        # The country page shows plans, taskers, posture changes and action items once, in the Country 360
        # section (ADR 1104).
        registry.add_home_panel(HomePanel("plans", 40, "plans/_home_panel.html", integration.home_panel))
        registry.add_home_count(HomeCount("Open plan-review taskers", 500, integration.open_tasker_count, "plans:list"))
        registry.provide("plans.elements_for", integration.elements_for)
        _register_jobs()


def _register_jobs() -> None:
    import datetime as dt

    from secassist.core.registry import PeriodicJob, registry

    from .jobs import plan_reminders

    registry.add_periodic_job(PeriodicJob("plan-review reminders", dt.timedelta(days=1), plan_reminders))
