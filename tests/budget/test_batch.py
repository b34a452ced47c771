"""Batch postings: one transaction, every rule per entry in order, one audit event, all or nothing."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from secassist.audit.models import AuditEvent
from secassist.audit.verify import verify_chain
from secassist.budget import batch
from secassist.budget.models import Balance, LedgerEntry
from secassist.core.errors import AccessDenied, ImportRejected

MOA = {"document_type": "632(b) MOA", "document_ref": "MOA-7"}


@pytest.fixture
def lines(build: Any) -> Any:
    appr = build.appropriation("PKO", amount="1000.00", public_law="P.L. BATCH")
    return build.line(appr, "JOR"), build.line(appr, "EGY")


def e(alloc: Any, entry_type: str, amount: str, **kw: Any) -> dict[str, Any]:
    return {"allocation_id": alloc.pk, "entry_type": entry_type, "amount": amount, **kw}


def test_a_batch_posts_every_entry_in_order_with_one_audit_event_and_each_balance_written_once(lines, sa_analyst):
    jor, egy = lines
    entries = [e(jor, "allocate", "600.00"), e(jor, "apportion", "500.00"), e(jor, "obligate", "500.00", **MOA),
               e(jor, "disburse", "100.00"), e(egy, "allocate", "400.00")]  # fmt: skip
    before = AuditEvent.objects.count()
    created = batch.post_batch(acting_user=sa_analyst, entries=entries, reason="monthly load")
    assert [x.entry_type for x in created] == ["allocate", "apportion", "obligate", "disburse", "allocate"]
    bal = Balance.objects.get(allocation=jor)
    assert (bal.allocated, bal.apportioned, bal.obligated, bal.disbursed, bal.entries) == (
        D("600.00"), D("500.00"), D("500.00"), D("100.00"), 4
    )  # fmt: skip
    total = Balance.objects.get(appropriation=jor.appropriation, allocation__isnull=True)
    assert total.allocated == D("1000.00") and total.entries == 6  # the appropriation's own entry + 5
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions.count("budget.post_batch") == 1 and "budget.post" not in actions
    event = AuditEvent.objects.get(action="budget.post_batch")
    assert [row[0] for row in event.after["entries"]] == [x.pk for x in created] and event.reason == "monthly load"
    jor.refresh_from_db()
    assert jor.status == "expended"
    assert verify_chain().ok


def test_the_statements_of_a_batch_do_not_grow_with_its_entries(lines, sa_analyst, django_assert_max_num_queries):
    jor, egy = lines
    batch.post_batch(acting_user=sa_analyst, entries=[e(jor, "allocate", "500.00"), e(egy, "allocate", "500.00")])
    many = [e(jor if i % 2 else egy, "apportion", "1.00") for i in range(200)]
    with django_assert_max_num_queries(30):
        batch.post_batch(acting_user=sa_analyst, entries=many)
    assert LedgerEntry.objects.filter(entry_type="apportion").count() == 200


@pytest.mark.parametrize(("second", "ok"), [("400.00", True), ("400.01", False)])
def test_later_entries_see_earlier_ones_to_the_cent(lines, sa_analyst, second, ok):
    jor, egy = lines
    entries = [e(jor, "allocate", "600.00"), e(egy, "allocate", second)]
    if ok:
        assert len(batch.post_batch(acting_user=sa_analyst, entries=entries)) == 2
        return
    with pytest.raises(ImportRejected) as exc:
        batch.post_batch(acting_user=sa_analyst, entries=entries)
    assert exc.value.details["problems"][0].startswith("entry 1: BUD-001")


def test_one_refused_entry_refuses_the_batch_and_every_refusal_is_named(lines, sa_analyst):
    jor, egy = lines
    entries = [e(jor, "allocate", "10.00"), e(jor, "obligate", "5.00"), e(egy, "allocate", "-1"), {"entry_type": "allocate"}]
    entries_before, events_before = LedgerEntry.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as exc:
        batch.post_batch(acting_user=sa_analyst, entries=entries)
    problems = exc.value.details["problems"]
    assert [p.split(":")[0] for p in problems] == ["entry 1", "entry 2", "entry 3"]
    assert "BUD-012" in problems[0] or "BUD-013" in problems[0]
    assert (LedgerEntry.objects.count(), AuditEvent.objects.count()) == (entries_before, events_before)
    assert Balance.objects.get(allocation=jor).allocated == 0


def test_a_viewer_may_not_post_a_batch_and_an_empty_batch_is_refused(lines, viewer, sa_analyst):
    jor, _ = lines
    with pytest.raises(AccessDenied):
        batch.post_batch(acting_user=viewer, entries=[e(jor, "allocate", "1.00")])
    with pytest.raises(Exception, match="1 to 5000"):
        batch.post_batch(acting_user=sa_analyst, entries=[])


def test_the_batch_api_posts_all_or_nothing(lines, api_as, sa_analyst, viewer):
    jor, egy = lines
    body = {"entries": [e(jor, "allocate", "100.00"), e(egy, "allocate", "50.00")], "reason": "api batch"}
    resp = api_as(sa_analyst).post("/api/v1/funds/postings/batch", body, content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert [r["amount"] for r in resp.json()] == ["100.00", "50.00"]
    bad = {"entries": [e(jor, "allocate", "100.00"), e(egy, "allocate", "9999.00")]}
    resp = api_as(sa_analyst).post("/api/v1/funds/postings/batch", bad, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["code"] == "import_rejected"
    assert "entry 1: BUD-001" in resp.json()["details"]["problems"][0]
    assert Balance.objects.get(allocation=jor).allocated == D("100.00")
    resp = api_as(viewer).post("/api/v1/funds/postings/batch", body, content_type="application/json")
    assert resp.status_code == 403
