"""Demo step (order 250): five CSPA waiver packages for the coming fiscal year, one at each stage,
for countries on the most recent CSPA list in the product's data (data/restrictions). Every package
is flagged `is_demo` and its pages say so. Positions, signatures and dates are illustrative.
Idempotent: nothing happens once demo packages exist."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from secassist.approvals import services as approval_services
from secassist.clearances.models import ClearanceRequest, Position
from secassist.clearances.services import record_position
from secassist.core import clock
from secassist.core.fiscal import FiscalYear

from . import services, workflow
from .models import DeterminationPackage

JUSTIFICATION = (
    "DEMO — illustrative text. The government is listed under the Child Soldiers Prevention Act for the coming "
    "fiscal year. A waiver of section 404(a) is in the national interest because continued professionalization "
    "assistance supports the demobilization of child soldiers and civilian control of the military; the government "
    "is taking effective and continuing steps to address the problem of child soldiers (22 U.S.C. 2370c-1(c)(1))."
)
STAGES = [("CMR", "draft"), ("COD", "in_clearance"), ("CAF", "ready_for_signature"), ("SOM", "signed"), ("LBY", "closed")]


def _answer_all(package: DeterminationPackage, users: dict[str, Any], admin: Any, *, leave_pending: int = 0) -> None:
    rows = list(
        ClearanceRequest.objects.filter(
            subject_id=str(package.pk), subject_type="determinations.determinationpackage", position=Position.PENDING
        ).select_related("office")
    )
    for c in rows[: len(rows) - leave_pending]:
        who = users.get(f"{c.office.code.lower()}.clearer") or admin
        record_position(acting_user=who, clearance=c, position="clear")


def _approve_register(package: DeterminationPackage, admin: Any) -> None:
    """The demo administrator is the second person who approves the register entry."""
    request = approval_services.pending_for(package, services.REGISTER_ACT)
    if request is not None and admin is not None and admin.pk != request.proposed_by_id:
        approval_services.approve(acting_user=admin, request=request, comment="demo approval")


def run(*, acting_user: Any = None, stdout: Any = None) -> None:
    if DeterminationPackage.objects.filter(is_demo=True).exists():
        if stdout:
            stdout.write("  determinations demo already loaded")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__endswith=".clearer")}
    admin = get_user_model().objects.filter(username="admin").first() or acting_user
    sa = get_user_model().objects.filter(username="sa.analyst").first() or admin
    fy = FiscalYear.of(clock.today()).year + 1
    today = clock.today()
    for iso3, stage in STAGES:
        p = services.create_package(
            acting_user=sa,
            dtype="cspa",
            country=iso3,
            fiscal_year=fy,
            scope_all=True,
            scope_text="all (section 404(a) waived) — demo",
            is_demo=True,
            title=f"DEMO — CSPA waiver, {iso3}, FY{fy}",
        )
        services.add_version(acting_user=sa, package=p, text=JUSTIFICATION, change_note="first draft (demo)")
        if stage == "draft":
            continue
        p = services.submit(acting_user=sa, package=p)
        if stage == "in_clearance":
            _answer_all(p, users, admin, leave_pending=3)
            continue
        _answer_all(p, users, admin)
        p = workflow.transition(acting_user=sa, package=p, action="mark_cleared")
        if stage == "ready_for_signature":
            continue
        p = services.sign(
            acting_user=sa,
            package=p,
            signed_by="DEMO — the President (illustrative)",
            signed_on=today,
            signature_document="DEMO presidential determination (illustrative)",
        )
        _approve_register(p, admin)
        if stage == "signed":
            continue
        services.record_notice(acting_user=sa, package=p, sent_on=today)
        services.record_publication(acting_user=sa, package=p, fr_citation="DEMO (not a real citation)", published_on=today)
        workflow.transition(acting_user=sa, package=p, action="close")
    if stdout:
        stdout.write(f"  determinations: {len(STAGES)} demo CSPA packages for FY{fy}")
