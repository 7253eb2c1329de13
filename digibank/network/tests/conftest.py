"""Fixtures of the network tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest

from digibank.network.models import Hub, Location, LocationKind


@pytest.fixture
def make_location(db: Any) -> Callable[..., Location]:
    """A help point in Gent (postcode 9000) with weekly hours on the given weekdays."""
    from digibank.network.models import Municipality, OpeningHours

    gent = Municipality.objects.get(postcodes__code="9000", postcodes__place_name="Gent")
    counter = iter(range(1, 10_000))

    def make(
        hub: Hub,
        name: str | None = None,
        weekdays: tuple[int, ...] = (),
        **extra: Any,
    ) -> Location:
        location = Location.objects.create(
            hub=hub,
            name=name or f"Digipunt {next(counter):03d}",
            kind=extra.pop("kind", LocationKind.DIGIPUNT),
            postcode="9000",
            municipality=gent,
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
