"""Demo learning data: each hub's course catalogue (DigComp competences and levels), past
sessions with attendance and certificates, coming sessions that are full with a waiting
list and an open offer, and a shared template other hubs can copy.

Small scales go through the services (journaled, like real use). The large scale writes
200,000 sessions with their meetings and 5,000,000 enrolments with the bulk loader
(executemany on SQLite, COPY on PostgreSQL), deterministic per seed."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.utils import timezone

from digibank.accounts.models import User
from digibank.demo.bulk import BulkTable, indexes_deferred, next_id, reset_sequences
from digibank.learning import classroom, queries, services
from digibank.learning.digcomp import Competence
from digibank.learning.models import (
    Course,
    CourseCompetence,
    Enrolment,
    EnrolmentStatus,
    Meeting,
    Session,
    SessionStatus,
)
from digibank.people.models import Participant

if TYPE_CHECKING:
    from digibank.demo.scales import Scale
    from digibank.demo.seed_network import HubSeed

# (title, description, audiences, track, format, meetings, hours, competences)
CATALOGUE: tuple[tuple[str, str, list[str], str, str, int, str, list[tuple[str, int]]], ...] = (
    (
        "Aan de slag met je smartphone",
        "Bellen, berichten sturen, foto's nemen en apps installeren. In kleine groep, "
        "op je eigen toestel.",
        ["seniors", "citizens"],
        "",
        "in_person",
        4,
        "8.0",
        [("2.1", 1), ("5.1", 1)],
    ),
    (
        "Veilig online bankieren",
        "Je bankapp gebruiken, phishing herkennen en wat je doet als het misloopt.",
        ["seniors", "citizens", "newcomers"],
        "",
        "in_person",
        3,
        "6.0",
        [("4.1", 2), ("4.2", 2), ("1.2", 2)],
    ),
    (
        "itsme en Mijn Burgerprofiel",
        "Je digitale sleutel instellen en je documenten van de overheid vinden.",
        ["citizens", "newcomers", "jobseekers"],
        "",
        "in_person",
        2,
        "4.0",
        [("2.3", 2), ("2.6", 2)],
    ),
    (
        "Solliciteren met de computer",
        "Een cv maken, vacatures zoeken bij VDAB en online solliciteren.",
        ["jobseekers", "newcomers"],
        "",
        "hybrid",
        5,
        "12.5",
        [("1.1", 3), ("3.1", 2), ("2.1", 3)],
    ),
    (
        "Laptops herstellen en herinstalleren",
        "Technisch traject: schijven wissen, Linux en Windows installeren, onderdelen vervangen.",
        ["digihelpers", "jobseekers"],
        "IT-herstelling",
        "in_person",
        8,
        "24.0",
        [("5.1", 5), ("4.1", 4), ("4.4", 3)],
    ),
    (
        "Mediacoach in de zorg",
        "Voor zorgverleners: jongeren begeleiden in hun digitale leven.",
        ["media_coaches", "teachers"],
        "",
        "online",
        6,
        "18.0",
        [("4.3", 5), ("2.5", 4), ("5.4", 4)],
    ),
    (
        "Digitale vaardigheden voor loketmedewerkers",
        "Voor lokale besturen: burgers helpen zonder in hun plaats in te loggen.",
        ["government_staff"],
        "",
        "online",
        2,
        "5.0",
        [("2.3", 4), ("4.2", 4)],
    ),
)
SHARED_TITLE = "Veilig online bankieren"

SESSIONS = 200_000
ENROLMENTS = 5_000_000
BATCH = 50_000


def seed(
    *, hubs: list[HubSeed], scale: Scale, seed: int, now: datetime, out: Callable[[str], None]
) -> None:
    started = time.perf_counter()
    competences = {c.code: c for c in Competence.objects.all()}
    if scale.bulk:
        counts = _bulk(hubs=hubs, seed=seed, now=now, competences=competences)
        seconds = time.perf_counter() - started
        rows = sum(counts.values())
        out(
            f"  learning: {counts['sessions']} sessions, {counts['meetings']} meetings, "
            f"{counts['enrolments']} enrolments ({seconds:.1f} s, {rows / seconds:,.0f} rows/s)"
        )
    else:
        written = _small(hubs=hubs, seed=seed, now=now, competences=competences)
        out(f"  learning: {written} enrolments ({time.perf_counter() - started:.1f} s)")


def _staff(hub_seed: HubSeed) -> tuple[User | None, list[User]]:
    ids = [pk for role in ("coordinator", "staff") for pk in hub_seed.team.get(role, [])]
    trainer_ids = [*hub_seed.team.get("trainer", []), *ids]
    users = {u.pk: u for u in User.objects.filter(pk__in=[*ids, *trainer_ids])}
    actor = users.get(ids[0]) if ids else None
    return actor, [users[pk] for pk in trainer_ids if pk in users][:3]


class _Times(TypedDict):
    starts_at: datetime
    ends_at: datetime


def _when(day: datetime, hour: int, hours: float) -> _Times:
    start = day.replace(hour=hour, minute=0, second=0, microsecond=0)
    return {"starts_at": start, "ends_at": start + timedelta(minutes=int(hours * 60))}


def _small(
    *, hubs: list[HubSeed], seed: int, now: datetime, competences: dict[str, Competence]
) -> int:
    rng = random.Random(f"{seed}:learning")
    written = 0
    local_now = timezone.localtime(now)
    for index, hub_seed in enumerate(hubs):
        actor, trainers = _staff(hub_seed)
        if actor is None or not hub_seed.locations:
            continue
        hub = hub_seed.hub
        people = list(
            Participant.objects.filter(hub=hub, anonymised_at__isnull=True, merged_into=None)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(people) < 4:
            continue
        courses = []
        for title, description, audiences, track, fmt, meetings, hours, levels in rng.sample(
            CATALOGUE, k=min(len(CATALOGUE), 4 + index % 3)
        ):
            courses.append(
                services.course_create(
                    actor=actor,
                    hub=hub,
                    data={
                        "title": title,
                        "description": description,
                        "audiences": audiences,
                        "technical_track": track,
                        "format": fmt,
                        "languages": ["nl"] if index % 2 else ["nl", "fr"],
                        "meeting_count": meetings,
                        "hours": Decimal(hours),
                        "min_attendance_percent": 75,
                        "is_shared_template": index == 0 and title == SHARED_TITLE,
                    },
                    competences=[(competences[code], level) for code, level in levels],
                )
            )
        for number, course in enumerate(courses):
            past = number % 2 == 0
            first_day = local_now + timedelta(
                days=-rng.randint(30, 90) if past else rng.randint(2, 20)
            )
            location = rng.choice(hub_seed.locations)
            per_meeting = float(course.hours) / course.meeting_count
            capacity = rng.choice((6, 8, 10, 12))
            session = services.session_create(
                actor=actor,
                course=course,
                capacity=capacity,
                name=("Voorjaar" if past else "Najaar"),
                trainers=trainers[:1],
                first_meeting={**_when(first_day, 14, per_meeting), "location": location},
            )
            for week in range(1, course.meeting_count):
                services.meeting_add(
                    actor=actor,
                    session=session,
                    **_when(first_day + timedelta(days=7 * week), 14, per_meeting),
                    location=location,
                )
            wanted = capacity + (0 if past else rng.randint(1, 3))
            chosen = rng.sample(people, k=min(len(people), wanted))
            enrolments = [
                services.enrolment_create(
                    actor=actor, session=session, participant=Participant(pk=pk, hub_id=hub.pk)
                )
                for pk in chosen
            ]
            written += len(enrolments)
            if past:
                # Attendance is marked by the session's own trainer.
                teacher = trainers[0] if trainers else actor
                # A long course that began a month ago still has meetings to come.
                held = [m for m in session.meetings.all() if classroom.meeting_is_markable(m)]
                for enrolment in enrolments:
                    presence = rng.random()
                    for meeting in held:
                        status = (
                            "present"
                            if rng.random() < presence + 0.3
                            else ("excused" if rng.random() < 0.3 else "absent")
                        )
                        services.attendance_record(
                            actor=teacher, meeting=meeting, enrolment=enrolment, status=status
                        )
                    if queries.certificate_eligibility(enrolment).eligible:
                        classroom.certificate_issue_one(actor=teacher, enrolment=enrolment)
                services.session_mark_done(actor=actor, session=session)
            elif len(enrolments) > capacity and number == 1:
                # Someone dropped out: the first person waiting has an open offer.
                services.enrolment_cancel(actor=actor, enrolment=enrolments[0])
    return written


# --- the large benchmark data set -------------------------------------------------------


def _bulk(
    *, hubs: list[HubSeed], seed: int, now: datetime, competences: dict[str, Competence]
) -> dict[str, int]:
    rng = random.Random(f"{seed}:learning")
    course_table = BulkTable(
        Course,
        ["id", "hub", "title", "description", "audiences", "format", "languages",
         "meeting_count", "hours", "min_attendance_percent", "created_at", "updated_at",
         "technical_track", "materials"],
    )  # fmt: skip
    link_table = BulkTable(CourseCompetence, ["course", "competence", "target_level"])
    session_table = BulkTable(
        Session,
        ["id", "hub", "course", "name", "capacity", "seats_taken", "status",
         "first_meeting_at", "created_at", "updated_at", "cancel_reason"],
    )  # fmt: skip
    meeting_table = BulkTable(
        Meeting, ["hub", "session", "starts_at", "ends_at", "location", "online_url"]
    )
    enrolment_table = BulkTable(
        Enrolment,
        ["hub", "session", "participant", "status", "source", "enrolled_at",
         "created_at", "updated_at"],
    )  # fmt: skip

    course_id = next_id(Course)
    session_id = next_id(Session)
    total_weight = sum(h.spec.weight for h in hubs)
    per_session = ENROLMENTS / SESSIONS
    courses: dict[int, list[tuple[int, int, float]]] = {}
    course_rows: list[tuple[Any, ...]] = []
    link_rows: list[tuple[Any, ...]] = []
    for hub_seed in hubs:
        hub_courses = []
        for title, description, audiences, track, fmt, meetings, hours, levels in CATALOGUE:
            course_rows.append(
                (course_id, hub_seed.hub.pk, title, description, audiences, fmt, ["nl"],
                 meetings, Decimal(hours), 75, now, now, track, "")
            )  # fmt: skip
            link_rows += [(course_id, competences[c].pk, level) for c, level in levels]
            hub_courses.append((course_id, meetings, float(hours) / meetings))
            course_id += 1
        courses[hub_seed.hub.pk] = hub_courses
    course_table.write(course_rows)
    link_table.write(link_rows)

    counts = {"sessions": 0, "meetings": 0, "enrolments": 0}
    with indexes_deferred(Enrolment), indexes_deferred(Meeting), indexes_deferred(Session):
        for hub_seed in hubs:
            hub_id = hub_seed.hub.pk
            people = list(
                Participant.objects.filter(hub_id=hub_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if len(people) < 5 or not hub_seed.locations:
                continue
            sessions = round(SESSIONS * hub_seed.spec.weight / total_weight)
            locations = [location.pk for location in hub_seed.locations]
            sessions_rows: list[tuple[Any, ...]] = []
            meeting_rows: list[tuple[Any, ...]] = []
            enrolment_rows: list[tuple[Any, ...]] = []
            for _ in range(sessions):
                course, meetings, per_meeting = rng.choice(courses[hub_id])
                capacity = rng.randint(15, 30)
                wanted = min(len(people), max(1, round(rng.gauss(per_session, 4))))
                seated = min(capacity, wanted)
                first = (now - timedelta(days=rng.randint(-60, 1500))).replace(
                    hour=rng.choice((9, 13, 18)), minute=0
                )
                done = first < now - timedelta(days=7 * meetings)
                status = (
                    SessionStatus.DONE
                    if done
                    else SessionStatus.FULL
                    if seated == capacity
                    else SessionStatus.PLANNED
                )
                sessions_rows.append(
                    (
                        session_id,
                        hub_id,
                        course,
                        "",
                        capacity,
                        seated,
                        status,
                        first,
                        first,
                        first,
                        "",
                    )
                )
                location = rng.choice(locations)
                length = timedelta(minutes=int(per_meeting * 60))
                for week in range(meetings):
                    start = first + timedelta(days=7 * week)
                    meeting_rows.append((hub_id, session_id, start, start + length, location, ""))
                for position, participant in enumerate(rng.sample(people, k=wanted)):
                    when = first - timedelta(days=30, minutes=position)
                    enrolled = position < seated
                    enrolment_rows.append(
                        (
                            hub_id,
                            session_id,
                            participant,
                            EnrolmentStatus.ENROLLED
                            if enrolled
                            else EnrolmentStatus.CANCELLED
                            if done
                            else EnrolmentStatus.WAITING,
                            "staff",
                            when if enrolled else None,
                            when,
                            when,
                        )
                    )
                session_id += 1
                if len(enrolment_rows) >= BATCH:
                    counts["sessions"] += _flush(session_table, sessions_rows)
                    counts["meetings"] += _flush(meeting_table, meeting_rows)
                    counts["enrolments"] += _flush(enrolment_table, enrolment_rows)
            counts["sessions"] += _flush(session_table, sessions_rows)
            counts["meetings"] += _flush(meeting_table, meeting_rows)
            counts["enrolments"] += _flush(enrolment_table, enrolment_rows)
    reset_sequences([Course, CourseCompetence, Session, Meeting, Enrolment])
    return counts


def _flush(table: BulkTable, rows: list[tuple[Any, ...]]) -> int:
    written = table.write(rows)
    rows.clear()
    return written
