"""Issue #12 item 8: what used to be a 500 is a 4xx with the JSON error envelope, and amounts are
parsed strictly (refused with a message naming the field, never normalised silently)."""

from __future__ import annotations

import pytest
from django.test import Client

from secassist.budget.models import Appropriation
from secassist.core.errors import InvalidInput
from secassist.core.money import to_money
from secassist.plans.models import Comment

APPROPRIATIONS = "/api/v1/funds/appropriations"


def _envelope(resp, status: int) -> dict:
    assert resp.status_code == status, resp.content[:300]
    assert resp["Content-Type"].startswith("application/json"), resp["Content-Type"]
    body = resp.json()
    assert set(body) == {"code", "message", "details"} and body["message"]
    return body


def test_an_unknown_api_path_is_a_404_envelope(api_as, viewer):
    body = _envelope(api_as(viewer).get("/api/v1/no-such-thing/42"), 404)
    assert body["code"] == "not_found"


def test_a_wrong_method_is_a_405_envelope_with_the_allow_header(api_as, viewer):
    resp = api_as(viewer).delete(APPROPRIATIONS)
    body = _envelope(resp, 405)
    assert body["code"] == "method_not_allowed"
    assert set(resp["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert sorted(body["details"]["allowed"]) == ["GET", "POST"]


def test_an_unexpected_exception_is_a_500_envelope(api_as, viewer, monkeypatch):
    from secassist.budget import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "appropriations", broken)
    client = api_as(viewer)
    client.raise_request_exception = False
    body = _envelope(client.get(APPROPRIATIONS), 500)
    assert body["code"] == "internal_error" and "boom" not in body["message"]


@pytest.mark.parametrize(
    "url",
    [
        f"{APPROPRIATIONS}?fiscal_year=99999999999999999999999",
        f"{APPROPRIATIONS}/99999999999999999999999",
        "/api/v1/plans/taskers/99999999999999999999999/comments",
        f"{APPROPRIATIONS}?fiscal_year=-99999999999999999999999",
        "/api/v1/funds/postings?limit=99999999999999999999999",
        "/api/v1/funds/postings?limit=9223372036854775808",
        "/api/v1/restrictions/waivers?expiring_within_days=99999999999",
        "/api/v1/restrictions/waivers?expiring_within_days=-99999999999",
        "/api/v1/determinations/calendar?year=99999999",
        "/api/v1/determinations/calendar?year=0",
        "/api/v1/calendar?from=2026-01-01&to=99999-01-01",
    ],
)
def test_huge_integers_in_the_path_or_query_are_refused_not_a_500(api_as, viewer, url):
    client = api_as(viewer)
    client.raise_request_exception = False
    resp = client.get(url)
    assert resp.status_code in (404, 422), resp.content[:300]
    _envelope(resp, resp.status_code)


def _tasker(dsp_analyst):
    from tests.plans.conftest import make_tasker

    return make_tasker(dsp_analyst, state="comments_due")


def test_an_empty_office_on_a_comment_is_refused_for_a_viewer_before_anything_else(api_as, viewer, dsp_analyst):
    tasker = _tasker(dsp_analyst)
    payload = {"office": "", "comment_type": "substantive", "comment": "x"}
    url = f"/api/v1/plans/taskers/{tasker.pk}/comments"
    body = _envelope(api_as(viewer).post(url, payload, content_type="application/json"), 403)
    assert body["code"] == "access_denied"
    body = _envelope(api_as(dsp_analyst).post(url, payload, content_type="application/json"), 422)
    assert body["details"]["field"] == "office"
    assert Comment.objects.count() == 0


def test_malformed_multipart_is_a_400_envelope(api_as, dsp_analyst):
    tasker = _tasker(dsp_analyst)
    resp = api_as(dsp_analyst).generic(
        "POST",
        f"/api/v1/plans/taskers/{tasker.pk}/comments/import",
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK\x03\x04',
        content_type="multipart/form-data; boundary=",
    )
    body = _envelope(resp, 400)
    assert body["code"] == "bad_request"


def test_a_body_over_the_limit_is_a_413_envelope_read_no_further(api_as, sa_analyst, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    resp = api_as(sa_analyst).post(APPROPRIATIONS, {"notes": "x" * 5000}, content_type="application/json")
    body = _envelope(resp, 413)
    assert body["code"] == "too_large" and "1000" in body["message"]


def test_an_upload_over_the_limit_is_a_413_before_it_is_read(api_as, dsp_analyst, settings):
    settings.SECASSIST_MAX_UPLOAD_BYTES = 2000
    tasker = _tasker(dsp_analyst)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("m.xlsx", b"PK\x03\x04" + b"\0" * 5000)
    resp = api_as(dsp_analyst).post(f"/api/v1/plans/taskers/{tasker.pk}/comments/import", {"file": big})
    body = _envelope(resp, 413)
    assert body["details"]["limit_bytes"] == 2000


def test_a_non_utf8_csv_gets_a_message_not_a_traceback(api_as, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    latin1 = SimpleUploadedFile("deliveries.csv", "reference,program\nKE-1,Côte d'Ivoire\n".encode("latin-1"))
    resp = api_as(admin_user).post("/api/v1/oversight/deliveries/import", {"file": latin1})
    body = _envelope(resp, 422)
    assert "UTF-8" in body["message"]


def test_pages_answer_a_body_over_the_limit_with_413(client_as, sa_analyst, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    resp = client_as(sa_analyst).post("/funds/", "notes=" + "x" * 5000, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 413
    assert b"1000 bytes" in resp.content


# ------------------------------------------------------------------------------------------ amounts

BAD_AMOUNTS = [
    "1,000",
    "  12 ",
    "12 ",
    "$12",
    "-0",
    "-0.00",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e3",
    "1E+3",
    "1.001",
    "0.005",
    "12.",
    ".5",
    "+12",
    "99999999999999999",  # 17 digits before the point: more than DecimalField(18, 2) holds
    "1" * 5000,
    "",
    "twelve",
]


@pytest.mark.parametrize("raw", BAD_AMOUNTS)
def test_an_amount_is_parsed_strictly(raw):
    with pytest.raises(InvalidInput) as exc:
        to_money(raw, field="amount", allow_negative=True)
    assert exc.value.details["field"] == "amount"


@pytest.mark.parametrize(
    ("raw", "expected"), [("0", "0.00"), ("12", "12.00"), ("12.5", "12.50"), ("9999999999999999.99", "9999999999999999.99")]
)
def test_plain_amounts_are_kept_exactly(raw, expected):
    assert str(to_money(raw)) == expected


def test_zero_is_refused_where_it_makes_no_sense(api_as, sa_analyst):
    with pytest.raises(InvalidInput) as exc:
        to_money("0.00", field="amount", allow_zero=False)
    assert "more than zero" in exc.value.message
    api = api_as(sa_analyst)
    act = {"account": "FMF", "fiscal_year": 2027, "public_law": "P.L. AMT-3", "enacted_on": "2026-11-17", "amount": "100.00"}
    appr = api.post(APPROPRIATIONS, act, content_type="application/json").json()
    earmark = {"kind": "not_less_than", "country": "JOR", "amount": "0", "citation": "sec. 7041"}
    body = _envelope(api.post(f"{APPROPRIATIONS}/{appr['id']}/earmarks", earmark, content_type="application/json"), 422)
    assert body["details"]["field"] == "amount" and "more than zero" in body["message"]


@pytest.mark.parametrize("raw", ["1,000", "  12 ", "-0", "NaN", "Infinity", "1e3", "1.001", "99999999999999999"])
def test_the_api_refuses_a_bad_amount_with_422_naming_the_field_and_saves_nothing(api_as, sa_analyst, raw):
    payload = {"account": "FMF", "fiscal_year": 2027, "public_law": "P.L. AMT-1", "enacted_on": "2026-11-17", "amount": raw}
    body = _envelope(api_as(sa_analyst).post(APPROPRIATIONS, payload, content_type="application/json"), 422)
    assert body["details"]["field"] == "amount"
    assert not Appropriation.objects.filter(public_law="P.L. AMT-1").exists()


def test_a_json_number_amount_with_an_exponent_is_refused(api_as, sa_analyst):
    payload = '{"account": "FMF", "fiscal_year": 2027, "public_law": "P.L. AMT-2", "enacted_on": "2026-11-17", "amount": 1e400}'
    resp = api_as(sa_analyst).post(APPROPRIATIONS, payload, content_type="application/json")
    assert resp.status_code == 422, resp.content


def test_an_anonymous_404_under_the_api_is_json_too():
    _envelope(Client().get("/api/v1/no-such-thing"), 404)
