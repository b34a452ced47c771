"""The pages: every route needs login, reads for all roles, writes for analysts, errors tied to fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from secassist.congress.models import Package, Status

pytestmark = pytest.mark.django_db


def _urls(pk: int, hold_id: int = 1, question_id: int = 1) -> list[str]:
    return [
        reverse("congress:list"),
        reverse("congress:create"),
        reverse("congress:calendar"),
        reverse("congress:calendar-ics"),
        reverse("congress:reconciliation"),
        reverse("congress:reports"),
        reverse("congress:rules"),
        reverse("congress:export", args=["packages", "csv"]),
        reverse("congress:detail", args=[pk]),
        reverse("congress:edit", args=[pk]),
        reverse("congress:document", args=[pk]),
        reverse("congress:letter", args=[pk, "SFRC"]),
    ]


def test_every_page_needs_login(make_package) -> None:
    package = make_package()
    anonymous = Client()  # one client: each new client builds the middleware (whitenoise scans static files)
    for url in _urls(package.pk):
        response = anonymous.get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert "login" in response["Location"], url


def test_every_page_renders_for_a_read_only_user_and_the_forms_are_refused(make_package, walk, client_as, viewer) -> None:
    """A read-only user reads every page; the drafting forms, which they may not submit, answer 403."""
    package = walk(make_package(), "waiting")
    client = client_as(viewer)
    forms = {reverse("congress:create"), reverse("congress:edit", args=[package.pk])}
    for url in _urls(package.pk):
        assert client.get(url).status_code == (403 if url in forms else 200), url


def test_list_page_query_count_does_not_grow_with_rows(
    make_package, client_as, sa_analyst, django_assert_max_num_queries
) -> None:
    for i in range(15):
        make_package(title=f"CN {i}")
    client = client_as(sa_analyst)
    client.get(reverse("congress:list"))  # the header's inbox badge is computed once per person until a write (ADR 1003)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("congress:list"))
    assert response.status_code == 200 and b"<caption>" in response.content and b'scope="col"' in response.content


def test_a_new_user_drafts_a_cn_and_sees_field_errors(client_as, sa_analyst) -> None:
    client = client_as(sa_analyst)
    bad = client.post(
        reverse("congress:create"),
        {
            "title": "FMF Jordan",
            "fiscal_year": "2026",
            "program": "FMF",
            "amount": "12.345",
            "team": "PM/SA-SAT",
            "rules": ["SFOPS7015"],
        },
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'id="err_amount"' in html and 'aria-describedby="err_amount"' in html
    good = client.post(
        reverse("congress:create"),
        {
            "title": "FMF Jordan",
            "fiscal_year": "2026",
            "program": "FMF",
            "amount": "12000000",
            "team": "PM/SA-SAT",
            "country": "JOR",
            "account": "FMF",
            "rules": ["SFOPS7015", "FMF-HEADING"],
            "mde_item_0": "UH-60M",
            "mde_quantity_0": "4",
            "mde_justified_0": "2",
        },
    )
    package = Package.objects.get(title="FMF Jordan")
    assert good.status_code == 302 and good["Location"] == reverse("congress:detail", args=[package.pk])
    assert package.mde_items == [{"item": "UH-60M", "quantity": 4, "justified_quantity": 2}]
    detail = client.get(good["Location"]).content.decode()
    assert "CN-012" in detail and "CUI // PRE-DECISIONAL" in detail


def test_transition_through_the_page_and_a_refusal_says_why(make_package, client_as, sa_analyst) -> None:
    package = make_package()
    client = client_as(sa_analyst)
    url = reverse("congress:transition", args=[package.pk])
    refused = client.post(url, {"action": "submit"})
    assert refused.status_code == 422 and "name at least one clearing office" in refused.content.decode()
    ok = client.post(url, {"action": "submit", "clearing_offices": ["DRL", "AF"]})
    assert ok.status_code == 302
    package.refresh_from_db()
    assert package.status == Status.IN_CLEARANCE
    guard = client.post(url, {"action": "clear"})
    assert guard.status_code == 409 and "still pending: AF, DRL" in guard.content.decode()


def test_hold_place_and_lift_through_the_pages(make_package, walk, client_as, sa_analyst) -> None:
    package = walk(make_package(), "waiting")
    client = client_as(sa_analyst)
    response = client.post(
        reverse("congress:hold-place", args=[package.pk]),
        {"committee": "SFRC", "reason": "End-use questions", "placed_on": dt.date.today().isoformat()},
    )
    assert response.status_code == 302
    hold = package.holds.get()
    page = client.get(reverse("congress:detail", args=[package.pk])).content.decode()
    assert "On hold" in page and "SFRC hold" in page
    client.post(reverse("congress:hold-lift", args=[package.pk, hold.pk]), {"lifted_on": dt.date.today().isoformat()})
    hold.refresh_from_db()
    assert hold.lifted_on == dt.date.today()


def test_a_read_only_user_cannot_post(make_package, client_as, viewer) -> None:
    package = make_package()
    response = client_as(viewer).post(reverse("congress:transition", args=[package.pk]), {"action": "withdraw", "reason": "x"})
    assert response.status_code == 403
    package.refresh_from_db()
    assert package.status == Status.DRAFTING


def test_unknown_package_is_a_404(client_as, sa_analyst) -> None:
    assert client_as(sa_analyst).get(reverse("congress:detail", args=[987654])).status_code == 404


def test_xlsx_export_opens_and_has_the_header(make_package, client_as, viewer) -> None:
    import io

    from openpyxl import load_workbook

    make_package()
    response = client_as(viewer).get(reverse("congress:export", args=["packages", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["number", "title", "status"]
    assert sheet.max_row == 2


def test_a_cn_is_drafted_from_a_funds_line_that_needs_one(fmf_allocation, client_as, sa_analyst, make_package) -> None:
    client = client_as(sa_analyst)
    listing = client.get(reverse("congress:list")).content.decode()
    assert f"?allocation={fmf_allocation.pk}" in listing
    form = client.get(reverse("congress:create") + f"?allocation={fmf_allocation.pk}").content.decode()
    assert 'value="FMF Jordan FY2026"' in form and 'value="50000000.00"' in form and 'value="JOR"' in form
    assert 'id="rule-FMF-HEADING" type="checkbox" name="rules" value="FMF-HEADING" checked' in form
    make_package(allocations=[fmf_allocation.pk])
    assert f"?allocation={fmf_allocation.pk}" not in client.get(reverse("congress:list")).content.decode()


def test_the_edit_page_keeps_the_chosen_bases(make_package, client_as, sa_analyst) -> None:
    package = make_package(rules=["PKO-HEADING"])
    page = client_as(sa_analyst).get(reverse("congress:edit", args=[package.pk])).content.decode()
    assert 'value="PKO-HEADING" checked' in page and 'value="SFOPS7015" >' in page.replace(
        'value="SFOPS7015" ', 'value="SFOPS7015" >'
    )


def test_the_home_page_shows_what_is_due_to_analysts(make_package, client_as, sa_analyst, viewer) -> None:
    make_package(title="IMET line for the home page", action_on=dt.date.today() + dt.timedelta(days=20))
    assert "IMET line for the home page" in client_as(sa_analyst).get("/").content.decode()
    assert "Statutory clocks in the next 14 days" not in client_as(viewer).get("/").content.decode()
