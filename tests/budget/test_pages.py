"""The funds pages: render, refuse with the rule's message in the form, stay within query budgets,
check roles, export every table."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from secassist.budget import services
from secassist.budget.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(build):
    appr = build.appropriation(amount="5000000.00")
    services.add_earmark(
        acting_user=build.user,
        appropriation=appr,
        kind="not_less_than",
        amount="3000000.00",
        country="ISR",
        citation="FMF heading: not less than for Israel",
    )
    isr = build.line(appr, "ISR", "3000000.00")
    jor = build.line(appr, "JOR", "1000000.00")
    build.post(jor, "apportion", "500000.00", document_type="SF 132", document_ref="A-1")
    for iso3 in ("EGY", "LBN", "IRQ", "MEX", "COL", "TUN"):
        build.line(appr, iso3, "10000.00")
    return appr, isr, jor


def test_overview_shows_the_fy_totals_chart_and_653a_clock(client_as, viewer, funded):
    resp = client_as(viewer).get(reverse("budget:overview"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "FY2027" in body and "funds-chart-title" in body and "vega-lite.min.js" not in body  # one SVG chart helper, no script
    assert "20 days remaining" in body  # enacted 2026-11-17, due 2026-12-17, today 2026-11-27
    assert "5,000,000.00" in body


def test_the_653a_clock_counts_overdue_days(client_as, viewer, build):
    build.appropriation(enacted_on=__import__("datetime").date(2026, 9, 1))
    body = client_as(viewer).get(reverse("budget:report-653a-list")).content.decode()
    assert "57 days overdue" in body


@pytest.mark.parametrize("name", ["budget:appropriation", "budget:report-653a", "budget:ledger"])
def test_appropriation_pages_stay_within_a_query_budget(client_as, viewer, funded, django_assert_max_num_queries, name):
    appr, _, _ = funded
    client = client_as(viewer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse(name, args=[appr.pk])).status_code == 200


@pytest.mark.parametrize(
    "name", ["budget:overview", "budget:appropriations", "budget:report-653a-list", "budget:expiring", "budget:history"]
)
def test_list_pages_stay_within_a_query_budget(client_as, viewer, funded, django_assert_max_num_queries, name):
    client = client_as(viewer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse(name)).status_code == 200


def test_allocation_page_shows_balances_ledger_and_audit_trail(client_as, viewer, funded, django_assert_max_num_queries):
    _, _, jor = funded
    client = client_as(viewer)
    with django_assert_max_num_queries(25):
        resp = client.get(reverse("budget:allocation", args=[jor.pk]))
    body = resp.content.decode()
    assert "500,000.00" in body and "SF 132 A-1" in body and "budget.allocation.status" in body
    assert "Post a ledger entry" not in body  # a viewer sees no write form


def test_an_sa_analyst_posts_and_a_refusal_is_shown_in_the_form(client_as, sa_analyst, funded):
    _, _, jor = funded
    client = client_as(sa_analyst)
    url = reverse("budget:allocation", args=[jor.pk])
    resp = client.post(url, {"action": "post", "entry_type": "apportion", "amount": "600000.00"})
    assert resp.status_code == 422
    body = resp.content.decode()
    assert "BUD-013" in body and "usa-alert--error" in body and "$100,000.00 more than its $1,000,000.00" in body
    resp = client.post(url, {"action": "post", "entry_type": "apportion", "amount": "abc"})
    assert 'id="post-id_amount-error"' in resp.content.decode()
    resp = client.post(url, {"action": "post", "entry_type": "transfer_fms", "amount": "100000.00"})
    assert resp.status_code == 302
    assert LedgerEntry.objects.filter(allocation=jor, entry_type="transfer_fms").exists()


def test_breaking_an_earmark_on_the_page_is_refused(client_as, sa_analyst, funded):
    _, isr, jor = funded
    resp = client_as(sa_analyst).post(
        reverse("budget:allocation", args=[isr.pk]),
        {"action": "post", "entry_type": "reallocate", "amount": "1.00", "to_allocation": str(jor.pk)},
    )
    assert resp.status_code == 422 and "BUD-008" in resp.content.decode()


def test_htmx_live_check_runs_the_rules_without_saving(client_as, sa_analyst, funded):
    appr, _, _ = funded
    client = client_as(sa_analyst)
    before = LedgerEntry.objects.count()
    url = reverse("budget:allocation-check", args=[appr.pk])
    over = client.post(url, {"recipient_kind": "country", "recipient": "UKR", "amount": "999999999.00"}, HTTP_HX_REQUEST="true")
    assert "would be refused" in over.content.decode() and "BUD-001" in over.content.decode()
    fine = client.post(url, {"recipient_kind": "country", "recipient": "UKR", "amount": "1.00"}, HTTP_HX_REQUEST="true")
    assert "passes every funds rule" in fine.content.decode()
    assert LedgerEntry.objects.count() == before


def test_allocating_through_the_page(client_as, sa_analyst, funded):
    appr, _, _ = funded
    resp = client_as(sa_analyst).post(
        reverse("budget:appropriation", args=[appr.pk]),
        {
            "action": "allocate",
            "recipient_kind": "pseudo_region",
            "recipient": "World (not specified)",
            "amount": "5.00",
            "notification_required": "on",
        },
    )
    assert resp.status_code == 302


@pytest.mark.parametrize(("user", "status"), [("viewer", 403), ("budget_reviewer", 403), ("sa_analyst", 302)])
def test_only_budget_editors_may_post(request, client_as, funded, user, status):
    _, _, jor = funded
    resp = client_as(request.getfixturevalue(user)).post(
        reverse("budget:allocation", args=[jor.pk]), {"action": "status", "to_status": "withdrawn"}
    )
    assert resp.status_code in ((status,) if status != 302 else (302, 422))


def test_missing_objects_are_404_for_everyone(client_as, outsider, sa_analyst):
    for user in (outsider, sa_analyst):
        client = client_as(user)
        for name in ("budget:appropriation", "budget:allocation", "budget:report-653a", "budget:report-653a-pdf"):
            assert client.get(reverse(name, args=[987654])).status_code == 404


def test_pages_need_a_login(client):
    assert client.get(reverse("budget:overview")).status_code == 302


@pytest.mark.parametrize("name", ["budget:appropriation", "budget:report-653a", "budget:ledger"])
def test_every_table_exports_as_csv_and_xlsx(client_as, viewer, funded, name):
    appr, _, _ = funded
    client = client_as(viewer)
    csv_resp = client.get(reverse(name, args=[appr.pk]), {"format": "csv"})
    assert csv_resp.status_code == 200 and csv_resp["Content-Type"].startswith("text/csv")
    xlsx = client.get(reverse(name, args=[appr.pk]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row >= 3
    assert client.get(reverse(name, args=[appr.pk]), {"format": "doc"}).status_code == 422


def test_the_653a_report_as_xlsx_and_pdf(client_as, viewer, funded):
    appr, _, _ = funded
    client = client_as(viewer)
    xlsx = client.get(reverse("budget:report-653a", args=[appr.pk]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Country / recipient"
    assert rows[2][:2] == ("Israel", "ISR") or any(r[0] == "Israel" for r in rows)
    assert any(r[0] == "Total" and float(r[5]) == 4060000.0 for r in rows)
    assert any(r[0] and "2026-12-17" in str(r[0]) for r in rows)
    pdf = client.get(reverse("budget:report-653a-pdf", args=[appr.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_country_page_has_the_funds_section(client_as, viewer, funded):
    body = client_as(viewer).get(reverse("web:country", args=["ISR"])).content.decode()
    assert "Title 22 funds" in body and "FMF heading: not less than for Israel" in body


def test_expiring_list_shows_what_ends_in_the_window(client_as, viewer, build):
    build.appropriation("IMET", 2027)
    body = client_as(viewer).get(reverse("budget:expiring")).content.decode()
    assert "Nothing expires" in body
    body = client_as(viewer).get(reverse("budget:expiring"), {"days": "400"}).content.decode()
    assert "obligation period ends" in body and "2027-09-30" in body


def test_the_allocation_form_shows_every_bad_field_at_once_and_saves_nothing(client_as, sa_analyst, build):
    appr = build.appropriation(amount="5000000.00")
    before = LedgerEntry.objects.count()
    resp = client_as(sa_analyst).post(
        reverse("budget:appropriation", args=[appr.pk]),
        {"action": "allocate", "recipient_kind": "country", "recipient": "XXX", "amount": "12.345", "purpose": ""},
    )
    body = resp.content.decode()
    assert resp.status_code == 422
    assert "XXX" in body and "amount" in body.lower()
    assert body.count('class="usa-error-message"') >= 2 or body.count("errorlist") >= 2, "both fields are marked"
    assert LedgerEntry.objects.count() == before and not appr.allocations.exists()


def test_the_api_names_every_bad_field_of_an_allocation(api_as, sa_analyst, build):
    appr = build.appropriation(amount="5000000.00")
    resp = api_as(sa_analyst).post(
        "/api/v1/funds/allocations",
        {"appropriation_id": appr.pk, "recipient_kind": "country", "recipient": "XXX", "amount": "12.345"},
        content_type="application/json",
    )
    assert resp.status_code == 422
    errors = resp.json()["details"]["errors"]
    assert {e["field"] for e in errors} == {"recipient", "amount"}
