"""Fixtures of the appointments tests: a help point open every weekday 9–12 and
13–16:30, a participant with e-mail and one with a phone only, and a future Monday."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from digibank.network.models import Hub, Location, LocationKind, Municipality, OpeningHours
from digibank.network.queries import local_today
from digibank.people.keys import apply_search_keys
from digibank.people.models import Participant

from ..slots import local_datetime


@pytest.fixture
def make_location(db: Any) -> Callable[..., Location]:
    gent = Municipality.objects.get(postcodes__code="9000", postcodes__place_name="Gent")
    counter = iter(range(1, 10_000))

    def make(hub: Hub, weekdays: tuple[int, ...] = (0, 1, 2, 3, 4), **extra: Any) -> Location:
        location = Location.objects.create(
            hub=hub,
            name=extra.pop("name", f"Digipunt {next(counter):03d}"),
            kind=LocationKind.DIGIPUNT,
            street="Kouter 1",
            postcode="9000",
            municipality=gent,
            phone="09 210 10 10",
            **extra,
        )
        for weekday in weekdays:
            OpeningHours.objects.create(
                location=location, weekday=weekday, opens_at=time(9), closes_at=time(12)
            )
            OpeningHours.objects.create(
                location=location, weekday=weekday, opens_at=time(13), closes_at=time(16, 30)
            )
        return location

    return make


@pytest.fixture
def location(make_location: Callable[..., Location], hub: Hub) -> Location:
    return make_location(hub, name="Digipunt Kouter")


@pytest.fixture
def make_participant(db: Any) -> Callable[..., Participant]:
    def make(hub: Hub, **values: Any) -> Participant:
        participant = Participant(hub=hub, **values)
        apply_search_keys(participant)
        participant.save()
        return participant

    return make


@pytest.fixture
def participant(make_participant: Callable[..., Participant], hub: Hub) -> Participant:
    return make_participant(
        hub, given_name="Marie", family_name="Claes", email="marie@example.org", phone=""
    )


@pytest.fixture
def monday() -> date:
    """A Monday at least a week ahead, so every slot is bookable."""
    today = local_today()
    return today + timedelta(days=7 - today.weekday() + 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_datetime(day, time(hour, minute))
