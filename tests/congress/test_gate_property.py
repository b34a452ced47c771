"""Property (issue #11): over random sequences of allocations, historical CNs (approved or not) and
obligations, a line's obligations never exceed the cleared coverage of its notifications beyond
the statutory tolerance — the gate cannot be passed without a cleared package."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secassist.approvals import services as approvals
from secassist.budget import services as budget
from secassist.congress import coverage, historical
from secassist.core.errors import DomainError, RuleViolation

pytestmark = pytest.mark.django_db
CENTS = st.integers(min_value=1, max_value=40_000_00).map(lambda c: Decimal(c) / 100)
STEP = st.one_of(
    st.tuples(st.just("cn"), CENTS),
    st.tuples(st.just("pending_cn"), CENTS),
    st.tuples(st.just("allocate"), CENTS),
    st.tuples(st.just("obligate"), CENTS),
    st.tuples(st.just("obligate"), CENTS),
)


def _cn(line: Any, amount: Decimal, maker: Any, checker: Any | None, n: int) -> None:
    package = historical.record_historical(
        acting_user=maker,
        title=f"historical {n}",
        fiscal_year=line.appropriation.fiscal_year,
        account="FMF",
        country="JOR",
        amount=str(amount),
        allocations=[line.pk],
        rules=["SFOPS7015", "FMF-HEADING", "FAA634A"],
        transmitted_on=dt.date.today() - dt.timedelta(days=40),
        addressees=["SACFO"],
        document_reference=f"letter {n}",
        copy_location=f"records/{n}.pdf",
    )
    request = historical.propose_historical(acting_user=maker, package=package)
    if checker is not None:
        approvals.approve(acting_user=checker, request=request)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=7))
def test_obligations_never_exceed_cleared_coverage(
    steps: list[tuple[str, Decimal]], fmf_allocation: Any, sa_analyst: Any, budget_reviewer: Any
) -> None:
    with transaction.atomic():
        line = fmf_allocation
        for n, (op, amount) in enumerate(steps):
            before = coverage.line_states([line])[line.pk]
            if op in ("cn", "pending_cn"):
                _cn(line, amount, sa_analyst, budget_reviewer if op == "cn" else None, n)
            elif op == "allocate":
                budget.post_entry(
                    acting_user=sa_analyst,
                    appropriation=line.appropriation,
                    allocation=line,
                    entry_type="allocate",
                    amount=amount,
                )
            else:
                try:
                    with transaction.atomic():
                        budget.post_entry(
                            acting_user=sa_analyst,
                            appropriation=line.appropriation,
                            allocation=line,
                            entry_type="apportion",
                            amount=amount,
                            document_type="SF 132",
                            document_ref=f"A-{n}",
                        )
                    assert before.obligated + amount <= before.ceiling, "the gate passed an obligation beyond cleared coverage"
                except RuleViolation as refused:
                    if refused.code.startswith("CN-"):
                        assert before.obligated + amount > before.ceiling or before.ceiling == 0, refused.code
                except DomainError:
                    pass  # e.g. more than the line holds (BUD-002): refused for another reason
            line.refresh_from_db()
            after = coverage.line_states([line])[line.pk]
            assert after.uncovered == 0, after
        transaction.set_rollback(True)
