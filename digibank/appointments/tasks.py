"""Background work of the appointments app, run by Django's task framework."""

from __future__ import annotations

from django.tasks import task

from .services import appointment_send_reminders, notify, tickets_forget_names


@task
def send_appointment_message(appointment_pk: int, kind: str) -> bool:
    """Confirmation, "moved" or "cancelled" message of one appointment (idempotent)."""
    return notify(appointment_pk, kind)


@task
def send_appointment_reminders() -> int:
    """Daily: remind everyone with an appointment tomorrow (e-mail, else SMS, in their
    language, with the address and what to bring). Idempotent: running it twice sends
    nothing twice. Returns how many reminders went out now."""
    return appointment_send_reminders()


@task
def forget_ticket_names() -> int:
    """Daily: erase the names written on walk-in tickets of earlier days."""
    return tickets_forget_names()
