"""Checks run by `manage.py check --deploy`: a production site never runs as a demo or
without two-factor sign-in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def demo_mode_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEMO_MODE and not settings.DEBUG:
        return [
            Warning(
                "DEMO_MODE is on without DEBUG: demo accounts with a published password "
                "and no two-factor sign-in.",
                hint="Unset DEMO_MODE on a site with real people's data.",
                id="accounts.W001",
            )
        ]
    return []


def two_factor_enforced(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.ENFORCE_TWO_FACTOR and not settings.DEBUG:
        return [
            Warning(
                "Two-factor sign-in is not enforced without DEBUG: staff, volunteers, "
                "officers and admins reach personal data with a password only.",
                hint="Unset DEMO_MODE and ENFORCE_TWO_FACTOR (production always enforces it).",
                id="accounts.W002",
            )
        ]
    return []
