"""Pure computations of the rota and the bookable slots: no database, no clock. The
queries module feeds them rows; the tests feed them plain values.

Times of day are wall-clock times in Europe/Brussels. A slot's aware start is made with
`datetime.combine(day, time, tzinfo=BRUSSELS)`, which zoneinfo resolves per date, so a
slot at 10:00 is at 10:00 local time on both sides of a daylight-saving change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

Period = tuple[time, time]


def local_datetime(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=BRUSSELS)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def merge_periods(periods: Iterable[Period]) -> list[Period]:
    """Overlapping or touching periods joined, in order."""
    merged: list[list[time]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def uncovered(opening: Iterable[Period], shifts: Iterable[Period]) -> list[Period]:
    """The parts of the opening periods nobody is on duty for (the rota's gaps)."""
    covered = merge_periods(shifts)
    gaps: list[Period] = []
    for opens, closes in merge_periods(opening):
        cursor = opens
        for start, end in covered:
            if end <= cursor or start >= closes:
                continue
            if start > cursor:
                gaps.append((cursor, start))
            cursor = max(cursor, end)
            if cursor >= closes:
                break
        if cursor < closes:
            gaps.append((cursor, closes))
    return gaps


def within_opening(opening: Sequence[Period], start: time, end: time) -> bool:
    """A shift lies between the first opening and the last closing of the day (it may
    span a lunch break: a helper who stays is fine)."""
    if not opening:
        return False
    return min(p[0] for p in opening) <= start and end <= max(p[1] for p in opening)


def overlaps(a: Period, b: Period) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class Slot:
    """A bookable slot: its aware start and end, how many may book it, how many did."""

    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def day(self) -> date:
        return self.starts_at.astimezone(BRUSSELS).date()


def day_slots(
    *,
    day: date,
    opening: Sequence[Period],
    slot_minutes: int,
    desks: int,
    shifts: Sequence[Period] | None,
    booked: Sequence[tuple[datetime, datetime]] = (),
) -> list[Slot]:
    """The slots of one day. Each opening period is cut into slots of `slot_minutes`
    from its opening time (a rest too short for a slot is left out). Capacity is the
    number of desks; when the day has a rota (`shifts` not None), also at most the
    number of helpers on duty for the whole slot. `booked` are the active appointments
    (aware start and end); each one overlapping a slot takes a place in it."""
    slots: list[Slot] = []
    for opens, closes in merge_periods(opening):
        start = _minutes(opens)
        while start + slot_minutes <= _minutes(closes):
            begin, end = _time(start), _time(start + slot_minutes)
            capacity = desks
            if shifts is not None:
                helpers = sum(1 for s in shifts if s[0] <= begin and end <= s[1])
                capacity = min(capacity, helpers)
            starts_at, ends_at = local_datetime(day, begin), local_datetime(day, end)
            taken = sum(1 for b in booked if b[0] < ends_at and starts_at < b[1])
            slots.append(Slot(starts_at, ends_at, capacity, taken))
            start += slot_minutes
    return slots


def bookable_slots(
    *,
    days: Iterable[date],
    opening: Mapping[date, Sequence[Period]],
    slot_minutes: int,
    desks: int,
    shifts: Mapping[date, Sequence[Period]],
    booked: Sequence[tuple[datetime, datetime]],
    earliest: datetime,
    latest: datetime,
) -> list[Slot]:
    """Every slot of the given days that starts between `earliest` and `latest` (the
    minimum notice and how far ahead people may book). `shifts` has an entry for each
    day that has a rota; days without one are capped by the desks only."""
    result: list[Slot] = []
    for day in days:
        for slot in day_slots(
            day=day,
            opening=opening.get(day, ()),
            slot_minutes=slot_minutes,
            desks=desks,
            shifts=shifts.get(day),
            booked=booked,
        ):
            if earliest <= slot.starts_at <= latest:
                result.append(slot)
    return result


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]
