"""The oversight pages: dashboard per team and per country with charts (no inline script), the
country-page section, query budgets, and the demo step."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest

from secassist.oversight import demo, services
from secassist.oversight.models import Delivery, Indicator, Objective, SpendPlanPoint

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "src/secassist/oversight/templates/oversight"


@pytest.fixture
def jordan(funds: Any, sa_analyst: Any, program_of: Any) -> Any:
    line = funds.line("IMET", "JOR", "1000000.00")
    funds.post(line, "apportion", "1000000.00", on=dt.date(2026, 10, 20), document_type="SF 132")
    funds.post(line, "obligate", "800000.00", on=dt.date(2026, 10, 25))
    funds.post(line, "disburse", "100000.00", on=dt.date(2026, 11, 2))
    prog = program_of(line)
    obj = services.create_objective(acting_user=sa_analyst, country="JOR", kind="ics", code="MO 1", title="A secure Jordan")
    services.link_objective(acting_user=sa_analyst, objective=obj, program=prog)
    ind = services.create_indicator(
        acting_user=sa_analyst,
        program=prog,
        name="Instructors",
        unit="officers",
        baseline_value="1",
        baseline_on="2026-01-01",
        targets=[("2026-06-30", "5")],
    )
    services.record_value(acting_user=sa_analyst, indicator=ind, as_of="2026-07-01", value="6", evidence="OMC")
    services.save_delivery(
        acting_user=sa_analyst,
        reference="JO-1",
        program=prog,
        raw={"kind": "training", "description": "Course", "planned_on": "2026-11-10"},
    )
    services.set_spend_plan(acting_user=sa_analyst, program=prog, points=[("2026-12-31", "900000.00", "200000.00")])
    return line


def test_the_country_dashboard_shows_objectives_execution_indicators_and_late_deliveries(
    client_as: Any, viewer: Any, jordan: Any
) -> None:
    html = client_as(viewer).get("/oversight/countries/jor/").content.decode()
    assert "Program oversight — Jordan" in html
    assert "MO 1 A secure Jordan" in html and "FY2027 IMET Jordan" in html
    assert "On track" in html and "JO-1" in html and "<strong>17</strong>" in html  # 17 days late on 27 Nov
    # the four charts are drawn on the server by the one chart helper (core/charts.py), each beside its data
    for chart_id in ("ovs-curve", "ovs-age", "ovs-status", "ovs-late"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html, chart_id
    assert "vega" not in html.lower() and "oversight/charts.js" not in html and "data-spec" not in html
    tables = _tables(html)
    curve = tables["Cumulative obligated and disbursed by quarter end, USD (the chart's data)"]
    assert curve[0] == ["FY2027 Q1 (2026-12-31)", "800,000.00", "900,000.00", "100,000.00", "200,000.00"]
    age = dict(tuple(r) for r in tables["Unliquidated obligations by age, USD (the chart's data)"])
    assert age["0–180 days"] == "700,000.00"
    assert tables["Indicators by status (the chart's data)"] == [["on track", "1"]]
    assert tables["Days late per delivery element (the chart's data)"] == [["JO-1", "overdue", "17"]]
    # the SVG says the same numbers (tooltips of the points and bars)
    assert "Obligated (plan), FY2027 Q1: $900K" in html and "JO-1 (overdue): 17 days" in html


def _tables(html: str) -> dict[str, list[list[str]]]:
    """Caption → body rows (cell texts) of every table on the page."""
    out = {}
    for caption, body in re.findall(r"<caption>(.*?)</caption>.*?<tbody>(.*?)</tbody>", html, re.S):
        rows = [
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]
        out[re.sub(r"<[^>]+>", "", caption).replace("&#x27;", "'").strip()] = rows
    return out


def test_the_execution_page_draws_the_curve_and_the_age_chart_beside_their_data(client_as: Any, viewer: Any, jordan: Any) -> None:
    html = client_as(viewer).get("/oversight/execution/?country=JOR").content.decode()
    assert 'aria-labelledby="ovs-curve-title ovs-curve-desc"' in html and 'aria-labelledby="ovs-age-title ovs-age-desc"' in html
    assert "vega" not in html.lower()
    assert _tables(html)["Unliquidated obligations by age, USD (the chart's data)"][0] == ["0–180 days", "700,000.00"]


@pytest.mark.parametrize("team", ["t22", "t10", ""])
def test_the_dashboard_per_team_stays_within_a_query_budget(
    client_as: Any, viewer: Any, jordan: Any, proposal: Any, team: str, django_assert_max_num_queries: Any
) -> None:
    client = client_as(viewer)
    with django_assert_max_num_queries(40):
        resp = client.get(f"/oversight/?team={team}")
    assert resp.status_code == 200
    assert ("FY2027 IMET Jordan" in resp.content.decode()) is (team != "t10")


def test_bad_dashboard_filters_show_a_message_instead_of_failing(client_as: Any, viewer: Any) -> None:
    resp = client_as(viewer).get("/oversight/?fy=99999&country=QQ")
    assert resp.status_code == 200 and "fy:" in resp.content.decode()


@pytest.mark.parametrize(
    "path", ["/oversight/objectives/", "/oversight/indicators/", "/oversight/deliveries/", "/oversight/execution/"]
)
def test_the_lists_stay_within_a_query_budget(
    client_as: Any, sa_analyst: Any, jordan: Any, path: str, django_assert_max_num_queries: Any
) -> None:
    client = client_as(sa_analyst)
    with django_assert_max_num_queries(30):
        assert client.get(path).status_code == 200


def test_the_country_page_has_an_oversight_section_only_where_there_is_something(
    client_as: Any, viewer: Any, jordan: Any
) -> None:
    client = client_as(viewer)
    assert "Program oversight" in client.get("/countries/JOR/").content.decode()
    assert 'id="section-oversight"' not in client.get("/countries/PER/").content.decode()


def test_no_oversight_template_carries_inline_script_or_event_handlers() -> None:
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path.name
        assert not re.search(r"\son[a-z]+\s*=", text), path.name
        assert "javascript:" not in text, path.name


def test_the_demo_step_fills_jordan_and_ukraine_and_a_second_run_changes_nothing(
    funds: Any, admin_user: Any, monkeypatch: Any
) -> None:
    from secassist.budget.demo import DEMO_LAW

    for account, iso3 in (("FMF", "JOR"), ("IMET", "JOR"), ("IMET", "UKR")):
        funds.appropriations[(account, 2027)] = funds.appropriations.get((account, 2027)) or _demo_appropriation(
            admin_user, account, DEMO_LAW
        )
        funds.line(account, iso3, "1000000.00")
    out = io.StringIO()
    demo.run(acting_user=admin_user, stdout=out)
    counts = (Objective.objects.count(), Indicator.objects.count(), Delivery.objects.count(), SpendPlanPoint.objects.count())
    demo.run(acting_user=admin_user, stdout=out)

    assert counts == (
        Objective.objects.count(),
        Indicator.objects.count(),
        Delivery.objects.count(),
        SpendPlanPoint.objects.count(),
    )
    assert counts == (4, 3, 6, 12)  # the Title 10 sample proposals are not loaded here: their rows are left out, and said so
    assert "CENTCOM-333-FY27-004 not found" in out.getvalue()
    assert all(o.is_demo and "(demo)" in o.title for o in Objective.objects.all())
    assert set(Indicator.objects.values_list("country__iso3", flat=True)) == {"JOR", "UKR"}


def _demo_appropriation(user: Any, account: str, law: str) -> Any:
    from secassist.budget import services as budget_services

    return budget_services.create_appropriation(
        acting_user=user,
        account=account,
        fiscal_year=2027,
        amount="5000000000.00",
        enacted_on=dt.date(2026, 10, 15),
        public_law=law,
    )


def test_an_analyst_sets_a_spend_plan_and_records_a_dod_report_on_the_execution_page(
    client_as: Any, sa_analyst: Any, funds: Any, proposal: Any
) -> None:
    from secassist.audit.models import AuditEvent
    from secassist.oversight.models import Title10Execution

    line = funds.line("IMET", "JOR", "1000.00")
    client = client_as(sa_analyst)
    resp = client.post(
        "/oversight/execution/",
        {
            "action": "plan",
            "program": f"t22:{line.pk}",
            "end_1": "2026-12-31",
            "obligated_1": "500.00",
            "disbursed_1": "100.00",
            "end_2": "2027-03-31",
            "obligated_2": "1000.00",
            "disbursed_2": "400.00",
        },
        follow=True,
    )
    assert "Spend plan of FY2027 IMET Jordan recorded (2 quarter ends)" in resp.content.decode()
    assert list(SpendPlanPoint.objects.values_list("quarter_end", "planned_obligated")) == [
        (dt.date(2026, 12, 31), services.to_money("500.00")),
        (dt.date(2027, 3, 31), services.to_money("1000.00")),
    ]
    resp = client.post(
        "/oversight/execution/",
        {
            "action": "title10",
            "program": f"t10:{proposal.reference}",
            "as_of": "2026-11-20",
            "obligated": "100.00",
            "disbursed": "200.00",
            "source": "DSCA",
        },
        follow=True,
    )
    assert "disbursed cannot exceed obligated" in resp.content.decode() and not Title10Execution.objects.exists()
    client.post(
        "/oversight/execution/",
        {
            "action": "title10",
            "program": f"t10:{proposal.reference}",
            "as_of": "2026-11-20",
            "obligated": "300.00",
            "disbursed": "200.00",
            "source": "DSCA",
        },
    )
    assert Title10Execution.objects.get().obligated == services.to_money("300.00")
    assert AuditEvent.objects.filter(action__in=["oversight.plan_set", "oversight.t10_execution_record"]).count() == 2


def test_a_read_only_user_cannot_post_execution_inputs(client_as: Any, viewer: Any, funds: Any) -> None:
    line = funds.line("IMET", "JOR", "1000.00")
    resp = client_as(viewer).post(
        "/oversight/execution/",
        {"action": "plan", "program": f"t22:{line.pk}", "end_1": "2026-12-31", "obligated_1": "1.00", "disbursed_1": "0"},
    )
    assert resp.status_code == 403 and not SpendPlanPoint.objects.exists()
