"""Shifts: members only, within opening hours, never overlapping for one person;
on_duty lists a day's shifts in order with their helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import Shift
from digibank.appointments.queries import on_duty, rota_week
from digibank.core.models import JournalEntry
from digibank.network.models import Hub, Location, OpeningException

pytestmark = pytest.mark.django_db


def test_shift_is_created_and_journaled(
    coordinator: User, digihelper: User, location: Location, monday: date
) -> None:
    shift = services.shift_create(
        actor=coordinator,
        location=location,
        user=digihelper,
        day=monday,
        starts_at=time(9),
        ends_at=time(12),
    )
    assert shift.hub_id == location.hub_id
    assert JournalEntry.objects.filter(action="shift.create", subject_id=str(shift.pk)).exists()


def test_a_shift_may_span_the_lunch_break_but_not_outside_the_day(
    coordinator: User, digihelper: User, location: Location, monday: date
) -> None:
    services.shift_create(
        actor=coordinator,
        location=location,
        user=digihelper,
        day=monday,
        starts_at=time(9),
        ends_at=time(16, 30),
    )
    with pytest.raises(ValidationError) as error:
        services.shift_create(
            actor=coordinator,
            location=location,
            user=coordinator,
            day=monday,
            starts_at=time(8),
            ends_at=time(10),
        )
    assert "starts_at" in error.value.error_dict


def test_closed_day_and_exception_refuse_a_shift(
    coordinator: User, digihelper: User, location: Location, monday: date
) -> None:
    saturday = monday + timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        services.shift_create(
            actor=coordinator,
            location=location,
            user=digihelper,
            day=saturday,
            starts_at=time(9),
            ends_at=time(12),
        )
    assert "date" in error.value.error_dict
    OpeningException.objects.create(location=location, date=monday, is_closed=True)
    with pytest.raises(ValidationError):
        services.shift_create(
            actor=coordinator,
            location=location,
            user=digihelper,
            day=monday,
            starts_at=time(9),
            ends_at=time(12),
        )


def test_one_person_never_has_overlapping_shifts_even_at_two_help_points(
    coordinator: User,
    digihelper: User,
    location: Location,
    monday: date,
    make_location: Callable[..., Location],
    hub: Hub,
) -> None:
    elsewhere = make_location(hub, name="Bibliotheek")
    services.shift_create(
        actor=coordinator,
        location=location,
        user=digihelper,
        day=monday,
        starts_at=time(9),
        ends_at=time(11),
    )
    with pytest.raises(ValidationError) as error:
        services.shift_create(
            actor=coordinator,
            location=elsewhere,
            user=digihelper,
            day=monday,
            starts_at=time(10),
            ends_at=time(12),
        )
    assert "Digipunt Kouter" in str(error.value)
    # Back to back is fine.
    services.shift_create(
        actor=coordinator,
        location=elsewhere,
        user=digihelper,
        day=monday,
        starts_at=time(11),
        ends_at=time(12),
    )


def test_only_members_past_days_and_order_are_checked(
    coordinator: User,
    location: Location,
    monday: date,
    make_user: Callable[..., User],
    other_hub: Hub,
) -> None:
    stranger = make_user("staff", other_hub)
    cases = [
        ({"user": stranger, "day": monday, "starts_at": time(9), "ends_at": time(10)}, "user"),
        (
            {
                "user": coordinator,
                "day": monday - timedelta(days=30),
                "starts_at": time(9),
                "ends_at": time(10),
            },
            "date",
        ),
        (
            {"user": coordinator, "day": monday, "starts_at": time(10), "ends_at": time(9)},
            "ends_at",
        ),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as error:
            services.shift_create(actor=coordinator, location=location, **values)  # type: ignore[arg-type]
        assert field in error.value.error_dict
    assert not Shift.objects.exists()


def test_on_duty_and_the_rota_week_show_shifts_and_gaps(
    coordinator: User,
    digihelper: User,
    staff: User,
    location: Location,
    monday: date,
    django_assert_num_queries: Any,
) -> None:
    services.shift_create(
        actor=coordinator,
        location=location,
        user=staff,
        day=monday,
        starts_at=time(13),
        ends_at=time(16, 30),
    )
    services.shift_create(
        actor=coordinator,
        location=location,
        user=digihelper,
        day=monday,
        starts_at=time(9),
        ends_at=time(11),
    )
    with django_assert_num_queries(1):
        shifts = on_duty(location=location, day=monday)
        names = [s.user.full_name for s in shifts]
    assert names == ["Dirk Helper", "Sam Staff"]
    week = rota_week(location, monday + timedelta(days=2))
    assert week[0].day == monday
    assert week[0].gaps == [(time(11), time(12))]
    assert week[1].gaps == [(time(9), time(12)), (time(13), time(16, 30))]
    assert week[5].opening == []
    assert week[5].gaps == []


def test_shift_remove_is_journaled(
    coordinator: User, digihelper: User, location: Location, monday: date
) -> None:
    shift = services.shift_create(
        actor=coordinator,
        location=location,
        user=digihelper,
        day=monday,
        starts_at=time(9),
        ends_at=time(10),
    )
    services.shift_remove(actor=coordinator, shift=shift)
    assert not Shift.objects.exists()
    assert JournalEntry.objects.filter(action="shift.remove").count() == 1
