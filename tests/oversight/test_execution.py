"""Execution computed from the funds balances and the lines' own ledger entries, served by
GET /api/v1/oversight/execution (the contract) and the pages; Title 10 from DoD's reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from secassist.oversight import selectors, services

pytestmark = pytest.mark.django_db


def _imet_line(funds: Any, amount: str = "1000000.00") -> Any:
    line = funds.line("IMET", "JOR", amount)
    funds.post(line, "apportion", amount, on=dt.date(2026, 10, 20), document_type="SF 132")
    return line


def test_the_api_reports_rates_pipeline_and_quarters_from_the_ledger(
    funds: Any, api_as: Any, sa_analyst: Any, frozen_today: Any
) -> None:
    line = _imet_line(funds)
    funds.post(line, "obligate", "600000.00", on=dt.date(2026, 10, 25))
    funds.post(line, "disburse", "150000.00", on=dt.date(2026, 11, 20))
    frozen_today.move_to(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC))
    funds.post(line, "obligate", "200000.00", on=dt.date(2027, 1, 15))
    funds.post(line, "disburse", "100000.00", on=dt.date(2027, 2, 1))

    body = api_as(sa_analyst).get("/api/v1/oversight/execution?fy=2027&country=JOR&program=IMET").json()

    row = body["title22"][0]
    assert (row["allocated"], row["obligated"], row["disbursed"]) == ("1000000.00", "800000.00", "250000.00")
    assert (row["unobligated"], row["unliquidated"]) == ("200000.00", "550000.00")
    assert (row["obligation_rate"], row["disbursement_rate"]) == ("0.8000", "0.3125")
    assert [(q["quarter"], q["obligated"], q["disbursed"]) for q in row["quarters"]] == [
        ("FY2027 Q1", "600000.00", "150000.00"),
        ("FY2027 Q2", "800000.00", "250000.00"),
    ]
    # FIFO: the 250,000 disbursed liquidates the October obligation first
    assert row["oldest_unliquidated_on"] == "2026-10-25"
    assert {b["bucket"]: b["amount"] for b in row["ulo_aging"]}["0–180 days"] == "550000.00"
    assert body["totals"]["title22"]["unliquidated"] == "550000.00"


def test_fmf_apportionment_counts_as_obligation_and_transfers_as_disbursement(funds: Any, api_as: Any, sa_analyst: Any) -> None:
    line = funds.line("FMF", "JOR", "3000000.00")
    funds.post(line, "apportion", "3000000.00", on=dt.date(2026, 11, 2), document_type="SF 132")
    funds.post(line, "transfer_fms", "1000000.00", on=dt.date(2026, 11, 5), document_type="DSCA")

    row = api_as(sa_analyst).get("/api/v1/oversight/execution?program=FMF").json()["title22"][0]

    assert (row["obligated"], row["disbursed"], row["unliquidated"]) == ("3000000.00", "1000000.00", "2000000.00")


def test_a_reversed_obligation_leaves_the_curve_and_the_pipeline(funds: Any, sa_analyst: Any) -> None:
    from secassist.budget import services as budget_services

    line = _imet_line(funds)
    entry = funds.post(line, "obligate", "400000.00", on=dt.date(2026, 10, 25))
    budget_services.reverse_entry(acting_user=sa_analyst, entry=entry, reason="posted to the wrong line")

    row = selectors.execution(fy=2027, country=None, program="IMET")["title22"][0]

    assert row["obligated"] == D("0.00") and row["quarters"][-1].obligated == D("0.00")
    assert row["unliquidated"] == D("0.00") and all(b["amount"] == 0 for b in row["ulo_aging"])


def test_a_line_behind_its_spend_plan_is_flagged_once_the_quarter_has_ended(
    funds: Any, sa_analyst: Any, program_of: Any, frozen_today: Any
) -> None:
    line = _imet_line(funds)
    funds.post(line, "obligate", "300000.00", on=dt.date(2026, 11, 1))
    services.set_spend_plan(
        acting_user=sa_analyst,
        program=program_of(line),
        points=[("2026-12-31", "500000.00", "100000.00"), ("2027-03-31", "1000000.00", "400000.00")],
    )
    assert not selectors.execution(fy=2027, country=None)["title22"][0]["flags"]

    frozen_today.move_to(dt.datetime(2027, 1, 2, 12, tzinfo=dt.UTC))
    flags = selectors.execution(fy=2027, country=None)["title22"][0]["flags"]

    assert {f.code: f.data["shortfall"] for f in flags} == {"OVS-010": D("200000.00"), "OVS-011": D("100000.00")}


def test_unobligated_money_near_the_end_of_its_period_is_at_risk(funds: Any, frozen_today: Any) -> None:
    line = _imet_line(funds)  # FY2027 IMET: obligation period ends 30 Sep 2027 (one year)
    end = line.appropriation.obligation_period_end
    frozen_today.move_to(dt.datetime.combine(end - dt.timedelta(days=180), dt.time(12), tzinfo=dt.UTC))

    row = selectors.execution(fy=2027, country=None)["title22"][0]

    assert row["at_risk_expiring"] == D("1000000.00")
    assert [f.code for f in row["flags"]] == ["OVS-012"]


def test_a_spend_plan_must_use_quarter_ends_and_never_plan_to_disburse_more_than_obligated(
    funds: Any, sa_analyst: Any, program_of: Any
) -> None:
    from secassist.core.errors import InvalidInput
    from secassist.oversight.models import SpendPlanPoint

    line = _imet_line(funds)
    with pytest.raises(InvalidInput, match="quarter end"):
        services.set_spend_plan(acting_user=sa_analyst, program=program_of(line), points=[("2026-12-30", "1.00", "0.00")])
    with pytest.raises(InvalidInput, match="cannot exceed"):
        services.set_spend_plan(acting_user=sa_analyst, program=program_of(line), points=[("2026-12-31", "1.00", "1.01")])
    assert not SpendPlanPoint.objects.exists()


def test_title10_programs_show_the_333f_elements_from_the_latest_dod_report(
    proposal: Any, api_as: Any, t10_analyst: Any, program_of: Any
) -> None:
    prog = program_of(proposal)
    services.record_title10_execution(
        acting_user=t10_analyst, program=prog, as_of="2026-10-31", obligated="1000000.00", disbursed="0.00", source="DSCA report"
    )
    services.record_title10_execution(
        acting_user=t10_analyst,
        program=prog,
        as_of="2026-11-26",
        obligated="5000000.00",
        disbursed="1250000.00",
        source="DSCA report",
    )
    services.save_delivery(
        acting_user=t10_analyst,
        reference="KE-1",
        program=prog,
        raw={"kind": "articles", "description": "RHIB lot 1", "planned_on": "2026-11-01", "actual_on": "2026-11-11"},
    )

    body = api_as(t10_analyst).get("/api/v1/oversight/execution?program=10USC333&country=KEN").json()

    row = body["title10"][0]
    assert body["title22"] == []
    assert (row["total_cost"], row["obligated"], row["unobligated"], row["unliquidated"], row["disbursed"]) == (
        "7350000.50",
        "5000000.00",
        "2350000.50",
        "3750000.00",
        "1250000.00",
    )
    assert row["reported_as_of"] == "2026-11-26"
    assert row["deliveries"] == {"due": 1, "delivered": 1, "on_time": 0, "late": 1, "on_time_rate": "0.0000"}
    assert row["flags"][0]["code"] == "OVS-020" and row["flags"][0]["data"]["days_late"] == 10


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("fy=27", "fy"),
        ("fy=abcd", "fy"),
        ("country=XXX", "country"),
        ("program=ESF", "program"),
        ("team=t99", "team"),
        ("program=FMF&team=t10", "program"),
    ],
)
def test_bad_execution_filters_name_the_field_and_what_is_allowed(query: str, field: str, api_as: Any, viewer: Any) -> None:
    resp = api_as(viewer).get(f"/api/v1/oversight/execution?{query}")
    assert resp.status_code == 422
    assert resp.json()["details"]["field"] == field


def test_the_execution_endpoint_stays_within_a_query_budget(
    funds: Any, api_as: Any, viewer: Any, proposal: Any, django_assert_max_num_queries: Any
) -> None:
    for iso3 in ("JOR", "LBN", "EGY", "IRQ", "TUN", "MAR"):
        line = _imet_line(funds) if iso3 == "JOR" else funds.line("IMET", iso3, "1000.00")
        funds.post(line, "apportion", "1000.00", on=dt.date(2026, 10, 20), document_type="SF 132") if iso3 != "JOR" else None
        funds.post(line, "obligate", "1000.00", on=dt.date(2026, 10, 25))
    client = api_as(viewer)
    with django_assert_max_num_queries(14):
        resp = client.get("/api/v1/oversight/execution")
    assert resp.status_code == 200 and len(resp.json()["title22"]) == 6 and len(resp.json()["title10"]) == 1
