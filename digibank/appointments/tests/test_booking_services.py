"""Booking, cancelling and rescheduling: capacity from desks and rota, notice and
horizon, the national-number refusal, confirmations and notices in the person's
language, the public-portal path (actor None, self service)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import Appointment, Source, Status, Topic
from digibank.appointments.queries import slots_for
from digibank.core.messaging import LocmemSmsBackend
from digibank.core.models import JournalEntry
from digibank.network.models import Hub, Location, OpeningException
from digibank.people.models import Participant

from .conftest import at

pytestmark = pytest.mark.django_db


def book(
    actor: User | None, location: Location, person: Participant, when: Any, **extra: Any
) -> Appointment:
    return services.appointment_book(
        actor=actor,
        location=location,
        participant=person,
        starts_at=when,
        topic=extra.pop("topic", Topic.TAXES),
        **extra,
    )


def test_booking_saves_journals_and_confirms_by_email(
    django_capture_on_commit_callbacks: Any,
    staff: User,
    location: Location,
    participant: Participant,
    monday: date,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(staff, location, participant, at(monday, 10), about="Tax return")
    assert appointment.ends_at == at(monday, 10, 30)
    assert appointment.source == Source.STAFF
    assert appointment.desk == 1
    assert JournalEntry.objects.filter(action="appointment.book").count() == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Kouter 1" in body
    assert "9000" in body
    assert "itsme" in body  # what to bring, by topic
    assert "10:00" in body


def test_confirmation_goes_by_sms_in_the_participants_language(
    django_capture_on_commit_callbacks: Any,
    staff: User,
    location: Location,
    make_participant: Callable[..., Participant],
    hub: Hub,
    monday: date,
) -> None:
    person = make_participant(hub, given_name="Luc", phone="0470 12 34 56", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        book(staff, location, person, at(monday, 9))
    assert not mail.outbox
    [sms] = LocmemSmsBackend.outbox
    assert sms.to == "0470 12 34 56"
    assert "lundi" in sms.text.lower()  # the date in French


def test_one_desk_takes_one_booking_and_the_second_gets_a_clear_message(
    staff: User,
    location: Location,
    participant: Participant,
    make_participant: Callable[..., Participant],
    hub: Hub,
    monday: date,
) -> None:
    book(staff, location, participant, at(monday, 9))
    with pytest.raises(ValidationError) as error:
        book(staff, location, make_participant(hub, given_name="Jan"), at(monday, 9))
    assert "no longer free" in str(error.value)


def test_desks_and_rota_set_the_capacity(
    coordinator: User,
    staff: User,
    digihelper: User,
    location: Location,
    make_participant: Callable[..., Participant],
    hub: Hub,
    monday: date,
) -> None:
    services.slot_settings_save(
        actor=coordinator,
        location=location,
        slot_minutes=60,
        desks=3,
        book_ahead_days=60,
        min_notice_hours=0,
    )
    services.shift_create(
        actor=coordinator,
        location=location,
        user=digihelper,
        day=monday,
        starts_at=time(9),
        ends_at=time(12),
    )
    services.shift_create(
        actor=coordinator,
        location=location,
        user=staff,
        day=monday,
        starts_at=time(10),
        ends_at=time(12),
    )
    people = [make_participant(hub, given_name=f"P{i}") for i in range(4)]
    book(staff, location, people[0], at(monday, 9))
    with pytest.raises(ValidationError):
        book(staff, location, people[1], at(monday, 9))  # one helper at 9
    book(staff, location, people[1], at(monday, 10))
    second = book(staff, location, people[2], at(monday, 10))
    assert second.desk == 2
    with pytest.raises(ValidationError):
        book(staff, location, people[3], at(monday, 10))
    # No rota on Tuesday: the three desks count.
    tuesday = monday + timedelta(days=1)
    for person in people[:3]:
        book(staff, location, person, at(tuesday, 9))


def test_times_that_are_not_slots_are_refused(
    staff: User, location: Location, participant: Participant, monday: date
) -> None:
    OpeningException.objects.create(location=location, date=monday + timedelta(days=1))
    for when in (
        at(monday, 9, 10),  # not the start of a slot
        at(monday, 12),  # lunch
        at(monday + timedelta(days=1), 9),  # closed by an exception
        at(monday + timedelta(days=5), 9),  # Saturday
        at(monday + timedelta(days=70), 9),  # beyond how far ahead one may book
    ):
        with pytest.raises(ValidationError) as error:
            book(staff, location, participant, when)
        assert "starts_at" in error.value.error_dict
    assert not Appointment.objects.exists()


def test_minimum_notice(
    coordinator: User, staff: User, location: Location, participant: Participant, monday: date
) -> None:
    services.slot_settings_save(
        actor=coordinator,
        location=location,
        slot_minutes=30,
        desks=1,
        book_ahead_days=28,
        min_notice_hours=2,
    )
    with pytest.raises(ValidationError):
        book(staff, location, participant, at(monday, 10), now=at(monday, 9))
    book(staff, location, participant, at(monday, 11), now=at(monday, 9))


def test_national_number_and_other_hub_and_double_booking_of_a_person_are_refused(
    staff: User,
    location: Location,
    participant: Participant,
    monday: date,
    make_participant: Callable[..., Participant],
    other_hub: Hub,
) -> None:
    with pytest.raises(ValidationError) as error:
        book(staff, location, participant, at(monday, 9), about="rrn 85.07.30-033.28")
    assert "about" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        book(staff, location, make_participant(other_hub, given_name="X"), at(monday, 9))
    assert "participant" in error.value.error_dict
    book(staff, location, participant, at(monday, 9))
    services.slot_settings_save(
        actor=staff,
        location=location,
        slot_minutes=30,
        desks=2,
        book_ahead_days=28,
        min_notice_hours=2,
    )
    with pytest.raises(ValidationError) as error:
        book(staff, location, participant, at(monday, 9))
    assert "already has an appointment" in str(error.value)


def test_self_service_books_without_an_actor(
    location: Location, participant: Participant, monday: date
) -> None:
    appointment = book(None, location, participant, at(monday, 9), source=Source.SELF_SERVICE)
    assert appointment.booked_by is None
    assert appointment.source == "self_service"
    with pytest.raises(ValidationError):
        book(None, location, participant, at(monday, 10))  # staff source needs an actor


def test_cancel_frees_the_place_and_tells_the_person(
    django_capture_on_commit_callbacks: Any,
    staff: User,
    location: Location,
    participant: Participant,
    monday: date,
    make_participant: Callable[..., Participant],
    hub: Hub,
) -> None:
    appointment = book(staff, location, participant, at(monday, 9))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(actor=staff, appointment=appointment)
    assert appointment.status == Status.CANCELLED
    assert "geannuleerd" in mail.outbox[0].subject  # in the person's language: Dutch
    book(staff, location, make_participant(hub, given_name="Jan"), at(monday, 9))
    with pytest.raises(ValidationError):
        services.appointment_cancel(actor=staff, appointment=appointment)
    assert JournalEntry.objects.filter(action="appointment.cancel").count() == 1


def test_reschedule_moves_checks_capacity_and_tells_the_person(
    django_capture_on_commit_callbacks: Any,
    staff: User,
    location: Location,
    participant: Participant,
    monday: date,
    make_participant: Callable[..., Participant],
    hub: Hub,
) -> None:
    appointment = book(staff, location, participant, at(monday, 9))
    book(staff, location, make_participant(hub, given_name="Jan"), at(monday, 10))
    with pytest.raises(ValidationError):
        services.appointment_reschedule(
            actor=staff, appointment=appointment, starts_at=at(monday, 10)
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(
            actor=staff, appointment=appointment, starts_at=at(monday, 11)
        )
    assert appointment.starts_at == at(monday, 11)
    assert "nieuw tijdstip" in mail.outbox[0].subject  # Dutch, the person's language
    assert "11:00" in mail.outbox[0].body
    free = {s.starts_at: s.free for s in slots_for(location, [monday])}
    assert free[at(monday, 9)] == 1
    assert free[at(monday, 11)] == 0
    assert JournalEntry.objects.filter(action="appointment.reschedule").count() == 1
