"""Demo step (order 360): the FY+2 request cycle, labelled as demo.

The bureau request rolls forward from the current year's allocations in the funds ledger (the funds
demo takes them from Greenbook obligations); each country line's justification quotes the country's
real past President's Budget Requests from ForeignAssistance.gov (all accounts). PM/F review adds a
comment; F levels changes one level. The amounts of the demo's own decisions (the level F sets) are
illustrative and say so. Idempotent: nothing happens once the cycle exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from secassist.budget import selectors as budget_selectors
from secassist.core import clock
from secassist.core.fiscal import FiscalYear

from . import services
from .models import RequestCycle, StageBasis, StageKind

FA_SOURCE = (
    'ForeignAssistance.gov country summary (history/us_foreign_aid_country.csv, transaction type "President\'s Budget Requests")'
)


def _user(username: str, fallback: Any) -> Any:
    return get_user_model().objects.filter(username=username).first() or fallback


def run(*, acting_user: Any, stdout: Any) -> None:
    say = stdout.write
    current = FiscalYear.of(clock.today()).year
    budget_fy = current + 2
    if RequestCycle.objects.filter(budget_fiscal_year=budget_fy).exists():
        say(f"  FY{budget_fy} request cycle already present")
        return
    if not budget_selectors.line_amounts(fiscal_year=current, measure="allocated"):
        say(f"  FY{budget_fy} request demo skipped: the funds ledger holds no FY{current} lines to roll forward")
        return
    analyst = _user("sa.analyst", acting_user)
    reviewer = _user("f.reviewer", acting_user)
    cycle = services.create_cycle(
        acting_user=analyst, budget_fiscal_year=budget_fy, title=f"FY{budget_fy} request (DEMO)", demo=True
    )
    bureau = services.open_stage(
        acting_user=analyst,
        cycle=cycle,
        kind=StageKind.BUREAU_REQUEST,
        basis=StageBasis.LEDGER,
        actuals_fiscal_year=current,
        measure="allocated",
    )
    _justify(analyst, bureau)
    review = services.open_stage(acting_user=analyst, cycle=cycle, kind=StageKind.PM_F_REVIEW)
    first = review.lines.select_related("account", "country").order_by("account__code", "priority").first()
    if first is not None:
        services.comment_line(
            acting_user=reviewer,
            line=first,
            text="DEMO — F asks for the FY-2 obligation rate before agreeing to hold this level flat.",
        )
    levels = services.open_stage(acting_user=reviewer, cycle=cycle, kind=StageKind.F_LEVELS)
    if first is not None:
        line = levels.lines.get(account=first.account, recipient_name=first.recipient_name)
        services.save_line(
            acting_user=reviewer,
            stage=levels,
            recipient=line.recipient_key,
            program=line.account.code,
            amount=(line.amount * Decimal("0.95")).quantize(Decimal("0.01")),
            priority=line.priority,
            justification=line.justification,
            reason="DEMO — illustrative F level: 5% below the bureau request",
        )
    say(f"  FY{budget_fy} request cycle (demo): {bureau.lines.count()} lines, stages bureau request → PM/F review → F levels")


def _justify(user: Any, stage: Any) -> None:
    """Each country line quotes the country's real past requests (FA.gov, all accounts)."""
    lines = list(stage.lines.select_related("account", "country").filter(country__isnull=False))
    years = sorted(budget_selectors.fa_request_years()[:3])
    past = budget_selectors.fa_requests(iso3s=[ln.country.iso3 for ln in lines], fiscal_years=years)
    for ln in lines:
        quoted = "; ".join(f"FY{fy} ${past[(ln.country.iso3, fy)]:,.0f}" for fy in years if (ln.country.iso3, fy) in past)
        text = f"DEMO — rolled forward from the FY{stage.cycle.budget_fiscal_year - 2} allocation."
        if quoted:
            text += f" Past President's Budget Requests for {ln.country.name}, all accounts: {quoted} ({FA_SOURCE})."
        services.save_line(
            acting_user=user,
            stage=stage,
            recipient=ln.country.iso3,
            program=ln.account.code,
            amount=ln.amount,
            priority=ln.priority,
            justification=text,
        )
