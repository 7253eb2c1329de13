"""Demo self-assessments: some participants of each hub filled in the questionnaire
before a course, most of them again after it, with higher scores on average.

Small scales go through the service (journaled, like real use). The large scale writes
about a tenth of all participants' assessments with the bulk loader: a "before" for each
of them, an "after" for about two thirds, 16 answers each (millions of answers)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from digibank.accounts.models import User
from digibank.assessments import services
from digibank.assessments.models import (
    AREA_NUMBERS,
    Answer,
    Assessment,
    Moment,
    Statement,
    Way,
    area_totals_of,
)
from digibank.demo.bulk import BulkTable, next_id, reset_sequences
from digibank.learning.models import Course
from digibank.people.models import Participant

if TYPE_CHECKING:
    from digibank.demo.scales import Scale
    from digibank.demo.seed_network import HubSeed

# Share of a hub's participants with a self-assessment (small scales; large: BULK_SHARE).
SHARE = 0.15
BULK_SHARE = 0.10
AFTER_SHARE = 0.65
BATCH = 20_000
AREA_COLUMNS = [f"{kind}_area_{area}" for kind in ("sum", "count") for area in AREA_NUMBERS]
RECORDING_ROLES = ("trainer", "staff", "digihelper", "coordinator")


def _recorders(hub_seed: HubSeed) -> list[int]:
    ids = [pk for role in RECORDING_ROLES for pk in hub_seed.team.get(role, [])]
    return ids


def _before_rating(rng: random.Random, area: int) -> int:
    # Safety (4) and content creation (3) start lowest, as in the EU self-test results.
    base = {1: 2.3, 2: 2.5, 3: 1.8, 4: 1.9, 5: 2.0}[area]
    return max(1, min(5, round(rng.gauss(base, 0.9))))


def _after_rating(rng: random.Random, before: int) -> int:
    return max(1, min(5, before + rng.choices((-1, 0, 1, 2), (1, 4, 6, 2))[0]))


ORDER = 200  # after learning: assessments refer to its courses


def seed(
    *, hubs: list[HubSeed], scale: Scale, seed: int, now: datetime, out: Callable[[str], None]
) -> None:
    statements = list(Statement.objects.filter(active=True).order_by("area", "position"))
    if not statements:
        return
    started = time.perf_counter()
    if scale.bulk:
        written = _bulk(hubs=hubs, statements=statements, seed=seed, now=now)
    else:
        written = _small(hubs=hubs, statements=statements, seed=seed, now=now)
    out(f"  self-assessments: {written} ({time.perf_counter() - started:.1f} s)")


def _small(*, hubs: list[HubSeed], statements: list[Statement], seed: int, now: datetime) -> int:
    rng = random.Random(f"{seed}:assessments")
    written = 0
    for hub_seed in hubs:
        hub = hub_seed.hub
        recorders = _recorders(hub_seed)
        if not recorders:
            continue
        users = {user.pk: user for user in User.objects.filter(pk__in=recorders)}
        courses = list(Course.objects.filter(hub=hub).order_by("pk"))
        people = list(
            Participant.objects.filter(
                hub=hub, anonymised_at__isnull=True, merged_into=None
            ).order_by("pk")
        )
        chosen = rng.sample(people, k=int(len(people) * SHARE))
        for person in chosen:
            course = rng.choice(courses) if courses and rng.random() < 0.8 else None
            actor = users[rng.choice(recorders)]
            before_day = (now - timedelta(days=rng.randint(40, 300))).date()
            before = {s.pk: _before_rating(rng, s.area) for s in statements}
            services.assessment_record(
                actor=actor,
                hub=hub,
                participant=person,
                moment=Moment.BEFORE,
                course=course,
                ratings=before,
                way=Way.PAPER if rng.random() < 0.4 else Way.SCREEN,
                taken_on=before_day,
            )
            written += 1
            if rng.random() < AFTER_SHARE:
                services.assessment_record(
                    actor=actor,
                    hub=hub,
                    participant=person,
                    moment=Moment.AFTER,
                    course=course,
                    ratings={pk: _after_rating(rng, rating) for pk, rating in before.items()},
                    way=Way.PAPER if rng.random() < 0.4 else Way.SCREEN,
                    taken_on=before_day + timedelta(days=rng.randint(28, 38)),
                )
                written += 1
    return written


def _bulk(*, hubs: list[HubSeed], statements: list[Statement], seed: int, now: datetime) -> int:
    rng = random.Random(f"{seed}:assessments")
    assessments = BulkTable(
        Assessment,
        [
            "id",
            "hub",
            "participant",
            "taken_at",
            "moment",
            "way",
            "course",
            "recorded_by",
            "latest",
            "paired",
            "created_at",
            *AREA_COLUMNS,
        ],
    )
    answers = BulkTable(Answer, ["assessment", "statement", "area", "rating"])
    next_assessment = next_id(Assessment)
    written = 0
    for hub_seed in hubs:
        recorders = _recorders(hub_seed)
        if not recorders:
            continue
        course_ids = list(
            Course.objects.filter(hub=hub_seed.hub).order_by("pk").values_list("pk", flat=True)
        )
        people = list(
            Participant.objects.filter(hub=hub_seed.hub).order_by("pk").values_list("pk", flat=True)
        )
        chosen = sorted(rng.sample(people, k=int(len(people) * BULK_SHARE)))
        rows: list[tuple[Any, ...]] = []
        answer_rows: list[tuple[int, int, int, int]] = []
        for person in chosen:
            course = rng.choice(course_ids) if course_ids and rng.random() < 0.8 else None
            recorder = rng.choice(recorders)
            before_at = now - timedelta(days=rng.randint(40, 700), minutes=rng.randint(0, 600))
            with_after = rng.random() < AFTER_SHARE
            ratings = [_before_rating(rng, s.area) for s in statements]
            for moment, taken_at, values in _moments(rng, before_at, ratings, with_after):
                pk = next_assessment
                next_assessment += 1
                way = Way.PAPER if rng.random() < 0.4 else Way.SCREEN
                totals = area_totals_of(
                    [(s.area, value) for s, value in zip(statements, values, strict=True)]
                )
                rows.append(
                    (
                        *(pk, hub_seed.hub.pk, person, taken_at, moment, way, course, recorder),
                        *(True, with_after, taken_at),
                        *(totals[column] for column in AREA_COLUMNS),
                    )
                )
                answer_rows.extend(
                    (pk, s.pk, s.area, value) for s, value in zip(statements, values, strict=True)
                )
                written += 1
            if len(answer_rows) >= BATCH:
                _flush(assessments, rows, answers, answer_rows)
        _flush(assessments, rows, answers, answer_rows)
    reset_sequences([Assessment, Answer])
    return written


def _flush(
    assessments: BulkTable,
    rows: list[tuple[Any, ...]],
    answers: BulkTable,
    answer_rows: list[tuple[int, int, int, int]],
) -> None:
    """Write the assessments before their answers (which point at them)."""
    assessments.write(rows)
    answers.write(answer_rows)
    rows.clear()
    answer_rows.clear()


def _moments(
    rng: random.Random, before_at: datetime, ratings: list[int], with_after: bool
) -> Iterator[tuple[str, datetime, list[int]]]:
    yield Moment.BEFORE, before_at, ratings
    if with_after:
        after_at = before_at + timedelta(days=rng.randint(28, 38))
        yield Moment.AFTER, after_at, [_after_rating(rng, value) for value in ratings]
