"""Help points: postcode rules, opening hours, exceptions, closing; each change journaled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.network import services
from digibank.network.models import Hub, Location, Municipality, OpeningHours, Postcode
from digibank.network.queries import local_today
from digibank.network.services import LocationValues, Period


def values(**overrides: Any) -> LocationValues:
    fields: dict[str, Any] = {"name": "Digipunt Bib", "kind": "library", "postcode": "9000"}
    fields.update(overrides)
    return LocationValues(**fields)


def test_create_sets_municipality_and_coordinates_from_the_postcode(
    hub: Hub, coordinator: User
) -> None:
    location = services.location_create(
        actor=coordinator, hub=hub, values=values(street="Kouter 1", phone="09 123 45 67")
    )
    assert location.municipality.nis_code == "44021"
    assert location.latitude == Decimal("51.0500")
    assert location.longitude == Decimal("3.7167")
    entry = JournalEntry.objects.get(action="location.create")
    assert entry.hub_id == hub.pk
    assert entry.actor == coordinator
    assert entry.subject_id == str(location.pk)


def test_unknown_postcode_is_refused_and_nothing_saved(hub: Hub, coordinator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.location_create(actor=coordinator, hub=hub, values=values(postcode="0999"))
    assert "postcode" in caught.value.message_dict
    assert not Location.objects.exists()
    assert not JournalEntry.objects.filter(action="location.create").exists()


def test_bad_phone_is_refused(hub: Hub, coordinator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.location_create(actor=coordinator, hub=hub, values=values(phone="12"))
    assert "phone" in caught.value.message_dict


def test_postcode_in_several_municipalities_takes_the_chosen_one(
    hub: Hub, coordinator: User
) -> None:
    antwerpen = Municipality.objects.get(nis_code="11002")
    Postcode.objects.create(
        code="9000", place_name="Zzz", municipality=antwerpen, latitude=1, longitude=2
    )
    chosen = services.location_create(
        actor=coordinator, hub=hub, values=values(municipality_nis="11002")
    )
    assert chosen.municipality == antwerpen
    first = services.location_create(actor=coordinator, hub=hub, values=values())
    assert first.municipality.nis_code == "44021"
    with pytest.raises(ValidationError):
        services.location_create(
            actor=coordinator, hub=hub, values=values(municipality_nis="71072")
        )


def test_update_journals_the_changed_fields(
    hub: Hub, coordinator: User, make_location: Callable[..., Location]
) -> None:
    location = make_location(hub, name="Old name")
    services.location_update(
        actor=coordinator, location=location, values=values(name="New name", kind="digipunt")
    )
    location.refresh_from_db()
    assert location.name == "New name"
    entry = JournalEntry.objects.get(action="location.update")
    assert "name" in entry.details["fields"]
    assert "kind" not in entry.details["fields"]


def test_opening_hours_are_replaced(
    hub: Hub, coordinator: User, make_location: Callable[..., Location]
) -> None:
    location = make_location(hub, weekdays=(0, 1))
    services.location_set_opening_hours(
        actor=coordinator,
        location=location,
        periods=[Period(2, time(9), time(12)), Period(2, time(12), time(17))],
    )
    assert list(location.opening_hours.values_list("weekday", flat=True)) == [2, 2]
    assert JournalEntry.objects.filter(action="location.hours", hub_id=hub.pk).count() == 1


@pytest.mark.parametrize(
    "periods",
    [
        [Period(0, time(12), time(9))],
        [Period(0, time(9), time(9))],
        [Period(0, time(9), time(12)), Period(0, time(11), time(14))],
        [Period(0, time(9), time(17)), Period(0, time(10), time(11))],
    ],
)
def test_wrong_or_overlapping_periods_are_refused(
    hub: Hub, coordinator: User, make_location: Callable[..., Location], periods: list[Period]
) -> None:
    location = make_location(hub, weekdays=(4,))
    with pytest.raises(ValidationError):
        services.location_set_opening_hours(actor=coordinator, location=location, periods=periods)
    assert OpeningHours.objects.filter(location=location).count() == 2  # unchanged
    assert not JournalEntry.objects.filter(action="location.hours").exists()


def test_same_times_on_different_days_are_fine(
    hub: Hub, coordinator: User, make_location: Callable[..., Location]
) -> None:
    location = make_location(hub)
    services.location_set_opening_hours(
        actor=coordinator,
        location=location,
        periods=[Period(day, time(9), time(12)) for day in range(7)],
    )
    assert location.opening_hours.count() == 7


def test_exceptions_add_and_remove(
    hub: Hub, coordinator: User, make_location: Callable[..., Location]
) -> None:
    location = make_location(hub)
    day = local_today() + timedelta(days=3)
    exception = services.opening_exception_add(
        actor=coordinator, location=location, day=day, is_closed=True, reason="Feestdag"
    )
    with pytest.raises(ValidationError) as caught:
        services.opening_exception_add(
            actor=coordinator, location=location, day=day, is_closed=True
        )
    assert "date" in caught.value.message_dict
    services.opening_exception_remove(actor=coordinator, exception=exception)
    assert not location.exceptions.exists()
    actions = set(JournalEntry.objects.filter(hub_id=hub.pk).values_list("action", flat=True))
    assert {"location.exception_add", "location.exception_remove"} <= actions


def test_exception_rules(
    hub: Hub, coordinator: User, make_location: Callable[..., Location]
) -> None:
    location = make_location(hub)
    with pytest.raises(ValidationError):
        services.opening_exception_add(
            actor=coordinator,
            location=location,
            day=local_today() - timedelta(days=1),
            is_closed=True,
        )
    with pytest.raises(ValidationError):
        services.opening_exception_add(
            actor=coordinator,
            location=location,
            day=local_today(),
            is_closed=False,
            opens_at=time(14),
            closes_at=time(10),
        )
    other = services.opening_exception_add(
        actor=coordinator,
        location=location,
        day=local_today(),
        is_closed=False,
        opens_at=time(10),
        closes_at=time(14),
    )
    assert other.opens_at == time(10)


def test_close_and_reopen(
    hub: Hub, coordinator: User, make_location: Callable[..., Location]
) -> None:
    location = make_location(hub)
    services.location_set_active(actor=coordinator, location=location, active=False)
    services.location_set_active(actor=coordinator, location=location, active=False)
    services.location_set_active(actor=coordinator, location=location, active=True)
    actions = list(
        JournalEntry.objects.filter(hub_id=hub.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["location.deactivate", "location.reactivate"]
