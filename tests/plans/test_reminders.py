"""PLN-009: reminders before the office suspense and DoD's due date, in business days, frozen time."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from secassist.plans import rules, services
from secassist.plans.models import ReminderLog, Tasker

from .conftest import make_tasker

# Monday 2026-11-02; the office suspense Friday 2026-11-13 and DoD due Wednesday 2026-11-25.
OFFICE_DUE = dt.date(2026, 11, 13)
DOD_DUE = dt.date(2026, 11, 25)


def _reminders(today: dt.date, status: str = "tasked") -> dict[str, int]:
    return {
        r.kind: r.business_days_left
        for r in rules.reminders_due(status=status, office_due_on=OFFICE_DUE, due_on=DOD_DUE, today=today)
    }


def test_no_reminder_before_the_window_opens():
    assert _reminders(dt.date(2026, 11, 6)) == {}  # Friday: Mon, Tue, Thu, Fri = 4 business days to the suspense


def test_office_reminder_starts_three_business_days_before_the_suspense():
    assert _reminders(dt.date(2026, 11, 9)) == {"office_suspense": 3}
    assert _reminders(dt.date(2026, 11, 13))["office_suspense"] == 0


def test_federal_holidays_do_not_count_as_business_days():
    # Veterans Day (Wednesday 11 November 2026) is skipped: from Tuesday the 10th only Thu and Fri remain.
    assert _reminders(dt.date(2026, 11, 10))["office_suspense"] == 2
    assert _reminders(dt.date(2026, 11, 12))["office_suspense"] == 1


def test_dod_reminder_starts_five_business_days_before_and_thanksgiving_is_skipped():
    # From Tue 17 Nov: Wed 18, Thu 19, Fri 20, Mon 23, Tue 24, Wed 25 = 6 → none yet; Wed 18 → 5.
    assert "dod_due" not in _reminders(dt.date(2026, 11, 17), status="adjudicating")
    assert _reminders(dt.date(2026, 11, 18), status="adjudicating") == {"dod_due": 5}


def test_overdue_keeps_reminding_with_negative_days_and_stops_when_transmitted():
    late = _reminders(dt.date(2026, 11, 30), status="comments_due")
    assert late["office_suspense"] < 0 and late["dod_due"] < 0
    assert _reminders(dt.date(2026, 11, 30), status="transmitted") == {}


def test_reminders_are_sent_once_to_offices_yet_to_answer(dsp_analyst, clearer_af, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clearer_af.email = "af@example.gov"
    clearer_af.save()
    with time_machine.travel(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC), tick=False):
        tasker = make_tasker(dsp_analyst, state="tasked")
        Tasker.objects.filter(pk=tasker.pk).update(office_due_on=OFFICE_DUE, due_on=DOD_DUE)
    with time_machine.travel(dt.datetime(2026, 11, 9, 14, 0, tzinfo=dt.UTC), tick=False):
        with TestCase.captureOnCommitCallbacks(execute=True):
            sent = services.send_reminders()
        again = services.send_reminders()
    assert [(r["kind"], r["business_days_left"]) for r in sent] == [("office_suspense", 3)]
    assert sent[0]["offices"] == ["AF", "DRL"]
    assert again == []
    assert ReminderLog.objects.filter(tasker=tasker).count() == 1
    assert len(mail.outbox) == 1 and "af@example.gov" in mail.outbox[0].to


def test_the_reminders_command_lists_what_is_due(dsp_analyst, capsys):
    with time_machine.travel(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC), tick=False):
        tasker = make_tasker(dsp_analyst, state="tasked")
    Tasker.objects.filter(pk=tasker.pk).update(office_due_on=OFFICE_DUE, due_on=DOD_DUE)
    call_command("plans_reminders", "--date", "2026-11-12")
    out = capsys.readouterr().out
    assert f"tasker {tasker.pk}" in out and "office comments due 2026-11-13 (1 business day left)" in out
