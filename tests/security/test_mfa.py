"""Issue #12 items 1 and 5: the API asks for the second factor where the pages do, and the `next`
target after the TOTP check never leaves the site."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

APPROPRIATION = {
    "account": "FMF",
    "fiscal_year": 2027,
    "public_law": "P.L. MFA-TEST",
    "enacted_on": "2026-11-17",
    "amount": "1000.00",
}


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.SECASSIST_REQUIRE_ADMIN_MFA = True


@pytest.fixture
def enrolled_admin(admin_user: Any) -> Any:
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    admin_user.device = device
    return admin_user


def _password_only(user: Any) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_a_password_only_admin_session_is_refused_by_the_api_and_nothing_is_saved(db, mfa_required, enrolled_admin):
    from secassist.budget.models import Appropriation

    client = _password_only(enrolled_admin)
    assert client.get("/funds/").status_code == 302  # the pages already asked for the code
    response = client.post("/api/v1/funds/appropriations", APPROPRIATION, content_type="application/json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "mfa_required"
    assert client.post("/api/v1/plans/products", {}, content_type="application/json").status_code == 403
    assert client.get("/api/v1/funds/appropriations").status_code == 403
    assert not Appropriation.objects.filter(public_law="P.L. MFA-TEST").exists()


def test_after_the_totp_check_the_same_session_may_use_the_api(db, mfa_required, enrolled_admin):
    client = _password_only(enrolled_admin)
    assert client.post("/account/mfa/verify/", {"token": _code(enrolled_admin.device)}).status_code == 302
    response = client.post("/api/v1/funds/appropriations", APPROPRIATION, content_type="application/json")
    assert response.status_code == 201, response.content


def test_roles_without_the_mfa_requirement_keep_session_access(db, mfa_required, viewer):
    assert _password_only(viewer).get("/api/v1/funds/appropriations").status_code == 200


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/funds/?fy=2027", "/funds/?fy=2027"),
    ],
)
def test_the_next_target_after_verification_stays_on_the_site(db, mfa_required, enrolled_admin, target, lands_on):
    client = _password_only(enrolled_admin)
    response = client.post(f"/account/mfa/verify/?next={target}", {"token": _code(enrolled_admin.device)})
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_a_page_sends_an_unverified_admin_to_the_check_and_back(db, mfa_required, enrolled_admin):
    response = _password_only(enrolled_admin).get("/funds/?fy=2027")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/mfa/verify/?next=/funds/")
