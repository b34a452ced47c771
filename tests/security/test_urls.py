"""Issue #12 item 3: every stored URL is https or a relative path, checked where it enters (model,
form, service, API) and rendered through one safe helper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from secassist.core.errors import InvalidInput
from secassist.core.safe_url import clean_url, is_safe_url, validate_safe_url

UNSAFE = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://example.gov/doc",
    "//evil.example/",
    "/\\evil.example/",
    "https://",
    "https:///path",
    "ftp://example.gov/",
    "https://exa mple.gov/",
    "relative/path",
]
SAFE = ["https://www.state.gov/doc.pdf", "https://www.govinfo.gov/app/details/PLAW-117publ328?x=1#s", "/plans/3/", "/"]


@pytest.mark.parametrize("value", UNSAFE)
def test_unsafe_urls_are_refused_by_the_validator_and_the_service_check(value):
    assert not is_safe_url(value)
    with pytest.raises(ValidationError):
        validate_safe_url(value)
    if value.strip():
        with pytest.raises(InvalidInput) as exc:
            clean_url(value, field="source_url")
        assert exc.value.details["field"] == "source_url"


@pytest.mark.parametrize("value", SAFE)
def test_https_and_relative_urls_are_accepted(value):
    assert is_safe_url(value)
    validate_safe_url(value)
    assert clean_url(f"  {value} ", field="url") == value


def test_blank_is_allowed_where_a_url_is_optional():
    validate_safe_url("")
    assert clean_url("", field="url") == ""


def test_the_render_helper_never_emits_an_unsafe_link():
    template = Template("{% load safe_urls %}{% safe_link url 'Doc' %}|<a href=\"{{ url|safe_url }}\">")
    assert template.render(Context({"url": "javascript:alert(1)"})) == 'Doc|<a href="">'
    assert template.render(Context({"url": "https://a.gov/x?a=1&b=2"})) == (
        '<a href="https://a.gov/x?a=1&amp;b=2">Doc</a>|<a href="https://a.gov/x?a=1&amp;b=2">'
    )


def _waiver_body(**kw):
    body = {
        "restriction": "coup-7008",
        "country": "MLI",
        "kind": "waiver",
        "scope_all": True,
        "effective_from": "2026-10-01",
        "legal_authority": "SFOPS §7008(b)",
        "source_document": "Determination",
    }
    return {**body, **kw}


def test_a_waiver_with_a_javascript_source_url_is_refused_by_the_api_and_nothing_is_saved(db, api_as, sa_analyst):
    from secassist.restrictions.models import Waiver

    before = Waiver.objects.count()
    response = api_as(sa_analyst).post(
        "/api/v1/restrictions/waivers", _waiver_body(source_url="javascript:alert(1)"), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["details"]["field"] == "source_url"
    assert Waiver.objects.count() == before


def test_a_designation_with_a_javascript_source_url_is_refused_by_the_service(db, sa_analyst):
    from secassist.restrictions import services
    from secassist.restrictions.models import Designation

    before = Designation.objects.count()
    with pytest.raises(InvalidInput):
        services.record_designation(
            acting_user=sa_analyst,
            restriction="coup-7008",
            country="MLI",
            status="coup",
            effective_from=dt.date(2026, 1, 1),
            source_document="x",
            source_url="javascript:alert(1)",
        )
    assert Designation.objects.count() == before


def test_a_stored_javascript_url_from_before_the_rule_renders_as_plain_text(db, client_as, viewer):
    from secassist.restrictions.models import Waiver

    waiver = Waiver.objects.first()
    assert waiver is not None
    Waiver.objects.filter(pk=waiver.pk).update(source_url="javascript:alert(1)")  # as if stored before the rule
    body = client_as(viewer).get("/restrictions/waivers/").content.decode()
    assert "javascript:alert(1)" not in body


def test_the_waiver_form_refuses_a_javascript_url(db):
    from secassist.restrictions.forms import WaiverForm

    form = WaiverForm(data={"source_url": "javascript:alert(1)"})
    assert not form.is_valid()
    assert "source_url" in form.errors
