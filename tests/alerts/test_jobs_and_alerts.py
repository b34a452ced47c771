"""Jobs (scheduler once per period, retries, failures visible) and alerts (idempotent, per-user channels)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from secassist.alerts import services as alert_services
from secassist.alerts.models import Alert, AlertKind
from secassist.audit.models import AuditEvent
from secassist.clearances.jobs import alert_clearances
from secassist.clearances.models import ClearanceRequest
from secassist.core import jobs
from secassist.core.models import ScheduledRun
from secassist.core.registry import registry
from secassist.reference.models import Office
from tests.alerts import failing_jobs

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 9, 12, 0, tzinfo=dt.UTC)


def _clearance(office: str, due_on: dt.date, requester: Any) -> ClearanceRequest:
    return ClearanceRequest.objects.create(
        subject_type="title10.proposal",
        subject_id=str(ClearanceRequest.objects.count() + 1),
        subject_label="Kenya maritime security (AFRICOM-333-FY27-001)",
        office=Office.objects.get(code=office),
        requested_by=requester,
        requested_at=NOON,
        due_on=due_on,
    )


@pytest.mark.parametrize(
    ("when", "expected_periods"),
    [
        (dt.datetime(2026, 11, 9, 0, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 9, tzinfo=dt.UTC)),
        (dt.datetime(2026, 11, 9, 23, 59, 59, tzinfo=dt.UTC), dt.datetime(2026, 11, 9, tzinfo=dt.UTC)),
        (dt.datetime(2026, 11, 10, 0, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 10, tzinfo=dt.UTC)),
    ],
)
def test_a_daily_period_starts_at_midnight_utc(when: dt.datetime, expected_periods: dt.datetime) -> None:
    assert jobs.period_start(dt.timedelta(days=1), when) == expected_periods


def test_each_periodic_job_is_enqueued_once_per_period_however_often_schedulers_look() -> None:
    first = jobs.run_due(NOON)
    assert sorted(first) == sorted(j.name for j in registry.periodic_jobs)
    assert jobs.run_due(NOON) == []
    assert jobs.run_due(NOON + dt.timedelta(minutes=59)) == []  # a second scheduler, same hour
    next_hour = jobs.run_due(NOON + dt.timedelta(hours=1))
    assert next_hour == ["clearance escalations and due alerts"], "only the hourly job has a new period"
    assert ScheduledRun.objects.count() == len(first) + 1
    assert DBTaskResult.objects.count() == len(first) + 1


def test_the_scheduler_command_enqueues_once_and_says_what(capsys: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        call_command("scheduler", "--once")
        call_command("scheduler", "--once")
    out = capsys.readouterr().out
    assert out.count("enqueued statutory clock alerts") == 1


# The database worker closes its connection after each task, as a long-running worker should: outside a
# test transaction, so that PostgreSQL reconnects cleanly.
@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_retried_later_and_every_failure_stays_visible() -> None:
    failing_jobs.CALLS.clear()
    with time_machine.travel(NOON, tick=False):
        failing_jobs.always_fails.enqueue()
        call_command("worker", "--batch", verbosity=0)
    assert len(failing_jobs.CALLS) == 1
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == NOON + dt.timedelta(seconds=60), "attempt 2 waits 30 s × 2"
    for minutes in (2, 10, 60):  # the worker picks each retry up once it is due; the third failure is the last
        with time_machine.travel(NOON + dt.timedelta(minutes=minutes), tick=False):
            call_command("worker", "--batch", verbosity=0)
    assert len(failing_jobs.CALLS) == 3
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_is_reported_to_administrators_and_to_no_one_else(client_as: Any, admin_user: Any, sa_analyst: Any) -> None:
    """ "A job that fails is visible to administrators": the task results in the admin, with the error."""
    failing_jobs.CALLS.clear()
    with time_machine.travel(NOON, tick=False):
        failing_jobs.always_fails.enqueue()
        call_command("worker", "--batch", verbosity=0)
    failed = DBTaskResult.objects.get(status="FAILED")
    admin = client_as(admin_user)
    listing = admin.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert "always_fails" in listing and "FAILED" in listing
    detail = admin.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/").content.decode()
    assert "the mail relay is down" in detail  # the error and its traceback, for whoever fixes it
    refused = client_as(sa_analyst).get("/admin/django_tasks_database/dbtaskresult/")
    assert refused.status_code == 302 and "/admin/login/" in refused["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_job_that_succeeds_is_not_retried() -> None:
    failing_jobs.succeeds.enqueue()
    call_command("worker", "--batch", verbosity=0)
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]


@pytest.mark.parametrize(("days_left", "alerted"), [(8, False), (7, True), (6, False), (1, True), (0, True)])
def test_a_clearance_alerts_its_office_on_the_lead_days_only(
    clearer: Any, t10_analyst: Any, days_left: int, alerted: bool
) -> None:
    today = dt.date(2026, 11, 9)
    _clearance("DRL", today + dt.timedelta(days=days_left), t10_analyst)
    alert_clearances(today=today)
    assert Alert.objects.filter(user=clearer, kind=AlertKind.CLEARANCE_DUE).exists() is alerted


def test_an_overdue_clearance_is_escalated_and_its_office_told_once(clearer: Any, clearer_af: Any, t10_analyst: Any) -> None:
    today = dt.date(2026, 11, 9)
    clearance = _clearance("DRL", today - dt.timedelta(days=1), t10_analyst)
    assert alert_clearances(today=today) == {"escalated": 1, "alerts": 1}
    assert alert_clearances(today=today) == {"escalated": 0, "alerts": 0}
    clearance.refresh_from_db()
    assert clearance.escalated_at is not None
    assert list(Alert.objects.values_list("user__username", "kind")) == [("drl", "clearance_escalated")]
    assert not Alert.objects.filter(user=clearer_af).exists(), "AF owes nothing"


def test_alerts_follow_each_persons_channels(clearer: Any, t10_analyst: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clearer.email = "drl@example.gov"
    clearer.save()
    today = dt.date(2026, 11, 9)
    _clearance("DRL", today + dt.timedelta(days=7), t10_analyst)
    with TestCase.captureOnCommitCallbacks(execute=True):
        alert_clearances(today=today)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["drl@example.gov"]
    alert_services.set_preferences(acting_user=clearer, choices={AlertKind.CLEARANCE_DUE: (True, False)})
    _clearance("DRL", today + dt.timedelta(days=1), t10_analyst)
    with TestCase.captureOnCommitCallbacks(execute=True):
        alert_clearances(today=today)
    assert len(mail.outbox) == 1, "e-mail switched off for this kind"
    assert Alert.objects.filter(user=clearer).count() == 2, "still in the product"
    assert AuditEvent.objects.filter(action="alerts.preferences", actor=clearer).exists()


def test_both_channels_off_means_no_alert(clearer: Any, t10_analyst: Any) -> None:
    alert_services.set_preferences(acting_user=clearer, choices={AlertKind.CLEARANCE_DUE: (False, False)})
    _clearance("DRL", dt.date(2026, 11, 16), t10_analyst)
    alert_clearances(today=dt.date(2026, 11, 9))
    assert not Alert.objects.exists()


def test_the_alerts_page_badge_api_and_mark_read(client_as: Any, api_as: Any, clearer: Any, t10_analyst: Any) -> None:
    _clearance("DRL", dt.date(2026, 11, 16), t10_analyst)
    alert_clearances(today=dt.date(2026, 11, 9))
    client = client_as(clearer)
    home = client.get("/").content.decode()
    assert '1<span class="usa-sr-only"> unread</span>' in home
    page = client.get("/alerts/").content.decode()
    assert "Clearance due in 7 days" in page and "/clearances/" in page
    body = api_as(clearer).get("/api/v1/alerts", {"unread": True}).json()
    assert [a["kind"] for a in body] == ["clearance_due"]
    client.post("/alerts/")
    assert api_as(clearer).get("/api/v1/alerts", {"unread": True}).json() == []
    assert "unread</span>" not in client.get("/").content.decode()


def test_the_preferences_page_saves_each_choice(client_as: Any, clearer: Any) -> None:
    client = client_as(clearer)
    assert client.get("/alerts/preferences/").status_code == 200
    client.post("/alerts/preferences/", {"clock-in_app": "on"})
    chosen = alert_services.channels_for(clearer, AlertKind.CLOCK)
    assert (chosen.in_app, chosen.email) == (True, False)
    assert alert_services.channels_for(clearer, AlertKind.WAIVER_EXPIRY).in_app is False


def test_alerts_are_private(api_as: Any, clearer: Any, clearer_af: Any, t10_analyst: Any) -> None:
    _clearance("DRL", dt.date(2026, 11, 16), t10_analyst)
    alert_clearances(today=dt.date(2026, 11, 9))
    assert api_as(clearer_af).get("/api/v1/alerts").json() == []


def test_an_unknown_alert_kind_is_refused() -> None:
    from secassist.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        alert_services.deliver(user=None, kind="gossip", key="k", title="t")
