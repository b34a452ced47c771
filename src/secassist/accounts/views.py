from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput, NotFound

from . import services
from .permissions import capability


class LoginView(auth_views.LoginView):
    required_capability = write_capability = "public"
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
