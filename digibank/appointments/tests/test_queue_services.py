"""The walk-in queue: numbers per help point and day, call the longest waiting, done or
left, average waiting time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import QueueTicket, TicketStatus
from digibank.appointments.queries import queue_state
from digibank.network.models import Hub, Location

pytestmark = pytest.mark.django_db


def test_numbers_count_up_per_help_point_and_start_again_each_day(
    staff: User, location: Location, make_location: Callable[..., Location], hub: Hub
) -> None:
    other = make_location(hub)
    now = timezone.now()
    numbers = [
        services.ticket_take(actor=staff, location=location, now=now).number for _ in range(3)
    ]
    assert numbers == [1, 2, 3]
    assert services.ticket_take(actor=staff, location=other, now=now).number == 1
    tomorrow = now + timedelta(days=1)
    assert services.ticket_take(actor=staff, location=location, now=tomorrow).number == 1


def test_call_next_takes_the_longest_waiting_then_done_or_left(
    staff: User, location: Location
) -> None:
    first = services.ticket_take(actor=staff, location=location, topic="taxes")
    second = services.ticket_take(actor=staff, location=location, name="Jan")
    called = services.ticket_call_next(actor=staff, location=location, desk="Desk 2")
    assert called is not None
    assert called.pk == first.pk
    assert called.desk == "Desk 2"
    with pytest.raises(ValidationError):
        services.ticket_finish(actor=staff, ticket=second)  # not called yet
    services.ticket_finish(actor=staff, ticket=second, left=True)
    services.ticket_finish(actor=staff, ticket=called)
    assert services.ticket_call_next(actor=staff, location=location, desk="Desk 2") is None
    statuses = dict(QueueTicket.objects.values_list("number", "status"))
    assert statuses == {1: TicketStatus.DONE, 2: TicketStatus.LEFT}
    with pytest.raises(ValidationError):
        services.ticket_finish(actor=staff, ticket=called)


def test_desk_is_required_and_names_are_checked(staff: User, location: Location) -> None:
    services.ticket_take(actor=staff, location=location)
    with pytest.raises(ValidationError) as error:
        services.ticket_call_next(actor=staff, location=location, desk="  ")
    assert "desk" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.ticket_take(actor=staff, location=location, name="85.07.30-033.28")
    assert "name" in error.value.error_dict


def test_average_waiting_time_from_arrival_to_call(staff: User, location: Location) -> None:
    # Midday, so twenty minutes earlier is the same day in Brussels whenever this runs.
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    first = services.ticket_take(actor=staff, location=location, now=now - timedelta(minutes=20))
    second = services.ticket_take(actor=staff, location=location, now=now - timedelta(minutes=10))
    services.ticket_take(actor=staff, location=location, now=now)
    QueueTicket.objects.filter(pk=first.pk).update(status="called", called_at=now)
    QueueTicket.objects.filter(pk=second.pk).update(status="done", called_at=now)
    state = queue_state(location)
    assert state.average_wait == timedelta(minutes=15)
    assert [t.number for t in state.waiting] == [3]
    assert [t.number for t in state.called] == [1]
    assert state.served_today == 1


def test_names_on_tickets_are_forgotten_after_the_day(staff: User, location: Location) -> None:
    yesterday = timezone.now() - timedelta(days=1)
    old = services.ticket_take(actor=staff, location=location, name="Anna", now=yesterday)
    today = services.ticket_take(actor=staff, location=location, name="Bram")
    assert services.tickets_forget_names() == 1
    old.refresh_from_db()
    today.refresh_from_db()
    assert (old.name, old.number) == ("", 1)
    assert today.name == "Bram"
