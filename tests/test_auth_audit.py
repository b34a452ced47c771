"""Sign-in events, MFA enrolment and API tokens leave audit events (AU-2, AC-7, IA-2, IA-5)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from secassist.accounts.services import create_token, revoke_token
from secassist.audit.models import AuditEvent

PASSWORD = "correct-horse-battery-staple-42"


def _latest(action):
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def test_a_login_through_the_form_is_audited_with_the_client_address(db, viewer):
    response = Client(REMOTE_ADDR="127.0.0.9").post("/login/", {"username": viewer.username, "password": PASSWORD})
    assert response.status_code == 302
    event = _latest("auth.login")
    assert event.actor == viewer
    assert event.object_id == str(viewer.pk)
    assert event.after["ip"] == "127.0.0.9"


def test_a_failed_login_is_audited_with_the_username_tried_and_never_the_password(db, viewer):
    Client().post("/login/", {"username": viewer.username, "password": "wrong-password-xyz"})
    event = _latest("auth.login_failed")
    assert event.actor is None
    assert event.object_id == str(viewer.pk)
    assert event.after["username"] == viewer.username
    assert "wrong-password-xyz" not in str(event.after) + event.reason + event.object_repr


def test_a_failed_login_for_an_unknown_username_is_audited_too(db):
    Client().post("/login/", {"username": "nobody-here", "password": "x"})
    event = _latest("auth.login_failed")
    assert event.object_id == ""
    assert event.object_repr == "nobody-here"


def test_a_lockout_is_audited(db, viewer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": viewer.username, "password": "wrong"})
    event = _latest("auth.lockout")
    assert event is not None
    assert event.after["username"] == viewer.username
    assert AuditEvent.objects.filter(action="auth.login_failed", object_id=str(viewer.pk)).count() >= settings.AXES_FAILURE_LIMIT


def test_a_logout_is_audited(db, client_as, viewer):
    client = client_as(viewer)
    client.post("/logout/")
    assert _latest("auth.logout").actor == viewer


def test_mfa_enrolment_is_audited(db, client_as, viewer):
    client = client_as(viewer)
    client.get("/account/mfa/setup/")
    device = TOTPDevice.objects.get(user=viewer)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    assert client.post("/account/mfa/setup/", {"token": code}).status_code == 302
    event = _latest("mfa.enrol")
    assert event.actor == viewer
    assert event.object_id == str(device.pk)


def test_token_creation_and_revocation_are_audited(db, viewer):
    token, key = create_token(acting_user=viewer, user=viewer, name="ci")
    created = _latest("token.create")
    assert created.object_id == str(token.pk)
    assert key not in str(created.after), "the secret is never written to the audit trail"
    revoke_token(acting_user=viewer, token=token)
    assert _latest("token.revoke").object_id == str(token.pk)
