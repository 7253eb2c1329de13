"""Links sent by e-mail that prove the reader owns the address.

- Activation: Django's password-reset token with its own salt, over the account's state,
  so a link works once (activating changes `is_active`), dies when a newer sign-up for the
  address replaced it (a new unusable password), and expires after PASSWORD_RESET_TIMEOUT.
- Invitation: a signed, expiring reference to a pending membership and its account; it
  dies when the invitation is accepted or cancelled (the membership is no longer pending).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import Membership, User

INVITATION_MAX_AGE = 14 * 24 * 60 * 60  # seconds: two weeks
INVITATION_SALT = "digibank.accounts.invitation"


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "digibank.accounts.activation"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{user.activated_at}{timestamp}{user.email}"


activation_tokens = ActivationTokenGenerator()


def activation_path_kwargs(user: User) -> dict[str, str]:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": activation_tokens.make_token(user),
    }


def user_from_activation(uidb64: str, token: str) -> User | None:
    """The account waiting for activation that this link belongs to, or None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not user.awaits_activation:
        return None
    return user if activation_tokens.check_token(user, token) else None


def invitation_token(membership: Membership) -> str:
    return signing.dumps({"m": membership.pk, "u": membership.user_id}, salt=INVITATION_SALT)


def membership_from_invitation(token: str) -> Membership | None:
    """The pending membership this link invites to, or None (expired, used, cancelled)."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "mu"):
        return None
    return (
        Membership.objects.select_related("user", "hub")
        .filter(pk=data["m"], user_id=data["u"], pending=True)
        .first()
    )
