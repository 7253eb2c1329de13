from __future__ import annotations

from typing import Any

from django_otp import user_has_device

from .models import Membership, ProgrammeRole
from .roles import TWO_FACTOR_HUB_ROLES, TWO_FACTOR_PROGRAMME_ROLES


def needs_two_factor(user: Any) -> bool:
    """Coordinators, programme officers and platform admins must use two-factor."""
    if user.is_staff or user.is_superuser:
        return True
    if Membership.objects.filter(user=user, is_active=True, role__in=TWO_FACTOR_HUB_ROLES).exists():
        return True
    return ProgrammeRole.objects.filter(user=user, role__in=TWO_FACTOR_PROGRAMME_ROLES).exists()


def asks_for_second_factor(user: Any) -> bool:
    """Where two-factor is enforced: those who must use it, and those who chose to."""
    return needs_two_factor(user) or user_has_device(user, confirmed=True)
