from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from . import services, throttle
from .activation import PasswordResetView
from .forms import EmailAuthenticationForm, TokenForm
from .twofactor import needs_two_factor


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Many failures from one IP, whatever the usernames: each next try waits longer.
        if wait := throttle.sign_in_wait(request):
            return throttle.too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            throttle.sign_in_failed(self.request)
        return super().form_invalid(form)


def locked_out(request: HttpRequest, credentials: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """Shown by django-axes after too many wrong passwords."""
    return render(request, "accounts/locked_out.html", status=429)


def _safe_next(request: HttpRequest) -> str | None:
    """The page to go back to, only when it is on this site."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else None


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Confirm the second factor, or set up an authenticator app when there is none."""
    confirmed = next(iter(devices_for_user(request.user, confirmed=True)), None)
    device = confirmed or services.two_factor_device_for_setup(user=request.user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if confirmed is None:
            services.two_factor_confirm(actor=request.user, device=device)
            messages.success(request, _("Two-factor sign-in is set up."))
        otp_login(request, device)
        return redirect(_safe_next(request) or "core:home")
    context: dict[str, Any] = {"form": form, "setting_up": confirmed is None}
    if confirmed is None:
        context["qr_svg"] = mark_safe(  # noqa: S308 - segno builds the SVG from our own key
            segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR code"))
        )
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: two-factor status and a way to change the password."""
    user = request.user
    context = {
        "has_device": any(devices_for_user(user, confirmed=True)),
        "must_use_two_factor": needs_two_factor(user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def two_factor_off(request: HttpRequest) -> HttpResponse:
    try:
        services.two_factor_remove(actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Two-factor sign-in is switched off."))
    return redirect("accounts:account")


password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:account"),
)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
