"""The reminder the day before: once per appointment and time, e-mail or SMS, with the
address and what to bring; cancelled ones and anonymised people get none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import Appointment, Source, Status, Topic
from digibank.appointments.tasks import send_appointment_reminders
from digibank.core.messaging import LocmemSmsBackend
from digibank.network.models import Hub, Location
from digibank.people.models import Participant

from .conftest import at

pytestmark = pytest.mark.django_db


def _appointment(location: Location, person: Participant, day: date, hour: int) -> Appointment:
    return Appointment.objects.create(
        hub=location.hub,
        location=location,
        participant=person,
        starts_at=at(day, hour),
        ends_at=at(day, hour, 30),
        topic=Topic.DIGITAL_KEYS,
        source=Source.STAFF,
    )


def test_reminders_go_once_to_tomorrows_appointments(
    location: Location,
    participant: Participant,
    make_participant: Callable[..., Participant],
    hub: Hub,
    monday: date,
) -> None:
    texter = make_participant(hub, given_name="Ahmed", phone="0470 11 22 33")
    _appointment(location, participant, monday, 9)
    _appointment(location, texter, monday, 10)
    _appointment(location, participant, monday + timedelta(days=1), 9)  # the day after
    cancelled = _appointment(location, texter, monday, 11)
    cancelled.status = Status.CANCELLED
    cancelled.save()
    assert services.appointment_send_reminders(day=monday) == 2
    assert services.appointment_send_reminders(day=monday) == 0  # idempotent
    [email] = mail.outbox
    assert "Herinnering" in email.subject  # Dutch, the person's language
    assert "Kouter 1" in email.body
    assert "eID" in email.body
    assert len(LocmemSmsBackend.outbox) == 1


def test_a_moved_appointment_gets_a_new_reminder(
    staff: User, location: Location, participant: Participant, monday: date
) -> None:
    appointment = _appointment(location, participant, monday, 9)
    services.appointment_send_reminders(day=monday)
    services.appointment_reschedule(actor=staff, appointment=appointment, starts_at=at(monday, 11))
    mail.outbox.clear()
    assert services.appointment_send_reminders(day=monday) == 1


def test_anonymised_people_get_nothing(
    location: Location, participant: Participant, monday: date
) -> None:
    from django.utils import timezone

    _appointment(location, participant, monday, 9)
    Participant.objects.filter(pk=participant.pk).update(anonymised_at=timezone.now())
    assert services.appointment_send_reminders(day=monday) == 0


def test_the_daily_task_reminds_for_tomorrow(
    location: Location, participant: Participant, monday: date
) -> None:
    _appointment(location, participant, monday, 9)
    with mock.patch(
        "digibank.appointments.services.local_today", return_value=monday - timedelta(days=1)
    ):
        result = send_appointment_reminders.enqueue()
    assert result.return_value == 1
