"""Issue #12 item 2: a date is checked against its domain where it enters, date arithmetic is total,
and a bad row already stored cannot take a page down."""

from __future__ import annotations

import datetime as dt

import pytest

from secassist.audit.models import AppendOnlyError
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
    # The row is written the way an old version or a direct SQL fix could have written it (raw SQL: every
    # write through the ORM, bulk ones included, is refused since ADR 0851).
    _plant(Appropriation, appr.pk, "enacted_on", bad_day)
    for user in (sa_analyst, viewer):
        pages = client_as(user)
        for url in ("/", "/funds/", "/funds/653a/", f"/funds/appropriations/{appr.pk}/", "/notifications/calendar/"):
            assert pages.get(url).status_code == 200, url
        ics = pages.get("/notifications/calendar.ics")
        assert ics.status_code == 200
        api = api_as(user)
        for url in (APPROPRIATIONS, f"{APPROPRIATIONS}/{appr.pk}", "/api/v1/calendar", "/api/v1/calendar.ics"):
            assert api.get(url).status_code == 200, url


# ---- writes that bypass save() (ADR 0851): QuerySet.update, bulk_create, bulk_update ------------------


def _plant(model, pk, column, value):
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s", [value.isoformat(), pk])


def _dated_models():
    from django.apps import apps

    rows = []
    for model in apps.get_models():
        if not model.__module__.startswith("secassist."):
            continue
        for field in model._meta.concrete_fields:
            if field.get_internal_type() in ("DateField", "DateTimeField"):
                rows.append((model, field))
    return rows


BAD_DAYS = [dt.date(9999, 12, 31), dt.date(1, 1, 1), EARLIEST - dt.timedelta(days=1), LATEST + dt.timedelta(days=1)]


def _value(field, day):
    if field.get_internal_type() == "DateTimeField":
        return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    return day


def _bulk_writes(model, field, value):
    return {
        "update": lambda: model.objects.none().update(**{field.name: value}),
        "bulk_create": lambda: model.objects.bulk_create([model(**{field.attname: value})]),
        "bulk_update": lambda: model.objects.bulk_update([model(pk=1, **{field.attname: value})], [field.name]),
    }


def test_every_dated_field_of_every_model_is_guarded_on_update_and_bulk_create(db):
    """No SQL is sent: the guard refuses before the database is asked (so `none()` and unsaved rows do)."""
    dated = _dated_models()
    assert len(dated) > 50  # the table covers the product, not a sample
    unguarded = []
    for model, field in dated:
        for day in (dt.date(9999, 12, 31), EARLIEST - dt.timedelta(days=1)):
            for how, write in _bulk_writes(model, field, _value(field, day)).items():
                try:
                    write()
                except InvalidInput as refused:
                    if refused.details["field"] != field.name:
                        unguarded.append(f"{model.__name__}.{field.name} {how}: names {refused.details['field']}")
                except (PermissionError, AppendOnlyError) as other:
                    if how != "update" or "append-only" not in str(other):  # append-only tables refuse every update
                        unguarded.append(f"{model.__name__}.{field.name} {day} {how}: {other}")
                except Exception as other:
                    unguarded.append(f"{model.__name__}.{field.name} {day} {how}: {type(other).__name__}: {other}")
                else:
                    unguarded.append(f"{model.__name__}.{field.name} {day} {how}: written")
    assert unguarded == []


@pytest.mark.parametrize("bad_day", BAD_DAYS)
def test_a_bulk_write_with_one_bad_date_saves_nothing(sa_analyst, bad_day):
    appr = _appropriation(sa_analyst)
    before = Appropriation.objects.count()
    good, bad = Appropriation.objects.get(pk=appr.pk), Appropriation.objects.get(pk=appr.pk)
    good.pk = bad.pk = None
    good.public_law, bad.public_law = "P.L. BULK-1", "P.L. BULK-2"
    good.fiscal_year, bad.fiscal_year = 2028, 2029
    bad.enacted_on = bad_day
    with pytest.raises(InvalidInput) as refused:
        Appropriation.objects.bulk_create([good, bad])
    assert refused.value.details["field"] == "enacted_on"
    assert Appropriation.objects.count() == before  # the good row of the batch is not written either

    with pytest.raises(InvalidInput):
        Appropriation.objects.filter(pk=appr.pk).update(enacted_on=bad_day)
    appr.enacted_on = bad_day
    with pytest.raises(InvalidInput):
        Appropriation.objects.bulk_update([appr], ["enacted_on", "public_law"])
    stored = Appropriation.objects.get(pk=appr.pk)
    assert stored.enacted_on == dt.date(2026, 11, 17)


@pytest.mark.parametrize("edge", [EARLIEST, LATEST])
def test_the_edges_of_the_domain_pass_every_bulk_path(sa_analyst, edge):
    appr = _appropriation(sa_analyst)
    assert Appropriation.objects.filter(pk=appr.pk).update(enacted_on=edge) == 1
    appr.enacted_on = edge
    Appropriation.objects.bulk_update([appr], ["enacted_on"])
    assert Appropriation.objects.get(pk=appr.pk).enacted_on == edge


def test_bulk_update_checks_only_the_named_fields_so_an_old_row_can_be_corrected(sa_analyst):
    appr = _appropriation(sa_analyst)
    _plant(Appropriation, appr.pk, "enacted_on", dt.date(9999, 12, 31))
    old = Appropriation.objects.get(pk=appr.pk)
    old.public_law = "P.L. FIXED-1"
    Appropriation.objects.bulk_update([old], ["public_law"])  # the bad date is not rewritten, not refused
    Appropriation.objects.filter(pk=appr.pk).update(enacted_on=dt.date(2026, 11, 17))  # and it can be corrected
    assert Appropriation.objects.get(pk=appr.pk).enacted_on == dt.date(2026, 11, 17)


def test_expressions_and_other_apps_models_pass_through(sa_analyst):
    from django.contrib.sessions.models import Session
    from django.db.models import F

    appr = _appropriation(sa_analyst)
    assert Appropriation.objects.filter(pk=appr.pk).update(enacted_on=F("enacted_on")) == 1
    Session.objects.none().update(expire_date=dt.datetime(9999, 12, 31, tzinfo=dt.UTC))  # not a secassist record


# ---- the domain of dates in the OpenAPI spec (ADR 0853) ------------------------------------------


def _date_nodes(node, path=""):
    if isinstance(node, dict):
        if node.get("format") == "date":
            yield path, node
        for key, value in node.items():
            yield from _date_nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _date_nodes(value, f"{path}/{i}")


def test_every_date_in_the_openapi_spec_declares_the_domain(api_as, viewer):
    spec = api_as(viewer).get("/api/v1/openapi.json").json()
    dates = list(_date_nodes(spec))
    assert len(dates) > 20
    assert [p for p, node in dates if (node.get("x-minimum"), node.get("x-maximum")) != (str(EARLIEST), str(LATEST))] == []
    assert [p for p, node in dates if f"between {EARLIEST} and {LATEST}" not in node.get("description", "")] == []
    enacted = [node for p, node in dates if p.endswith("/enacted_on")]
    assert enacted, "the appropriation's enactment date is in the spec"
