"""Background work of core, run by Django's task framework."""

from __future__ import annotations

from django.tasks import task

from .messaging import send_held_messages


@task
def send_held_messages_task() -> int:
    """Hourly: send the messages held back until the message hours opened."""
    return send_held_messages()
