"""The help desk: logging a help (the write path, through the form), a help point's day
view, and the participant page of a regular visitor with a long help history."""

from __future__ import annotations

import time
from collections import Counter

from django.db import close_old_connections, connection
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from digibank.helpdesk import rollups
from digibank.helpdesk.models import HelpQuestion, HelpTopic
from digibank.network.models import Location
from digibank.people.models import Participant

from ..registry import Bench, CountQueries, Result, Skip, Timing, measurement


def _url(name: str, **kwargs: object) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise Skip(f"no URL named {name} yet") from error


def _locations(bench: Bench) -> list[Location]:
    locations = list(Location.objects.filter(hub=bench.hub, is_active=True).order_by("pk"))
    if not locations:
        raise Skip("the hub has no open help point")
    return locations


def _help_rows() -> int:
    """The number of help questions, from the table's largest id (a count of 10 million
    rows takes seconds on SQLite; ids are dense in the built data set)."""
    return HelpQuestion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@measurement("helpdesk.log", order=400)
def helpdesk_log(bench: Bench) -> Result:
    """POST the log form as a digihelper does: one or two topics, anonymous or for a
    registered participant, a short note. The helps made are removed afterwards."""
    url = _url("helpdesk:log", hub=bench.hub.slug)
    rng = bench.rng("helpdesk.log")
    locations = _locations(bench)
    topics = list(HelpTopic.objects.filter(is_active=True).values_list("pk", flat=True))
    people = list(
        Participant.objects.filter(
            hub=bench.hub, merged_into__isnull=True, anonymised_at__isnull=True
        ).values_list("pk", flat=True)[:5000]
    )
    before = _help_rows()
    latencies: list[float] = []
    queries: list[int] = []
    statuses: Counter[int] = Counter()
    for index in range(bench.warmup + bench.requests):
        data: dict[str, object] = {
            "location": rng.choice(locations).pk,
            "topics": rng.sample(topics, k=rng.choice((1, 1, 1, 2))),
            "person_kind": "anonymous",
            "age_band": rng.choice(["25-44", "45-64", "65-79", ""]),
            "channel": "walk_in",
            "duration_minutes": rng.choice([10, 15, 20, 30]),
            "autonomy": "together",
            "outcome": "solved",
            "preferred_language": "nl",
            "note": rng.choice(["", "itsme op nieuwe gsm", "Aangifte samen ingediend"]),
        }
        if people and rng.random() < 0.45:
            data.update(person_kind="registered", participant=rng.choice(people), age_band="")
        if bench.reconnect:
            close_old_connections()
        started = time.perf_counter()
        with CountQueries(connection) as captured:
            response = bench.client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        if index < bench.warmup:
            continue
        latencies.append(elapsed)
        queries.append(len(captured.captured_queries))
        statuses[200 if response.status_code == 302 else response.status_code] += 1
    if bench.reconnect:
        close_old_connections()
    made = HelpQuestion.objects.filter(pk__gt=before, helper=bench.user)
    days = list(made.only("hub_id", "occurred_at"))
    made.delete()
    # The removal bypasses the services: recount the days' roll-ups (helpdesk.rollups).
    rollups.refresh_helps(days)
    return bench.result("helpdesk.log", Timing(latencies, queries, statuses), rows=before)


@measurement("helpdesk.day_view", order=410)
def helpdesk_day_view(bench: Bench) -> Result:
    """The day view of the hub's help points: mostly today, sometimes a day of the last
    months, sometimes page 2."""
    base = _url("helpdesk:day", hub=bench.hub.slug)
    rng = bench.rng("helpdesk.day_view")
    locations = _locations(bench)
    today = timezone.localdate()
    urls = []
    for _ in range(bench.warmup + bench.requests):
        roll = rng.random()
        day = today if roll < 0.6 else today.fromordinal(today.toordinal() - rng.randint(1, 90))
        page = "&page=2" if rng.random() < 0.2 else ""
        urls.append(f"{base}?location={rng.choice(locations).pk}&date={day.isoformat()}{page}")
    return bench.page_result("helpdesk.day_view", urls, rows=_help_rows())


@measurement("people.timeline", order=420)
def people_timeline(bench: Bench) -> Result:
    """The participant page (timeline of 20 items from every app) of the hub's regular
    visitors: the people with the most help questions."""
    _url("people:detail", hub=bench.hub.slug, pk=1)
    regulars = list(
        HelpQuestion.objects.filter(hub=bench.hub, participant__isnull=False)
        .values("participant")
        .annotate(number=Count("id"))
        .order_by("-number")
        .values_list("participant", "number")[:20]
    )
    if not regulars:
        raise Skip("no help questions for participants of the hub")
    bench.notes.append(
        f"people.timeline: participants with {regulars[-1][1]}–{regulars[0][1]} help questions"
    )
    rng = bench.rng("people.timeline")
    urls = [
        reverse("people:detail", kwargs={"hub": bench.hub.slug, "pk": rng.choice(regulars)[0]})
        for _ in range(bench.warmup + bench.requests)
    ]
    return bench.page_result("people.timeline", urls, rows=_help_rows())


@measurement("helpdesk.followups", order=430)
def helpdesk_followups(bench: Bench) -> Result:
    """The hub's follow-up list: open, due today or overdue, for the whole hub or one
    help point, sometimes page 2."""
    base = _url("helpdesk:follow_ups", hub=bench.hub.slug)
    rng = bench.rng("helpdesk.followups")
    locations = _locations(bench)
    urls = []
    for _ in range(bench.warmup + bench.requests):
        which = rng.choice(("open", "open", "today", "overdue"))
        where = f"&location={rng.choice(locations).pk}" if rng.random() < 0.5 else ""
        page = "&page=2" if rng.random() < 0.1 else ""
        urls.append(f"{base}?which={which}{where}{page}")
    return bench.page_result("helpdesk.followups", urls, rows=_help_rows())
