"""The obligation gate ("congress.obligation_gate"), directly and through the budget obligation service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from secassist.budget import services as budget
from secassist.congress import integrations, services, workflow
from secassist.core.errors import ImportRejected, RuleViolation
from secassist.core.registry import registry

pytestmark = pytest.mark.django_db
D = dt.date
SENT = D(2026, 1, 5)


def _cn(make_package, walk, allocation, *, amount="50000000.00", transmitted_on=SENT):
    package = make_package(allocations=[allocation.pk], amount=amount, drafted_on=D(2026, 1, 2))
    return walk(package, "waiting", transmitted_on=transmitted_on)


def test_the_gate_is_registered_for_the_budget_app() -> None:
    assert registry.service("congress.obligation_gate") is integrations.gate


def test_an_allocation_without_any_cn_is_refused_cn_001(fmf_allocation) -> None:
    with pytest.raises(RuleViolation) as exc:
        integrations.gate(allocation=fmf_allocation, amount=Decimal("1000000.00"), on_date=D(2026, 2, 1))
    assert exc.value.code == "CN-001"
    assert "Jordan" in exc.value.message


def test_obligating_before_the_waiting_period_ends_names_the_cn_and_its_dates(make_package, walk, fmf_allocation) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        package = _cn(make_package, walk, fmf_allocation)
        with pytest.raises(RuleViolation) as exc:
            integrations.gate(allocation=fmf_allocation, amount=Decimal("1000000.00"), on_date=D(2026, 1, 10))
    assert exc.value.code == "CN-002"
    assert package.number in exc.value.message
    assert "2026-01-05" in exc.value.message and "2026-01-20" in exc.value.message


def test_a_draft_cn_does_not_cover_an_obligation(make_package, fmf_allocation) -> None:
    package = make_package(allocations=[fmf_allocation.pk])
    with pytest.raises(RuleViolation) as exc:
        integrations.gate(allocation=fmf_allocation, amount=Decimal("1.00"), on_date=D(2026, 2, 1))
    assert exc.value.code == "CN-002"
    assert "not been transmitted" in exc.value.message and package.number in exc.value.message


def test_an_open_hold_refuses_the_obligation_even_after_the_wait(make_package, walk, fmf_allocation, sa_analyst) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 12, 12, tzinfo=dt.UTC), tick=False):
        package = _cn(make_package, walk, fmf_allocation)
        services.place_hold(acting_user=sa_analyst, package=package, committee="SFRC", reason="questions")
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC), tick=False), pytest.raises(RuleViolation) as exc:
        integrations.gate(allocation=fmf_allocation, amount=Decimal("1000000.00"), on_date=D(2026, 2, 1))
    assert exc.value.code == "CN-003"
    assert "SFRC" in exc.value.message


def test_a_cleared_cn_covers_up_to_the_notified_amount_and_refuses_more(make_package, walk, fmf_allocation) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 25, 12, tzinfo=dt.UTC), tick=False):
        package = _cn(make_package, walk, fmf_allocation, amount="20000000.00")
        integrations.gate(allocation=fmf_allocation, amount=Decimal("20000000.00"), on_date=D(2026, 1, 25))
        with pytest.raises(RuleViolation) as exc:
            integrations.gate(allocation=fmf_allocation, amount=Decimal("20000000.01"), on_date=D(2026, 1, 25))
    assert exc.value.code == "CN-004"
    assert package.number in exc.value.message
    assert exc.value.details["notified"] == "20000000.00"


def test_a_cn_for_the_same_country_account_and_fy_covers_an_unlinked_line(make_package, walk, fmf_allocation) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 25, 12, tzinfo=dt.UTC), tick=False):
        walk(make_package(drafted_on=D(2026, 1, 2)), "waiting", transmitted_on=D(2026, 1, 5))
        integrations.gate(allocation=fmf_allocation, amount=Decimal("1000000.00"), on_date=D(2026, 1, 25))


def test_the_budget_obligation_service_is_refused_until_the_cn_clears(make_package, walk, fmf_allocation, admin_user) -> None:
    appropriation = fmf_allocation.appropriation
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        package = _cn(make_package, walk, fmf_allocation)
        with pytest.raises(RuleViolation) as exc:
            budget.post_entry(
                acting_user=admin_user,
                appropriation=appropriation,
                allocation=fmf_allocation,
                entry_type="apportion",
                amount="10000000.00",
                reason="SF 132",
            )
        assert exc.value.code == "CN-002" and package.number in exc.value.message
    with time_machine.travel(dt.datetime(2026, 1, 21, 12, tzinfo=dt.UTC), tick=False):
        workflow.transition(acting_user=admin_user, package=package, action="clear_to_obligate")
        entry = budget.post_entry(
            acting_user=admin_user,
            appropriation=appropriation,
            allocation=fmf_allocation,
            entry_type="apportion",
            amount="10000000.00",
            reason="SF 132",
        )
    assert entry.pk is not None


def test_reconciliation_compares_notified_cleared_and_obligated(make_package, walk, fmf_allocation, admin_user) -> None:
    from secassist.congress import selectors

    appropriation = fmf_allocation.appropriation
    with time_machine.travel(dt.datetime(2026, 1, 25, 12, tzinfo=dt.UTC), tick=False):
        package = _cn(make_package, walk, fmf_allocation, amount="20000000.00")
        budget.post_entry(
            acting_user=admin_user,
            appropriation=appropriation,
            allocation=fmf_allocation,
            entry_type="apportion",
            amount="15000000.00",
            reason="SF 132",
        )
        rows = selectors.reconciliation(fiscal_year=2026)
    row = next(r for r in rows if r["recipient"] == "Jordan" and r["program"] == "FMF")
    assert (row["notified"], row["cleared"], row["obligated"]) == (
        Decimal("20000000.00"),
        Decimal("20000000.00"),
        Decimal("15000000.00"),
    )
    assert row["uncovered"] == 0 and row["flag"] == "" and row["cns"] == [package.number]


def test_reconciliation_flags_obligations_beyond_cleared_cns(fmf_allocation, admin_user, budget_reviewer) -> None:
    """Obligated while the line needed no notification, then the line is found to need one: the
    obligations are flagged as beyond any cleared CN — on the report and on the line alike."""
    from secassist.approvals import services as approvals
    from secassist.congress import coverage, selectors

    request = budget.set_notification(
        acting_user=admin_user, allocation=fmf_allocation, required=False, reason="thought to be exempt"
    )
    approvals.approve(acting_user=budget_reviewer, request=request)
    fmf_allocation.refresh_from_db()
    budget.post_entry(
        acting_user=admin_user,
        appropriation=fmf_allocation.appropriation,
        allocation=fmf_allocation,
        entry_type="apportion",
        amount="5000000.00",
        reason="SF 132",
    )
    budget.set_notification(acting_user=admin_user, allocation=fmf_allocation, required=True, reason="not exempt after all")
    row = next(r for r in selectors.reconciliation(fiscal_year=2026) if r["recipient"] == "Jordan")
    assert row["uncovered"] == Decimal("5000000.00") and row["flag"] == "obligated beyond cleared CNs"
    state = coverage.line_states([fmf_allocation])[fmf_allocation.pk]
    assert (state.state, state.uncovered, state.cleared) == ("exceeded", Decimal("5000000.00"), False)
    assert row["lines"] == [
        {"allocation_id": fmf_allocation.pk, "state": "exceeded", "label": state.label, "uncovered": Decimal("5000000.00")}
    ]


def _apportion(line, amount: str) -> dict[str, str | int]:
    return {"allocation_id": line.pk, "entry_type": "apportion", "amount": amount, "document_type": "SF 132"}


@pytest.mark.parametrize(("second", "refused"), [("5000000.00", False), ("5000000.01", True)])
def test_a_batch_counts_its_own_earlier_obligations_at_the_gate(
    make_package, walk, fmf_allocation, admin_user, second: str, refused: bool
) -> None:
    """Two obligations on one line in one batch: the gate sees the first when it judges the second
    (a cent either side of the cleared 20,000,000.00), and a refusal leaves nothing posted."""
    from secassist.budget import batch
    from secassist.budget.models import LedgerEntry

    with time_machine.travel(dt.datetime(2026, 1, 25, 12, tzinfo=dt.UTC), tick=False):
        _cn(make_package, walk, fmf_allocation, amount="20000000.00")
        entries = [_apportion(fmf_allocation, "15000000.00"), _apportion(fmf_allocation, second)]
        if refused:
            with pytest.raises(ImportRejected) as exc:
                batch.post_batch(acting_user=admin_user, entries=entries, reason="SF 132")
            assert "entry 1:" in exc.value.message and "20,000,000.01, above the 20,000,000.00 notified" in exc.value.message
            assert not LedgerEntry.objects.filter(allocation=fmf_allocation, entry_type="apportion").exists()
        else:
            assert len(batch.post_batch(acting_user=admin_user, entries=entries, reason="SF 132")) == 2
