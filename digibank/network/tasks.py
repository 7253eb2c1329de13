"""Background work of the network app."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from digibank.accounts.models import User

from .models import Hub


@task
def send_member_invitation(user_id: int, hub_id: int, base_url: str) -> None:
    """E-mail a new team member, in their language, a link to choose a password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    hub = Hub.objects.filter(pk=hub_id).first()
    if user is None or hub is None:
        return
    with translation.override(user.preferred_language or "nl"):
        link = base_url.rstrip("/") + reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {"user": user, "hub": hub, "link": link}
        subject = render_to_string("network/email/invitation_subject.txt", context)
        body = render_to_string("network/email/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
