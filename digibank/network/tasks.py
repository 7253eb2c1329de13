"""Background work of the network app."""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from digibank.accounts.models import Membership
from digibank.accounts.tokens import invitation_token


@task
def send_member_invitation(membership_id: int, base_url: str) -> None:
    """E-mail an invited person, in their language, the link to accept the invitation
    (and, for a new account, to choose a password)."""
    membership = (
        Membership.objects.select_related("user", "hub").filter(pk=membership_id, pending=True)
    ).first()
    if membership is None:
        return
    user = membership.user
    with translation.override(user.preferred_language or "nl"):
        link = base_url.rstrip("/") + reverse(
            "accounts:invitation", kwargs={"token": invitation_token(membership)}
        )
        context = {
            "user": user,
            "hub": membership.hub,
            "role": membership.get_role_display(),
            "link": link,
            "new_account": user.awaits_activation,
        }
        subject = render_to_string("network/email/invitation_subject.txt", context)
        body = render_to_string("network/email/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
