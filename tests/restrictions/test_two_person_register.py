"""Ending or retracting register entries goes through the same two-person path (issue #11, ADR 0710)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from secassist.approvals import services as approvals
from secassist.approvals.models import ApprovalRequest
from secassist.audit.models import AuditEvent
from secassist.restrictions import services
from secassist.restrictions.models import Designation, Waiver

URL = "/api/v1/restrictions/check"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def somalia_waiver(restrictions_data, fill_gaps, sa_analyst, sa_analyst_2):
    """A CSPA waiver for Somalia FY2025 FMF, recorded by two people."""
    fill_gaps("SOM", 2025, "2025-06-01")
    proposed = services.record_waiver(
        acting_user=sa_analyst,
        restriction="cspa",
        country="SOM",
        scope_programs=["FMF"],
        fiscal_year=2025,
        effective_from=dt.date(2025, 5, 15),
        legal_authority="CSPA §404(c)",
        source_document="Test determination",
        pd_number="2025-98",
    )
    assert isinstance(proposed, ApprovalRequest)
    approvals.approve(acting_user=sa_analyst_2, request=proposed, comment="PD read")
    return Waiver.objects.get(pd_number="2025-98")


def _verdict(client, on_date):
    body = {"country": "SOM", "program": "FMF", "fiscal_year": 2025, "on_date": on_date}
    return post(client, URL, body).json()["verdict"]


def test_ending_a_waiver_through_the_api_is_proposed_then_takes_effect_on_approval(
    somalia_waiver, api_as, sa_analyst, sa_analyst_2
):
    api = api_as(sa_analyst)
    assert _verdict(api, "2025-07-01") == "allowed_under_waiver"
    response = post(
        api, f"/api/v1/restrictions/waivers/{somalia_waiver.pk}/end", {"ended_on": "2025-07-01", "reason": "revoked by PD"}
    )
    assert response.status_code == 202 and response.json()["act"] == "restrictions.end_waiver"
    assert _verdict(api, "2025-07-01") == "allowed_under_waiver"  # nothing changes before the second person
    own = post(api, f"/api/v1/approvals/{response.json()['approval_id']}/approve", {})
    assert own.status_code == 403 and own.json()["code"] == "APR-001"
    assert post(api_as(sa_analyst_2), f"/api/v1/approvals/{response.json()['approval_id']}/approve", {}).status_code == 200
    somalia_waiver.refresh_from_db()
    assert somalia_waiver.expires_on == dt.date(2025, 6, 30)
    assert _verdict(api, "2025-06-30") == "allowed_under_waiver" and _verdict(api, "2025-07-01") == "prohibited"
    event = AuditEvent.objects.get(action="restrictions.waiver.end", object_id=str(somalia_waiver.pk))
    assert event.before["expires_on"] == "2025-09-30" and event.after["expires_on"] == "2025-06-30"
    assert "approved by sa2" in event.reason


@pytest.mark.parametrize(
    ("ended_on", "refusal"),
    [
        ("2025-05-15", "InvalidInput"),  # the day it took effect: it would never have been in force
        ("2025-05-16", None),  # the day after: an entry recorded in error, retracted
        ("2025-09-30", None),  # the FY's last day: in force to 29 September
        ("2025-10-01", "RuleViolation"),  # already ends on 30 September (RST-103)
    ],
)
def test_the_end_of_a_waiver_at_its_edges(somalia_waiver, sa_analyst, ended_on, refusal):
    from secassist.core.errors import InvalidInput, RuleViolation

    kwargs = {"acting_user": sa_analyst, "waiver": somalia_waiver, "ended_on": dt.date.fromisoformat(ended_on), "reason": "r"}
    if refusal is None:
        assert isinstance(services.end_waiver(**kwargs), ApprovalRequest)
        return
    with pytest.raises({"InvalidInput": InvalidInput, "RuleViolation": RuleViolation}[refusal]):
        services.end_waiver(**kwargs)
    assert not ApprovalRequest.objects.filter(act="restrictions.end_waiver").exists()


def test_ending_a_designation_through_the_api_needs_a_second_person(restrictions_data, api_as, sa_analyst, t10_analyst):
    d = Designation.objects.get(seed_key="sst:SYR:1979-12-29")
    response = post(
        api_as(sa_analyst),
        f"/api/v1/restrictions/designations/{d.pk}/end",
        {"ended_on": "2030-01-01", "reason": "rescission (test)"},
    )
    assert response.status_code == 202 and response.json()["act"] == "restrictions.end_designation"
    d.refresh_from_db()
    assert d.ended_on is None
    approved = post(api_as(t10_analyst), f"/api/v1/approvals/{response.json()['approval_id']}/approve", {"comment": "ok"})
    assert approved.status_code == 200
    d.refresh_from_db()
    assert d.ended_on == dt.date(2030, 1, 1)
