"""Reads used by the network pages. Each returns a bounded number of queries whatever the
amount of data: lists are querysets the views paginate, related rows are fetched with
select_related / prefetch_related."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_for_hub
from digibank.core.messaging import MessageHours
from digibank.core.models import JournalEntry
from digibank.core.text import digits

from .models import (
    Hub,
    HubPartner,
    Location,
    OpeningException,
    OpeningHours,
    Organisation,
    Programme,
    Weekday,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


def local_now() -> datetime:
    return timezone.now().astimezone(BRUSSELS)


def local_today() -> date:
    return local_now().date()


# --- Opening hours --------------------------------------------------------------------


def periods_on(
    weekly: Iterable[OpeningHours], day: date, exception: OpeningException | None
) -> list[tuple[time, time]]:
    """Opening periods of one day: the weekly hours of that weekday, unless an exception
    closes the place or sets other hours."""
    if exception is not None:
        if exception.is_closed or exception.opens_at is None or exception.closes_at is None:
            return []
        return [(exception.opens_at, exception.closes_at)]
    return sorted(
        (hours.opens_at, hours.closes_at) for hours in weekly if hours.weekday == day.weekday()
    )


@dataclass(frozen=True)
class OpenToday:
    location: Location
    periods: list[tuple[time, time]]
    exception: OpeningException | None


def open_today(hub: Hub, today: date | None = None) -> list[OpenToday]:
    """The hub's active help points that open today, with today's hours (three queries)."""
    today = today or local_today()
    locations = (
        Location.objects.filter(hub=hub, is_active=True)
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "opening_hours",
                queryset=OpeningHours.objects.filter(weekday=today.weekday()),
                to_attr="hours_today",
            ),
            Prefetch(
                "exceptions",
                queryset=OpeningException.objects.filter(date=today),
                to_attr="exceptions_today",
            ),
        )
        .order_by("name")
    )
    result = []
    for location in locations:
        exception = location.exceptions_today[0] if location.exceptions_today else None
        periods = periods_on(location.hours_today, today, exception)
        if periods:
            result.append(OpenToday(location, periods, exception))
    return result


def weekly_schedule(location: Location) -> list[tuple[Weekday, list[OpeningHours]]]:
    """Every day of the week with its periods (from prefetched opening_hours)."""
    by_day: dict[int, list[OpeningHours]] = defaultdict(list)
    for hours in location.opening_hours.all():
        by_day[hours.weekday].append(hours)
    return [(day, sorted(by_day[day.value], key=lambda h: h.opens_at)) for day in Weekday]


# --- Help points ----------------------------------------------------------------------


def locations_for_hub(hub: Hub, search: str = "") -> QuerySet[Location]:
    locations = Location.objects.filter(hub=hub).select_related("municipality")
    search = search.strip()
    if search:
        locations = locations.filter(
            Q(name__icontains=search)
            | Q(street__icontains=search)
            | Q(postcode__startswith=search)
            | Q(municipality__name_nl__icontains=search)
            | Q(municipality__name_fr__icontains=search)
        )
    return locations.order_by("-is_active", "name", "pk")


def location_detail_queryset(today: date | None = None) -> QuerySet[Location]:
    """Help points with their municipality, weekly hours and upcoming exceptions."""
    today = today or local_today()
    return Location.objects.select_related("municipality").prefetch_related(
        "opening_hours",
        Prefetch(
            "exceptions",
            queryset=OpeningException.objects.filter(date__gte=today).order_by("date")[:60],
            to_attr="upcoming_exceptions",
        ),
    )


# --- Partners and organisations -------------------------------------------------------


def partners_for_hub(hub: Hub, search: str = "") -> QuerySet[HubPartner]:
    partners = HubPartner.objects.filter(hub=hub).select_related(
        "organisation", "organisation__municipality"
    )
    search = search.strip()
    if search:
        number = digits(search)
        condition = Q(organisation__name__icontains=search) | Q(role__icontains=search)
        if len(number) >= 4:
            condition |= Q(organisation__enterprise_number__contains=number)
        partners = partners.filter(condition)
    return partners.order_by("organisation__name", "pk")


ORGANISATION_SEARCH_LIMIT = 20


def organisation_search(search: str, limit: int = ORGANISATION_SEARCH_LIMIT) -> list[Organisation]:
    """Organisations by part of the name or of the enterprise number."""
    search = search.strip()
    if not search:
        return []
    number = digits(search)
    condition = Q(name__icontains=search)
    if len(number) >= 4:
        condition |= Q(enterprise_number__contains=number.lstrip("0") or number)
    return list(
        Organisation.objects.filter(condition)
        .select_related("municipality")
        .order_by("name", "pk")[:limit]
    )


def partner_organisation_ids(hub: Hub, organisation_ids: Iterable[int]) -> set[int]:
    return set(
        HubPartner.objects.filter(hub=hub, organisation_id__in=list(organisation_ids)).values_list(
            "organisation_id", flat=True
        )
    )


# --- Team -----------------------------------------------------------------------------


def members_for_hub(hub: Hub, search: str = "", role: str = "") -> QuerySet[Membership]:
    members = Membership.objects.filter(hub=hub).select_related("user")
    search = search.strip()
    if search:
        members = members.filter(
            Q(user__full_name__icontains=search) | Q(user__email__icontains=search)
        )
    if role in HubRole.values:
        members = members.filter(role=role)
    return members.order_by("-is_active", "user__full_name", "pk")


def team_size(hub: Hub) -> int:
    return Membership.objects.filter(hub=hub, is_active=True, user__is_active=True).count()


def membership_count(user: Any) -> int:
    return Membership.objects.filter(user=user, is_active=True).count()


# --- Journal --------------------------------------------------------------------------


def hub_journal(
    hub: Hub,
    action: str = "",
    *,
    actor_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[JournalEntry]:
    """The hub's journal, newest first, by action, actor and days (both included)."""
    entries = journal_for_hub(hub.pk)
    if action:
        entries = entries.filter(action=action)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if start is not None:
        entries = entries.filter(created_at__date__gte=start)
    if end is not None:
        entries = entries.filter(created_at__date__lte=end)
    return entries


def journal_actors(hub: Hub) -> list[tuple[int, str]]:
    """Everyone who is or was on the hub's team, for the journal's "who" filter."""
    rows = Membership.objects.filter(hub=hub).values_list("user_id", "user__full_name")
    return sorted(set(rows), key=lambda row: row[1].lower())


def subjects_for(entries: Iterable[JournalEntry]) -> dict[tuple[str, str], Any]:
    """The subjects of journal lines that still exist, one query per kind of subject (so
    the count depends on how many kinds, not on how many lines)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.subject_type and entry.subject_id:
            wanted[entry.subject_type].add(entry.subject_id)
    found: dict[tuple[str, str], Any] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        queryset = model._default_manager.all()
        if model is Membership:
            queryset = queryset.select_related("user")
        elif model is HubPartner:
            queryset = queryset.select_related("organisation")
        pk_field = model._meta.pk
        assert pk_field is not None
        try:
            keys = [pk_field.to_python(value) for value in ids]
        except ValidationError:  # an id that does not fit the model: show no name
            keys = []
        for pk, obj in queryset.in_bulk(keys).items():
            found[(label, str(pk))] = obj
    return found


@dataclass(frozen=True)
class JournalLine:
    entry: JournalEntry
    subject: str
    subject_kind: str | Promise


def _subject_label(obj: Any) -> str:
    if obj is None:
        return ""
    if isinstance(obj, Membership):
        return str(obj.user)
    if isinstance(obj, HubPartner):
        return str(obj.organisation)
    return str(obj)


def journal_lines(entries: Iterable[JournalEntry]) -> list[JournalLine]:
    entries = list(entries)
    subjects = subjects_for(entries)
    lines = []
    for entry in entries:
        kind: str | Promise = entry.subject_type
        with contextlib.suppress(LookupError, ValueError):
            kind = apps.get_model(entry.subject_type)._meta.verbose_name or kind
        subject = _subject_label(subjects.get((entry.subject_type, entry.subject_id)))
        lines.append(JournalLine(entry, subject, kind))
    return lines


# --- Programmes -----------------------------------------------------------------------


def hub_counts(programmes: Iterable[Programme]) -> dict[int, int]:
    rows = (
        Hub.objects.filter(programme__in=list(programmes))
        .values("programme_id")
        .annotate(count=Count("pk"))
    )
    return {row["programme_id"]: row["count"] for row in rows}


def programme_hubs(programme: Programme) -> QuerySet[Hub]:
    """Hubs funded under a programme with their number of open help points."""
    return (
        Hub.objects.filter(programme=programme)
        .select_related("lead_organisation")
        .annotate(help_points=Count("locations", filter=Q(locations__is_active=True)))
        .order_by("name", "pk")
    )


def member_hub_ids(user: Any, hub_ids: Iterable[int]) -> set[int]:
    return set(
        Membership.objects.filter(user=user, is_active=True, hub_id__in=list(hub_ids)).values_list(
            "hub_id", flat=True
        )
    )


def organisations_by_ids(ids: Iterable[int]) -> list[Organisation]:
    return list(
        Organisation.objects.filter(pk__in=list(ids))
        .select_related("municipality")
        .order_by("name")
    )


def hub_message_hours(hub_id: int) -> MessageHours:
    """The hub's message hours (core.messaging asks through its registry)."""
    row = Hub.objects.filter(pk=hub_id).values_list(
        "messages_from", "messages_until", "reminder_time"
    )
    found = row.first()
    if found is None:
        return MessageHours()
    return MessageHours(opens=found[0], closes=found[1], reminder_at=found[2])
