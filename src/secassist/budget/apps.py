from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "secassist.budget"
    label = "budget"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Title 22 funds"

    def ready(self) -> None:
        from secassist.core.registry import ApprovalAct, CountrySection, DemoStep, HomeCount, Importer, registry

        from . import activities, demo, importers, ledger_import, services, tables, views

        registry.add_importer(
            Importer(
                "greenbook",
                "USAID Greenbook military obligations FY1946-2019 (CSV)",
                importers.import_greenbook,
                importers.greenbook_path,
            )
        )
        registry.add_importer(
            Importer(
                "fa-country",
                "ForeignAssistance.gov country summary (CSV), transaction types kept apart",
                importers.import_fa_country,
                importers.fa_country_path,
            )
        )
        registry.add_importer(
            Importer(
                "title22-activities",
                "Title 22 activities (XLSX): allocation_id, reference, description, units, capabilities, platforms, years",
                activities.import_activities,
            )
        )
        registry.add_importer(
            Importer(
                "fa-complete",
                "ForeignAssistance.gov complete-schema file (CSV, activity level), staged and loaded in one statement",
                importers.import_fa_complete,
                importers.fa_complete_path,
            )
        )
        registry.add_importer(
            Importer(
                "ledger",
                "Funds ledger entries (CSV: appropriation, recipient, line, entry_type, amount, date, document_ref, reason)",
                ledger_import.import_ledger,
            )
        )
        for kind, (help_text, _) in tables.EXPORTS.items():
            registry.add_exporter(Importer(kind, help_text, tables.run_export(kind)))
        registry.add_demo_step(DemoStep("Title 22 funds: history and a current-year demo", 100, demo.run))
        # Postings need cleared notifications: after the congress demo (300) has recorded and approved them.
        registry.add_demo_step(DemoStep("Title 22 funds: postings on notified lines", 350, demo.run_postings))
        registry.add_approval_act(
            ApprovalAct(
                services.NOT_REQUIRED_ACT,
                "Record that a funds line needs no congressional notification",
                ("budget_reviewer", "admin"),
                services.approve_notification_not_required,
            )
        )
        registry.add_approval_act(
            ApprovalAct(
                services.EARMARK_ACT,
                "Post a movement of funds that overrides an earmark (statutory floor or ceiling)",
                ("budget_reviewer", "admin"),
                services.approve_earmark_override,
            )
        )
        registry.add_approval_act(
            ApprovalAct(
                services.REVERSE_ACT,
                "Reverse (correct) a ledger entry above the threshold",
                ("budget_reviewer", "admin"),
                services.approve_reversal,
                default_threshold=services.REVERSE_THRESHOLD,
            )
        )
        # The context returns None to hide the section (as the registry documents).
        section = views.country_section_context
        registry.add_country_section(CountrySection("Title 22 funds", 100, "budget/_country_section.html", section))  # type: ignore[arg-type]
        registry.add_home_count(
            HomeCount("653(a) reports overdue", 100, views.overdue_653a_count, "budget:report-653a-list", shared=True)
        )
