from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "secassist.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import CountrySection, DemoStep, registry

        from . import demo, views

        # First on the country page: the 360 summary for a chosen FY, with the brief and every table's download.
        registry.add_country_section(
            CountrySection("Country 360", 50, "insights/_country360.html", views.country_section, takes_params=True)
        )
        registry.add_demo_step(DemoStep("insights: Ukraine USAI proposal for the portfolio and country 360", 600, demo.run))
        registry.add_demo_step(
            DemoStep(
                "insights: a FY1968 ledger from the Greenbook, reconciled with ForeignAssistance.gov",
                620,
                demo.run_reconciliation,
            )
        )
