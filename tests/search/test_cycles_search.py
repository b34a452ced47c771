"""The issue #17 records in search: budget request stages, determination packages, DSP events and
analyses — found right after they are written, and only by those who may open them."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _hits(api_as: Any, user: Any, q: str, kind: str) -> list[dict[str, Any]]:
    response = api_as(user).get("/api/v1/search", {"q": q, "kind": kind})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_budget_request_stage_is_found_by_a_justification_word_by_sa_and_f_only(
    api_as: Any, sa_analyst: Any, budget_reviewer: Any, viewer: Any
) -> None:
    from secassist.formulation import services

    cycle = services.create_cycle(acting_user=sa_analyst, budget_fiscal_year=2029)
    stage = services.open_stage(acting_user=sa_analyst, cycle=cycle, kind="bureau_request", basis="empty")
    services.save_line(
        acting_user=sa_analyst,
        stage=stage,
        recipient="JOR",
        program="FMF",
        amount="1.00",
        priority=1,
        justification="Border surveillance radars",
    )
    hits = _hits(api_as, sa_analyst, "surveillance radars", "budget_request")
    assert [h["url"] for h in hits] == [f"/funds/requests/{cycle.pk}/stages/{stage.pk}/"]
    assert _hits(api_as, budget_reviewer, "surveillance", "budget_request")
    assert _hits(api_as, viewer, "surveillance", "budget_request") == []


def test_a_determination_package_is_found_by_its_justification_and_scoped_like_its_page(
    api_as: Any, sa_analyst: Any, dsp_analyst: Any
) -> None:
    from secassist.determinations import services

    package = services.create_package(acting_user=sa_analyst, dtype="cspa", country="SOM", fiscal_year=2027, scope_all=True)
    services.add_version(acting_user=sa_analyst, package=package, text="Demobilization of child soldiers in Baidoa")
    hits = _hits(api_as, sa_analyst, "Baidoa", "determination")
    assert [h["url"] for h in hits] == [f"/determinations/{package.pk}/"]
    assert _hits(api_as, dsp_analyst, "Baidoa", "determination") == []


def test_an_event_opens_on_the_events_page_and_an_analysis_is_found_by_its_decision(
    api_as: Any, dsp_analyst: Any, clearer_af: Any
) -> None:
    from secassist.plans import analyses, events

    event = events.create_event(acting_user=dsp_analyst, kind="war_game", title="Littoral war game", held_on="2026-10-01")
    events.record_after_action(acting_user=dsp_analyst, event=event, notes="Logistics gaps in Mombasa")
    assert [h["url"] for h in _hits(api_as, dsp_analyst, "Mombasa", "engagement")] == [f"/plans/events/{event.pk}/"]
    a = analyses.create_analysis(
        acting_user=dsp_analyst, kind="issue_paper", title="Gulf of Guinea piracy", issue="Options", addressee="A/S"
    )
    assert [h["url"] for h in _hits(api_as, dsp_analyst, "piracy", "analysis")] == [f"/plans/analyses/{a.pk}/"]
    assert _hits(api_as, clearer_af, "piracy", "analysis") == []
