from __future__ import annotations

from django.apps import AppConfig


class FormulationConfig(AppConfig):
    name = "secassist.formulation"
    label = "formulation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Budget formulation"

    def ready(self) -> None:
        from secassist.core.registry import ApprovalAct, DemoStep, Importer, registry

        from . import cbj, demo, services

        registry.add_exporter(
            Importer(
                "cbj",
                "Congressional Budget Justification tables of a request cycle (XLSX or DOCX); --param fy=YYYY",
                cbj.run_export,
            )
        )
        # After the funds demo (100, 350): the request rolls forward from its ledger lines.
        registry.add_demo_step(DemoStep("budget formulation: an FY+2 request cycle (demo)", 360, demo.run))
        registry.add_approval_act(
            ApprovalAct(
                services.SEED_ACT,
                "Seed the allocation table from an enacted budget request",
                ("budget_reviewer", "admin"),
                services.approve_seeding,
                current_version=services.current_seed_version,
            )
        )
