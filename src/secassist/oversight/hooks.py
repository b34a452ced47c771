"""What oversight adds to the registry: the deliveries importer, report exporters, the demo step,
the country-page section, and the `oversight.objectives_for` service that the budget and title10
pages call to show a program's objectives (the other direction of a link) without importing upward."""

from __future__ import annotations

from typing import Any

from secassist.core.registry import CountrySection, DemoStep, Importer, registry


def objectives_for(*, allocation: Any = None, proposal: Any = None) -> list[dict[str, Any]]:
    from django.urls import reverse

    from . import selectors

    links = (
        selectors.links_of(allocation_id=getattr(allocation, "pk", None), proposal_id=getattr(proposal, "pk", None))
        if (allocation is not None or proposal is not None)
        else []
    )
    return [
        {
            "code": lk.objective.code,
            "title": lk.objective.title,
            "kind": lk.objective.get_kind_display(),
            "ccmd": lk.objective.ccmd,
            "rationale": lk.rationale,
            "url": reverse("oversight:objective", args=[lk.objective_id]),
        }
        for lk in links
    ]


def register() -> None:
    from . import demo, importers, reports, views

    registry.add_importer(
        Importer(
            "deliveries",
            "delivery status of program elements (CSV or XLSX; columns: " + ", ".join(importers.COLUMNS) + ")",
            importers.import_deliveries,
        )
    )
    for kind, (help_text, _) in reports.EXPORTS.items():
        registry.add_exporter(Importer(kind, help_text, reports.run_export(kind)))
    registry.add_demo_step(
        DemoStep("oversight: objectives, indicators, execution and deliveries for Jordan and Ukraine", 550, demo.run)
    )
    # The context returns None to hide the section (as the registry documents).
    section = views.country_section_context
    registry.add_country_section(CountrySection("oversight", 550, "oversight/_country_section.html", section))  # type: ignore[arg-type]
    registry.provide("oversight.objectives_for", objectives_for)
