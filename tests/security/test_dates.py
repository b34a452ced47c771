"""Issue #12 item 2: a date is checked against its domain where it enters, date arithmetic is total,
and a bad row already stored cannot take a page down."""

from __future__ import annotations

import datetime as dt

import pytest

from secassist.budget.models import Appropriation
from secassist.core.dates import EARLIEST, LATEST, add_days, check_domain_date, parse_date
from secassist.core.errors import InvalidInput

APPROPRIATIONS = "/api/v1/funds/appropriations"


def _act(enacted_on: str, fiscal_year: int = 2033, public_law: str = "P.L. DATE-1") -> dict[str, object]:
    return {
        "account": "FMF",
        "fiscal_year": fiscal_year,
        "public_law": public_law,
        "enacted_on": enacted_on,
        "amount": "1000000.00",
    }


@pytest.mark.parametrize(
    ("enacted_on", "fiscal_year"),
    [
        ("9999-12-31", 2033),
        ("0001-01-01", 2033),
        ("2031-09-30", 2033),  # the day before 1 Oct FY-2 (a year before FY2033 opens): too early
        ("2034-10-01", 2033),  # the day after 30 Sep FY+1 (a year after FY2033 closes): too late
    ],
)
def test_an_enactment_far_from_its_fiscal_year_is_refused_naming_the_field_and_range(api_as, sa_analyst, enacted_on, fiscal_year):
    before = Appropriation.objects.count()
    resp = api_as(sa_analyst).post(APPROPRIATIONS, _act(enacted_on, fiscal_year), content_type="application/json")
    assert resp.status_code == 422, resp.content
    body = resp.json()
    assert body["code"] == "invalid_input"
    assert body["details"]["field"] == "enacted_on"
    assert "2031-10-01" in body["message"] and "2034-09-30" in body["message"]
    assert Appropriation.objects.count() == before


@pytest.mark.parametrize("enacted_on", ["2031-10-01", "2032-12-23", "2034-09-30"])
def test_an_enactment_within_a_year_of_its_fiscal_year_is_accepted(api_as, sa_analyst, enacted_on):
    resp = api_as(sa_analyst).post(APPROPRIATIONS, _act(enacted_on), content_type="application/json")
    assert resp.status_code == 201, resp.content


def test_the_domain_check_names_the_field_and_the_range():
    assert check_domain_date(EARLIEST, field="x") == EARLIEST
    assert check_domain_date(LATEST, field="x") == LATEST
    for day in (EARLIEST - dt.timedelta(days=1), LATEST + dt.timedelta(days=1), dt.date.max, dt.date.min):
        with pytest.raises(InvalidInput) as exc:
            check_domain_date(day, field="due_on")
        assert exc.value.details["field"] == "due_on"
        assert str(EARLIEST) in exc.value.message and str(LATEST) in exc.value.message


@pytest.mark.parametrize("text", ["", "2025-02-30", "20250101", "9999-12-31", "0001-01-01", "2025-01-01T00:00", "x"])
def test_parse_date_refuses_what_is_not_a_domain_date(text):
    with pytest.raises(InvalidInput) as exc:
        parse_date(text, field="on_date")
    assert exc.value.details["field"] == "on_date"


def test_date_arithmetic_is_total_at_the_ends_of_the_calendar():
    assert add_days(dt.date.max, 30) == dt.date.max
    assert add_days(dt.date.min, -1) == dt.date.min
    assert add_days(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 1)


def _appropriation(user):
    from secassist.budget import services

    return services.create_appropriation(
        acting_user=user, account="FMF", fiscal_year=2027, public_law="P.L. DATE-2", amount="1000.00", enacted_on="2026-11-17"
    )


def test_any_model_refuses_an_out_of_domain_date_on_save(sa_analyst):
    appr = _appropriation(sa_analyst)
    appr.enacted_on = dt.date(9999, 12, 31)
    with pytest.raises(InvalidInput) as exc:
        appr.save()
    assert exc.value.details["field"] == "enacted_on"
    appr.refresh_from_db()
    assert appr.enacted_on.year < 9999


@pytest.mark.parametrize("bad_day", [dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_a_bad_date_stored_before_the_rule_does_not_take_pages_down(client_as, api_as, sa_analyst, viewer, bad_day):
    appr = _appropriation(sa_analyst)
    # The row is written the way an old version or a direct SQL fix could have written it.
    Appropriation.objects.filter(pk=appr.pk).update(enacted_on=bad_day)
    for user in (sa_analyst, viewer):
        pages = client_as(user)
        for url in ("/", "/funds/", "/funds/653a/", f"/funds/appropriations/{appr.pk}/", "/notifications/calendar/"):
            assert pages.get(url).status_code == 200, url
        ics = pages.get("/notifications/calendar.ics")
        assert ics.status_code == 200
        api = api_as(user)
        for url in (APPROPRIATIONS, f"{APPROPRIATIONS}/{appr.pk}", "/api/v1/calendar", "/api/v1/calendar.ics"):
            assert api.get(url).status_code == 200, url
