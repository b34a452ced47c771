"""Pages: access (offices see their taskers, read-only users read, outsiders get 404), the
classification banner, the home panel, forms with field errors, and the done-when walk-through."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from secassist.plans.models import ActionItem, Comment, PlanningProduct, Tasker

from .conftest import add, make_product, make_tasker


@pytest.fixture
def tasker(dsp_analyst):
    t = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    add(dsp_analyst, t, "AF")
    return t


def test_a_tasked_office_sees_its_tasker_and_can_comment(client_as, clearer_af, tasker):
    page = client_as(clearer_af).get(reverse("plans:tasker", args=[tasker.pk]))
    assert page.status_code == 200
    assert reverse("plans:comment-new", args=[tasker.pk]).encode() in page.content


def test_read_only_users_read_taskers_but_cannot_write(client_as, viewer, tasker):
    client = client_as(viewer)
    assert client.get(reverse("plans:tasker", args=[tasker.pk])).status_code == 200
    assert client.get(reverse("plans:tasker-matrix", args=[tasker.pk])).status_code == 200
    assert client.post(reverse("plans:tasker-transition", args=[tasker.pk]), {"action": "call_for_comments"}).status_code == 403
    assert client.post(reverse("plans:comment-new", args=[tasker.pk]), {}).status_code == 403


@pytest.mark.parametrize("name", ["tasker", "tasker-matrix", "tasker-memo", "tasker-import", "comment-new"])
def test_an_office_not_tasked_gets_404_on_the_tasker(client_as, clearer, tasker, name):
    assert client_as(clearer).get(reverse(f"plans:{name}", args=[tasker.pk])).status_code == 404


def test_an_office_not_tasked_gets_404_on_its_comments(client_as, clearer, tasker):
    comment = Comment.objects.get(tasker=tasker)
    assert client_as(clearer).get(reverse("plans:comment-edit", args=[comment.pk])).status_code == 404


def test_the_tasker_list_shows_only_taskers_of_the_users_office(client_as, clearer, clearer_af, tasker):
    assert f"Tasker {tasker.pk}".encode() in client_as(clearer_af).get(reverse("plans:taskers")).content
    assert f"Tasker {tasker.pk}".encode() not in client_as(clearer).get(reverse("plans:taskers")).content


def test_a_clearing_officer_cannot_post_a_comment_for_another_office(client_as, clearer_af, dsp_analyst):
    t = make_tasker(dsp_analyst, state="tasked", offices=("AF", "DRL"))
    drl = t.offices.get(code="DRL")
    response = client_as(clearer_af).post(
        reverse("plans:comment-new", args=[t.pk]), {"office": drl.pk, "comment_type": "administrative", "comment": "Typo."}
    )
    assert response.status_code == 422
    assert not Comment.objects.filter(tasker=t).exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("plans:list", []),
        ("plans:taskers", []),
        ("plans:product", ["product"]),
        ("plans:tasker", ["tasker"]),
        ("plans:posture", []),
        ("plans:engagements", []),
        ("plans:product-new", []),
    ],
)
def test_every_plans_page_shows_the_highest_marking_and_the_notice(client_as, dsp_analyst, tasker, name, args):
    ids = {"product": tasker.product_id, "tasker": tasker.pk}
    html = client_as(dsp_analyst).get(reverse(name, args=[ids[a] for a in args])).content.decode()
    assert "Classified text is never stored in secassist" in html
    if name not in ("plans:product-new", "plans:posture", "plans:engagements"):  # these show no product here
        assert "CUI · references products marked up to SECRET//NOFORN" in html  # the marking bar
        assert 'class="sa-product-marking">SECRET//NOFORN<' in html


def test_a_page_of_unclassified_products_keeps_the_site_marking(client_as, dsp_analyst):
    product = make_product(dsp_analyst, classification="UNCLASSIFIED", dissemination="", classified_text_location="")
    html = client_as(dsp_analyst).get(reverse("plans:product", args=[product.pk])).content.decode()
    assert "references products marked up to" not in html
    assert "<strong>CUI</strong>" in html


def test_registering_a_product_with_classified_text_shows_the_error_on_the_field(client_as, dsp_analyst):
    response = client_as(dsp_analyst).post(
        reverse("plans:product-new"),
        {
            "title": "Campaign plan",
            "product_type": "tcp",
            "owner_kind": "ccmd",
            "owner_ccmd": "AFRICOM",
            "classification": "SECRET",
            "classified_text_location": "SIPRNet",
            "summary": "(S) end states are ...",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="summary-error"' in html and "PLN-001" in html
    assert 'aria-describedby="summary-error summary-hint"' in html
    assert not PlanningProduct.objects.exists()


def test_the_home_page_lists_my_action_items_and_taskers_awaiting_my_office(client_as, dsp_analyst, clearer_af, tasker):
    from secassist.plans import services

    meeting = services.create_engagement(acting_user=dsp_analyst, kind="3d_wg", title="3D WG", held_on="2026-11-20")
    services.add_action_item(
        acting_user=dsp_analyst,
        engagement=meeting,
        description="Send Mission input",
        owner=clearer_af.username,
        due_on="2026-12-01",
    )
    html = client_as(clearer_af).get(reverse("web:home")).content.decode()
    assert "Send Mission input" in html
    assert "Plan reviews awaiting AF" in html and f"Tasker {tasker.pk}:" in html


def test_the_home_panel_hides_when_nothing_is_open(client_as, viewer):
    assert "Defense Sector Plans: your work" not in client_as(viewer).get(reverse("web:home")).content.decode()


def test_the_action_item_owner_closes_it_and_others_cannot(client_as, dsp_analyst, clearer_af, clearer):
    from secassist.plans import services

    meeting = services.create_engagement(acting_user=dsp_analyst, kind="3d_wg", title="3D WG", held_on="2026-11-20")
    item = services.add_action_item(
        acting_user=dsp_analyst, engagement=meeting, description="Send input", owner=clearer_af.username, due_on="2026-12-01"
    )
    client_as(clearer).post(reverse("plans:action-status", args=[item.pk]), {"status": "done"})
    assert ActionItem.objects.get(pk=item.pk).status == "open"
    client_as(clearer_af).post(reverse("plans:action-status", args=[item.pk]), {"status": "done"})
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def test_the_country_page_shows_plans_taskers_posture_and_actions(client_as, dsp_analyst, tasker):
    from secassist.plans import services

    services.create_posture_change(
        acting_user=dsp_analyst,
        country="KEN",
        title="Rotational presence adjustment",
        change="Adjust rotational presence.",
        dod_sponsor="AFRICOM",
        received_on="2026-11-01",
    )
    html = client_as(dsp_analyst).get(reverse("web:country", args=["KEN"])).content.decode()
    assert tasker.product.title in html and "Rotational presence adjustment" in html
    assert f'href="{reverse("plans:tasker", args=[tasker.pk])}"' in html  # the tasker, in the Country 360 (ADR 1104)
    assert html.count("Rotational presence adjustment") == 1  # shown once


def test_done_when_walkthrough_register_task_comment_import_adjudicate_export_and_meet(
    client_as, dsp_analyst, clearer_af, clearer, admin_user
):
    from openpyxl import Workbook

    from secassist.reference.models import Office

    dsp = client_as(dsp_analyst)
    r = dsp.post(
        reverse("plans:product-new"),
        {
            "title": "USAFRICOM Theater Campaign Plan",
            "product_type": "tcp",
            "owner_kind": "ccmd",
            "owner_ccmd": "AFRICOM",
            "version": "FY27",
            "classification": "SECRET",
            "dissemination": "NOFORN",
            "classified_text_location": "SIPRNet",
            "countries": "KEN, GHA",
            "regions": ["AF"],
        },
    )
    product = PlanningProduct.objects.get(title="USAFRICOM Theater Campaign Plan")
    assert r.status_code == 302 and sorted(product.countries.values_list("iso3", flat=True)) == ["GHA", "KEN"]
    r = dsp.post(
        reverse("plans:tasker-new", args=[product.pk]),
        {
            "received_on": "2026-11-20",
            "due_on": "2027-01-29",
            "office_due_on": "2027-01-15",
            "state_lead": str(dsp_analyst.pk),
            "offices": ["AF", "DRL", "NEA"],
        },
    )
    tasker = Tasker.objects.get(product=product)
    assert r.status_code == 302
    dsp.post(reverse("plans:tasker-transition", args=[tasker.pk]), {"action": "task"})
    tasker.refresh_from_db()
    assert tasker.status == "tasked"
    af = Office.objects.get(code="AF")
    r = client_as(clearer_af).post(
        reverse("plans:comment-new", args=[tasker.pk]),
        {"office": af.pk, "page": "3", "comment_type": "substantive", "comment": "Cite the ICS objectives."},
    )
    assert r.status_code == 302
    wb = Workbook()
    ws = wb.active
    ws.append(["Tasker ID", tasker.pk])
    ws.append(["#", "Office", "Page", "Paragraph", "Line", "Type", "Comment", "Rationale", "Proposed change"])
    ws.append([None, "DRL", 15, "4.a", None, "Critical", "Add Leahy vetting language.", "22 U.S.C. 2378d.", None])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "drl.xlsx"
    r = client_as(clearer).post(reverse("plans:tasker-import", args=[tasker.pk]), {"matrix": buf})
    assert r.status_code == 302, r.content.decode()[:2000]
    for action in ("call_for_comments", "start_adjudication"):
        dsp.post(reverse("plans:tasker-transition", args=[tasker.pk]), {"action": action, "confirmed": "yes"})
    for c in Comment.objects.filter(tasker=tasker):
        dsp.post(reverse("plans:comment-adjudicate", args=[c.pk]), {"adjudication": "accepted"})
    dsp.post(reverse("plans:tasker-transition", args=[tasker.pk]), {"action": "transmit", "confirmed": "yes"})
    tasker.refresh_from_db()
    assert tasker.status == "transmitted"
    assert dsp.get(reverse("plans:tasker-matrix", args=[tasker.pk]))["Content-Type"].startswith("application/vnd.openxml")
    assert dsp.get(reverse("plans:tasker-memo", args=[tasker.pk])).status_code == 200
    r = dsp.post(reverse("plans:engagement-new"), {"kind": "3d_wg", "title": "3D WG on the AFRICOM TCP", "held_on": "2026-11-25"})
    assert r.status_code == 302
    engagement_url = r["Location"]
    dsp.post(engagement_url, {"description": "Send Mission input", "owner": clearer_af.username, "due_on": "2026-12-04"})
    assert "Send Mission input" in client_as(clearer_af).get(reverse("web:home")).content.decode()


def test_the_plan_list_stays_within_a_query_budget(client_as, dsp_analyst, django_assert_max_num_queries):
    for n in range(8):
        t = make_tasker(dsp_analyst, make_product(dsp_analyst, title=f"Plan {n}"), offices=("AF", "DRL"))
        assert t.pk
    client = client_as(dsp_analyst)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("plans:list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("plans:taskers")).status_code == 200


def test_a_posture_change_with_an_unknown_country_shows_the_error_on_the_field(client_as, dsp_analyst):
    response = client_as(dsp_analyst).post(
        reverse("plans:posture-new"),
        {
            "title": "Presence",
            "country": "XXX",
            "change": "Adjust.",
            "dod_sponsor": "AFRICOM",
            "coordination_status": "received",
            "received_on": "2026-11-01",
        },
    )
    assert response.status_code == 422
    assert 'id="country-error"' in response.content.decode() and "unknown ISO3 country codes XXX" in response.content.decode()


def test_a_posture_decision_is_recorded_on_its_page(client_as, dsp_analyst):
    from secassist.plans import services

    posture = services.create_posture_change(
        acting_user=dsp_analyst,
        country="DJI",
        title="Presence",
        change="Adjust.",
        dod_sponsor="AFRICOM",
        received_on="2026-11-01",
    )
    client = client_as(dsp_analyst)
    r = client.post(
        reverse("plans:posture-detail", args=[posture.pk]), {"decision": "approved_with_conditions", "decision_on": "2026-11-20"}
    )
    assert r.status_code == 422 and 'id="note-error"' in r.content.decode()
    client.post(reverse("plans:posture-detail", args=[posture.pk]), {"decision": "approved", "decision_on": "2026-11-20"})
    posture.refresh_from_db()
    assert posture.decision == "approved" and posture.coordination_status == "decided"


def test_the_state_lead_sees_the_deadlines_of_their_taskers_on_the_home_page(client_as, dsp_analyst):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC), tick=False):
        tasker = make_tasker(dsp_analyst, state="tasked")
    Tasker.objects.filter(pk=tasker.pk).update(office_due_on=dt.date(2026, 11, 13), due_on=dt.date(2026, 11, 25))
    with time_machine.travel(dt.datetime(2026, 11, 12, 14, 0, tzinfo=dt.UTC), tick=False):
        html = client_as(dsp_analyst).get(reverse("web:home")).content.decode()
    assert "Deadlines of the plan reviews you lead" in html
    assert "office comments due 2026-11-13 (1 business day left)" in html


def test_an_office_edits_and_deletes_its_own_comment_on_the_page(client_as, dsp_analyst, clearer_af):
    t = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    comment = add(clearer_af, t, "AF")
    client = client_as(clearer_af)
    url = reverse("plans:comment-edit", args=[comment.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"office": comment.office_id, "page": "14", "comment_type": "administrative", "comment": "Fix typo."})
    assert r.status_code == 302
    comment.refresh_from_db()
    assert (comment.page, comment.comment_type, comment.comment) == ("14", "administrative", "Fix typo.")
    client.post(url, {"delete": "1"})
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_an_office_changes_its_comment_through_the_api(api_as, dsp_analyst, clearer_af):
    t = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    comment = add(clearer_af, t, "AF")
    r = api_as(clearer_af).put(
        f"/api/v1/plans/comments/{comment.pk}",
        data={"office": "AF", "comment_type": "critical", "comment": "Consent.", "rationale": "HN agreements."},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["comment_type"] == "critical"


def test_edit_pages_save_through_the_services(client_as, dsp_analyst):
    from secassist.clearances.models import ClearanceRequest
    from secassist.plans import services

    t = make_tasker(dsp_analyst, state="tasked", offices=("AF",))
    client = client_as(dsp_analyst)
    r = client.post(
        reverse("plans:product-edit", args=[t.product_id]),
        {
            "title": "AFRICOM TCP",
            "product_type": "tcp",
            "owner_kind": "ccmd",
            "owner_ccmd": "AFRICOM",
            "version": "draft 2",
            "classification": "SECRET",
            "dissemination": "NOFORN",
            "classified_text_location": "SIPRNet",
            "countries": "SOM",
        },
    )
    assert r.status_code == 302
    t.product.refresh_from_db()
    assert t.product.version == "draft 2" and list(t.product.countries.values_list("iso3", flat=True)) == ["SOM"]
    r = client.post(
        reverse("plans:tasker-edit", args=[t.pk]),
        {
            "received_on": t.received_on,
            "due_on": t.due_on,
            "office_due_on": t.office_due_on,
            "state_lead": str(dsp_analyst.pk),
            "offices": ["AF", "NEA"],
        },
    )
    assert r.status_code == 302
    assert ClearanceRequest.objects.filter(subject_type="plans.tasker", subject_id=str(t.pk), office__code="NEA").exists()
    meeting = services.create_engagement(acting_user=dsp_analyst, kind="exercise", title="Exercise", held_on="2026-11-20")
    r = client.post(
        reverse("plans:engagement-edit", args=[meeting.pk]),
        {"kind": "war_game", "title": "War game", "held_on": "2026-11-21", "countries": "KEN"},
    )
    assert r.status_code == 302
    meeting.refresh_from_db()
    assert meeting.kind == "war_game" and meeting.countries.get().iso3 == "KEN"


@pytest.mark.parametrize("owner", ["viewer", "boss"])
def test_an_action_item_cannot_be_given_to_a_viewer_or_an_administrator(dsp_analyst, viewer, admin_user, owner):
    from secassist.core.errors import InvalidInput
    from secassist.plans import services

    meeting = services.create_engagement(acting_user=dsp_analyst, kind="3d_wg", title="3D WG", held_on="2026-11-20")
    with pytest.raises(InvalidInput) as refused:
        services.add_action_item(
            acting_user=dsp_analyst, engagement=meeting, description="Send input", owner=owner, due_on="2026-12-01"
        )
    assert refused.value.details["field"] == "owner"


def test_closing_comments_warns_which_offices_have_not_answered(client_as, dsp_analyst):
    tasker = make_tasker(dsp_analyst, state="comments_due", comments=1)
    html = client_as(dsp_analyst).get(reverse("plans:tasker", args=[tasker.pk])).content.decode()
    assert "2 tasked offices have not answered yet: AF, DRL" in html


def test_closing_comments_asks_first_and_says_what_will_happen(client_as, dsp_analyst) -> None:
    tasker = make_tasker(dsp_analyst, state="comments_due", comments=1)
    client = client_as(dsp_analyst)
    url = reverse("plans:tasker-transition", args=[tasker.pk])
    asked = client.post(url, {"action": "start_adjudication"})
    text = asked.content.decode()
    assert asked.status_code == 200 and "Confirm: close comments and start adjudication" in text
    assert "Offices can no longer add comments" in text and "needs a recorded reason" in text
    tasker.refresh_from_db()
    assert tasker.status == "comments_due"
    assert client.post(url, {"action": "start_adjudication", "confirmed": "yes"}).status_code == 302
    tasker.refresh_from_db()
    assert tasker.status == "adjudicating"
