"""Registry wiring: the cross-app service, the demo step, the country section and home count."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse

from secassist.core.registry import registry


def test_the_check_is_provided_as_the_agreed_cross_app_service(restrictions_data, fill_gaps):
    fill_gaps("SOM", 2024, dt.date(2024, 3, 1))
    service = registry.service("restrictions.check")
    assert service is not None
    result = service(
        country="SOM",
        program="10USC333",
        fiscal_year=2024,
        on_date=dt.date(2024, 3, 1),
        recipient="government",
        purpose="general",
        units=None,
    )
    assert result.verdict == "allowed_under_waiver"
    assert result.as_dict()["findings"][0]["waiver"]["pd_number"] == "2023-11"


def test_the_demo_step_is_registered_at_order_200_and_idempotent(restrictions_data):
    (step,) = [s for s in registry.demo_steps if s.name.startswith("restrictions: statutes")]
    assert step.order == 200
    out = io.StringIO()
    step.run(acting_user=None, stdout=out)
    assert "0 created, 0 updated" in out.getvalue()


def test_the_seed_data_is_a_reference_step_so_every_install_has_it(restrictions_data):
    (step,) = [s for s in registry.reference_steps if s.name.startswith("restrictions")]
    assert step.run(acting_user=None) == {"created": 0, "updated": 0, "coup_rows_skipped": 0}


def test_the_restrictions_section_and_home_count_are_registered():
    assert any(s.name == "Restrictions" for s in registry.country_sections)
    assert any(c.url_name == "restrictions:waivers" for c in registry.home_counts)


def test_the_waiver_register_page_runs_a_bounded_number_of_queries(
    restrictions_data, client_as, viewer, django_assert_max_num_queries
):
    client = client_as(viewer)
    client.get(reverse("restrictions:waivers"))  # warm the session
    with django_assert_max_num_queries(15):
        response = client.get(reverse("restrictions:waivers"))
    assert response.status_code == 200
