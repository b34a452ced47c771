"""Single postings by `UPDATE … RETURNING` and the audit chain without the ORM (ADR 1021): fewer
statements, the same refusals with the same rule codes, nothing left behind by a refusal, exact cents."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secassist.audit.models import AuditChainHead, AuditEvent
from secassist.audit.verify import verify_chain
from secassist.budget import batch, services
from secassist.budget.models import Balance, LedgerEntry
from secassist.core.errors import AccessDenied, InvalidInput, RuleViolation


@pytest.fixture
def line(build: Any) -> Any:
    appr = build.appropriation("PKO", amount="1000.00", public_law="P.L. FAST")
    return build.line(appr, "JOR")


def statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


def test_a_posting_takes_seven_statements_and_none_reads_a_balance_first(build, line):
    build.post(line, "allocate", "10.00")  # the chain head exists from here on
    with CaptureQueriesContext(connection) as ctx:
        build.post(line, "allocate", "5.00")
    sql = statements(ctx)
    assert len(sql) == 7, sql  # appropriation, total, line, entry, chain head lock, event, chain head move
    assert not any("FROM budget_balance" in s and s.lstrip().upper().startswith("SELECT") for s in sql)
    assert sum(s.lstrip().upper().startswith("UPDATE BUDGET_BALANCE") and "RETURNING" in s.upper() for s in sql) == 2
    assert not any("INSERT INTO" in s.upper() and "AUDIT_AUDITCHAINHEAD" in s.upper() for s in sql)  # no get-or-create


@pytest.mark.parametrize(
    ("posts", "refused", "code"),
    [
        ([("allocate", "1000.00")], ("allocate", "0.01"), "BUD-001"),  # the appropriation's total (constraint)
        ([("allocate", "100.00")], ("apportion", "100.01"), "BUD-013"),  # apportioned <= allocated (constraint)
        ([("allocate", "100.00"), ("apportion", "50.00")], ("obligate", "50.01"), "BUD-013"),  # a rule, no constraint
        ([("allocate", "100.00"), ("apportion", "100.00")], ("reallocate", "0.01"), "BUD-002"),
        ([("allocate", "100.00"), ("apportion", "100.00"), ("obligate", "60.00")], ("disburse", "60.01"), "BUD-003"),
        ([("allocate", "100.00")], ("reallocate", "100.01"), "BUD-002"),  # a stage below zero (constraint)
    ],
)
def test_a_refusal_a_cent_over_names_its_rule_and_leaves_nothing(build, line, posts, refused, code):
    moa = {"document_type": "632(b) MOA", "document_ref": "MOA-1"}
    for etype, amount in posts:
        build.post(line, etype, amount, **(moa if etype == "obligate" else {}))
    fields = ("allocated", "apportioned", "obligated", "disbursed", "entries", "updated_at")
    before_line = Balance.objects.filter(allocation=line).values(*fields)[0]
    before_total = Balance.objects.filter(appropriation=line.appropriation, allocation__isnull=True).values(*fields)[0]
    entries, events = LedgerEntry.objects.count(), AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as exc:
        build.post(line, refused[0], refused[1], **(moa if refused[0] == "obligate" else {}))
    assert exc.value.code == code, exc.value.message
    assert Balance.objects.filter(allocation=line).values(*fields)[0] == before_line
    assert Balance.objects.filter(appropriation=line.appropriation, allocation__isnull=True).values(*fields)[0] == before_total
    assert (LedgerEntry.objects.count(), AuditEvent.objects.count()) == (entries, events)
    just_under = (D(refused[1]) - D("0.01")).quantize(D("0.01"))
    if just_under > 0:  # a cent less passes
        build.post(line, refused[0], str(just_under), **(moa if refused[0] == "obligate" else {}))


def test_cents_stay_exact_over_many_postings(build, line):
    """SQLite keeps money as floats: each sum is rounded back to the cent, so 0.10 a hundred times is 10.00."""
    for _ in range(100):
        build.post(line, "allocate", "0.10")
    bal = Balance.objects.get(allocation=line)
    total = Balance.objects.get(appropriation=line.appropriation, allocation__isnull=True)
    assert bal.allocated == D("10.00") == total.allocated and bal.entries == 100
    with connection.cursor() as cur:  # stored exactly as a written Decimal would be, not 10.000000000000002
        cur.execute("SELECT allocated FROM budget_balance WHERE allocation_id = %s", [line.pk])
        assert D(str(cur.fetchone()[0])) == D("10")


def test_the_chain_verifies_and_counts_after_postings_a_refusal_and_a_batch(build, line, sa_analyst):
    build.post(line, "allocate", "100.00")
    with pytest.raises(RuleViolation):
        build.post(line, "apportion", "100.01")
    build.post(line, "apportion", "100.00")
    batch.post_batch(acting_user=sa_analyst, entries=[{"allocation_id": line.pk, "entry_type": "allocate", "amount": "1.00"}] * 3)
    report = verify_chain()
    assert report.ok, report
    head = AuditChainHead.objects.get()
    last = AuditEvent.objects.order_by("-id").first()
    assert head.event_count == AuditEvent.objects.count() and (head.last_event_id, head.last_hash) == (last.pk, last.hash)
    assert [e.action for e in AuditEvent.objects.order_by("-id")[:3]][::-1] == [
        "budget.post",
        "budget.allocation.status",
        "budget.post_batch",
    ]


def test_the_permission_and_the_inputs_are_checked_before_anything_is_written(build, line, viewer):
    entries = LedgerEntry.objects.count()
    with pytest.raises(AccessDenied):
        services.post_entry(
            acting_user=viewer, appropriation=line.appropriation, allocation=line, entry_type="allocate", amount="1.00"
        )
    with pytest.raises(InvalidInput):
        build.post(line, "allocate", "0.00")
    with pytest.raises(InvalidInput):
        build.post(line, "allocate", "1.00", effective_on="1899-12-31")
    assert LedgerEntry.objects.count() == entries and Balance.objects.get(allocation=line).entries == 0


def test_an_earmark_override_proposed_for_approval_moves_no_balance(build, sa_analyst):
    appr = build.appropriation(amount="5000.00")
    services.add_earmark(
        acting_user=sa_analyst, appropriation=appr, kind="not_less_than", amount="3300.00", country="ISR", citation="test"
    )
    isr, egy = build.line(appr, "ISR", "3300.00"), build.line(appr, "EGY", "1000.00")
    fields = ("allocated", "entries")
    before = {b.pk: (b.allocated, b.entries) for b in Balance.objects.filter(appropriation=appr)}
    proposal = services.post_entry(
        acting_user=sa_analyst,
        appropriation=appr,
        allocation=isr,
        to_allocation=egy,
        entry_type="reallocate",
        amount="1.00",
        earmark_override=True,
        reason="later act",
    )
    assert not isinstance(proposal, LedgerEntry)
    assert {b.pk: (b.allocated, b.entries) for b in Balance.objects.filter(appropriation=appr)} == before, fields
    with pytest.raises(RuleViolation) as exc:  # without the override: refused by the earmark, nothing moved
        services.post_entry(
            acting_user=sa_analyst, appropriation=appr, allocation=isr, to_allocation=egy, entry_type="reallocate", amount="1.00"
        )
    assert exc.value.code == "BUD-008"
    assert {b.pk: (b.allocated, b.entries) for b in Balance.objects.filter(appropriation=appr)} == before
