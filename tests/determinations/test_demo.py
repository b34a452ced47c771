"""The demo holds one package at each stage, labelled demo, and the step is idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest

from secassist.accounts.demo import create_demo_users
from secassist.core.registry import registry
from secassist.determinations.models import DeterminationPackage

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_cspa_package_at_each_stage_and_runs_once() -> None:
    create_demo_users()
    (step,) = [s for s in registry.demo_steps if s.name.startswith("determinations")]
    step.run(acting_user=None, stdout=io.StringIO())
    step.run(acting_user=None, stdout=io.StringIO())
    packages = list(DeterminationPackage.objects.all())
    assert sorted(p.status for p in packages) == sorted(["draft", "in_clearance", "ready_for_signature", "signed", "closed"])
    assert all(p.is_demo and p.title.startswith("DEMO") for p in packages)
    signed: Any = [p for p in packages if p.status in ("signed", "closed")]
    assert all(p.waiver is not None and p.notice_due_on for p in signed)
