from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "secassist.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import DemoStep, ReferenceStep, registry

        from . import index

        def _rebuild(**_: object) -> dict[str, int]:
            return index.rebuild()

        # Last in both orders: every app's reference and demo data is in place before it is indexed.
        registry.add_reference_step(ReferenceStep(name="search index", order=9900, run=_rebuild))
        registry.add_demo_step(DemoStep(name="search index", order=9900, run=_rebuild))
