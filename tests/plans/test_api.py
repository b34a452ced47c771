"""The plans API: transitions, comments, import problems as JSON, 404 for outsiders, schemas."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from secassist.plans.models import Tasker

from .conftest import make_product, make_tasker


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_tasker_is_moved_through_the_api_and_a_wrong_action_is_explained(api_as, dsp_analyst):
    tasker = make_tasker(dsp_analyst)
    api = api_as(dsp_analyst)
    r = _post(api, f"/api/v1/plans/taskers/{tasker.pk}/transition", {"action": "task"})
    assert r.status_code == 200 and r.json()["status"] == "tasked"
    assert r.json()["available_actions"] == ["call_for_comments", "cancel"]
    r = _post(api, f"/api/v1/plans/taskers/{tasker.pk}/transition", {"action": "task"})
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    r = _post(api, f"/api/v1/plans/taskers/{tasker.pk}/transition", {"action": "approve"})
    assert r.status_code == 422 and "call_for_comments" in r.json()["details"]["allowed"]


def test_a_guard_refusal_carries_its_rule_code(api_as, dsp_analyst):
    tasker = make_tasker(dsp_analyst, offices=())
    r = _post(api_as(dsp_analyst), f"/api/v1/plans/taskers/{tasker.pk}/transition", {"action": "task"})
    assert r.status_code == 409 and r.json()["code"] == "PLN-003"


def test_an_office_posts_a_comment_and_an_outsider_gets_404(api_as, dsp_analyst, clearer_af, clearer):
    tasker = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    body = {"office": "AF", "page": "3", "comment_type": "administrative", "comment": "Use 'Côte d'Ivoire'."}
    r = _post(api_as(clearer_af), f"/api/v1/plans/taskers/{tasker.pk}/comments", body)
    assert r.status_code == 201 and r.json()["number"] == 1
    assert api_as(clearer).get(f"/api/v1/plans/taskers/{tasker.pk}").status_code == 404
    assert api_as(clearer).get(f"/api/v1/plans/taskers/{tasker.pk}/comments").status_code == 404
    assert _post(api_as(clearer), f"/api/v1/plans/taskers/{tasker.pk}/comments", body).status_code == 404
    assert [t["id"] for t in api_as(clearer).get("/api/v1/plans/taskers").json()] == []


def test_a_bad_comment_type_names_the_field_and_allowed_values(api_as, dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    r = _post(
        api_as(dsp_analyst),
        f"/api/v1/plans/taskers/{tasker.pk}/comments",
        {"office": "AF", "comment_type": "minor", "comment": "x"},
    )
    assert r.status_code == 422
    assert r.json()["details"]["field"] == "comment_type"
    assert r.json()["details"]["allowed"] == ["critical", "substantive", "administrative"]


def test_a_rejected_import_lists_every_problem_as_json(api_as, dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    wb = Workbook()
    ws = wb.active
    ws.append(["#", "Office", "Page", "Paragraph", "Line", "Type", "Comment", "Rationale", "Proposed change"])
    ws.append([None, "AF", 1, None, None, "Bogus", "Text", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "m.xlsx"
    r = api_as(dsp_analyst).post(f"/api/v1/plans/taskers/{tasker.pk}/comments/import", {"file": buf})
    assert r.status_code == 422 and r.json()["code"] == "import_rejected"
    assert r.json()["details"]["problems"] == [
        "row 2, column F (Type): 'Bogus' is not one of Critical, Substantive, Administrative"
    ]


def test_a_read_only_user_reads_but_cannot_create(api_as, viewer, dsp_analyst):
    make_product(dsp_analyst)
    api = api_as(viewer)
    assert api.get("/api/v1/plans/products").json()[0]["marking"] == "SECRET//NOFORN"
    body = {"product_type": "tcp", "owner_kind": "osd", "title": "x", "classification": "UNCLASSIFIED"}
    assert _post(api, "/api/v1/plans/products", body).status_code == 403


def test_posture_engagement_and_action_items_round_trip(api_as, dsp_analyst, clearer_af):
    api = api_as(dsp_analyst)
    r = _post(
        api,
        "/api/v1/plans/posture",
        {
            "country": "DJI",
            "title": "Presence adjustment",
            "change": "Adjust.",
            "dod_sponsor": "AFRICOM",
            "received_on": "2026-11-01",
        },
    )
    assert r.status_code == 201
    posture_id = r.json()["id"]
    r = _post(api, f"/api/v1/plans/posture/{posture_id}/decision", {"decision": "approved", "decision_on": "2026-11-20"})
    assert r.json()["coordination_status"] == "decided"
    again = _post(api, f"/api/v1/plans/posture/{posture_id}/decision", {"decision": "deferred", "decision_on": "2026-11-21"})
    assert again.status_code == 409 and again.json()["code"] == "PLN-010"
    r = _post(
        api, "/api/v1/plans/engagements", {"kind": "3d_wg", "title": "3D WG", "held_on": "2026-11-20", "countries": ["DJI"]}
    )
    engagement_id = r.json()["id"]
    r = _post(
        api,
        f"/api/v1/plans/engagements/{engagement_id}/action-items",
        {"description": "Send input", "owner": clearer_af.username, "due_on": "2026-12-01"},
    )
    item_id = r.json()["id"]
    mine = api_as(clearer_af).get("/api/v1/plans/action-items?mine=true").json()
    assert [i["id"] for i in mine] == [item_id]
    r = _post(api_as(clearer_af), f"/api/v1/plans/action-items/{item_id}/status", {"status": "done"})
    assert r.json()["status"] == "done"


def test_the_plan_elements_service_names_what_a_program_advances(dsp_analyst):
    from secassist.core.registry import registry
    from secassist.plans import services

    product = make_product(dsp_analyst)
    services.add_link(
        acting_user=dsp_analyst,
        product=product,
        kind="title10",
        label="Kenya maritime security (§333)",
        subject_type="title10.proposal",
        subject_id="7",
        element="LOE 2: maritime security",
    )
    elements = registry.service("plans.elements_for")(subject_type="title10.proposal", subject_id=7)
    assert elements[0]["element"] == "LOE 2: maritime security" and elements[0]["marking"] == "SECRET//NOFORN"


def test_the_demo_step_is_idempotent(dsp_analyst):
    from django.core.management import call_command

    from secassist.accounts.demo import create_demo_users
    from secassist.plans import demo
    from secassist.plans.models import Comment, Engagement, PostureChangeRequest

    create_demo_users()
    demo.run()
    demo.run()
    tasker = Tasker.objects.get()
    assert tasker.status == "comments_due"
    assert sorted(set(Comment.objects.values_list("office__code", flat=True))) == ["AF", "DRL", "NEA"]
    assert PostureChangeRequest.objects.count() == 1
    assert Engagement.objects.get().action_items.filter(status="open").count() == 4
    call_command("plans_reminders")  # runs on the demo without error


PRODUCT = {
    "product_type": "gef",
    "owner_kind": "osd",
    "title": "Guidance for Employment of the Force (review)",
    "classification": "SECRET",
    "classified_text_location": "OSD(P) SIPRNet library",
}


@pytest.mark.parametrize(
    "who,status",
    [
        ("dsp_analyst", 201),
        ("admin_user", 201),
        ("sa_analyst", 403),
        ("t10_analyst", 403),
        ("clearer", 403),
        ("budget_reviewer", 403),
        ("viewer", 403),
    ],
)
def test_role_matrix_for_registering_a_product(request, api_as, who, status):
    r = _post(api_as(request.getfixturevalue(who)), "/api/v1/plans/products", PRODUCT)
    assert r.status_code == status


@pytest.mark.parametrize(
    "who,status",
    [
        ("dsp_analyst", 201),
        ("admin_user", 201),
        ("clearer_af", 201),
        ("clearer", 404),
        ("viewer", 403),
        ("sa_analyst", 404),
    ],
)
def test_role_matrix_for_commenting_for_af(request, api_as, dsp_analyst, who, status):
    tasker = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    body = {"office": "AF", "comment_type": "administrative", "comment": "Typo on page 3."}
    assert _post(api_as(request.getfixturevalue(who)), f"/api/v1/plans/taskers/{tasker.pk}/comments", body).status_code == status
