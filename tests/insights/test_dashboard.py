import datetime as dt

import time_machine

from secassist.clearances.services import request_clearances
from secassist.reference.models import Country, Office


def test_dashboard_shows_an_overdue_clearance_with_its_office(db, client_as, viewer, t10_analyst):
    subject = Country.objects.get(iso3="KEN")  # any model serves as a clearance subject
    with time_machine.travel(dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), tick=False):
        request_clearances(acting_user=t10_analyst, subject=subject, offices=[(Office.objects.get(code="AF"), "regional bureau")])
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC), tick=False):
        response = client_as(viewer).get("/insights/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Overdue clearances (1)" in body
    assert "Kenya (KEN)" in body


def test_dashboard_lists_recurring_statutory_reports(db, client_as, viewer):
    from secassist.congress.loader import load_all

    load_all()
    # §386 annual report is due 31 March: 30 days before, it is on the dashboard.
    with time_machine.travel(dt.datetime(2027, 3, 5, 12, tzinfo=dt.UTC), tick=False):
        body = client_as(viewer).get("/insights/").content.decode()
    assert "386" in body


def test_dashboard_filters_by_team_and_ignores_unknown_teams(db, client_as, viewer):
    client = client_as(viewer)
    assert client.get("/insights/", {"team": "PM/SA-T10"}).status_code == 200
    assert client.get("/insights/", {"team": "<script>"}).status_code == 200


def test_dashboard_stays_within_its_query_budget(db, client_as, viewer, django_assert_max_num_queries):
    client = client_as(viewer)
    client.get("/insights/")
    with django_assert_max_num_queries(30):
        assert client.get("/insights/").status_code == 200


def test_dashboard_draws_clocks_by_week_and_execution_by_program_with_their_tables(db, client_as, viewer):
    from secassist.congress.loader import load_all

    load_all()
    with time_machine.travel(dt.datetime(2027, 3, 5, 12, tzinfo=dt.UTC), tick=False):
        body = client_as(viewer).get("/insights/").content.decode()
    assert 'id="dash-clocks-title"' in body and 'id="dash-execution-title"' in body
    assert "<caption>Clocks by week (the chart&#x27;s data)</caption>" in body or "Clocks by week (the chart" in body
    assert "week of " in body, "the §386 report's week is counted"
