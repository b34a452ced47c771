"""The demo step: says which files are missing, builds the current-year demo from Greenbook
figures, and a second run changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings

from secassist.budget import demo, importers
from secassist.budget.models import Allocation, Appropriation, Balance, LedgerEntry

pytestmark = pytest.mark.django_db
GREENBOOK = Path(settings.DATA_DIR) / importers.GREENBOOK_FILE


def test_missing_files_are_named_and_nothing_fails(settings, tmp_path, admin_user):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    demo.run(acting_user=admin_user, stdout=out)
    text = out.getvalue()
    assert "greenbook: file not found" in text and "fa-country: file not found" in text
    assert "current-year demo skipped" in text and not Appropriation.objects.exists()


@pytest.mark.skipif(not GREENBOOK.exists(), reason="shared Greenbook file not present")
def test_the_demo_is_built_from_greenbook_fy2019_and_is_idempotent(settings, tmp_path, admin_user):
    lines = GREENBOOK.read_text(encoding="utf-8").splitlines(keepends=True)
    subset = tmp_path / importers.GREENBOOK_FILE
    subset.parent.mkdir(parents=True)
    subset.write_text(lines[0] + "".join(ln for ln in lines[1:] if ",2019," in ln), encoding="utf-8")
    settings.DATA_DIR = tmp_path
    demo.run(acting_user=admin_user, stdout=io.StringIO())
    fmf = Appropriation.objects.get(account__code="FMF", fiscal_year=2027, public_law=demo.DEMO_LAW)
    assert fmf.amount.to_integral_value() == 6529569361  # Greenbook FY2019 FMF obligations
    isr = Allocation.objects.get(appropriation=fmf, country__iso3="ISR")
    assert (isr.status, isr.balance.disbursed) == ("expended", isr.balance.allocated)
    statuses = set(Allocation.objects.values_list("status", flat=True))
    assert {"planned", "approved", "notified", "apportioned", "obligated", "expended"} <= statuses
    assert Allocation.objects.filter(pseudo_region__isnull=False).exists()
    from secassist.budget.models import Title22Activity

    border = Title22Activity.objects.get(allocation__appropriation=fmf, allocation__country__iso3="JOR", reference="border")
    assert [u.name for u in border.units.all()] == ["JBGF"] and border.capabilities == ["border-security"]
    assert Title22Activity.objects.get(reference="airlift").platforms == ["c-130j"]
    counts = (
        Appropriation.objects.count(),
        Allocation.objects.count(),
        LedgerEntry.objects.count(),
        Balance.objects.count(),
        Title22Activity.objects.count(),
    )
    out = io.StringIO()
    demo.run(acting_user=admin_user, stdout=out)
    assert "unchanged" in out.getvalue() and "already present" in out.getvalue()
    assert counts == (
        Appropriation.objects.count(),
        Allocation.objects.count(),
        LedgerEntry.objects.count(),
        Balance.objects.count(),
        Title22Activity.objects.count(),
    )
