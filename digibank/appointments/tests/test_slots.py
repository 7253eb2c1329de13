"""The pure slot and rota computations: opening hours cut into slots, capped by desks and
helpers on duty, minus bookings, between notice and horizon; DST-safe."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from digibank.appointments.slots import (
    bookable_slots,
    day_slots,
    local_datetime,
    merge_periods,
    uncovered,
    within_opening,
)

MONDAY = date(2026, 3, 23)
MORNING = [(time(9), time(12))]


def test_opening_period_is_cut_into_slots_and_a_short_rest_is_left_out() -> None:
    slots = day_slots(
        day=MONDAY, opening=[(time(9), time(10, 40))], slot_minutes=30, desks=2, shifts=None
    )
    assert [s.starts_at.time() for s in slots] == [time(9), time(9, 30), time(10)]
    assert all(s.capacity == 2 and s.free == 2 for s in slots)


def test_two_periods_give_slots_in_both() -> None:
    slots = day_slots(
        day=MONDAY,
        opening=[(time(13), time(14)), (time(9), time(10))],
        slot_minutes=60,
        desks=1,
        shifts=None,
    )
    assert [s.starts_at.time() for s in slots] == [time(9), time(13)]


def test_helpers_on_duty_cap_the_desks_when_there_is_a_rota() -> None:
    shifts = [(time(9), time(12)), (time(10), time(12))]
    slots = day_slots(day=MONDAY, opening=MORNING, slot_minutes=60, desks=3, shifts=shifts)
    assert [s.capacity for s in slots] == [1, 2, 2]


def test_a_day_with_an_empty_rota_has_no_places_but_no_rota_means_desks() -> None:
    with_rota = day_slots(day=MONDAY, opening=MORNING, slot_minutes=60, desks=2, shifts=[])
    without = day_slots(day=MONDAY, opening=MORNING, slot_minutes=60, desks=2, shifts=None)
    assert {s.capacity for s in with_rota} == {0}
    assert {s.capacity for s in without} == {2}


def test_a_helper_must_cover_the_whole_slot() -> None:
    slots = day_slots(
        day=MONDAY, opening=MORNING, slot_minutes=60, desks=2, shifts=[(time(9, 30), time(12))]
    )
    assert [s.capacity for s in slots] == [0, 1, 1]


def test_bookings_take_places_also_when_they_overlap_partly() -> None:
    booked = [
        (local_datetime(MONDAY, time(9)), local_datetime(MONDAY, time(9, 30))),
        (local_datetime(MONDAY, time(9, 45)), local_datetime(MONDAY, time(10, 15))),
    ]
    slots = day_slots(
        day=MONDAY, opening=MORNING, slot_minutes=30, desks=2, shifts=None, booked=booked
    )
    assert [s.booked for s in slots[:3]] == [1, 1, 1]
    assert slots[0].free == 1


def test_notice_and_horizon_limit_the_slots() -> None:
    days = [MONDAY, MONDAY + timedelta(days=1)]
    opening = dict.fromkeys(days, MORNING)
    slots = bookable_slots(
        days=days,
        opening=opening,
        slot_minutes=60,
        desks=1,
        shifts={},
        booked=[],
        earliest=local_datetime(MONDAY, time(10)),
        latest=local_datetime(MONDAY + timedelta(days=1), time(9)),
    )
    assert [s.starts_at for s in slots] == [
        local_datetime(MONDAY, time(10)),
        local_datetime(MONDAY, time(11)),
        local_datetime(MONDAY + timedelta(days=1), time(9)),
    ]


def test_slots_keep_local_wall_time_across_daylight_saving_changes() -> None:
    # Summer time starts on Sunday 29 March 2026; winter time on Sunday 25 October 2026.
    brussels = ZoneInfo("Europe/Brussels")
    for before, after in (
        (date(2026, 3, 27), date(2026, 3, 30)),
        (date(2026, 10, 23), date(2026, 10, 26)),
    ):
        first = day_slots(day=before, opening=MORNING, slot_minutes=60, desks=1, shifts=None)
        second = day_slots(day=after, opening=MORNING, slot_minutes=60, desks=1, shifts=None)
        assert [s.starts_at.astimezone(brussels).hour for s in first] == [9, 10, 11]
        assert [s.starts_at.astimezone(brussels).hour for s in second] == [9, 10, 11]
        assert first[0].starts_at.utcoffset() != second[0].starts_at.utcoffset()
        assert all(s.ends_at - s.starts_at == timedelta(hours=1) for s in first + second)


def test_gaps_are_opening_hours_nobody_covers() -> None:
    opening = [(time(9), time(12)), (time(13), time(16, 30))]
    shifts = [(time(9), time(10)), (time(9, 30), time(11)), (time(13), time(16, 30))]
    assert uncovered(opening, shifts) == [(time(11), time(12))]
    assert uncovered(opening, []) == opening
    assert uncovered([], shifts) == []


def test_merge_and_within_opening() -> None:
    assert merge_periods([(time(10), time(11)), (time(9), time(10))]) == [(time(9), time(11))]
    opening = [(time(9), time(12)), (time(13), time(16, 30))]
    assert within_opening(opening, time(9), time(16, 30))
    assert not within_opening(opening, time(8, 30), time(10))
    assert not within_opening([], time(9), time(10))
