"""Demo step (order 600): a Ukraine Security Assistance Initiative proposal, so that Ukraine's
country 360 and the portfolio show Title 10 money by authority (FY2016 NDAA §1250, as amended).

The sample DoD workbook (title10 demo) has no USAI proposal. This one is recorded through the
title10 service like any received proposal; its wording follows public descriptions of USAI
(SAMM Appendix 8; DoD press releases on USAI packages) and its amounts are illustrative demo
figures, marked as such in the title. Idempotent: a second run finds it and leaves it alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from secassist.budget import importers
from secassist.budget import services as budget
from secassist.budget.models import Allocation, HistoricalAmount, HistorySource
from secassist.core import clock
from secassist.core.fiscal import FiscalYear
from secassist.title10 import services
from secassist.title10.models import Proposal


def usai_row(fy: int) -> dict[str, Any]:
    return {
        "reference": f"EUCOM-USAI-FY{fy % 100:02d}-001",
        "title": "Ukraine counter-drone and air defense sustainment (demo figures)",
        "authority": "NDAA16S1250",
        "fiscal_year": str(fy),
        "ccmd": "EUCOM",
        "country": "UKR",
        "purposes": "operational_support; training_education",
        "description": "Procure counter-unmanned aircraft systems, air-defense interceptor sustainment and training for the "
        "Armed Forces of Ukraine under the Ukraine Security Assistance Initiative (FY2016 NDAA §1250, as amended).",
        "units": "Armed Forces of Ukraine",
        "articles_cost": "42000000.00",
        "training_cost": "6500000.00",
        "services_cost": "3500000.00",
        "articles_description": "Counter-UAS detection radars and jammers; interceptor spare parts",
        "training_description": "Operator and maintainer training",
        "services_description": "Contractor logistics support",
        "received_on": clock.today().isoformat(),
    }


PORTFOLIO_WG_TITLE = "3D Working Group — portfolio review of Jordan, Egypt and Ukraine (demo)"
PORTFOLIO_WG_COUNTRIES = ("JOR", "EGY", "UKR")


def run(*, acting_user: Any = None, stdout: Any = None) -> None:
    fy = FiscalYear.of(clock.today()).year
    row = usai_row(fy)
    if not Proposal.objects.filter(reference=row["reference"]).exists():
        proposal = services.create_proposal(acting_user=acting_user, raw=row)
        if stdout is not None:
            stdout.write(f"  {proposal.reference}: USAI proposal for Ukraine, FY{fy}")
    _portfolio_meeting(acting_user, stdout)


def _portfolio_meeting(acting_user: Any, stdout: Any) -> None:
    """A demo 3D Working Group meeting touching the three countries the issue's walkthrough opens, with one
    open action item each, so their Country 360 plans part is not empty. Office workflow records, no
    figures; labelled demo. Recorded through the plans services by the demo's DSP analyst."""
    from django.contrib.auth import get_user_model

    from secassist.core.calendar import add_business_days
    from secassist.plans import services as plans
    from secassist.plans.models import Engagement

    if Engagement.objects.filter(title=PORTFOLIO_WG_TITLE).exists():
        return
    dsp = get_user_model().objects.filter(username="dsp.analyst", is_active=True).first() or acting_user
    today = clock.today()
    meeting = plans.create_engagement(
        acting_user=dsp,
        kind="3d_wg",
        title=PORTFOLIO_WG_TITLE,
        held_on=today - dt.timedelta(days=2),
        location="Harry S Truman Building (unclassified session)",
        participants="PM/SA-DSP, PM/SA-SAT, PM/SA-T10, NEA, EUR (demo)",
        outputs="Walked through each country's Country 360 page; agreed follow-ups below (demo).",
        countries=list(PORTFOLIO_WG_COUNTRIES),
    )
    for description, days in (
        ("Confirm the Jordan border security line's spend plan with the OMC (demo)", 3),
        ("Check the Egypt FMF floor against the FY allocation table (demo)", 5),
        ("Ask DoD for the USAI proposal's delivery schedule (demo)", 7),
    ):
        plans.add_action_item(
            acting_user=dsp,
            engagement=meeting,
            description=description,
            owner=dsp.username,
            due_on=add_business_days(today, days),
        )
    if stdout is not None:
        stdout.write(f"  {PORTFOLIO_WG_TITLE}: 3 open action items")


# ---------------------------------------------------------------- reconciliation demonstration (order 620)

#: Taiwan is the one country whose ForeignAssistance.gov complete-schema rows ship in the shared data
#: (history/complete_schema_sample_taiwan_dod.csv); FY1968 is a year where both that file and the
#: Greenbook hold Taiwan's FMF and IMET obligations.
RECON_COUNTRY = "TWN"
RECON_FY = 1968
RECON_ACCOUNTS = ("FMF", "IMET")
RECON_LAW = "DEMO ledger from the Greenbook (not an enacted act)"


def greenbook_obligations(iso3: str, account: str, fy: int) -> Decimal | None:
    """The Greenbook's obligations of one country, account and FY (the transition quarter kept apart), or None."""
    rows = HistoricalAmount.objects.filter(
        source=HistorySource.GREENBOOK, program=account, fiscal_year=fy, transition_quarter=False, country__iso3=iso3
    )
    return rows.aggregate(s=Sum("amount_current"))["s"] if rows.exists() else None


def run_reconciliation(*, acting_user: Any = None, stdout: Any = None) -> None:
    """A historical ledger the portfolio can reconcile with ForeignAssistance.gov, built from real figures.

    The demo's current-year lines have no public counterpart (FA.gov's files end years earlier), so their
    reconciliation can only say "one side only". This step loads the shipped complete-schema file, then
    records Taiwan's FY1968 FMF and IMET lines in the ledger with the amounts the USAID Greenbook reports
    as obligated, through the funds services like any posting. The portfolio for FY1968 then compares the
    two public sources' figures account by account: real differences (the Greenbook rounds amounts of
    $10M or more to two significant figures) are flagged, equal ones are not. Everything is labelled a
    demonstration. The restrictions engine holds no FY1968 data, so the demo analyst records labelled
    demonstration assessments first, as the restrictions demo does for the current year (ADR 1103).
    Idempotent: a second run finds the lines and leaves them alone."""
    say = stdout.write if stdout is not None else (lambda _text: None)
    path = importers.fa_complete_path()
    if not path.exists():
        say(f"  fa-complete: file not found, not loaded: {path}")
        return
    summary = importers.import_fa_complete(path, acting_user=acting_user)
    say(f"  fa-complete: {summary['rows']} rows ({'unchanged' if summary.get('unchanged') else 'loaded'}) from {path}")
    for account in RECON_ACCOUNTS:
        if Allocation.objects.filter(
            appropriation__public_law=RECON_LAW, appropriation__fiscal_year=RECON_FY, account__code=account
        ).exists():
            say(f"  FY{RECON_FY} {account} {RECON_COUNTRY} reconciliation demo already present")
            continue
        amount = greenbook_obligations(RECON_COUNTRY, account, RECON_FY)
        if amount is None or amount <= 0:
            say(f"  FY{RECON_FY} {account} {RECON_COUNTRY}: no Greenbook obligation, nothing recorded")
            continue
        _assess_for_demo(acting_user, RECON_COUNTRY, RECON_FY)
        _historical_line(acting_user, account, amount)
        say(f"  FY{RECON_FY} {account} {RECON_COUNTRY}: ledger line of {amount} (Greenbook obligations) for reconciliation")


def _assess_for_demo(acting_user: Any, iso3: str, fy: int) -> None:
    from secassist.restrictions import demo as restrictions_demo
    from secassist.restrictions import services as restrictions
    from secassist.restrictions.models import Assessment

    analyst = restrictions_demo._demo_analyst(acting_user)
    gaps: dict[str, Any] = {}  # restriction key -> its not-assessed finding, for the FY and on its last day (the postings' date)
    for on_date in (None, FiscalYear(fy).end):
        for finding in restrictions_demo._findings(iso3, fy, on_date=on_date):
            if finding.effect == restrictions_demo.GAP:
                gaps.setdefault(finding.restriction_key, finding)
    for key, finding in gaps.items():
        restrictions.record_assessment(
            acting_user=analyst,
            restriction=key,
            country=iso3,
            fiscal_year=fy,
            conclusion=Assessment.Conclusion.DOES_NOT_APPLY,
            basis=f"{restrictions_demo.DEMO_MARK} Recorded by the demo so that a historical ledger line (FY{fy}, amounts "
            f"from the USAID Greenbook) can be reconciled with ForeignAssistance.gov. The product holds no "
            f"{finding.restriction} data for FY{fy}; this is not a finding about FY{fy}.",
            source_document=(finding.source or finding.citation or "demonstration")[:400],
        )


def _no_notification(acting_user: Any, line: Allocation) -> None:
    """The demo records no congressional notification for a historical line: it says so through the two-person
    act (`budget.notification_not_required`), approved by the demo's F reviewer when a second person is needed."""
    from django.contrib.auth import get_user_model

    from secassist.approvals import services as approvals
    from secassist.approvals.models import ApprovalRequest

    outcome = budget.set_notification(
        acting_user=acting_user,
        allocation=line,
        required=False,
        reason=f"demonstration: a historical FY{RECON_FY} line recorded for the reconciliation with ForeignAssistance.gov; "
        "the demo records no congressional notification for it",
    )
    if isinstance(outcome, ApprovalRequest):
        checker = get_user_model().objects.get(username="f.reviewer", is_active=True)
        approvals.approve(acting_user=checker, request=outcome, comment="demo: historical line, no notification recorded")
    line.refresh_from_db()


def _historical_line(acting_user: Any, account: str, amount: Decimal) -> None:
    fy = FiscalYear(RECON_FY)
    on = fy.end  # the Greenbook reports a fiscal year's total, not dates: posted on the year's last day
    note = (
        f"Demonstration for the reconciliation with ForeignAssistance.gov: {RECON_COUNTRY}'s FY{RECON_FY} {account} "
        f"obligations as the USAID Greenbook reports them ({importers.GREENBOOK_FILE}); not the enacted "
        f"appropriation, which funded every country. Dates are placeholders (the fiscal year's first and last days)."
    )
    appr = budget.create_appropriation(
        acting_user=acting_user,
        account=account,
        fiscal_year=RECON_FY,
        public_law=RECON_LAW,
        section="reconciliation demonstration",
        amount=amount,
        enacted_on=fy.start,
        notes=note,
    )
    line = budget.create_allocation(
        acting_user=acting_user,
        appropriation=appr,
        recipient_kind="country",
        recipient=RECON_COUNTRY,
        amount=amount,
        effective_on=on,
        reason=f"demo: Greenbook FY{RECON_FY} obligations",
    )
    budget.change_status(acting_user=acting_user, allocation=line, to_status="approved", reason="demo: historical line")
    _no_notification(acting_user, line)
    post = budget.post_entry
    post(
        acting_user=acting_user,
        appropriation=appr,
        allocation=line,
        entry_type="apportion",
        amount=amount,
        effective_on=on,
        document_type="SF 132",
        document_ref=f"demo FY{RECON_FY}-{account}",
        reason="demo: historical apportionment",
    )
    if account != "FMF":  # FMF obligates on apportionment
        post(
            acting_user=acting_user,
            appropriation=appr,
            allocation=line,
            entry_type="obligate",
            amount=amount,
            effective_on=on,
            document_type="632(b) MOA",
            document_ref=f"demo FY{RECON_FY}-{account}",
            reason=f"demo: Greenbook FY{RECON_FY} obligations",
        )
