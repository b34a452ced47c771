from __future__ import annotations

from django.apps import AppConfig


class Title10Config(AppConfig):
    name = "secassist.title10"
    label = "title10"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import (
            ApprovalAct,
            DemoStep,
            HomeCount,
            Importer,
            VersionedDocument,
            registry,
        )

        from . import demo, selectors, services, workbook
        from .models import Status

        registry.add_versioned_document(
            VersionedDocument(
                "title10.proposal",
                "Title 10 proposal record (as cleared by State's offices)",
                services.document_content,
                services.load_for,
                lambda proposal: f"/title10/p/{proposal.reference}/",
            )
        )

        registry.add_importer(
            Importer(
                "dod-proposals",
                "DoD Title 10 proposal workbook (XLSX, the title10-template layout)",
                workbook.import_workbook,
                demo.sample_workbook_path,
            )
        )
        registry.add_exporter(
            Importer("title10-template", "empty DoD proposal workbook template (XLSX)", workbook.export_template)
        )
        registry.add_exporter(
            Importer(
                "title10-proposals",
                "Title 10 proposals in the template layout (XLSX; --param country=ISO3)",
                workbook.export_proposals,
            )
        )
        registry.add_demo_step(DemoStep("title10: DoD proposals at every stage", 400, demo.run))
        registry.add_approval_act(
            ApprovalAct(
                services.DECIDE_ACT,
                "Record State's decision on a Title 10 proposal (concur, concur with conditions, non-concur)",
                ("t10_analyst", "admin"),
                services.approve_decision,
                current_version=services.current_decision_version,
            )
        )
        registry.provide("title10.proposals_for", selectors.proposals_for)
        # the budget line page shows its Title 22 activities' units resolved, with Leahy status (#18)
        from . import checks

        registry.provide("title10.unit_resolution", checks.unit_resolution)

        # The country page shows Title 10 proposals and assurances once, in the Country 360 section (ADR 1104).
        registry.add_home_count(
            HomeCount(
                "Title 10 proposals open",
                400,
                lambda user: selectors.proposals().exclude(status__in=[Status.WITHDRAWN, Status.READY_TO_EXECUTE]).count(),
                "title10:list",
                shared=True,
            )
        )
