"""The funds services end to end: every invariant and account rule refuses with its code, its
numbers and a remedy; nothing is written when a rule refuses; everything is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from secassist.approvals import services as approvals
from secassist.approvals.models import ApprovalRequest
from secassist.audit.models import AuditEvent
from secassist.budget import services
from secassist.budget.models import Allocation, Balance, LedgerEntry
from secassist.core.errors import AccessDenied, Conflict, InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.core.registry import registry
from secassist.reference.models import Title22Account

pytestmark = pytest.mark.django_db


class Refusal:
    def __init__(self, exc: RuleViolation) -> None:
        self.code, self.message, self.details = exc.code, exc.message, exc.as_dict()["details"]


def refused(code: str, fn: Any, *args: Any, **kwargs: Any) -> Refusal:
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.message
    assert info.value.message.startswith(code) and "To pass:" in info.value.message
    assert "citation" in info.value.details
    assert LedgerEntry.objects.count() == before  # nothing written
    return Refusal(info.value)


def test_dates_are_computed_from_the_accounts_editable_years(build):
    fmf = build.appropriation("FMF", 2027)
    assert (fmf.obligation_period_end, fmf.reobligation_window_end, fmf.cancellation_date) == (
        dt.date(2028, 9, 30),
        dt.date(2032, 9, 30),
        dt.date(2033, 9, 30),
    )
    Title22Account.objects.filter(code="PKO").update(years_available=2, reobligation_years=3, cancellation_years=5)
    pko = build.appropriation("PKO", 2027)
    assert (pko.obligation_period_end, pko.reobligation_window_end, pko.cancellation_date) == (
        dt.date(2028, 9, 30),
        dt.date(2031, 9, 30),
        dt.date(2033, 9, 30),
    )


def test_the_dates_can_be_corrected_with_a_reason_and_are_audited(build, sa_analyst):
    appr = build.appropriation("IMET", 2027)
    services.update_appropriation_dates(
        acting_user=sa_analyst, appropriation=appr, reason="act makes IMET two-year", obligation_period_end="2028-09-30"
    )
    appr.refresh_from_db()
    assert appr.obligation_period_end == dt.date(2028, 9, 30)
    ev = AuditEvent.objects.filter(action="budget.appropriation.dates").last()
    assert ev.reason == "act makes IMET two-year" and ev.before["obligation_period_end"] == "2027-09-30"
    with pytest.raises(InvalidInput) as info:
        services.update_appropriation_dates(
            acting_user=sa_analyst, appropriation=appr, reason="x", cancellation_date="2020-01-01"
        )
    assert info.value.details["field"] == "reobligation_window_end"


def test_bud_001_allocations_cannot_exceed_the_appropriation(build):
    appr = build.appropriation(amount="100.00")
    build.line(appr, "JOR", "60.00")
    err = refused("BUD-001", build.line, appr, "EGY", "50.00")
    assert err.details["excess"] == "10.00"
    assert not Allocation.objects.filter(appropriation=appr, country__iso3="EGY").exists()  # the whole create rolled back


def test_bud_002_fmf_obligation_via_apportionment_cannot_exceed_the_line(build):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    build.post(jor, "apportion", "80.00")
    refused("BUD-013", build.post, jor, "apportion", "30.00")
    assert build.balance(jor).obligated == D("80.00")  # FMF: obligated on apportionment


def test_bud_002_pko_obligation_cannot_exceed_the_allocation(build):
    appr = build.appropriation("PKO", amount="1000.00")
    som = build.line(appr, "SOM", "100.00")
    build.post(som, "apportion", "100.00")
    moa = {"document_type": "632(b) MOA", "document_ref": "MOA-1"}
    build.post(som, "obligate", "100.00", **moa)
    refused("BUD-002", build.post, som, "obligate", "0.01", **moa)


def test_bud_013_pko_obligation_waits_for_the_apportionment(build):
    appr = build.appropriation("PKO", amount="1000.00")
    som = build.line(appr, "SOM", "100.00")
    build.post(som, "apportion", "40.00")
    err = refused("BUD-013", build.post, som, "obligate", "50.00", document_type="632(b) MOA", document_ref="MOA-1")
    assert "$10.00 more than the $40.00 apportioned" in err.message


def test_bud_003_disbursement_and_transfer_cannot_exceed_obligations(build):
    imet = build.appropriation("IMET", amount="1000.00")
    jor = build.line(imet, "JOR", "100.00")
    build.post(jor, "apportion", "100.00")
    build.post(jor, "obligate", "50.00", document_type="632(b) MOA", document_ref="MOA-2")
    refused("BUD-003", build.post, jor, "disburse", "50.01")
    fmf = build.appropriation(amount="1000.00")
    egy = build.line(fmf, "EGY", "100.00")
    build.post(egy, "apportion", "60.00")
    refused("BUD-003", build.post, egy, "transfer_fms", "60.01")
    build.post(egy, "transfer_fms", "60.00")
    assert build.balance(egy).disbursed == D("60.00")


def test_bud_004_expired_money_cannot_be_obligated_but_can_be_reobligated_in_the_window(build):
    imet = build.appropriation("IMET", 2026, amount="1000.00", enacted_on=dt.date(2025, 12, 1))
    assert imet.obligation_period_end == dt.date(2026, 9, 30)
    jor = build.line(imet, "JOR", "100.00", effective_on="2026-01-15")
    build.post(jor, "apportion", "100.00", effective_on="2026-02-01")
    moa = {"document_type": "632(b) MOA", "document_ref": "MOA-3"}
    build.post(jor, "obligate", "60.00", effective_on="2026-03-01", **moa)
    err = refused("BUD-004", build.post, jor, "obligate", "10.00", **moa)
    assert "2026-09-30" in err.message
    refused("BUD-005", build.line, imet, "EGY", "1.00")  # no new allocation of expired money either
    build.post(jor, "deobligate", "20.00")
    build.post(jor, "reobligate", "20.00", **moa)  # inside the four-year window
    refused("BUD-014", build.post, jor, "reobligate", "0.01", **moa)
    bal = build.balance(jor)
    assert (bal.obligated, bal.deobligated, bal.reobligated) == (D("60.00"), D("20.00"), D("20.00"))


def test_bud_005_nothing_after_cancellation(build, frozen_today):
    imet = build.appropriation("IMET", 2027, amount="1000.00")
    jor = build.line(imet, "JOR", "100.00")
    build.post(jor, "apportion", "100.00")
    build.post(jor, "obligate", "100.00", document_type="632(b) MOA", document_ref="MOA-4")
    frozen_today.move_to(dt.datetime(2032, 10, 2, tzinfo=dt.UTC))
    refused("BUD-005", build.post, jor, "disburse", "1.00")
    services.record_cancellation(acting_user=build.user, appropriation=imet)
    imet.refresh_from_db()
    assert imet.cancelled_recorded
    assert Balance.objects.get(appropriation=imet, allocation__isnull=True).cancelled == D("1000.00")


def test_bud_006_without_the_congress_module_no_obligation_passes_on_a_line_needing_a_cn(
    build, isolated_services, budget_reviewer
):
    """Unknown is never a yes: with no notification module nothing can confirm a cleared CN."""
    del isolated_services["congress.obligation_gate"]
    appr = build.appropriation(amount="1000.00")
    lbn = build.line(appr, "LBN", "100.00", cleared=True)
    err = refused("BUD-006", build.post, lbn, "apportion", "10.00")
    assert err.details["notification_required"] is True
    free = build.line(appr, "JOR", "100.00", cleared=False, notification_required=False)
    refused("BUD-006", build.post, free, "apportion", "10.00")  # "needs none" waits for a second person
    approvals.approve(acting_user=budget_reviewer, request=approvals.pending_for(free, services.NOT_REQUIRED_ACT))
    free.refresh_from_db()
    build.post(free, "apportion", "10.00")


def test_bud_006_uses_the_congress_gate_when_it_is_installed(build, isolated_services):
    calls = []

    def gate(*, allocation: Any, amount: D, on_date: dt.date, line_before: Any = None) -> None:
        calls.append((allocation.pk, amount, on_date))
        raise RuleViolation("CN-010: not covered by a cleared notification", code="CN-010")

    isolated_services["congress.obligation_gate"] = gate
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00", cleared=True)
    with pytest.raises(RuleViolation) as info:
        build.post(jor, "apportion", "10.00")
    assert info.value.code == "CN-010" and calls == [(jor.pk, D("10.00"), dt.date(2026, 11, 27))]


class FakeResult:
    def __init__(self, verdict: str) -> None:
        self.verdict = verdict

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "findings": [{"code": "RST-001", "citation": "22 U.S.C. 2371 (FAA §620A)"}]}


def test_bud_007_a_prohibited_country_gets_no_allocation_or_obligation(build, isolated_services):
    seen = []

    def check(**kw: Any) -> FakeResult:
        seen.append(kw)
        return FakeResult("prohibited" if kw["country"] == "IRN" else "allowed")

    isolated_services["restrictions.check"] = check
    appr = build.appropriation(amount="1000.00")
    err = refused("BUD-007", build.line, appr, "IRN", "10.00")
    assert "22 U.S.C. 2371" in err.message
    build.line(appr, "JOR", "10.00")
    assert seen[-1]["program"] == "FMF" and seen[-1]["fiscal_year"] == 2027


def test_bud_008_an_earmark_floor_holds_unless_overridden_with_a_reason(build, sa_analyst, budget_reviewer):
    appr = build.appropriation(amount="5000.00")
    services.add_earmark(
        acting_user=sa_analyst,
        appropriation=appr,
        kind="not_less_than",
        amount="3300.00",
        country="ISR",
        citation="FMF heading: not less than ... for Israel",
    )
    isr = build.line(appr, "ISR", "3300.00")
    egy = build.line(appr, "EGY", "1000.00")
    err = refused("BUD-008", build.post, isr, "reallocate", "1.00", to_allocation=egy)
    assert err.details["earmark_amount"] == "3300.00"
    with pytest.raises(InvalidInput):
        build.post(isr, "reallocate", "1.00", to_allocation=egy, earmark_override=True)
    proposed = build.post(isr, "reallocate", "1.00", to_allocation=egy, earmark_override=True, reason="law made it impossible")
    # An earmark override is a two-person act: proposed, nothing posted until the F reviewer approves.
    assert isinstance(proposed, ApprovalRequest) and proposed.act == "budget.earmark_override"
    assert build.balance(isr).allocated == D("3300.00")
    approvals.approve(acting_user=budget_reviewer, request=proposed, comment="statute read")
    entry = LedgerEntry.objects.get(reverses__isnull=True, entry_type="reallocate", allocation=isr)
    assert entry.earmark_override and build.balance(isr).allocated == D("3299.00")
    ev = AuditEvent.objects.get(action="budget.earmark_override")
    assert ev.reason.startswith("law made it impossible") and ev.after["overridden"][0]["code"] == "BUD-008"
    assert ev.actor_username == budget_reviewer.username


def test_bud_009_earmark_ceiling(build, sa_analyst):
    appr = build.appropriation(amount="5000.00")
    services.add_earmark(
        acting_user=sa_analyst,
        appropriation=appr,
        kind="not_more_than",
        amount="100.00",
        country="EGY",
        citation="§7041: not more than",
    )
    refused("BUD-009", build.line, appr, "EGY", "100.01")


@pytest.mark.parametrize(
    ("account", "entry_type", "kw", "code"),
    [
        ("FMF", "obligate", {}, "BUD-010"),
        ("FMF", "disburse", {}, "BUD-011"),
        ("PKO", "transfer_fms", {}, "BUD-011"),
        ("PKO", "obligate", {"document_type": "LOA", "document_ref": "SO-B-AAA"}, "BUD-012"),
        ("IMET", "obligate", {}, "BUD-012"),
    ],
)
def test_account_specific_postings_are_refused(build, account, entry_type, kw, code):
    appr = build.appropriation(account, amount="1000.00")
    line = build.line(appr, "JOR", "100.00")
    build.post(line, "apportion", "100.00")
    refused(code, build.post, line, entry_type, "1.00", **kw)


def test_bud_015_deobligation_cannot_exceed_the_undisbursed_obligation(build):
    appr = build.appropriation("IMET", amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    build.post(jor, "apportion", "100.00")
    build.post(jor, "obligate", "100.00", document_type="632(b) MOA", document_ref="M")
    build.post(jor, "disburse", "70.00")
    refused("BUD-015", build.post, jor, "deobligate", "30.01")


def test_bud_016_money_moves_only_on_an_approved_line(build):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00", approved=False, cleared=False)
    refused("BUD-016", build.post, jor, "apportion", "1.00")


def test_reallocation_is_a_movement_and_keeps_totals(build):
    appr = build.appropriation(amount="1000.00")
    jor, egy = build.line(appr, "JOR", "300.00"), build.line(appr, "EGY", "200.00")
    build.post(jor, "reallocate", "100.00", to_allocation=egy, reason="reprioritised")
    build.post(egy, "reallocate", "50.00", reason="back to unallocated")
    assert (build.balance(jor).allocated, build.balance(egy).allocated) == (D("200.00"), D("250.00"))
    total = Balance.objects.get(appropriation=appr, allocation__isnull=True)
    assert (total.appropriated, total.allocated) == (D("1000.00"), D("450.00"))
    build.post(jor, "apportion", "150.00")
    refused("BUD-002", build.post, jor, "reallocate", "60.00", to_allocation=egy)


def test_a_correction_is_a_reversing_entry_checked_like_any_other(build, sa_analyst):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    apportion = build.post(jor, "apportion", "100.00")
    transfer = build.post(jor, "transfer_fms", "100.00")
    refused("BUD-003", services.reverse_entry, acting_user=sa_analyst, entry=apportion, reason="typo")
    rev = services.reverse_entry(acting_user=sa_analyst, entry=transfer, reason="wrong amount")
    assert rev.reverses == transfer and build.balance(jor).disbursed == D("0.00")
    refused("BUD-017", services.reverse_entry, acting_user=sa_analyst, entry=transfer, reason="again")
    refused("BUD-017", services.reverse_entry, acting_user=sa_analyst, entry=rev, reason="undo the undo")


def test_the_ledger_is_append_only(build):
    appr = build.appropriation(amount="1000.00")
    entry = LedgerEntry.objects.get(appropriation=appr)
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"obligated": D("101")}, "obligated_le_allocated"),
        ({"disbursed": D("51")}, "disbursed_le_obligated"),
        ({"committed": D("-1")}, "nonneg"),
    ],
)
def test_the_database_refuses_an_overdrawn_balance_even_without_the_services(build, fields, constraint):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    Balance.objects.filter(allocation=jor).update(obligated=D("50"), apportioned=D("50"))
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Balance.objects.filter(allocation=jor).update(**fields)


def test_the_total_row_refuses_allocations_above_the_appropriation(build):
    appr = build.appropriation(amount="1000.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Balance.objects.filter(appropriation=appr, allocation__isnull=True).update(allocated=D("1000.01"))


def test_postings_are_audited_in_the_same_transaction(build):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    entry = build.post(jor, "apportion", "40.00", document_type="SF 132", document_ref="A-7", reason="Q1")
    ev = AuditEvent.objects.get(action="budget.post", object_id=str(entry.pk))
    assert ev.after["amount"] == "40.00" and ev.after["document"] == "SF 132 A-7" and ev.actor_username == "sa"
    jor.refresh_from_db()
    assert jor.status == "apportioned"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "5", "entry_type": "steal"}, "entry_type"),
        ({"amount": "5", "effective_on": "2099-01-01"}, "effective_on"),
        ({"amount": "5", "effective_on": "yesterday"}, "effective_on"),
    ],
)
def test_bad_input_names_the_field(build, kw, field):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    kw = {"entry_type": "apportion", **kw}
    with pytest.raises(InvalidInput) as info:
        build.post(jor, kw.pop("entry_type"), kw.pop("amount"), **kw)
    assert info.value.details["field"] == field


def test_only_sa_analysts_and_admins_post(build, viewer, budget_reviewer):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00")
    for user in (viewer, budget_reviewer):
        with pytest.raises(AccessDenied):
            services.post_entry(acting_user=user, appropriation=appr, allocation=jor, entry_type="apportion", amount="1")


def test_653a_submission_freezes_the_baseline_and_reprogramming_flags_634a(build, sa_analyst):
    appr = build.appropriation(amount="100000000.00")
    jor = build.line(appr, "JOR", "20000000.00", cleared=False)
    egy = build.line(appr, "EGY", "10000000.00", cleared=False)
    services.record_653a_submission(acting_user=sa_analyst, appropriation=appr, submitted_on="2026-11-27")
    jor.refresh_from_db()
    egy.refresh_from_db()
    assert (jor.baseline_653a, jor.status) == (D("20000000.00"), "reported_653a")
    with pytest.raises(Conflict):
        services.record_653a_submission(acting_user=sa_analyst, appropriation=appr, submitted_on="2026-11-27")
    entry = build.post(jor, "reprogram", "6000000.00", to_allocation=egy, reason="security situation")
    [flag] = entry.flags
    assert flag["code"] == "BUD-019" and "Jordan" in flag["message"]
    small = build.post(egy, "reprogram", "1000000.00", to_allocation=jor)
    assert small.flags == []


def test_653a_does_not_apply_to_a_continuing_resolution(build, sa_analyst):
    cr = build.appropriation(kind="cr", public_law="P.L. 118-15 (CR)")
    refused("BUD-018", services.record_653a_submission, acting_user=sa_analyst, appropriation=cr, submitted_on="2026-11-27")


def test_allocation_status_machine(build, sa_analyst):
    appr = build.appropriation(amount="1000.00")
    jor = build.line(appr, "JOR", "100.00", approved=False, cleared=False)
    with pytest.raises(TransitionNotAllowed):
        services.change_status(acting_user=sa_analyst, allocation=jor, to_status="obligated")
    with pytest.raises(RuleViolation):
        services.change_status(acting_user=sa_analyst, allocation=jor, to_status="withdrawn")
    services.change_status(acting_user=sa_analyst, allocation=jor, to_status="approved", reason="PM/SA front office")
    assert list(jor.status_history.values_list("to_status", flat=True)) == ["approved"]


def test_duplicate_lines_and_unknown_recipients_are_refused(build):
    appr = build.appropriation(amount="1000.00")
    build.line(appr, "JOR", "1.00")
    with pytest.raises(Conflict):
        build.line(appr, "JOR", "1.00")
    with pytest.raises(InvalidInput) as info:
        build.line(appr, "XXX", "1.00")
    assert info.value.details["field"] == "recipient"
    region = build.line(appr, "Sub-Saharan Africa (not specified)", "5.00", kind="pseudo_region")
    io = build.line(appr, "Multinational Force and Observers", "5.00", kind="international_org")
    assert region.pseudo_region is not None and region.country is None and io.recipient_name.startswith("Multinational")


def test_expiry_is_recorded_after_the_period(build, frozen_today):
    imet = build.appropriation("IMET", 2027, amount="1000.00")
    with pytest.raises(RuleViolation):
        services.record_expiry(acting_user=build.user, appropriation=imet)
    frozen_today.move_to(dt.datetime(2027, 10, 5, tzinfo=dt.UTC))
    services.record_expiry(acting_user=build.user, appropriation=imet)
    assert Balance.objects.get(appropriation=imet, allocation__isnull=True).expired == D("1000.00")


def test_the_registry_has_the_budget_contributions():
    assert {"greenbook", "fa-country"} <= set(registry.importers)
    assert {
        "budget-appropriations",
        "budget-allocations",
        "budget-ledger",
        "budget-expiring",
        "budget-653a",
        "budget-history",
    } <= set(registry.exporters)
    assert any(s.order == 100 for s in registry.demo_steps)
    assert any(s.name == "Title 22 funds" for s in registry.country_sections)


def test_a_line_opened_as_needing_no_notification_waits_for_a_second_person(build, sa_analyst, budget_reviewer, admin_user):
    """Opening a line as "needs no notification" is the same act as marking it so later: a second
    person confirms it before obligations skip the CN gate; until then the line needs a CN."""
    appr = build.appropriation(amount="1000.00")
    line = build.line(appr, "JOR", "100.00", notification_required=False)
    assert line.notification_required is True
    request = approvals.pending_for(line, services.NOT_REQUIRED_ACT)
    assert request is not None and request.proposed_by == sa_analyst
    assert request.reason == "marked at creation as needing no congressional notification"
    with pytest.raises(Exception) as own:
        approvals.approve(acting_user=sa_analyst, request=request)
    assert getattr(own.value, "code", "") == "APR-001"  # never by the maker
    approvals.approve(acting_user=budget_reviewer, request=request)
    line.refresh_from_db()
    assert line.notification_required is False
    # With the office's policy off, the line is opened so at once, and nothing waits.
    approvals.set_policy(
        acting_user=admin_user, act=services.NOT_REQUIRED_ACT, requires_approval=False, approver_roles=[], reason="test"
    )
    direct = build.line(appr, "LBN", "0", notification_required=False)
    assert direct.notification_required is False and approvals.pending_for(direct) is None
