"""Mail about accounts, sent by the task worker (never while the request waits): the
activation link of a sign-up, the "you already have an account" notice, and the
password-reset link."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from .models import RateCounter, User
from .tokens import activation_path_kwargs


def _send(user: User, template: str, context: dict[str, object]) -> None:
    """One e-mail to the user, in their language, from templates `<template>.txt` and
    `<template>_subject.txt`."""
    with translation.override(user.preferred_language or "nl"):
        context = {"user": user, **context}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


@task
def send_activation(user_id: int, base_url: str, next_url: str = "") -> None:
    """The link to choose a password and start using a new account."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.awaits_activation:
        return
    link = base_url.rstrip("/") + reverse("accounts:activate", kwargs=activation_path_kwargs(user))
    if next_url:
        link += "?" + urlencode({"next": next_url})
    _send(user, "activation", {"link": link})


@task
def send_account_exists(user_id: int, base_url: str) -> None:
    """Someone signed up with the address of an account in use: tell its owner, by
    e-mail only (the screen said "check your mailbox" either way)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    base = base_url.rstrip("/")
    _send(
        user,
        "account_exists",
        {
            "login_link": base + reverse("accounts:login"),
            "reset_link": base + reverse("accounts:password_reset"),
        },
    )


@task
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """Django's password-reset e-mail, to every active account with this address."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="accounts/password_reset_subject.txt",
            email_template_name="accounts/password_reset_email.txt",
        )


@task
def forget_old_rate_counters() -> int:
    """Daily: drop counters untouched for a day (every window is shorter), so the table
    holds only recent addresses. Returns how many were dropped."""
    deleted, _ = RateCounter.objects.filter(last_at__lt=timezone.now() - timedelta(days=1)).delete()
    return deleted
