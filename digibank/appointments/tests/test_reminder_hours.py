"""Appointment reminders keep to human hours: the daily task, whenever it runs, holds
each day-before reminder until the hub's reminder time (10:00 by default) the day
before; a booking confirmed at night waits for the morning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import Appointment, Source, Topic
from digibank.core.messaging import BRUSSELS, send_held_messages
from digibank.core.models import HeldMessage
from digibank.network.models import Hub, Location
from digibank.people.models import Participant

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforce_hours(settings: Any) -> None:
    settings.MESSAGE_HOURS_ENFORCED = True


def _appointment(location: Location, person: Participant, day: date) -> Appointment:
    return Appointment.objects.create(
        hub=location.hub,
        location=location,
        participant=person,
        starts_at=at(day, 9),
        ends_at=at(day, 9, 30),
        topic=Topic.TAXES,
        source=Source.STAFF,
    )


def test_the_daily_task_at_night_sends_reminders_at_ten(
    location: Location, participant: Participant, monday: date
) -> None:
    _appointment(location, participant, monday)
    sunday = monday - timedelta(days=1)
    night = datetime.combine(sunday, datetime.min.time(), tzinfo=BRUSSELS) + timedelta(
        hours=2, minutes=30
    )
    with mock.patch("django.utils.timezone.now", return_value=night.astimezone(UTC)):
        assert services.appointment_send_reminders(day=monday) == 0
    assert mail.outbox == []
    held = HeldMessage.objects.get()
    assert held.send_after == datetime.combine(
        sunday, datetime.min.time(), tzinfo=BRUSSELS
    ).replace(hour=10)
    assert send_held_messages(now=held.send_after - timedelta(minutes=1)) == 0
    assert send_held_messages(now=held.send_after) == 1
    [email] = mail.outbox
    assert "Herinnering" in email.subject


def test_the_hubs_own_reminder_time(
    hub: Hub, location: Location, participant: Participant, monday: date
) -> None:
    hub.reminder_time = hub.reminder_time.replace(hour=17)
    hub.save()
    _appointment(location, participant, monday)
    sunday_noon = datetime.combine(
        monday - timedelta(days=1), datetime.min.time(), tzinfo=BRUSSELS
    ).replace(hour=12)
    with mock.patch("django.utils.timezone.now", return_value=sunday_noon.astimezone(UTC)):
        assert services.appointment_send_reminders(day=monday) == 0
    assert HeldMessage.objects.get().send_after.astimezone(BRUSSELS).hour == 17


def test_a_booking_at_night_is_confirmed_in_the_morning(
    staff: User,
    location: Location,
    make_participant: Callable[..., Participant],
    hub: Hub,
    monday: date,
) -> None:
    person = make_participant(hub, given_name="Ahmed", phone="0470 11 22 33")
    appointment = _appointment(location, person, monday)
    late = datetime.combine(monday - timedelta(days=3), datetime.min.time(), tzinfo=BRUSSELS)
    late = late.replace(hour=23, minute=15)
    with mock.patch("django.utils.timezone.now", return_value=late.astimezone(UTC)):
        assert services.notify(appointment.pk, "confirmation") is False
    assert HeldMessage.objects.get().send_after.astimezone(BRUSSELS).hour == 8
