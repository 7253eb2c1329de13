"""Learning: the session list, a session's page with its enrolments, and the two write
paths (enrolling a person, taking attendance with one tap). Write measurements undo their
rows afterwards, so the data set stays as it was built (journal lines stay: append-only)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence

from django.db import close_old_connections, connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from digibank.learning.models import Attendance, Enrolment, Meeting, Session, SessionStatus
from digibank.people.models import Participant

from ..registry import Bench, CountQueries, Result, Skip, Timing, measurement


def _timed_posts(bench: Bench, posts: Sequence[tuple[str, Mapping[str, object]]]) -> Timing:
    latencies: list[float] = []
    queries: list[int] = []
    statuses: Counter[int] = Counter()
    for index, (url, data) in enumerate(posts):
        if bench.reconnect:
            close_old_connections()  # what the server does when the previous request ends
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
    return Timing(latencies, queries, statuses)


def _session_ids(bench: Bench, *, open_only: bool = False, limit: int = 2000) -> list[int]:
    sessions = Session.objects.filter(hub=bench.hub)
    if open_only:
        sessions = sessions.filter(status__in=(SessionStatus.PLANNED, SessionStatus.FULL))
    ids = list(sessions.order_by("-first_meeting_at", "-id").values_list("pk", flat=True)[:limit])
    if not ids:
        raise Skip("the hub has no sessions")
    return ids


@measurement("learning.session_list", order=200)
def session_list(bench: Bench) -> Result:
    rng = bench.rng("learning.session_list")
    base = reverse("learning:sessions", kwargs={"hub": bench.hub.slug})
    urls = [
        f"{base}?show={rng.choice(['open', '', 'done'])}&page={rng.randint(1, 20)}"
        for _ in range(bench.warmup + bench.requests)
    ]
    return bench.page_result("learning.session_list", urls, rows=Session.objects.count())


@measurement("learning.session_detail", order=210)
def session_detail(bench: Bench) -> Result:
    rng = bench.rng("learning.session_detail")
    ids = _session_ids(bench)
    urls = [
        reverse("learning:session", kwargs={"hub": bench.hub.slug, "pk": rng.choice(ids)})
        for _ in range(bench.warmup + bench.requests)
    ]
    return bench.page_result("learning.session_detail", urls, rows=Enrolment.objects.count())


def _restore_seats(session_ids: set[int]) -> None:
    """Put seats_taken and status back from the enrolments left."""
    counts = dict(
        Session.objects.filter(pk__in=session_ids)
        .annotate(
            held=Count("enrolments", filter=Q(enrolments__status__in=["enrolled", "offered"]))
        )
        .values_list("pk", "held")
    )
    for pk, held in counts.items():
        session = Session.objects.get(pk=pk)
        session.seats_taken = held
        if session.status in (SessionStatus.PLANNED, SessionStatus.FULL):
            session.status = (
                SessionStatus.FULL if held >= session.capacity else SessionStatus.PLANNED
            )
        session.save(update_fields=["seats_taken", "status"])


@measurement("learning.enrol", order=220)
def enrol(bench: Bench) -> Result:
    """POST the enrol form: a seat taken by a conditional UPDATE, the enrolment row and
    its journal line in one transaction (or a place on the waiting list)."""
    rng = bench.rng("learning.enrol")
    sessions = _session_ids(bench, open_only=True, limit=500)
    people = list(
        Participant.objects.filter(
            hub=bench.hub, merged_into__isnull=True, anonymised_at__isnull=True
        ).values_list("pk", flat=True)[:20_000]
    )
    if not people:
        raise Skip("the hub has no participants")
    wanted = bench.warmup + bench.requests
    posts = []
    for _ in range(wanted):
        session = rng.choice(sessions)
        url = reverse("learning:enrol", kwargs={"hub": bench.hub.slug, "pk": session})
        posts.append((url, {"participant": rng.choice(people)}))
    before = Enrolment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    timing = _timed_posts(bench, posts)
    made = Enrolment.objects.filter(pk__gt=before, created_by=bench.user)
    touched = set(made.values_list("session_id", flat=True))
    made.delete()
    _restore_seats(touched)
    bench.notes.append(
        f"learning.enrol: {timing.per_s:.0f} enrolments/s on one connection (target >= 200)"
    )
    return bench.result("learning.enrol", timing, rows=Enrolment.objects.count())


@measurement("learning.attendance", order=230)
def attendance(bench: Bench) -> Result:
    """POST one tap on the attendance list (present or absent) for an enrolled person."""
    rng = bench.rng("learning.attendance")
    sessions = _session_ids(bench, limit=500)
    pairs = list(
        Enrolment.objects.filter(session_id__in=sessions, status="enrolled").values_list(
            "pk", "session_id"
        )[:20_000]
    )
    meetings: dict[int, list[int]] = {}
    # Attendance is marked for meetings that have started, by the session's trainers.
    for pk, session_id in Meeting.objects.filter(
        session_id__in=sessions, starts_at__lte=timezone.now()
    ).values_list("pk", "session_id"):
        meetings.setdefault(session_id, []).append(pk)
    pairs = [pair for pair in pairs if pair[1] in meetings]
    if not pairs:
        raise Skip("no enrolled people with meetings that have started")
    added = _train(bench, {session for _pk, session in pairs})
    posts = []
    for _ in range(bench.warmup + bench.requests):
        enrolment, session = rng.choice(pairs)
        meeting = rng.choice(meetings[session])
        url = reverse("learning:attendance", kwargs={"hub": bench.hub.slug, "pk": meeting})
        posts.append((url, {"enrolment": enrolment, "status": rng.choice(["present", "absent"])}))
    before = Attendance.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    timing = _timed_posts(bench, posts)
    Attendance.objects.filter(pk__gt=before, recorded_by=bench.user).delete()
    _untrain(added)
    return bench.result("learning.attendance", timing, rows=Attendance.objects.count())


def _train(bench: Bench, session_ids: set[int]) -> list[int]:
    """Make the benchmark's user a trainer of these sessions; returns the rows added."""
    through = Session.trainers.through
    already = set(
        through.objects.filter(session_id__in=session_ids, user=bench.user).values_list(
            "session_id", flat=True
        )
    )
    rows = [through(session_id=pk, user=bench.user) for pk in session_ids - already]
    through.objects.bulk_create(rows)
    return list(
        through.objects.filter(session_id__in=session_ids - already, user=bench.user).values_list(
            "pk", flat=True
        )
    )


def _untrain(row_ids: list[int]) -> None:
    Session.trainers.through.objects.filter(pk__in=row_ids).delete()


@measurement("learning.my_sessions", order=240)
def my_sessions(bench: Bench) -> Result:
    """A trainer's own page: the open sessions they train (here 30 of the big hub, as a
    busy trainer) and their meetings today."""
    ids = _session_ids(bench, open_only=True, limit=30)
    added = _train(bench, set(ids))
    url = reverse("learning:mine", kwargs={"hub": bench.hub.slug})
    try:
        result = bench.page_result(
            "learning.my_sessions",
            [url] * (bench.warmup + bench.requests),
            rows=Session.objects.count(),
        )
    finally:
        _untrain(added)
    return result
