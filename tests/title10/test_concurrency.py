"""Of two concurrent transitions of one proposal exactly one wins (PostgreSQL: real row contention)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from secassist.core.errors import TransitionNotAllowed
from secassist.title10 import workflow
from secassist.title10.models import Proposal, Status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_withdrawals_one_wins(make_proposal: Any, t10_analyst: Any) -> None:
    p = make_proposal()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def act(target: str) -> None:
        copy = Proposal.objects.get(pk=p.pk)
        barrier.wait()
        try:
            workflow.transition(acting_user=t10_analyst, proposal=copy, to_status=target, reason="race")
            outcomes.append("won")
        except TransitionNotAllowed:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(t,)) for t in (Status.WITHDRAWN, Status.IN_CLEARANCE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert Proposal.objects.get(pk=p.pk).history.count() == 1
