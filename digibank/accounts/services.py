"""State changes of accounts: each runs in one transaction and writes the journal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from digibank.core.journal import journal_write


def two_factor_device_for_setup(*, user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created once and reused on reload."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    return device


@transaction.atomic
def two_factor_confirm(*, actor: Any, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    journal_write(actor=actor, action="account.two_factor_enabled", subject=actor)


@transaction.atomic
def two_factor_remove(*, actor: Any) -> None:
    """Switch optional two-factor off; refused for roles that must use it."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .twofactor import needs_two_factor

    if needs_two_factor(actor):
        raise ValidationError(_("Your role needs two-factor sign-in: it cannot be switched off."))
    TOTPDevice.objects.filter(user=actor).delete()
    journal_write(actor=actor, action="account.two_factor_disabled", subject=actor)
