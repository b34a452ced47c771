"""Every CN package shows its current restrictions verdict (issue #4): the detail page, the list and the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from secassist.congress import verdicts
from secassist.congress.models import Package
from secassist.core.registry import registry
from secassist.reference.models import PseudoRegion

pytestmark = pytest.mark.django_db

FEB_2025 = dt.datetime(2025, 2, 1, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def cuba_fmf(make_package):
    return make_package(title="FMF for Cuba (test)", country="CUB", fiscal_year=2025, program="FMF", account="FMF")


def test_a_cuba_fmf_fy2025_package_shows_prohibited_with_the_sst_citation(cuba_fmf, client_as, viewer) -> None:
    with time_machine.travel(FEB_2025, tick=False):
        verdict = verdicts.verdict_for(cuba_fmf)
        html = client_as(viewer).get(reverse("congress:detail", args=[cuba_fmf.pk])).content.decode()
    assert verdict["status"] == "ok" and verdict["verdict"] == "prohibited"
    sst = next(f for f in verdict["result"].findings if f.code == "RST-010")
    assert "2371" in sst.citation  # 22 U.S.C. 2371 (FAA §620A), the state-sponsor-of-terrorism bar
    assert "Restrictions: Prohibited" in html
    assert "RST-010" in html and sst.citation in html
    assert "CUB × FMF × FY2025 on 2025-02-01" in html


def test_a_country_whose_gaps_are_not_assessed_shows_not_assessed(make_package, client_as, viewer) -> None:
    package = make_package(title="FMF for Norway (test)", country="NOR", fiscal_year=2026, rules=[])
    verdict = verdicts.verdict_for(package, on_date=dt.date(2026, 3, 2))
    assert verdict["status"] == "ok" and verdict["verdict"] == "not_assessed" and verdict["result"].gaps
    html = client_as(viewer).get(reverse("congress:detail", args=[package.pk])).content.decode()
    assert "Restrictions: Not assessed" in html and "record an assessment" in html


def test_a_country_with_no_restriction_shows_allowed(make_package, client_as, viewer, fill_restriction_gaps) -> None:
    package = make_package(title="FMF for Norway (test)", country="NOR", fiscal_year=2026, rules=[])
    fill_restriction_gaps("NOR", 2026, dt.date(2026, 3, 2))
    verdict = verdicts.verdict_for(package, on_date=dt.date(2026, 3, 2))
    assert verdict["status"] == "ok" and verdict["verdict"] == "allowed" and verdict["result"].findings == []
    html = client_as(viewer).get(reverse("congress:detail", args=[package.pk])).content.decode()
    assert "Restrictions: Allowed" in html and "No restriction in the catalog applies" in html


def test_the_api_detail_carries_the_verdict_with_its_findings(cuba_fmf, api_as, viewer) -> None:
    with time_machine.travel(FEB_2025, tick=False):
        body = api_as(viewer).get(f"/api/v1/notifications/{cuba_fmf.pk}").json()
    r = body["restrictions"]
    assert r["status"] == "ok" and r["verdict"] == "prohibited" and r["message"] == ""
    assert r["inputs"] == {
        "country": "CUB",
        "program": "FMF",
        "program_source": "program",
        "fiscal_year": 2025,
        "on_date": "2025-02-01",
    }
    assert r["result"]["verdict"] == "prohibited"
    sst = next(f for f in r["result"]["findings"] if f["code"] == "RST-010")
    assert {"code", "restriction", "citation", "effect", "explanation"} <= set(sst)
    assert sst["effect"] == "prohibits" and "2371" in sst["citation"] and sst["explanation"]


def test_the_api_list_leaves_the_verdict_out_to_keep_its_query_budget(cuba_fmf, api_as, viewer) -> None:
    rows = api_as(viewer).get("/api/v1/notifications").json()
    assert rows and all(row["restrictions"] is None for row in rows)


def test_a_regional_package_is_not_applicable_and_says_why(make_package, client_as, viewer, api_as) -> None:
    region = PseudoRegion.objects.order_by("name").first()
    assert region is not None
    package = make_package(title="Regional PKO (test)", country=None, pseudo_region=region.name, account="PKO", program="PKO")
    html = client_as(viewer).get(reverse("congress:detail", args=[package.pk])).content.decode()
    assert "Restrictions: not applicable" in html and region.name in html and "checked per country" in html
    r = api_as(viewer).get(f"/api/v1/notifications/{package.pk}").json()["restrictions"]
    assert r["status"] == "not_applicable" and r["verdict"] is None and r["result"] is None


def test_a_free_text_program_falls_back_to_the_account_code(make_package) -> None:
    package = make_package(program="Border security program", account="FMF")
    verdict = verdicts.verdict_for(package, on_date=dt.date(2026, 3, 2))
    assert verdict["status"] == "ok"
    assert verdict["inputs"]["program"] == "FMF" and verdict["inputs"]["program_source"] == "account"


def test_a_package_with_no_checkable_program_is_not_applicable(make_package, client_as, viewer) -> None:
    package = make_package(program="Border security program", account="", rules=[])
    verdict = verdicts.verdict_for(package)
    assert verdict["status"] == "not_applicable"
    assert "'BORDER SECURITY PROGRAM'" in verdict["message"] and "not a program code" in verdict["message"]
    html = client_as(viewer).get(reverse("congress:detail", args=[package.pk])).content.decode()
    assert "Restrictions: not applicable" in html


def test_without_the_restrictions_app_the_page_says_so_plainly(make_package, client_as, viewer, monkeypatch) -> None:
    package = make_package()
    services = {k: v for k, v in registry.services.items() if not k.startswith("restrictions.")}
    monkeypatch.setattr(registry, "services", services)
    html = client_as(viewer).get(reverse("congress:detail", args=[package.pk])).content.decode()
    assert "Restrictions: no verdict" in html and "not installed" in html
    listing = client_as(viewer).get(reverse("congress:list")).content.decode()
    assert "Not installed" in listing


def test_the_list_shows_a_verdict_column_in_a_flat_number_of_queries(
    make_package, client_as, viewer, django_assert_max_num_queries
) -> None:
    make_package(title="FMF for Cuba (test)", country="CUB", fiscal_year=2025)
    for i in range(12):
        make_package(title=f"CN {i}")
    client = client_as(viewer)
    client.get(reverse("congress:list"))  # warm the restrictions snapshot, as any running server has
    with django_assert_max_num_queries(25):
        html = client.get(reverse("congress:list")).content.decode()
    assert "Restrictions today" in html and "<strong>Prohibited</strong>" in html and "<strong>Not assessed</strong>" in html
    packages = list(Package.objects.order_by("pk"))
    many = verdicts.verdicts_for(packages, on_date=dt.date(2025, 2, 1))
    single = {p.pk: verdicts.verdict_for(p, on_date=dt.date(2025, 2, 1))["verdict"] for p in packages}
    assert {pk: v["verdict"] for pk, v in many.items()} == single
    assert "prohibited" in single.values()
