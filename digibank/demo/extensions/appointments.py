"""Demo data of the appointments app: a rota (shifts of digihelpers and staff), slot
settings, appointments in the past (came, did not come, cancelled) and the coming weeks,
and walk-in tickets of the last days and today. Rows go through the bulk loader, so the
large scale writes its year of appointments and tickets fast; everything depends only on
the seed."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.appointments.models import (
    Appointment,
    QueueTicket,
    Shift,
    SlotSettings,
    Source,
    Status,
    TicketStatus,
    Topic,
)
from digibank.appointments.slots import local_datetime
from digibank.network.models import OpeningException, OpeningHours
from digibank.people.models import Participant

from ..bulk import BulkTable, reset_sequences

Output = Callable[[str], None]

# Most asked first (itsme, Burgerprofiel/Jobbonus, Tax-on-web).
TOPIC_WEIGHTS = {
    Topic.DIGITAL_KEYS: 30,
    Topic.BURGERPROFIEL: 15,
    Topic.TAXES: 15,
    Topic.EBOX: 6,
    Topic.HEALTH: 6,
    Topic.BANKING: 8,
    Topic.WORK: 5,
    Topic.SOCIAL_SECURITY: 3,
    Topic.FAMILY: 4,
    Topic.DEVICE: 8,
    Topic.EMAIL: 5,
    Topic.SECURITY: 3,
    Topic.OTHER: 2,
}
ABOUT = (
    "",
    "",
    "itsme op een nieuwe gsm",
    "Belastingaangifte",
    "De eBox activeren",
    "Brief van het ziekenfonds",
    "Een attest downloaden",
    "De bankapp installeren",
    "Jobbonus aanvragen",
)
DESKS = ("Balie 1", "Balie 2", "Balie 3")
SLOT_MINUTES = 30
PARTICIPANT_SAMPLE = 2000


def _days(small: bool, today: date) -> tuple[date, date]:
    """The period with data: a few weeks around today, or a year back at large scale."""
    if small:
        return today - timedelta(days=21), today + timedelta(days=28)
    return today - timedelta(days=365), today + timedelta(days=28)


def seed(*, hubs: list[Any], scale: Any, seed: int, now: datetime, out: Output) -> None:
    rng = random.Random(f"{seed}:appointments")
    today = timezone.localdate(now)
    first, last = _days(not scale.bulk, today)
    topics: list[str] = [str(topic) for topic in TOPIC_WEIGHTS]
    weights = list(TOPIC_WEIGHTS.values())
    shifts = BulkTable(
        Shift,
        ["hub", "location", "user", "date", "starts_at", "ends_at", "created_at", "updated_at"],
    )
    appointments = BulkTable(
        Appointment,
        [
            "hub",
            "location",
            "participant",
            "starts_at",
            "ends_at",
            "desk",
            "topic",
            "about",
            "status",
            "source",
            "booked_by",
            "cancelled_at",
            "created_at",
            "updated_at",
        ],
    )
    tickets = BulkTable(
        QueueTicket,
        [
            "hub",
            "location",
            "day",
            "number",
            "topic",
            "status",
            "created_at",
            "called_at",
            "called_by",
            "desk",
            "finished_at",
        ],
    )
    locations = [location for hub_seed in hubs for location in hub_seed.locations]
    weekly: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(lambda: defaultdict(list))
    for hours in OpeningHours.objects.filter(location__in=locations).order_by(
        "location_id", "weekday", "opens_at"
    ):
        weekly[hours.location_id][hours.weekday].append((hours.opens_at, hours.closes_at))
    closed = set(
        OpeningException.objects.filter(
            location__in=locations, date__gte=first, date__lte=last
        ).values_list("location_id", "date")
    )
    SlotSettings.objects.bulk_create(
        SlotSettings(hub=location.hub, location=location, slot_minutes=SLOT_MINUTES, desks=2)
        for location in locations
    )
    for hub_seed in hubs:
        hub = hub_seed.hub
        helpers = list(
            Membership.objects.filter(
                hub=hub, is_active=True, role__in=[HubRole.DIGIHELPER, HubRole.STAFF]
            )
            .order_by("user_id")
            .values_list("user_id", "role")
        )
        if not helpers:
            continue
        people = list(
            Participant.objects.filter(
                hub=hub, merged_into__isnull=True, anonymised_at__isnull=True
            )
            .order_by("id")
            .values_list("id", flat=True)[:PARTICIPANT_SAMPLE]
        )
        bookers = [user_id for user_id, role in helpers if role == HubRole.STAFF] or [helpers[0][0]]
        shift_rows: list[tuple[Any, ...]] = []
        appointment_rows: list[tuple[Any, ...]] = []
        ticket_rows: list[tuple[Any, ...]] = []
        for location in hub_seed.locations:
            day = first
            while day <= last:
                periods = weekly[location.pk].get(day.weekday(), [])
                if periods and (location.pk, day) not in closed:
                    _one_day(
                        rng=rng,
                        hub_id=hub.pk,
                        location_id=location.pk,
                        day=day,
                        today=today,
                        now=now,
                        periods=periods,
                        helpers=[user_id for user_id, _role in helpers],
                        bookers=bookers,
                        people=people,
                        topics=topics,
                        weights=weights,
                        shift_rows=shift_rows,
                        appointment_rows=appointment_rows,
                        ticket_rows=ticket_rows,
                    )
                day += timedelta(days=1)
        shifts.write(shift_rows)
        appointments.write(appointment_rows)
        tickets.write(ticket_rows)
    reset_sequences([Shift, Appointment, QueueTicket, SlotSettings])
    out(
        f"  appointments: {shifts.rows_written} shifts, {appointments.rows_written} "
        f"appointments, {tickets.rows_written} walk-in tickets"
    )


def _one_day(
    *,
    rng: random.Random,
    hub_id: int,
    location_id: int,
    day: date,
    today: date,
    now: datetime,
    periods: list[tuple[time, time]],
    helpers: list[int],
    bookers: list[int],
    people: list[int],
    topics: list[str],
    weights: list[int],
    shift_rows: list[tuple[Any, ...]],
    appointment_rows: list[tuple[Any, ...]],
    ticket_rows: list[tuple[Any, ...]],
) -> None:
    """One open day of a help point: one or two helpers per period (a gap now and then),
    some booked slots, and walk-ins on days that have passed and today."""
    created = local_datetime(day, time(8)) - timedelta(days=rng.randint(1, 14))
    busy: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for opens, closes in periods:
        if rng.random() < 0.1:
            continue  # a gap in the rota
        for helper in rng.sample(helpers, k=min(len(helpers), rng.choice((1, 1, 2)))):
            if any(start < closes and opens < end for start, end in busy[helper]):
                continue
            busy[helper].append((opens, closes))
            shift_rows.append((hub_id, location_id, helper, day, opens, closes, created, created))
    if people:
        for opens, closes in periods:
            start = local_datetime(day, opens)
            end = local_datetime(day, closes)
            while start + timedelta(minutes=SLOT_MINUTES) <= end:
                for desk in (1, 2):
                    if rng.random() < 0.35:
                        appointment_rows.append(
                            _appointment(
                                rng,
                                hub_id,
                                location_id,
                                start,
                                desk,
                                today,
                                now,
                                bookers,
                                people,
                                topics,
                                weights,
                            )
                        )
                start += timedelta(minutes=SLOT_MINUTES)
    if day <= today:
        _walk_ins(rng, hub_id, location_id, day, today, now, periods, helpers, topics, ticket_rows)


def _appointment(
    rng: random.Random,
    hub_id: int,
    location_id: int,
    start: datetime,
    desk: int,
    today: date,
    now: datetime,
    bookers: list[int],
    people: list[int],
    topics: list[str],
    weights: list[int],
) -> tuple[Any, ...]:
    roll = rng.random()
    cancelled_at = None
    if roll < 0.08:
        status = Status.CANCELLED
        cancelled_at = start - timedelta(hours=rng.randint(2, 72))
    elif start.date() >= today:
        status = Status.BOOKED
    else:
        status = Status.NO_SHOW if roll < 0.16 else Status.DONE
    if status == Status.BOOKED and start < now:
        status = Status.DONE
    source = Source.SELF_SERVICE if rng.random() < 0.1 else Source.STAFF
    booked_at = start - timedelta(days=rng.randint(1, 20))
    return (
        hub_id,
        location_id,
        rng.choice(people),
        start,
        start + timedelta(minutes=SLOT_MINUTES),
        desk,
        rng.choices(topics, weights)[0],
        rng.choice(ABOUT),
        status,
        source,
        None if source == Source.SELF_SERVICE else rng.choice(bookers),
        cancelled_at,
        booked_at,
        cancelled_at or booked_at,
    )


def _walk_ins(
    rng: random.Random,
    hub_id: int,
    location_id: int,
    day: date,
    today: date,
    now: datetime,
    periods: list[tuple[time, time]],
    helpers: list[int],
    topics: list[str],
    ticket_rows: list[tuple[Any, ...]],
) -> None:
    opens = local_datetime(day, periods[0][0])
    closes = local_datetime(day, periods[-1][1])
    if day == today:
        closes = min(closes, now)
    if closes <= opens:
        return
    span = (closes - opens).total_seconds()
    count = rng.randint(4, 18)
    arrivals = sorted(opens + timedelta(seconds=rng.random() * span) for _ in range(count))
    for number, arrived in enumerate(arrivals, start=1):
        called = arrived + timedelta(minutes=rng.randint(2, 35))
        finished = called + timedelta(minutes=rng.randint(5, 30))
        topic = rng.choices(topics)[0] if rng.random() < 0.7 else ""
        row: tuple[Any, ...]
        if day == today and called > now:
            row = (
                hub_id,
                location_id,
                day,
                number,
                topic,
                TicketStatus.WAITING,
                arrived,
                None,
                None,
                "",
                None,
            )
        elif called > closes:
            row = (
                hub_id,
                location_id,
                day,
                number,
                topic,
                TicketStatus.LEFT,
                arrived,
                None,
                None,
                "",
                closes,
            )
        elif day == today and finished > now:
            row = (
                hub_id,
                location_id,
                day,
                number,
                topic,
                TicketStatus.CALLED,
                arrived,
                called,
                rng.choice(helpers),
                rng.choice(DESKS),
                None,
            )
        else:
            status = TicketStatus.LEFT if rng.random() < 0.05 else TicketStatus.DONE
            row = (
                hub_id,
                location_id,
                day,
                number,
                topic,
                status,
                arrived,
                called,
                rng.choice(helpers),
                rng.choice(DESKS),
                finished,
            )
        ticket_rows.append(row)
