from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "secassist.approvals"
    label = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import HomeCount, HomePanel, ReferenceStep, registry

        from . import selectors, services

        def panel(user: object) -> dict[str, object] | None:
            rows = list(selectors.awaiting(user)[:10])
            if not rows:
                return None
            return {"approvals": rows}

        registry.add_home_panel(HomePanel("approvals", 5, "approvals/_home_panel.html", panel))
        registry.add_home_count(
            HomeCount("Awaiting your approval", 45, lambda user: selectors.awaiting(user).count(), "approvals:list")
        )
        # After every app's ready() has registered its acts: policy rows every install needs.
        registry.add_reference_step(ReferenceStep("approval policies", 900, services.ensure_policies))
