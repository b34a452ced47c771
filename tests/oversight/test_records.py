"""Objectives, links, indicators, values and evaluations through the API and pages: contracts,
validation, access by role, audit of each write, and the link shown from both sides."""

from __future__ import annotations

from typing import Any

import pytest

from secassist.audit.models import AuditEvent
from secassist.core.registry import registry
from secassist.oversight import services
from secassist.oversight.models import Evaluation, IndicatorValue, Objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(sa_analyst: Any) -> Objective:
    return services.create_objective(acting_user=sa_analyst, country="JOR", kind="ics", code="MO 1", title="A secure Jordan")


@pytest.fixture
def indicator(funds: Any, sa_analyst: Any, program_of: Any, objective: Objective) -> Any:
    line = funds.line("IMET", "JOR", "1000.00")
    return services.create_indicator(
        acting_user=sa_analyst,
        program=program_of(line),
        objective=objective,
        name="Graduates as instructors",
        unit="officers",
        baseline_value="12",
        baseline_on="2025-10-01",
        targets=[("2026-09-30", "20"), ("2027-09-30", "26")],
    )


def test_an_objective_is_created_revised_and_keeps_every_version(api_as: Any, sa_analyst: Any) -> None:
    client = api_as(sa_analyst)
    created = client.post(
        "/api/v1/oversight/objectives",
        {"country": "jor", "kind": "campaign", "ccmd": "CENTCOM", "code": "LOE 2", "title": "Border security"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    revised = client.post(
        f"/api/v1/oversight/objectives/{pk}/versions",
        {"title": "Border security and counter-ISIS", "reason": "new TCP"},
        content_type="application/json",
    )
    body = revised.json()
    assert (body["version"], body["title"]) == (2, "Border security and counter-ISIS")
    assert [(v["version"], v["title"], v["reason"]) for v in body["versions"]] == [
        (2, "Border security and counter-ISIS", "new TCP"),
        (1, "Border security", "created"),
    ]
    assert list(
        AuditEvent.objects.filter(object_id=str(pk), object_type="oversight.objective").values_list("action", flat=True)
    ) == ["oversight.objective_create", "oversight.objective_revise"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "campaign", "ccmd": ""}, "ccmd"),
        ({"kind": "ics", "ccmd": "EUCOM"}, "ccmd"),
        ({"kind": "tcp"}, "kind"),
        ({"country": "XYZ"}, "country"),
        ({"code": ""}, "code"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_a_bad_objective_names_the_field(api_as: Any, sa_analyst: Any, payload: dict, field: str) -> None:
    body = {"country": "JOR", "kind": "ics", "code": "MO 9", "title": "t", **payload}
    resp = api_as(sa_analyst).post("/api/v1/oversight/objectives", body, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["details"]["field"] == field
    assert not Objective.objects.exists()


def test_a_link_is_shown_from_the_objective_and_from_the_program(
    api_as: Any, sa_analyst: Any, funds: Any, proposal: Any, objective: Objective, t10_analyst: Any
) -> None:
    line = funds.line("FMF", "JOR", "1000.00")
    client = api_as(sa_analyst)
    resp = client.post(
        f"/api/v1/oversight/objectives/{objective.pk}/links",
        {"program": f"t22:{line.pk}", "rationale": "radars"},
        content_type="application/json",
    )
    assert resp.status_code == 201
    assert (
        client.post(
            f"/api/v1/oversight/objectives/{objective.pk}/links", {"program": f"t22:{line.pk}"}, content_type="application/json"
        ).status_code
        == 409
    )
    wrong_country = client.post(
        f"/api/v1/oversight/objectives/{objective.pk}/links",
        {"program": f"t10:{proposal.reference}"},
        content_type="application/json",
    )
    assert wrong_country.status_code == 422 and "KEN" in wrong_country.json()["message"]

    assert client.get(f"/api/v1/oversight/programs/t22:{line.pk}/objectives").json()[0]["code"] == "MO 1"
    shown = registry.service("oversight.objectives_for")(allocation=line)  # type: ignore[misc]
    assert [(o["code"], o["rationale"]) for o in shown] == [("MO 1", "radars")]
    objective_page = client.get(f"/api/v1/oversight/objectives/{objective.pk}").json()
    assert objective_page["links"][0]["program"]["key"] == f"t22:{line.pk}"


def test_recording_a_value_and_an_evaluation_is_audited_with_what_was_recorded(
    api_as: Any, sa_analyst: Any, indicator: Any, budget_reviewer: Any
) -> None:
    value = api_as(sa_analyst).post(
        f"/api/v1/oversight/indicators/{indicator.pk}/values",
        {"as_of": "2026-10-10", "value": "15", "evidence": "OMC report", "evidence_url": "https://example.gov/r"},
        content_type="application/json",
    )
    assert value.status_code == 201
    event = AuditEvent.objects.get(action="oversight.value_record")
    assert (event.actor_username, event.after["value"], event.after["evidence"]) == ("sa", "15.0000", "OMC report")

    ev = api_as(budget_reviewer).post(
        f"/api/v1/oversight/indicators/{indicator.pk}/evaluations",
        {"evaluator": "F/MEL", "evaluated_on": "2026-11-01", "findings": "Posted elsewhere", "follow_up_due": "2026-12-15"},
        content_type="application/json",
    )
    assert ev.status_code == 201
    event = AuditEvent.objects.get(action="oversight.evaluation_record")
    assert (event.actor_username, event.after["findings"], event.after["follow_up_status"]) == (
        "freview",
        "Posted elsewhere",
        "open",
    )

    done = api_as(sa_analyst).post(
        f"/api/v1/oversight/evaluations/{ev.json()['id']}/follow-up",
        {"status": "closed", "note": "Plan agreed"},
        content_type="application/json",
    )
    assert done.json()["follow_up_status"] == "closed"
    event = AuditEvent.objects.get(action="oversight.follow_up_update")
    assert (event.before["follow_up_status"], event.after["follow_up_status"]) == ("open", "closed")


def test_the_indicator_api_shows_status_against_the_target_due(api_as: Any, sa_analyst: Any, indicator: Any) -> None:
    services.record_value(acting_user=sa_analyst, indicator=indicator, as_of="2026-10-10", value="15", evidence="OMC")
    body = api_as(sa_analyst).get("/api/v1/oversight/indicators?country=JOR").json()[0]
    assert (body["status"], body["latest"]["value"], body["target_due"]) == (
        "off_track",
        "15.0000",
        {"due_on": "2026-09-30", "value": "20.0000"},
    )
    assert [f["code"] for f in body["flags"]] == ["OVS-003"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"as_of": "2027-01-01"}, "as_of"),
        ({"as_of": "2025-09-30"}, "as_of"),
        ({"value": "abc"}, "value"),
        ({"value": "1.00001"}, "value"),
        ({"evidence": " "}, "evidence"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "http://x.gov"}, "evidence_url"),
    ],
)
def test_a_bad_value_is_refused_and_changes_nothing(
    api_as: Any, sa_analyst: Any, indicator: Any, payload: dict, field: str
) -> None:
    body = {"as_of": "2026-10-10", "value": "15", "evidence": "OMC", **payload}
    resp = api_as(sa_analyst).post(f"/api/v1/oversight/indicators/{indicator.pk}/values", body, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["details"]["field"] == field
    assert not IndicatorValue.objects.exists()


def test_programs_without_an_indicator_are_flagged(api_as: Any, viewer: Any, funds: Any, indicator: Any) -> None:
    funds.line("FMF", "JOR", "1000.00")
    flags = api_as(viewer).get("/api/v1/oversight/flags?country=JOR").json()
    assert [(f["code"], f["data"].get("program")) for f in flags if f["code"] == "OVS-001"] == [("OVS-001", "FY2027 FMF Jordan")]


@pytest.mark.parametrize(
    ("who", "value", "evaluation"),
    [
        ("sa_analyst", 201, 201),
        ("t10_analyst", 201, 201),
        ("admin_user", 201, 201),
        ("budget_reviewer", 403, 201),
        ("dsp_analyst", 403, 403),
        ("clearer", 403, 403),
        ("viewer", 403, 403),
        ("outsider", 403, 403),
    ],
)
def test_who_may_record_values_and_evaluations(
    request: Any, api_as: Any, indicator: Any, who: str, value: int, evaluation: int
) -> None:
    client = api_as(request.getfixturevalue(who))
    assert client.get(f"/api/v1/oversight/indicators/{indicator.pk}").status_code == 200
    v = client.post(
        f"/api/v1/oversight/indicators/{indicator.pk}/values",
        {"as_of": "2026-10-10", "value": "1", "evidence": "e"},
        content_type="application/json",
    )
    e = client.post(
        f"/api/v1/oversight/indicators/{indicator.pk}/evaluations",
        {"evaluator": "x", "evaluated_on": "2026-10-10", "findings": "f"},
        content_type="application/json",
    )
    assert (v.status_code, e.status_code) == (value, evaluation)
    assert IndicatorValue.objects.count() == (1 if value == 201 else 0) and Evaluation.objects.count() == (
        1 if evaluation == 201 else 0
    )


@pytest.mark.parametrize(("who", "status"), [("sa_analyst", 302), ("t10_analyst", 302), ("viewer", 403), ("clearer", 403)])
def test_the_value_form_is_for_the_analyst_teams(request: Any, client_as: Any, indicator: Any, who: str, status: int) -> None:
    resp = client_as(request.getfixturevalue(who)).post(
        f"/oversight/indicators/{indicator.pk}/", {"as_of": "2026-10-10", "value": "16", "evidence": "OMC"}
    )
    assert resp.status_code == status


def test_missing_objects_are_404_in_pages_and_api(client_as: Any, api_as: Any, viewer: Any) -> None:
    assert client_as(viewer).get("/oversight/indicators/999999/").status_code == 404
    assert client_as(viewer).get("/oversight/objectives/999999/").status_code == 404
    assert api_as(viewer).get("/api/v1/oversight/indicators/999999").status_code == 404
    assert client_as(viewer).get("/oversight/countries/ZZZ/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client: Any) -> None:
    for path in ("/oversight/", "/oversight/deliveries/", "/oversight/reports/333f.pdf"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp["Location"]
    assert client.get("/api/v1/oversight/execution").status_code == 401


def test_deliveries_api_creates_then_updates_by_reference_and_lists_late_ones(
    api_as: Any, t10_analyst: Any, proposal: Any
) -> None:
    client = api_as(t10_analyst)
    body = {
        "reference": "KE-1",
        "program": f"t10:{proposal.reference}",
        "kind": "articles",
        "description": "RHIB",
        "planned_on": "2026-11-01",
    }
    assert client.post("/api/v1/oversight/deliveries", body, content_type="application/json").status_code == 201
    again = client.post("/api/v1/oversight/deliveries", {**body, "actual_on": "2026-11-04"}, content_type="application/json")
    assert again.status_code == 200 and (again.json()["outcome"], again.json()["days_late"]) == ("updated", 3)
    late = client.get("/api/v1/oversight/deliveries?late=true").json()
    assert [(d["reference"], d["days_late"], d["state"]) for d in late] == [("KE-1", 3, "delivered")]
    assert list(AuditEvent.objects.filter(object_type="oversight.delivery").values_list("action", flat=True)) == [
        "oversight.delivery_create",
        "oversight.delivery_update",
    ]


def test_the_line_page_and_the_proposal_page_show_the_objectives_they_advance(
    client_as: Any, viewer: Any, sa_analyst: Any, funds: Any, proposal: Any, program_of: Any
) -> None:
    line = funds.line("FMF", "JOR", "1000.00")
    jordan = services.create_objective(acting_user=sa_analyst, country="JOR", kind="ics", code="MO 1", title="A secure Jordan")
    kenya = services.create_objective(
        acting_user=sa_analyst, country="KEN", kind="campaign", ccmd="AFRICOM", code="LOE 2", title="Maritime security"
    )
    services.link_objective(acting_user=sa_analyst, objective=jordan, program=program_of(line), rationale="radars")
    services.link_objective(acting_user=sa_analyst, objective=kenya, program=program_of(proposal))
    client = client_as(viewer)

    line_page = client.get(f"/funds/allocations/{line.pk}/").content.decode()
    proposal_page = client.get(f"/title10/p/{proposal.reference}/").content.decode()

    assert (
        "Objectives this line advances" in line_page
        and f'href="/oversight/objectives/{jordan.pk}/">MO 1 A secure Jordan' in line_page
    )
    assert (
        "Objectives this proposal advances" in proposal_page
        and "LOE 2 Maritime security</a> (Combatant command campaign objective, AFRICOM)" in proposal_page
    )
