"""The demo holds one request cycle, FY+2, labelled demo, rolled forward from the ledger and quoting
the real FA.gov past requests; the step is idempotent."""

from __future__ import annotations

import io
from typing import Any

from secassist.accounts.demo import create_demo_users
from secassist.core.registry import registry
from secassist.formulation.models import RequestCycle


def test_the_demo_cycle_rolls_forward_the_ledger_and_quotes_past_requests(fy2027_lines: Any, fa_requests: Any) -> None:
    create_demo_users()
    (step,) = [s for s in registry.demo_steps if s.name.startswith("budget formulation")]
    out = io.StringIO()
    step.run(acting_user=None, stdout=out)
    step.run(acting_user=None, stdout=out)
    cycle = RequestCycle.objects.get()
    assert cycle.budget_fiscal_year == 2029 and cycle.demo and "DEMO" in cycle.title
    kinds = list(cycle.stages.order_by("opened_at", "id").values_list("kind", flat=True))
    assert kinds == ["bureau_request", "pm_f_review", "f_levels"]
    bureau = cycle.stages.get(kind="bureau_request")
    jordan = bureau.lines.get(country__iso3="JOR", account__code="FMF")
    assert "FY2022 $1,275,000,000" in jordan.justification and jordan.justification.startswith("DEMO")
    levels = cycle.stages.get(kind="f_levels")
    assert levels.lines.get(country__iso3="JOR", account__code="FMF").amount == jordan.amount * 95 / 100
    assert "already present" in out.getvalue()
