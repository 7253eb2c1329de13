from __future__ import annotations

from typing import Any

from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, ProgrammeRole
from .roles import TWO_FACTOR_HUB_ROLES, TWO_FACTOR_PROGRAMME_ROLES


def needs_two_factor(user: Any) -> bool:
    """Every role that reads personal data must use two-factor: hub staff, digihelpers,
    trainers and coordinators, programme officers and reviewers, platform admins."""
    if user.is_staff or user.is_superuser:
        return True
    if Membership.objects.filter(user=user, is_active=True, role__in=TWO_FACTOR_HUB_ROLES).exists():
        return True
    return ProgrammeRole.objects.filter(user=user, role__in=TWO_FACTOR_PROGRAMME_ROLES).exists()


def asks_for_second_factor(user: Any) -> bool:
    """Where two-factor is enforced: those who must use it, and those who chose to."""
    return needs_two_factor(user) or user_has_device(user, confirmed=True)


def authenticator_of(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app (recovery codes are a device too, but not
    one to sign in with every day)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_staff_role(user: Any) -> bool:
    """Anyone who works in digibank (a hub membership, a programme role, platform admin),
    as opposed to an applicant with an account only."""
    if user.is_staff or user.is_superuser:
        return True
    return (
        Membership.objects.filter(user=user, is_active=True).exists()
        or ProgrammeRole.objects.filter(user=user).exists()
    )
