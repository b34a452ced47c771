from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class RestrictionsConfig(AppConfig):
    name = "secassist.restrictions"
    label = "restrictions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from secassist.core.registry import ApprovalAct, CountrySection, DemoStep, HomeCount, HomePanel, ReferenceStep, registry

        from . import selectors, services
        from .checking import check, check_many
        from .demo import load_demo, load_reference_step, record_demo_assessments

        registry.add_approval_act(
            ApprovalAct(
                services.WAIVER_ACT,
                "Record a waiver or determination (or certification, exception) in the register",
                ("sa_analyst", "t10_analyst", "admin"),
                services.approve_waiver,
            )
        )
        registry.add_approval_act(
            ApprovalAct(
                services.END_WAIVER_ACT,
                "End a waiver or determination in the register (revocation, or an entry recorded in error)",
                ("sa_analyst", "t10_analyst", "admin"),
                services.approve_end_waiver,
            )
        )
        registry.add_approval_act(
            ApprovalAct(
                services.END_DESIGNATION_ACT,
                "Record the end of a designation (it lifts a prohibition)",
                ("sa_analyst", "t10_analyst", "admin"),
                services.approve_end_designation,
            )
        )
        registry.provide("restrictions.check", check)
        registry.provide("restrictions.check_many", check_many)  # re-screening: rows of check() kwargs, one snapshot
        # The catalog and cited seed designations/waivers are product data every install needs.
        registry.add_reference_step(ReferenceStep("restrictions catalog, designations and waivers", 200, load_reference_step))
        registry.add_demo_step(DemoStep("restrictions: statutes, designations and waivers", 200, load_demo))
        # Before the funds demo (order 100): its current-year lines need the restrictions assessed.
        registry.add_demo_step(
            DemoStep("restrictions: the demo analyst's assessments for this fiscal year", 90, record_demo_assessments)
        )
        registry.add_country_section(CountrySection("Restrictions", 200, "restrictions/_country_section.html", country_section))
        registry.add_home_count(
            HomeCount(
                "Waivers expiring in 90 days",
                200,
                lambda user: selectors.expiring_waivers().count(),
                "restrictions:waivers",
                shared=True,
            )
        )
        registry.add_home_panel(HomePanel("restrictions-expiring", 200, "restrictions/_home_panel.html", home_panel))
        _register_jobs()


def _register_jobs() -> None:
    import datetime as dt

    from secassist.core.registry import PeriodicJob, registry

    from .jobs import waiver_expiry_alerts

    registry.add_periodic_job(PeriodicJob("waiver expiry alerts", dt.timedelta(days=1), waiver_expiry_alerts))


def country_section(country: Any, user: Any) -> dict[str, Any]:
    from . import selectors

    designations = list(selectors.designations_for(country.iso3))
    waivers = list(selectors.waivers_for(country.iso3))
    units = selectors.units_for(country.iso3).count()
    return {
        "designations": designations[:12],
        "designation_count": len(designations),
        "waivers": waivers[:8],
        "waiver_count": len(waivers),
        "unit_count": units,
        "iso3": country.iso3,
        "country_name": country.name,
        **selectors.timeline_gaps(country.iso3),
    }


def home_panel(user: Any) -> dict[str, Any] | None:
    from . import selectors

    rows = list(selectors.expiring_waivers()[:10])
    return {"expiring_waivers": rows} if rows else None
