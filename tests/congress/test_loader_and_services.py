"""Rules data loader, cross-app services (open_package, clearance_for), CLI and demo."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from secassist.congress import loader, rules, selectors
from secassist.congress.models import AlwaysNotifyCountry, NotificationRule, Package
from secassist.core.errors import ImportRejected, InvalidInput
from secassist.core.registry import registry
from secassist.reference.models import Authority

pytestmark = pytest.mark.django_db


def test_loading_the_rules_twice_changes_nothing() -> None:
    assert loader.load_rules() == {"rows": NotificationRule.objects.count(), "created": 0, "updated": 0}
    assert AlwaysNotifyCountry.objects.filter(fiscal_year=2009).count() == 13


def test_a_locally_edited_rule_is_left_as_edited() -> None:
    NotificationRule.objects.filter(code="FAA634A").update(days=30, locally_edited=True)
    loader.load_rules()
    assert NotificationRule.objects.get(code="FAA634A").days == 30


def test_a_bad_rules_file_is_rejected_whole_with_line_and_column(tmp_path: Path) -> None:
    text = loader.rules_path().read_text().splitlines()
    text[1] = text[1].replace(",before_action,15,", ",sometimes,15,").replace("SFRC HFAC", "SFRC NOPE")
    bad = tmp_path / "rules.csv"
    bad.write_text("\n".join(text))
    with pytest.raises(ImportRejected) as exc:
        loader.load_rules(bad)
    problems = exc.value.details["problems"]
    assert any("line 2, column kind" in p for p in problems) and any("NOPE" in p for p in problems)


def test_the_always_notify_list_is_per_fiscal_year(make_package) -> None:
    mex_2009 = make_package(fiscal_year=2009, country="MEX")
    assert any(f.code == "CN-010" and f.severity == "required" for f in selectors.findings_for(mex_2009))
    mex_2026 = make_package(fiscal_year=2026, country="MEX")
    finding = next(f for f in selectors.findings_for(mex_2026) if f.code == "CN-010")
    assert finding.severity == "info" and "FY2026" in finding.message


def test_findings_show_rule_citation_and_data(make_package) -> None:
    package = make_package(
        cbj_amount="20000000.00",
        mde_items=[{"item": "Patrol boat", "quantity": 5, "justified_quantity": 4}, {"item": "F-16 block 70", "quantity": 2}],
    )
    found = {f.code: f for f in selectors.findings_for(package)}
    assert found["CN-013"].data["change"] == "5000000.00" and "2394-1" in found["CN-013"].citation
    assert found["CN-011"].data["rule"] == "FMF-HEADING"
    mde = [f for f in selectors.findings_for(package) if f.code == "CN-012"]
    assert [f.data["item"] for f in mde] == ["Patrol boat", "F-16 block 70"]  # 5 of 4 justified is 25% over (> 20%)
    assert "not justified" in mde[1].message
    assert rules.Finding("x", "info", "m", "c").as_dict()["citation"] == "c"


def test_open_package_stores_the_source_and_returns_the_same_package_twice(t10_analyst) -> None:
    open_package = registry.service("congress.open_package")
    source = Authority.objects.get(code="10USC333")
    fields = {
        "title": "§333 Niger CT unit",
        "country": "NER",
        "authority": "10USC333",
        "fiscal_year": 2026,
        "program": "10 U.S.C. 333 P-001",
        "amount": "4500000.00",
        "amount_str": "4500000.00",
        "units": ["1st CT Battalion"],
        "source_label": "Proposal P-001",
        "s333e": {"e2_absorptive_capacity": "adequate"},
    }
    package = open_package(acting_user=t10_analyst, source=source, **fields)
    assert package.source_type == "reference.authority" and package.source_label == "Proposal P-001"
    assert [r.code for r in package.rules.all()] == ["10USC333E"]
    assert package.team.code == "PM/SA-T10" and package.elements["units"] == ["1st CT Battalion"]
    assert open_package(acting_user=t10_analyst, source=source, **fields).pk == package.pk
    with pytest.raises(InvalidInput):
        open_package(
            acting_user=t10_analyst,
            source=Authority.objects.get(code="10USC331"),
            title="x",
            fiscal_year=2026,
            program="p",
            amount="bad",
        )


def test_clearance_for_reports_the_linked_cn(t10_analyst, walk) -> None:
    clearance_for = registry.service("congress.clearance_for")
    source = Authority.objects.get(code="10USC333")
    assert clearance_for(source) is None
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        package = registry.service("congress.open_package")(
            acting_user=t10_analyst,
            source=source,
            title="§333",
            country="NER",
            authority="10USC333",
            fiscal_year=2026,
            program="p",
            amount="1000000.00",
        )
        walk(package, "waiting", transmitted_on=dt.date(2026, 3, 1))
        status = clearance_for(source)
    assert status["number"] == package.number and status["status"] == "waiting"
    assert status["statutory_wait_ends_on"] == status["wait_ends_on"] == dt.date(2026, 3, 16)
    assert status["cleared_to_obligate_on"] is None
    with time_machine.travel(dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC), tick=False):
        assert clearance_for(source)["cleared_to_obligate_on"] == dt.date(2026, 3, 16)


def test_cli_notifications_due_lists_the_next_30_days(make_package) -> None:
    make_package(title="Planned IMET line", action_on=dt.date(2026, 6, 20))
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        call_command("notifications", "due", stdout=out)
    text = out.getvalue()
    assert "Due in the next 30 days from 2026-06-01" in text
    assert "2026-06-05  due" in text and "Planned IMET line" in text
    assert "FAA634A" in text or "SFOPS7015" in text


def test_demo_step_is_idempotent_and_covers_every_stage(admin_user) -> None:
    from secassist.congress import demo

    out = io.StringIO()
    demo.run(acting_user=admin_user, stdout=out)
    demo.run(acting_user=admin_user, stdout=out)
    packages = Package.objects.filter(title__startswith=demo.DEMO_TAG)
    assert packages.count() == len(demo.PLAN)
    stages = {selectors.stage_of(p) for p in packages}
    assert {"Drafting", "In clearance", "Transmitted — waiting period", "On hold", "Cleared to obligate", "Withdrawn"} <= stages
    assert "already present" in out.getvalue()
