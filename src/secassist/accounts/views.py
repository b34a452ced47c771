from __future__ import annotations

import base64
import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput, NotFound

from . import oidc, services
from .auth_events import record_login_failed
from .permissions import capability


class LoginView(auth_views.LoginView):
    required_capability = write_capability = "public"
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **_sso_context()}


def _sso_context() -> dict[str, Any]:
    return {"sso_enabled": oidc.enabled(), "sso_provider_name": settings.SECASSIST_OIDC_PROVIDER_NAME}


def _sso_refused(request: HttpRequest, reason: str, *, attempted: str = "", status: int = 403) -> HttpResponse:
    """The login page with the reason a single sign-on did not sign the person in; audited."""
    record_login_failed(username=attempted, request=request, reason=f"single sign-on: {reason}")
    context = {"sso_error": reason, "form": None, "next": "", **_sso_context()}
    return render(request, "accounts/login.html", context, status=status)


class SsoStartView(OIDCAuthenticationRequestView):
    """`/login/sso/`: send the browser to the provider with state, nonce and a PKCE challenge (ADR 1203)."""

    required_capability = write_capability = "public"

    def __init__(self, **kwargs: Any) -> None:  # the endpoints come from discovery, per request
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():  # not configured: the local login is the only door
            return redirect("login")
        try:
            provider = oidc.provider()
        except oidc.SignInRefused as exc:
            return _sso_refused(request, str(exc), status=503)
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.SECASSIST_OIDC_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        acr = settings.SECASSIST_OIDC_ACR_VALUES
        return {"acr_values": acr} if acr else {}


class SsoCallbackView(View):
    """`/login/sso/callback/`: the provider's answer. Signs the person in with the role the rules
    give them, or shows the login page with the reason (and audits it). A state this browser did not
    start, a stale one, a bad ID token or an unmapped person is never a sign-in."""

    required_capability = write_capability = "public"
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():  # not configured: the local login is the only door
            return redirect("login")
        states = request.session.get("oidc_states")
        states = states if isinstance(states, dict) else {}
        state = request.GET.get("state", "")
        started = states.pop(state, None) if state else None  # used once: a replayed answer finds nothing
        request.session["oidc_states"] = states
        if not isinstance(started, dict):
            return _sso_refused(request, "this answer does not belong to a sign-in started in this browser (state)", status=400)
        if request.GET.get("error"):
            described = request.GET.get("error_description", "")[:200]
            return _sso_refused(request, f"the identity provider said {request.GET['error'][:60]!r}: {described}")
        if not request.GET.get("code"):
            return _sso_refused(request, "the identity provider's answer has no authorization code", status=400)
        if time.time() - float(started.get("added_on", 0)) > oidc.SIGN_IN_SECONDS:
            return _sso_refused(request, "the sign-in took too long; start again", status=400)
        backend = oidc.OIDCBackend()
        try:
            user = backend.authenticate(request, nonce=started.get("nonce"), code_verifier=started.get("code_verifier"))
        except SuspiciousOperation as exc:
            return _sso_refused(request, str(exc), attempted=backend.attempted)
        except requests.RequestException:
            return _sso_refused(request, "the identity provider could not be reached; try again later", status=503)
        if user is None or not user.is_active:
            return _sso_refused(request, backend.refusal or "the sign-in was refused", attempted=backend.attempted)
        next_url = request.session.pop("oidc_login_next", None)
        auth_login(request, user, backend=oidc.BACKEND_PATH)
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class LogoutView(auth_views.LogoutView):
    required_capability = write_capability = "public"


@capability("view")
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    new_key, error, revoked = None, None, None
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "create-token":
            _, new_key = services.create_token(
                acting_user=request.user,
                user=request.user,  # type: ignore[arg-type]
                name=request.POST.get("name", "")[:100],
                days=request.POST.get("days") or None,
                scope=request.POST.get("scope") or None,
            )
        elif action == "revoke-token":
            token = services.own_token(request.user, request.POST.get("token", ""))
            services.revoke_token(acting_user=request.user, token=token)
            revoked = token.prefix
    except NotFound:
        raise Http404("no such token") from None
    except InvalidInput as exc:
        error = exc.message
    context = {
        "tokens": services.tokens_of(request.user),
        "now": clock.now(),
        "new_key": new_key,
        "revoked": revoked,
        "error": error,
        "default_days": settings.SECASSIST_TOKEN_DAYS,
        "max_days": settings.SECASSIST_TOKEN_MAX_DAYS,
        "devices": TOTPDevice.objects.filter(user=request.user, confirmed=True),  # type: ignore[misc]
    }
    return render(request, "accounts/account.html", context)


@capability("view")
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    from django.db import transaction

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()  # type: ignore[misc]
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)  # type: ignore[misc]
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if token.isdigit() and device.verify_token(token):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(actor=request.user, action="mfa.enrol", obj=device)
            otp_login(request, device)
            messages.success(request, "Two-factor authentication is on for your account.")
            return redirect("account")
        error = "That code did not match. Enter the 6-digit code your authenticator app shows now."
    img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    svg = base64.b64encode(buf.getvalue()).decode()
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/mfa_setup.html", {"qr_svg_b64": svg, "secret": secret, "error": error})


def safe_next(request: HttpRequest, default: str = "web:home") -> str:
    """The `next` target only when it stays on this site (no open redirect, issue #12 item 5)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(default)


@capability("view")
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)  # type: ignore[misc]
    if not devices.exists():
        return redirect("mfa-setup")
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        for device in devices:
            if token.isdigit() and device.verify_token(token):
                otp_login(request, device)
                return redirect(safe_next(request))
        error = "That code did not match. Enter the 6-digit code your authenticator app shows now."
    return render(request, "accounts/mfa_verify.html", {"error": error})
