"""Pages reached from e-mailed links: activating a new account (choosing its password),
asking for a new activation link, accepting an invitation to a hub's team; and the
throttled password-reset request. All work without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digibank.core.forms import add_service_errors

from . import services, tasks, throttle
from .forms import ActivationResendForm
from .models import Membership, User
from .tokens import membership_from_invitation, user_from_activation

BACKEND = "django.contrib.auth.backends.ModelBackend"
GET_POST = require_http_methods(["GET", "POST"])


def base_url(request: HttpRequest) -> str:
    """The site's address as this request reached it, for links in e-mails."""
    return f"{request.scheme}://{request.get_host()}"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def check_mailbox(request: HttpRequest) -> HttpResponse:
    """The one answer to a sign-up or a request for a new link, whatever the address."""
    return render(request, "accounts/check_mailbox.html")


@GET_POST
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of a sign-up e-mail: choose a password, and the account is in use."""
    user = user_from_activation(uidb64, token)
    if user is None:
        return render(request, "accounts/activation_invalid.html", {"form": ActivationResendForm()})
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_activate(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready. Welcome."))
            return redirect(_safe_next(request) or "core:home")
    context = {"form": form, "account": user, "next": _safe_next(request)}
    return render(request, "accounts/activate.html", context)


@GET_POST
def activation_resend(request: HttpRequest) -> HttpResponse:
    """Ask for a new activation link: the same answer for every address."""
    form = ActivationResendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        wait = throttle.over_limit(
            "activation", request=request, email=email, limits=throttle.SIGNUP_LIMITS
        )
        if wait:
            return throttle.too_many_requests(request, wait)
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and user.awaits_activation:
            tasks.send_activation.enqueue(user_id=user.pk, base_url=base_url(request))
        elif user is not None:
            tasks.send_account_exists.enqueue(user_id=user.pk, base_url=base_url(request))
        return redirect("accounts:check_mailbox")
    return render(request, "accounts/activation_invalid.html", {"form": form})


@GET_POST
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation to a hub's team. A new account chooses its password
    here; an account in use must be signed in as itself. Either way the person says yes
    with a button: nothing is granted by opening the link."""
    membership = membership_from_invitation(token)
    if membership is None:
        return render(request, "accounts/invitation_invalid.html")
    invited = membership.user
    new_account = invited.awaits_activation
    if not new_account and request.user != invited:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        context = {"membership": membership, "wrong_account": True}
        return render(request, "accounts/invitation.html", context, status=403)
    posted = request.POST if request.method == "POST" else None
    form = SetPasswordForm(invited, posted) if new_account else forms.Form(posted)
    if request.method == "POST" and form.is_valid():
        return _accept(request, membership, form, new_account=new_account)
    context = {"membership": membership, "form": form, "new_account": new_account}
    return render(request, "accounts/invitation.html", context)


def _accept(
    request: HttpRequest, membership: Membership, form: Any, *, new_account: bool
) -> HttpResponse:
    password = form.cleaned_data["new_password1"] if new_account else ""
    try:
        membership = services.invitation_accept(membership=membership, password=password)
    except ValidationError as error:
        add_service_errors(form, error)
        context = {"membership": membership, "form": form, "new_account": new_account}
        return render(request, "accounts/invitation.html", context)
    if new_account:
        login(request, membership.user, backend=BACKEND)
    messages.success(request, _("Welcome to the team of %(hub)s.") % {"hub": membership.hub.name})
    return redirect(reverse("network:dashboard", kwargs={"hub": membership.hub.slug}))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per IP and per address, its e-mail sent by the
    task worker."""

    template_name = "accounts/password_reset.html"

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        wait = throttle.over_limit(
            "password-reset", request=self.request, email=email, limits=throttle.RESET_LIMITS
        )
        if wait:
            return throttle.too_many_requests(self.request, wait)
        tasks.send_password_reset.enqueue(
            email=email, domain=self.request.get_host(), use_https=self.request.is_secure()
        )
        return redirect("accounts:password_reset_done")
