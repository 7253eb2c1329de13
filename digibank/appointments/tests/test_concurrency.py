"""Many people book the same slot at the same moment: exactly as many as it has places
succeed, the others get a clear message, nothing fails otherwise. The same for walk-in
ticket numbers. Real threads, each with its own connection, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import Appointment, QueueDisplay, QueueTicket, Topic
from digibank.core.testing import Outcome, labels, run_at_once
from digibank.network.models import Hub, Location
from digibank.people.models import Participant

from .conftest import at

BOOKERS = 8
CAPACITY = 3


def _booking_labels(outcomes: list[Outcome[None]]) -> list[str]:
    """The sorted labels, with "full" for a booking refused because the slot is taken."""
    return sorted(
        "full"
        if any("no longer free" in message for message in outcome.messages)
        else outcome.label(messages=True)
        for outcome in outcomes
    )


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_bookings_never_exceed_the_slot(
    hub: Hub,
    staff: User,
    location: Location,
    monday: date,
    make_participant: Callable[..., Participant],
) -> None:
    services.slot_settings_save(
        actor=staff,
        location=location,
        slot_minutes=30,
        desks=CAPACITY,
        book_ahead_days=60,
        min_notice_hours=0,
    )
    people = [make_participant(hub, given_name=f"Person {i}") for i in range(BOOKERS)]
    when = at(monday, 10)

    def booking(person: Participant) -> Callable[[], None]:
        def action() -> None:
            services.appointment_book(
                actor=User.objects.get(pk=staff.pk),
                location=Location.objects.get(pk=location.pk),
                participant=Participant.objects.get(pk=person.pk),
                starts_at=when,
                topic=Topic.TAXES,
            )

        return action

    outcomes = _booking_labels(run_at_once([booking(person) for person in people]))
    assert outcomes == ["done"] * CAPACITY + ["full"] * (BOOKERS - CAPACITY)
    booked = Appointment.objects.filter(location=location, starts_at=when, status="booked")
    assert booked.count() == CAPACITY
    assert sorted(booked.values_list("desk", flat=True)) == list(range(1, CAPACITY + 1))


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_walk_ins_get_distinct_numbers(
    hub: Hub, staff: User, location: Location
) -> None:
    def arrive() -> None:
        services.ticket_take(actor=None, location=Location.objects.get(pk=location.pk))

    outcomes = labels(run_at_once([arrive for _ in range(BOOKERS)]), messages=True)
    assert outcomes == ["done"] * BOOKERS
    numbers = sorted(QueueTicket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, BOOKERS + 1))


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_screen_links_leave_one_working_link(
    hub: Hub, coordinator: User, location: Location
) -> None:
    """Coordinators make, replace and revoke the screen link at the same moment: each
    gets an answer (never an error), and afterwards at most one link exists."""

    def renew() -> None:
        services.queue_display_renew(
            actor=User.objects.get(pk=coordinator.pk),
            location=Location.objects.get(pk=location.pk),
        )

    outcomes = labels(run_at_once([renew for _ in range(4)]), messages=True)
    assert outcomes == ["done"] * 4
    assert QueueDisplay.objects.filter(location=location).count() == 1

    def revoke() -> None:
        services.queue_display_revoke(
            actor=User.objects.get(pk=coordinator.pk),
            location=Location.objects.get(pk=location.pk),
        )

    outcomes = labels(run_at_once([revoke, revoke, renew]), messages=True)
    assert all(label == "done" or "no screen link" in label for label in outcomes), outcomes
    assert QueueDisplay.objects.filter(location=location).count() <= 1
