"""The appointments app's rows for the tenancy walk: a shift, slot settings, two
appointments, two queue tickets per hub (one ticket with a name, which another hub
and the waiting-room screen must never show) and the help point's public screen link
(walked as a public URL: anyone may open it, and it must never show a name)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from digibank.appointments.models import (
    Appointment,
    QueueDisplay,
    QueueTicket,
    Shift,
    SlotSettings,
    Source,
    Topic,
)
from digibank.appointments.slots import local_datetime

# `<int:pk>` after /appointments/ is an appointment; after /shifts/ a shift, /tickets/ a ticket.
APP_DEFAULT_KIND = {"appointments": "appointment"}
KIND_ALIASES = {"queueticket": "ticket", "slotsettings": "slot_settings"}
PUBLIC_URL_NAMES = {"queue_screens:screen"}
NEUTRAL_KWARGS: dict[str, Callable[[Any, str], str]] = {
    "screen_token": lambda world, side: world.side(side).objects["queue_display"][0].token,
}
KWARG_KINDS: dict[tuple[str, str], str] = {
    ("appointments:shift_remove", "pk"): "shift",
    ("appointments:ticket_call", "pk"): "ticket",
    ("appointments:ticket_finish", "pk"): "ticket",
}


def _next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def fill(side: Any, *, label: str, colleague: Any, location: Any, participants: list[Any]) -> None:
    hub = side.hub
    monday = _next_monday()
    side.add(
        "shift",
        Shift.objects.create(
            hub=hub,
            location=location,
            user=colleague,
            date=monday,
            starts_at=time(9),
            ends_at=time(12),
        ),
    )
    side.add("slot_settings", SlotSettings.objects.create(hub=hub, location=location))
    rows = []
    for index, participant in enumerate(participants[:2]):
        starts = local_datetime(monday, time(9 + index))
        rows.append(
            Appointment.objects.create(
                hub=hub,
                location=location,
                participant=participant,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                topic=Topic.TAXES,
                about=f"{label} tax return",
                source=Source.STAFF,
                booked_by=colleague,
            )
        )
    side.add("appointment", *rows)
    name = f"Walkin{label}Ximena"
    today = timezone.localdate()
    side.add(
        "ticket",
        QueueTicket.objects.create(
            hub=hub,
            location=location,
            day=today,
            number=1,
            name=name,
            status="called",
            called_at=timezone.now(),
            desk="Desk 1",
        ),
        QueueTicket.objects.create(
            hub=hub, location=location, day=today, number=2, participant=participants[0]
        ),
    )
    side.personal_data.append(name)
    side.add(
        "queue_display",
        QueueDisplay.objects.create(
            hub=hub, location=location, token=f"screen-{label.lower()}-" + "x" * 32
        ),
    )
