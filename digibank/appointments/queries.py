"""Reads of the appointments app. Each returns in a fixed number of queries whatever
the amount of data; lists are querysets the views paginate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from digibank.network.models import Hub, Location, OpeningException, OpeningHours
from digibank.network.queries import local_now, local_today, periods_on

from .models import (
    Appointment,
    QueueDisplay,
    QueueTicket,
    Shift,
    SlotSettings,
    Status,
    TicketStatus,
)
from .slots import BRUSSELS, Period, Slot, bookable_slots, local_datetime, uncovered, week_of

# --- Rota -------------------------------------------------------------------------------


def on_duty(*, location: Location, day: date) -> list[Shift]:
    """The shifts of a help point on one day, in order of start, with their helper
    (one query). Used by the help desk's day view."""
    return list(
        Shift.objects.filter(location=location, date=day)
        .select_related("user")
        .order_by("starts_at", "ends_at", "pk")
    )


def opening_periods(location: Location, days: Sequence[date]) -> dict[date, list[Period]]:
    """Opening periods of each day: weekly hours unless an exception says otherwise
    (two queries)."""
    weekly = list(OpeningHours.objects.filter(location=location))
    exceptions = {
        exception.date: exception
        for exception in OpeningException.objects.filter(
            location=location, date__gte=min(days), date__lte=max(days)
        )
    }
    return {day: periods_on(weekly, day, exceptions.get(day)) for day in days}


def shifts_between(location: Location, first: date, last: date) -> list[Shift]:
    return list(
        Shift.objects.filter(location=location, date__gte=first, date__lte=last)
        .select_related("user")
        .order_by("date", "starts_at", "pk")
    )


@dataclass(frozen=True)
class RotaDay:
    day: date
    opening: list[Period]
    shifts: list[Shift]
    gaps: list[Period]
    outside: list[Shift]  # shifts outside the day's opening hours (hours changed since)


def rota_week(location: Location, day: date) -> list[RotaDay]:
    """The week of `day` at a help point: opening hours, shifts and gaps (three queries)."""
    days = week_of(day)
    opening = opening_periods(location, days)
    by_day: dict[date, list[Shift]] = defaultdict(list)
    for shift in shifts_between(location, days[0], days[-1]):
        by_day[shift.date].append(shift)
    result = []
    for current in days:
        shifts = by_day[current]
        periods = [(s.starts_at, s.ends_at) for s in shifts]
        first = min((p[0] for p in opening[current]), default=None)
        last = max((p[1] for p in opening[current]), default=None)
        outside = [
            s
            for s in shifts
            if first is None or last is None or s.starts_at < first or s.ends_at > last
        ]
        result.append(
            RotaDay(
                current, opening[current], shifts, uncovered(opening[current], periods), outside
            )
        )
    return result


def my_shifts(*, user: Any, hub: Hub, since: date | None = None) -> QuerySet[Shift]:
    since = since or local_today()
    return (
        Shift.objects.filter(user=user, hub=hub, date__gte=since)
        .select_related("location")
        .order_by("date", "starts_at", "pk")
    )


# --- Slots ------------------------------------------------------------------------------


def slot_settings(location: Location) -> SlotSettings:
    """The help point's settings, or the defaults (unsaved) when none were set."""
    found = SlotSettings.objects.filter(location=location).first()
    return found or SlotSettings(hub_id=location.hub_id, location=location)


def active_appointment_times(
    location: Location, start: datetime, end: datetime, *, exclude_pk: int | None = None
) -> list[tuple[datetime, datetime]]:
    rows = Appointment.objects.filter(
        location=location, status=Status.BOOKED, starts_at__lt=end, ends_at__gt=start
    )
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.values_list("starts_at", "ends_at"))


def slots_for(
    location: Location,
    days: Sequence[date],
    *,
    settings: SlotSettings | None = None,
    now: datetime | None = None,
    exclude_pk: int | None = None,
) -> list[Slot]:
    """Bookable slots of a help point on the given days (five queries): opening hours
    minus exceptions, capped by desks and the helpers on duty, minus booked ones,
    between the minimum notice and how far ahead people may book."""
    settings = settings or slot_settings(location)
    now = now or timezone.now()
    opening = opening_periods(location, days)
    shifts: dict[date, list[Period]] = defaultdict(list)
    for shift in Shift.objects.filter(
        location=location, date__gte=min(days), date__lte=max(days)
    ).values_list("date", "starts_at", "ends_at"):
        shifts[shift[0]].append((shift[1], shift[2]))
    booked = active_appointment_times(
        location,
        local_datetime(min(days), datetime.min.time()),
        local_datetime(max(days) + timedelta(days=1), datetime.min.time()),
        exclude_pk=exclude_pk,
    )
    today = now.astimezone(BRUSSELS).date()
    latest = local_datetime(
        today + timedelta(days=settings.book_ahead_days), datetime.max.time().replace(microsecond=0)
    )
    return bookable_slots(
        days=days,
        opening=opening,
        slot_minutes=settings.slot_minutes,
        desks=settings.desks,
        shifts=dict(shifts),
        booked=booked,
        earliest=now + timedelta(hours=settings.min_notice_hours),
        latest=latest,
    )


def slots_by_day(slots: Iterable[Slot], days: Sequence[date]) -> list[tuple[date, list[Slot]]]:
    grouped: dict[date, list[Slot]] = {day: [] for day in days}
    for slot in slots:
        grouped.setdefault(slot.day, []).append(slot)
    return list(grouped.items())


# --- Appointments -----------------------------------------------------------------------


def appointments_on(*, hub: Hub, day: date, location: Location | None = None) -> QuerySet:
    start = local_datetime(day, datetime.min.time())
    rows = Appointment.objects.filter(
        hub=hub, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    )
    if location is not None:
        rows = rows.filter(location=location)
    return rows.select_related("participant", "location").order_by("starts_at", "desk", "pk")


def appointment_detail_queryset() -> QuerySet[Appointment]:
    return Appointment.objects.select_related(
        "participant", "location", "location__municipality", "booked_by"
    )


def appointments_today_count(hub: Hub) -> int:
    start = local_datetime(local_today(), datetime.min.time())
    return Appointment.objects.filter(
        hub=hub,
        status=Status.BOOKED,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=1),
    ).count()


def appointments_per_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    """Appointments booked (not cancelled) per hub: one query."""
    rows = (
        Appointment.objects.filter(hub_id__in=list(hub_ids))
        .exclude(status=Status.CANCELLED)
        .values("hub_id")
        .annotate(total=Count("id"))
        .order_by()
    )
    return {row["hub_id"]: row["total"] for row in rows}


def due_for_reminder(day: date) -> QuerySet[Appointment]:
    """Active appointments on `day` (local), with what a reminder needs."""
    start = local_datetime(day, datetime.min.time())
    return (
        Appointment.objects.filter(
            status=Status.BOOKED, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        )
        .select_related("participant", "location", "location__municipality", "hub")
        .order_by("pk")
    )


# --- Walk-in queue ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueState:
    waiting: list[QueueTicket]
    called: list[QueueTicket]  # called and not finished, newest first
    average_wait: timedelta | None
    served_today: int

    @property
    def average_wait_minutes(self) -> int | None:
        """Whole minutes, at least 1 once anyone has waited: what people understand."""
        if self.average_wait is None:
            return None
        return max(1, round(self.average_wait.total_seconds() / 60))


def queue_state(location: Location, day: date | None = None) -> QueueState:
    """Today's queue at a help point (one query; a day's tickets are few hundred at most)."""
    day = day or local_today()
    tickets = list(
        QueueTicket.objects.filter(location=location, day=day)
        .select_related("participant")
        .order_by("number")
    )
    waiting = [t for t in tickets if t.status == TicketStatus.WAITING]
    called = sorted(
        (t for t in tickets if t.status == TicketStatus.CALLED),
        key=lambda t: t.called_at or t.created_at,
        reverse=True,
    )
    waits = [t.called_at - t.created_at for t in tickets if t.called_at is not None]
    average = sum(waits, timedelta()) / len(waits) if waits else None
    served = sum(1 for t in tickets if t.status == TicketStatus.DONE)
    return QueueState(waiting, called, average, served)


@dataclass(frozen=True)
class ScreenBoard:
    """What a waiting-room screen shows: ticket numbers and desks, never a name (the
    screen is public), so its template cannot show one by mistake."""

    called: list[tuple[int, str]]  # (number, desk), newest first, at most four
    waiting: int
    average_minutes: int | None


def screen_board(location: Location) -> ScreenBoard:
    state = queue_state(location)
    return ScreenBoard(
        called=[(ticket.number, ticket.desk) for ticket in state.called[:4]],
        waiting=len(state.waiting),
        average_minutes=state.average_wait_minutes,
    )


def screen_by_token(token: str) -> Location | None:
    """The help point whose screen link has this token, if the link still exists."""
    if not token or len(token) > 64:
        return None
    display = QueueDisplay.objects.select_related("location").filter(token=token).first()
    return display.location if display is not None else None


def waiting_now_count(hub: Hub) -> int:
    """People waiting today. Through the hub's help points (a ticket is always for a
    help point of its own hub), so the (location, day, status) index finds today's
    waiting tickets instead of scanning every ticket the hub ever had."""
    return QueueTicket.objects.filter(
        location_id__in=Location.objects.filter(hub=hub).values("pk"),
        day=local_today(),
        status=TicketStatus.WAITING,
    ).count()


def help_points(hub: Hub) -> QuerySet[Location]:
    """The hub's open help points with a help desk."""
    return (
        Location.objects.filter(hub=hub, is_active=True)
        .filter(Q(offers_help_desk=True))
        .select_related("municipality")
        .order_by("name", "pk")
    )


def now_local() -> datetime:
    return local_now()
