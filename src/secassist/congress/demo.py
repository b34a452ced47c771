"""Demo step (order 300): notifications at every stage — drafting, in clearance, waiting, on hold,
cleared to obligate, withdrawn — tied to the budget demo's allocations when they exist (else to
countries and programs), so the calendar and reports are alive on first start.

Amounts are the allocations' own (the budget demo takes them from the Greenbook, cited there);
without allocations the package amounts are the Greenbook FY2019 figures the budget app loaded,
or left at zero and marked as a placeholder. Idempotent: a package whose demo title exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from secassist.approvals.demo import approve_if_proposed
from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.fiscal import FiscalYear

from . import loader, services, workflow
from .models import NotificationRule, Package

DEMO_TAG = "[demo]"

# (stage, account, iso3, rules, clearing offices, days ago transmitted, hold?)
PLAN: list[dict[str, Any]] = [
    {"stage": "drafting", "account": "FMF", "iso3": "IRQ", "rules": ["SFOPS7015", "FMF-HEADING", "FAA634A"]},
    {
        "stage": "in_clearance",
        "account": "FMF",
        "iso3": "LBN",
        "rules": ["SFOPS7015", "FMF-HEADING", "FAA634A"],
        "offices": ["DRL", "NEA"],
    },
    {
        "stage": "waiting",
        "account": "PKO",
        "iso3": "CAF",
        "rules": ["SFOPS7015", "PKO-HEADING"],
        "offices": ["AF", "DRL"],
        "sent_ago": 6,
    },
    {
        "stage": "on_hold",
        "account": "FMF",
        "iso3": "MEX",
        "rules": ["SFOPS7015", "FMF-HEADING", "FAA634A", "SFOPS7015F"],
        "offices": ["WHA", "DRL"],
        "sent_ago": 25,
        "hold": ("SFRC", 12),
    },
    {
        "stage": "cleared_to_obligate",
        "account": "FMF",
        "iso3": "COL",
        "rules": ["SFOPS7015", "FMF-HEADING", "FAA634A"],
        "offices": ["WHA", "DRL"],
        "sent_ago": 40,
    },
    {"stage": "withdrawn", "account": "IMET", "iso3": "GEO", "rules": ["SFOPS7015"], "offices": ["EUR"]},
    {"stage": "drafting_dated", "account": "IMET", "iso3": "MNG", "rules": ["SFOPS7015", "FAA634A"], "action_in": 20},
    # Cleared by both offices, then revised: both clearances are stale until they clear version 2 (ADR 0740).
    {
        "stage": "text_changed_after_clearance",
        "account": "FMF",
        "iso3": "TUN",
        "rules": ["SFOPS7015", "FMF-HEADING", "FAA634A"],
        "offices": ["DRL", "NEA"],
    },
]


def run(*, acting_user: Any, stdout: Any) -> None:
    say = stdout.write
    if not NotificationRule.objects.exists():
        summary = loader.load_all(acting_user=acting_user)
        say(f"  notification rules loaded: {summary}")
    fy = FiscalYear.of(clock.today()).year
    for item in PLAN:
        title = f"{DEMO_TAG} {item['account']} {item['iso3']} FY{fy} — {item['stage'].replace('_', ' ')}"
        if Package.objects.filter(title=title).exists():
            say(f"  {title}: already present")
            continue
        try:
            package = _make(acting_user, item, title, fy)
            say(f"  {package.number} {title}: {package.get_status_display()}")
        except DomainError as exc:
            say(f"  {title}: not created ({exc.message})")


def _allocation(account: str, iso3: str, fy: int) -> Any:
    from secassist.budget.models import Allocation

    return (
        Allocation.objects.filter(account__code=account, country__iso3=iso3, appropriation__fiscal_year=fy)
        .select_related("appropriation")
        .order_by("-appropriation__fiscal_year")
        .first()
    )


def _amount(allocation: Any) -> Decimal:
    from secassist.budget.models import Balance

    balance = Balance.objects.filter(allocation=allocation).first() if allocation else None
    return balance.allocated if balance and balance.allocated else Decimal("0.00")


def _make(user: Any, item: dict[str, Any], title: str, fy: int) -> Package:
    allocation = _allocation(item["account"], item["iso3"], fy)
    amount = _amount(allocation)
    today = clock.today()
    sent_ago = int(item.get("sent_ago") or 0)
    drafted = today - dt.timedelta(days=sent_ago + 14)
    fields: dict[str, Any] = {
        "title": title,
        "fiscal_year": fy,
        "account": item["account"],
        "country": item["iso3"],
        "program": item["account"],
        "amount": amount,
        "cbj_amount": allocation.baseline_653a if allocation and allocation.baseline_653a is not None else None,
        "appropriation_fy": fy,
        "public_law": allocation.appropriation.public_law if allocation else "",
        "implementing_agency": "DSCA",
        "rules": item["rules"],
        "drafted_on": drafted,
        "description": (
            f"Demonstration notification for the {item['account']} line of {item['iso3']} "
            + (
                f"(allocation #{allocation.pk}, amount from the budget demo)."
                if allocation
                else "(no budget demo allocation found: amount left at zero)."
            )
        ),
        "purpose": "Demonstration of the notification workflow; not a real notification.",
    }
    if allocation is not None:
        fields["allocations"] = [allocation.pk]
    if item.get("action_in"):
        fields["action_on"] = today + dt.timedelta(days=item["action_in"])
    package = services.create_package(acting_user=user, **fields)
    stage = item["stage"]
    if stage.startswith("drafting"):
        return package
    workflow.transition(acting_user=user, package=package, action="submit", clearing_offices=item["offices"])
    if stage == "withdrawn":
        return workflow.transition(
            acting_user=user, package=package, action="withdraw", reason="demo: the program was cancelled before clearance"
        )
    if stage == "in_clearance":
        _clear_one(user, package, item["offices"][0])
        return package
    if stage == "text_changed_after_clearance":
        return _revise_after_clearance(user, package, item["offices"])
    for office in item["offices"]:
        _clear_one(user, package, office)
    workflow.transition(acting_user=user, package=package, action="clear")
    # Transmittal needs a second person (maker-checker): proposed by the demo user, approved by another.
    approve_if_proposed(
        workflow.transition(
            acting_user=user, package=package, action="transmit", transmitted_on=today - dt.timedelta(days=sent_ago)
        )
    )
    if stage == "on_hold":
        committee, held_ago = item["hold"]
        hold = services.place_hold(
            acting_user=user,
            package=package,
            committee=committee,
            placed_on=today - dt.timedelta(days=held_ago),
            reason="demo: staff asked for the end-use monitoring plan before obligation",
            placed_by_name="Committee staff (demo)",
        )
        services.ask_question(
            acting_user=user,
            hold=hold,
            asked_on=today - dt.timedelta(days=held_ago),
            question="How will the equipment be monitored after delivery?",
        )
    if stage == "cleared_to_obligate":
        workflow.transition(acting_user=user, package=package, action="clear_to_obligate")
    package.refresh_from_db()
    return package


def _revise_after_clearance(user: Any, package: Package, offices: list[str]) -> Package:
    for office in offices:
        _clear_one(user, package, office)
    workflow.transition(acting_user=user, package=package, action="return", reason="demo: the purpose is revised after clearance")
    services.update_package(
        acting_user=user,
        package=package,
        purpose=package.purpose + "\nRevised after clearance: adds spare parts for the patrol boats (demo).",
        change_note="demo: purpose revised after both offices cleared",
    )
    return workflow.transition(acting_user=user, package=package, action="submit", clearing_offices=offices)


def _clear_one(user: Any, package: Package, office_code: str) -> None:
    from secassist.clearances import selectors as clearance_selectors
    from secassist.clearances import services as clearance_services

    for request in clearance_selectors.for_subject(package).filter(office__code=office_code, position="pending"):
        clearance_services.record_position(acting_user=user, clearance=request, position="clear")


HISTORICAL_TAG = "[demo historical]"
HISTORICAL_SENT_AGO = 20  # days: the 15-day wait has ended, so the record is cleared to obligate once approved


def run_historical(*, acting_user: Any, stdout: Any) -> None:
    """Order 320: the budget demo lines that obligate were notified before the workbench was used.
    Each gets a historical CN record entered by the SA analyst and approved by the F/budget
    reviewer — two people, as the product requires (issue #11). Idempotent."""
    from django.contrib.auth import get_user_model

    from secassist.accounts.demo import create_demo_users
    from secassist.approvals import services as approvals
    from secassist.budget.demo import DEMO_LAW
    from secassist.budget.demo import PLAN as BUDGET_PLAN

    from . import historical

    say = stdout.write
    users = get_user_model().objects
    if users.filter(username__in=("sa.analyst", "f.reviewer")).count() != 2:
        create_demo_users()
    maker, checker = users.get(username="sa.analyst"), users.get(username="f.reviewer")
    fy = FiscalYear.of(clock.today()).year
    for account, lines in BUDGET_PLAN.items():
        for iso3, stage, _share in lines:
            if stage == "approve":
                continue
            allocation = _allocation(account, iso3, fy)
            if allocation is None or allocation.appropriation.public_law != DEMO_LAW:
                continue
            title = f"{HISTORICAL_TAG} {account} {iso3} FY{fy}"
            if Package.objects.filter(title=title).exists():
                say(f"  {title}: already present")
                continue
            try:
                package = _historical(maker, allocation, title, fy, account, iso3)
                request = historical.propose_historical(
                    acting_user=maker, package=package, reason="demo: CN sent on paper before the workbench was used"
                )
                approvals.approve(acting_user=checker, request=request, comment="demo: checked against the transmittal letter")
                package.refresh_from_db()
                say(f"  {package.number} {title}: {package.get_status_display()} (entered by {maker}, approved by {checker})")
            except DomainError as exc:
                say(f"  {title}: not recorded ({exc.message})")


def _historical(user: Any, allocation: Any, title: str, fy: int, account: str, iso3: str) -> Package:
    from . import historical

    rules = ["SFOPS7015", "FAA634A"] + (["FMF-HEADING"] if account == "FMF" else [])
    return historical.record_historical(
        acting_user=user,
        title=title,
        fiscal_year=fy,
        account=account,
        country=iso3,
        program=account,
        amount=_amount(allocation),
        allocations=[allocation.pk],
        rules=rules,
        drafted_on=clock.today() - dt.timedelta(days=HISTORICAL_SENT_AGO),
        transmitted_on=clock.today() - dt.timedelta(days=HISTORICAL_SENT_AGO),
        addressees=["SACFO", "HACFO", "SFRC", "HFAC"],
        document_reference=f"Demonstration transmittal letter {account}-{iso3}-FY{fy} (not a real CN)",
        copy_location=f"records/cn/demo/{account.lower()}-{iso3.lower()}-fy{fy}.pdf",
        description="Demonstration historical record: a CN transmitted before the workbench was used; not a real notification.",
    )
