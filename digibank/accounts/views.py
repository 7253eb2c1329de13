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
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import services, throttle
from .activation import PasswordResetView
from .forms import EmailAuthenticationForm, TokenForm
from .models import Membership
from .scoping import HubRequest, get_for_hub, hub_view
from .twofactor import authenticator_of, needs_two_factor


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
    """Confirm the second factor (the app's code or a recovery code), or set up an
    authenticator app when there is none."""
    confirmed = authenticator_of(request.user)
    device = confirmed or services.two_factor_device_for_setup(user=request.user)
    form = TokenForm(
        request.POST or None, device=device, user=request.user, allow_recovery=bool(confirmed)
    )
    if request.method == "POST" and form.is_valid():
        if confirmed is None:
            codes = services.two_factor_confirm(actor=request.user, device=device)
            otp_login(request, device)
            return _show_recovery_codes(request, codes, _("Two-factor sign-in is set up."))
        otp_login(request, form.verified_device)
        return redirect(_safe_next(request) or "core:home")
    context: dict[str, Any] = {"form": form, "setting_up": confirmed is None}
    if confirmed is None:
        context["qr_svg"] = mark_safe(  # noqa: S308 - segno builds the SVG from our own key
            segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR code"))
        )
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


# New recovery codes wait in the session for the one page that shows them.
RECOVERY_CODES_KEY = "recovery_codes_to_show"


def _show_recovery_codes(request: HttpRequest, codes: list[str], message: str) -> HttpResponse:
    messages.success(request, message)
    request.session[RECOVERY_CODES_KEY] = codes
    target = reverse("accounts:recovery_codes")
    if next_page := _safe_next(request):
        target += "?" + urlencode({"next": next_page})
    return redirect(target)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown once: reloading the page shows them no more."""
    codes = request.session.pop(RECOVERY_CODES_KEY, None)
    context = {
        "codes": [f"{code[:4]}-{code[4:]}" for code in codes or []],
        "next": _safe_next(request) or reverse("core:home"),
    }
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.two_factor_recovery_codes_renew(actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:account")
    return _show_recovery_codes(
        request, codes, _("You have new recovery codes. The old ones no longer work.")
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: two-factor status and a way to change the password."""
    user = request.user
    recovery = StaticDevice.objects.filter(user=user).first()
    context = {
        "has_device": authenticator_of(user) is not None,
        "must_use_two_factor": needs_two_factor(user),
        "recovery_codes_left": recovery.token_set.count() if recovery else 0,
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


@hub_view("members.manage")
@require_http_methods(["GET", "POST"])
def member_two_factor_reset(request: HubRequest, pk: int) -> HttpResponse:
    """A coordinator resets a team member's two-factor (a lost phone): the member sets it
    up again at their next sign-in."""
    membership: Membership = get_for_hub(request, Membership.objects.select_related("user"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.two_factor_reset(
                actor=request.user, subject=membership.user, hub_id=request.hub.pk
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                _("%(name)s sets up two-factor sign-in again at their next sign-in.")
                % {"name": membership.user.full_name},
            )
            return redirect("network:members", hub=request.hub.slug)
    context = {
        "membership": membership,
        "has_device": authenticator_of(membership.user) is not None,
        "own": membership.user_id == request.user.pk,
        "error": error,
    }
    return render(
        request, "accounts/member_two_factor_reset.html", context, status=400 if error else 200
    )


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
