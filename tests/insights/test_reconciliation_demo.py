"""The demo shows a real reconciliation (issue #15 item 3, ADR 1103): the shipped ForeignAssistance.gov
complete-schema file is loaded, Taiwan's FY1968 FMF and IMET lines are recorded in the ledger with the
USAID Greenbook's obligations, and the FY1968 portfolio flags the real difference between the two public
sources (the Greenbook rounds $10M and more to two significant figures) and not the equal pair."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

from secassist.budget import importers
from secassist.budget.models import Allocation, HistoryImport, HistorySource, LedgerEntry
from secassist.insights import demo, portfolio
from secassist.restrictions.models import Assessment

pytestmark = pytest.mark.django_db

needs_data = pytest.mark.skipif(
    not (importers.greenbook_path().exists() and importers.fa_complete_path().exists()),
    reason="the shared history files are not present",
)


@pytest.fixture
def demo_users(db: Any) -> Any:
    from secassist.accounts.demo import create_demo_users, demo_admin

    create_demo_users()
    admin = demo_admin()
    importers.import_greenbook(importers.greenbook_path(), acting_user=admin)
    return admin


@needs_data
def test_the_demo_reconciles_a_greenbook_ledger_with_fa_gov_and_flags_only_the_real_difference(
    demo_users: Any, client_as: Any
) -> None:
    from django.contrib.auth import get_user_model

    viewer = get_user_model().objects.get(username="viewer")  # the demo's read-only user
    out = io.StringIO()
    demo.run_reconciliation(acting_user=demo_users, stdout=out)
    assert HistoryImport.objects.filter(source=HistorySource.FA_COMPLETE).exists()
    rec = portfolio.reconciliation(fy=1968)
    rows = {r["program"]: r for r in rec["rows"] if r["iso3"] == "TWN"}
    # the figures of the two files, as published (Greenbook 5.4e+07; FA.gov 54,400,000; IMET exact in both)
    assert (rows["FMF"]["product"], rows["FMF"]["public"], rows["FMF"]["flagged"]) == (
        Decimal("54000000.00"),
        Decimal("54400000.00"),
        True,
    )
    assert (rows["IMET"]["product"], rows["IMET"]["public"], rows["IMET"]["flagged"]) == (
        Decimal("3071000.00"),
        Decimal("3071000.00"),
        False,
    )
    assert rows["FMF"]["laws"] == [demo.RECON_LAW] and "not an enacted act" in demo.RECON_LAW
    assert rec["years_with_both_sides"] == [1968]
    # labelled: the lines' acts say demonstration; the analyst's assessments say they are not findings
    assessments = Assessment.objects.filter(country__iso3="TWN", fiscal_year=1968)
    assert assessments.exists() and all("[DEMONSTRATION — not an official finding]" in a.basis for a in assessments)
    html = client_as(viewer).get("/portfolio/?fy=1968").content.decode()
    assert "Reconciliation with ForeignAssistance.gov (1 flagged)" in html and "ledger: DEMO ledger from the Greenbook" in html
    # idempotent: a second run adds nothing
    entries = LedgerEntry.objects.count()
    demo.run_reconciliation(acting_user=demo_users, stdout=io.StringIO())
    assert LedgerEntry.objects.count() == entries
    assert Allocation.objects.filter(appropriation__public_law=demo.RECON_LAW).count() == 2


def test_the_demo_fills_the_plans_part_of_jordan_egypt_and_ukraine(db: Any, client_as: Any, frozen: Any) -> None:
    """Done-when: a new user opens Jordan, Egypt and Ukraine and sees every section filled. The plans demo
    (AFRICOM) touches none of them; the insights demo step records a labelled 3D WG meeting that does."""
    from django.contrib.auth import get_user_model

    from secassist.accounts.demo import create_demo_users, demo_admin

    create_demo_users()
    demo.run(acting_user=demo_admin(), stdout=io.StringIO())
    demo.run(acting_user=demo_admin(), stdout=io.StringIO())  # idempotent
    client = client_as(get_user_model().objects.get(username="viewer"))
    for iso3 in demo.PORTFOLIO_WG_COUNTRIES:
        body = client.get(f"/api/v1/countries/{iso3}/summary").json()["plans"]
        assert [e["title"] for e in body["engagements"]] == [demo.PORTFOLIO_WG_TITLE], iso3
        assert len(body["action_items"]) == 3
        page = client.get(f"/countries/{iso3}/").content.decode()
        assert "Nothing in Defense Sector Plans touches this country" not in page
