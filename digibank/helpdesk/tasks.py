"""Background work of the help desk, run daily by Django's task framework."""

from __future__ import annotations

from django.tasks import task

from .services import mandates_remind, volunteers_deactivate_inactive


@task
def deactivate_inactive_volunteers() -> list[int]:
    """Warn, then deactivate, digihelper memberships without activity for
    settings.VOLUNTEER_INACTIVE_DAYS (default 183). Returns [warned, deactivated]."""
    warned, deactivated = volunteers_deactivate_inactive()
    return [warned, deactivated]


@task
def remind_ending_mandates() -> int:
    """Remind participants whose mandate ends within 30 days (once per mandate)."""
    return mandates_remind()
