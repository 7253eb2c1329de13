"""State changes of accounts: each runs in one transaction and writes the journal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from digibank.core.journal import journal_write

from .models import Membership, User


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
    from .twofactor import needs_two_factor

    if needs_two_factor(actor):
        raise ValidationError(_("Your role needs two-factor sign-in: it cannot be switched off."))
    TOTPDevice.objects.filter(user=actor).delete()
    journal_write(actor=actor, action="account.two_factor_disabled", subject=actor)


# --- sign-up, activation and invitations ------------------------------------------------


def address_in_use(email: str) -> bool:
    """An account whose owner proved this address (active or switched off)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    return user is not None and not user.awaits_activation


def signup_account(
    *, email: str, full_name: str, language: str, base_url: str, next_url: str = ""
) -> User | None:
    """The inactive account a self sign-up attaches to, with an activation link e-mailed
    once the caller's transaction commits; the owner chooses the password through it.
    None when the address belongs to an account in use: its owner gets a "you already
    have an account" e-mail instead, so the answer on screen is the same either way.
    A sign-up for an address that was never activated replaces the earlier one (it holds
    nothing) and kills its link, so whoever signed up first gains nothing."""
    from . import tasks

    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and not user.awaits_activation:
        user_id = user.pk
        transaction.on_commit(
            lambda: tasks.send_account_exists.enqueue(user_id=user_id, base_url=base_url)
        )
        return None
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, full_name=full_name, preferred_language=language, is_active=False
                )
        except IntegrityError:  # the same address signed up at the same moment: its mail
            return None  # goes out with that sign-up
    else:
        user.full_name, user.preferred_language = full_name, language
        user.set_unusable_password()  # a new secret: earlier activation links stop working
        user.save(update_fields=["full_name", "preferred_language", "password"])
    user_id = user.pk
    transaction.on_commit(
        lambda: tasks.send_activation.enqueue(user_id=user_id, base_url=base_url, next_url=next_url)
    )
    return user


def _activate(user: User, password: str) -> None:
    validate_password(password, user=user)
    user.set_password(password)
    user.is_active, user.activated_at = True, timezone.now()
    user.save(update_fields=["password", "is_active", "activated_at"])
    journal_write(actor=user, action="account.activated", subject=user)


@transaction.atomic
def account_activate(*, user: User, password: str) -> User:
    """The owner of the address followed the activation link and chose a password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.awaits_activation:
        raise ValidationError(_("This account is already activated. Sign in instead."))
    _activate(user, password)
    return user


@transaction.atomic
def invitation_accept(*, membership: Membership, password: str = "") -> Membership:
    """The invited person followed the e-mailed link and agreed to join the team; an
    account that was never activated is activated with the password they chose."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not membership.pending:
        raise ValidationError(_("This invitation was already answered or withdrawn."))
    user = membership.user
    if user.awaits_activation:
        _activate(user, password)
    elif not user.is_active:
        raise ValidationError(_("This account is switched off. Ask your coordinator."))
    membership.pending, membership.is_active = False, True
    membership.save(update_fields=["pending", "is_active", "updated_at"])
    journal_write(actor=user, action="member.accept", subject=membership, hub_id=membership.hub_id)
    return membership
