from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class DeterminationsConfig(AppConfig):
    name = "secassist.determinations"
    label = "determinations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import ApprovalAct, DemoStep, HomePanel, ReferenceStep, VersionedDocument, registry

        from . import access, demo, selectors, services
        from .loader import load_reference_step

        # Need-to-know records (accounts.scoping): approval requests on a package read through this.
        registry.add_scoped_selector(selectors.SUBJECT_TYPE, selectors.packages)

        # Cited statutory dates, notice clocks and routing: product data every install needs (after
        # the restrictions catalog, order 200).
        registry.add_reference_step(ReferenceStep("determination types and the annual calendar", 250, load_reference_step))
        registry.add_demo_step(DemoStep("determinations: CSPA packages at each stage (demo)", 250, demo.run))
        registry.add_approval_act(
            ApprovalAct(
                services.REGISTER_ACT,
                "Record a signed determination package's waiver in the register",
                ("sa_analyst", "t10_analyst", "admin"),
                services.approve_register,
                on_return=services.return_register,
                current_version=services.current_register_version,
            )
        )
        registry.add_versioned_document(
            VersionedDocument(
                "determinations.determinationpackage",
                "Determination package and justification",
                services.document_content,
                access.package,
                lambda package: f"/api/v1/determinations/{package.pk}",
            )
        )
        registry.add_home_panel(HomePanel("determinations-due", 210, "determinations/_home_panel.html", home_panel))


def home_panel(user: Any) -> dict[str, Any] | None:
    """Recurring determinations whose statutory date is within 90 days (the reminders)."""
    from . import selectors

    rows = selectors.due_soon(user)
    return {"items": rows} if rows else None
