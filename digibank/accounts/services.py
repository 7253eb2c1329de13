"""State changes of accounts: each runs in one transaction and writes the journal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from digibank.core.journal import journal_write

from .models import Membership, User
from .roles import HubRole
from .twofactor import needs_two_factor

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"


def two_factor_device_for_setup(*, user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created once and reused on reload."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    return device


def _new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with fresh ones; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_confirm(*, actor: Any, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator being set up; returns the new recovery codes, to be
    shown once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    codes = _new_recovery_codes(actor)
    journal_write(actor=actor, action="account.two_factor_enabled", subject=actor)
    return codes


@transaction.atomic
def two_factor_recovery_codes_renew(*, actor: Any) -> list[str]:
    """New recovery codes for a user with an authenticator (the old ones stop working)."""
    if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("Set up two-factor sign-in first."))
    codes = _new_recovery_codes(actor)
    journal_write(actor=actor, action="account.recovery_codes_renewed", subject=actor)
    return codes


def normalise_recovery_code(text: str) -> str:
    """Codes are shown in two groups of four ("ab2c-de3f"); people type them in any case,
    with or without the dash and spaces."""
    return "".join(char for char in text.lower() if char.isalnum())


@transaction.atomic
def two_factor_recovery_code_use(*, actor: Any, code: str) -> StaticDevice | None:
    """Use up one recovery code instead of an authenticator code. The device row is
    locked, so one code signs in once even when sent twice at the same moment. Refused
    for a moment after a wrong code (django-otp's throttling)."""
    device = StaticDevice.objects.select_for_update().filter(user=actor).first()
    if device is None:
        return None
    if not device.verify_is_allowed()[0]:
        raise ValidationError(
            _("You typed a wrong code just before. Wait a few seconds, then try again.")
        )
    if not device.verify_token(normalise_recovery_code(code)):
        return None  # the failed try is counted: the next one has to wait
    left = device.token_set.count()
    journal_write(
        actor=actor,
        action="account.recovery_code_used",
        subject=actor,
        details={"codes_left": left},
    )
    return device


@transaction.atomic
def two_factor_remove(*, actor: Any) -> None:
    """Switch optional two-factor off; refused for roles that must use it."""
    if needs_two_factor(actor):
        raise ValidationError(_("Your role needs two-factor sign-in: it cannot be switched off."))
    _remove_devices(actor)
    journal_write(actor=actor, action="account.two_factor_disabled", subject=actor)


def _remove_devices(user: Any) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def may_reset_two_factor(*, actor: Any, subject: Any) -> bool:
    """A platform admin may reset anyone's two-factor; a coordinator that of a member of
    one of their hubs, but not of a platform admin. Nobody their own: that would take the
    second factor's place."""
    if actor.pk == subject.pk:
        return False
    if actor.is_staff:
        return True
    if subject.is_staff or subject.is_superuser:
        return False
    coordinated = Membership.objects.filter(
        user=actor, is_active=True, role=HubRole.COORDINATOR
    ).values("hub_id")
    # Only a member who said yes: a pending invitation gives no say over the account.
    return Membership.objects.filter(user=subject, hub_id__in=coordinated, is_active=True).exists()


@transaction.atomic
def two_factor_reset(*, actor: Any, subject: Any, hub_id: int | None = None) -> None:
    """Remove someone's authenticator and recovery codes (a lost phone): they set
    two-factor up again at their next sign-in, and a session verified with the old
    device counts as unverified from now on."""
    if actor.pk == subject.pk:
        raise ValidationError(
            _(
                "You cannot reset your own two-factor sign-in. Ask another coordinator or a platform admin."
            )
        )
    if not may_reset_two_factor(actor=actor, subject=subject):
        raise PermissionDenied
    _remove_devices(subject)
    journal_write(actor=actor, action="account.two_factor_reset", subject=subject, hub_id=hub_id)


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
