"""The inbox's statutory clocks and hold questions (issue #16 item 3): a transmitted CN's review clock
and a committee's open question wait for the owning team, for no one else in the cast, and the
question leaves when it is answered."""

from __future__ import annotations

import datetime as dt
from datetime import date as D
from typing import Any

import time_machine

from secassist.congress import services
from secassist.web import inbox

NOW = dt.datetime(2026, 4, 12, 12, tzinfo=dt.UTC)


def _kinds(user: Any, number: str) -> list[str]:
    return sorted(i.kind for i in inbox.items_for(user, today=NOW.date()) if number in f"{i.title} {i.url} {i.detail}")


def test_a_waiting_cn_puts_its_clock_and_hold_question_before_the_owning_team_only(
    make_package, walk, sa_analyst, sa_analyst_2, t10_analyst, dsp_analyst, clearer, clearer_af, budget_reviewer, viewer
) -> None:
    with time_machine.travel(NOW, tick=False):
        package = walk(make_package(drafted_on=D(2026, 4, 1)), "waiting", transmitted_on=D(2026, 4, 10))
        hold = services.place_hold(acting_user=sa_analyst, package=package, committee="SFRC", reason="End use")
        services.ask_question(acting_user=sa_analyst, hold=hold, question="Who monitors the vehicles?")
        key = package.number
        for owner in (sa_analyst, sa_analyst_2):  # the team that owns the CN
            assert _kinds(owner, key) == ["clock", "hold_question"], owner
        for other in (t10_analyst, dsp_analyst, clearer, clearer_af, budget_reviewer, viewer):
            assert _kinds(other, key) == [], other
        services.answer_question(acting_user=sa_analyst, question=hold.questions.get(), answer="DSCA Golden Sentry, yearly.")
        assert _kinds(sa_analyst, key) == ["clock"], "an answered question leaves the inbox"
