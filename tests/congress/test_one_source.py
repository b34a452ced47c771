"""One source of truth for "notified" (issue #11): on the demo, the funds pages, the allocation
API and the reconciliation report tell the same story for every line, and no line is obligated
beyond its cleared notifications."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils.html import escape

from secassist.approvals.models import ApprovalRequest
from secassist.budget import demo as budget_demo
from secassist.budget import importers
from secassist.budget.models import Allocation
from secassist.congress import coverage, selectors
from secassist.congress import demo as congress_demo
from secassist.congress.models import Package

pytestmark = pytest.mark.django_db
GREENBOOK = Path(settings.DATA_DIR) / importers.GREENBOOK_FILE


@pytest.fixture
def demo(settings: Any, tmp_path: Path, admin_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from secassist.core.registry import registry

    # The notification state is under test here, not the restrictions verdicts (tests/restrictions).
    monkeypatch.setattr(registry, "services", {k: v for k, v in registry.services.items() if k != "restrictions.check"})
    lines = GREENBOOK.read_text(encoding="utf-8").splitlines(keepends=True)
    subset = tmp_path / importers.GREENBOOK_FILE
    subset.parent.mkdir(parents=True)
    subset.write_text(lines[0] + "".join(ln for ln in lines[1:] if ",2019," in ln), encoding="utf-8")
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    budget_demo.run(acting_user=admin_user, stdout=out)
    congress_demo.run(acting_user=admin_user, stdout=out)
    congress_demo.run_historical(acting_user=admin_user, stdout=out)
    budget_demo.run_postings(acting_user=admin_user, stdout=out)


@pytest.mark.skipif(not GREENBOOK.exists(), reason="shared Greenbook file not present")
def test_funds_pages_api_and_reconciliation_agree_on_every_demo_line(
    demo: None, sa_analyst: Any, client_as: Any, api_as: Any
) -> None:
    lines = list(Allocation.objects.select_related("appropriation", "account", "country", "pseudo_region"))
    assert len(lines) > 10
    states = coverage.line_states(lines)
    api = {row["id"]: row for row in api_as(sa_analyst).get("/api/v1/funds/allocations").json()}
    report = {line["allocation_id"]: line for row in selectors.reconciliation() for line in row["lines"]}
    browser = client_as(sa_analyst)
    seen = set()
    for line in lines:
        state = states[line.pk]
        seen.add(state.state)
        assert api[line.pk]["notification_state"] == state.state, line
        assert api[line.pk]["notification_cleared"] is (state.state == "cleared_to_obligate"), line
        if line.pk in report:
            assert report[line.pk]["state"] == state.state and report[line.pk]["uncovered"] == state.uncovered, line
        page = browser.get(f"/funds/allocations/{line.pk}/").content.decode()
        assert escape(state.label) in page, line
        assert state.uncovered == 0, f"{line} is obligated beyond its cleared notifications"
    assert {"cleared_to_obligate", "none"} <= seen
    assert all(row["flag"] == "" for row in selectors.reconciliation())


@pytest.mark.skipif(not GREENBOOK.exists(), reason="shared Greenbook file not present")
def test_the_demo_shows_historical_cns_approved_by_a_second_user(demo: None) -> None:
    historical = Package.objects.filter(kind="historical", status="cleared_to_obligate")
    assert historical.exists()
    for package in historical:
        approval = ApprovalRequest.objects.get(subject_type="congress.package", subject_id=str(package.pk), status="approved")
        assert approval.decided_by_id != approval.proposed_by_id
        assert (approval.proposed_by.username, approval.decided_by.username) == ("sa.analyst", "f.reviewer")
    isr = Allocation.objects.get(account__code="FMF", country__iso3="ISR", appropriation__public_law=budget_demo.DEMO_LAW)
    assert isr.status == "expended"
