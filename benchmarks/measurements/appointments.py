"""Appointments: booking a slot through the booking page (the write path: lock the help
point, derive the slot's capacity, insert, journal) and the week of bookable slots of a
help point (derived from opening hours, exceptions, the rota and the bookings)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from urllib.parse import quote, urlencode

from django.db import close_old_connections, connection
from django.urls import NoReverseMatch, reverse

from digibank.appointments.models import Appointment
from digibank.appointments.queries import slots_for
from digibank.appointments.slots import week_of
from digibank.network.models import Location
from digibank.network.queries import local_today
from digibank.people.models import Participant

from ..registry import Bench, CountQueries, Result, Skip, Timing, measurement


def _locations(bench: Bench) -> list[Location]:
    locations = list(
        Location.objects.filter(hub=bench.hub, is_active=True, opening_hours__isnull=False)
        .distinct()
        .order_by("pk")
    )
    if not locations:
        raise Skip("the hub has no help point with opening hours")
    return locations


@measurement("appointments.slots", order=320)
def appointments_slots(bench: Bench) -> Result:
    try:
        reverse("appointments:slots", kwargs={"hub": bench.hub.slug, "location": 1})
    except NoReverseMatch as error:
        raise Skip("no URL named appointments:slots yet") from error
    rng = bench.rng("appointments.slots")
    locations = _locations(bench)
    today = local_today()
    urls = []
    for _ in range(bench.warmup + bench.requests):
        location = rng.choice(locations)
        week = today + timedelta(days=7 * rng.randint(0, 3))
        base = reverse(
            "appointments:slots", kwargs={"hub": bench.hub.slug, "location": location.pk}
        )
        urls.append(f"{base}?week={week.isoformat()}")
    return bench.page_result("appointments.slots", urls, rows=Appointment.objects.count())


@measurement("appointments.book", order=310)
def appointments_book(bench: Bench) -> Result:
    """POST the booking form for a free place of a slot in the coming weeks, for a
    participant of the hub. The bookings made are removed afterwards, so the data set
    stays as it was built."""
    rng = bench.rng("appointments.book")
    wanted = bench.warmup + bench.requests
    people = list(
        Participant.objects.filter(
            hub=bench.hub, merged_into__isnull=True, anonymised_at__isnull=True
        ).values_list("pk", flat=True)[:5000]
    )
    if not people:
        raise Skip("the hub has no participants")
    places: list[tuple[int, str]] = []
    today = local_today()
    for location in _locations(bench):
        for offset in range(5):
            days = week_of(today + timedelta(days=7 * offset))
            for slot in slots_for(location, days):
                places += [(location.pk, slot.starts_at.isoformat())] * slot.free
    if len(places) < bench.warmup + 20:
        raise Skip(f"only {len(places)} free places in the coming weeks")
    if len(places) < wanted:
        bench.notes.append(f"appointments.book: {len(places) - bench.warmup} bookings timed")
    rng.shuffle(places)
    requests = []
    for location_pk, start in places[:wanted]:
        url = reverse("appointments:book", kwargs={"hub": bench.hub.slug, "location": location_pk})
        participant = rng.choice(people)
        requests.append(f"{url}?start={quote(start)}&participant={participant}")
    before = Appointment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    latencies: list[float] = []
    queries: list[int] = []
    statuses: Counter[int] = Counter()
    for index, url in enumerate(requests):
        if bench.reconnect:
            close_old_connections()
        started = time.perf_counter()
        with CountQueries(connection) as captured:
            response = bench.client.post(url, {"topic": "taxes", "about": "Tax return"})
        elapsed = (time.perf_counter() - started) * 1000
        if index < bench.warmup:
            continue
        latencies.append(elapsed)
        queries.append(len(captured.captured_queries))
        # A booking answers with a redirect to the appointment; count it as success.
        statuses[200 if response.status_code == 302 else response.status_code] += 1
    if bench.reconnect:
        close_old_connections()
    made = Appointment.objects.filter(pk__gt=before, booked_by=bench.user)
    rows = Appointment.objects.count() - made.count()
    made.delete()
    return bench.result("appointments.book", Timing(latencies, queries, statuses), rows=rows)


@measurement("appointments.finish_to_log", order=330)
def appointments_finish_to_log(bench: Bench) -> Result:
    """The help log form as finishing an appointment opens it: pre-filled with the
    person, the topic (mapped to a help topic), the help point and the channel."""
    from digibank.appointments.services import HELP_TOPIC_FOR

    try:
        base = reverse("helpdesk:log", kwargs={"hub": bench.hub.slug})
    except NoReverseMatch as error:
        raise Skip("no URL named helpdesk:log yet") from error
    visits = list(
        Appointment.objects.filter(hub=bench.hub)
        .order_by("-starts_at")
        .values_list("participant_id", "topic", "location_id")[:500]
    )
    if not visits:
        raise Skip("the hub has no appointments")
    rng = bench.rng("appointments.finish_to_log")
    urls = []
    for _ in range(bench.warmup + bench.requests):
        person, topic, location = rng.choice(visits)
        query = urlencode(
            {
                "participant": person,
                "topic": HELP_TOPIC_FOR.get(topic, topic),
                "location": location,
                "channel": "appointment",
            }
        )
        urls.append(f"{base}?{query}")
    return bench.page_result("appointments.finish_to_log", urls, rows=Appointment.objects.count())
